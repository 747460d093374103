# SPDX-License-Identifier: Apache-2.0
"""Filing and withdrawing applications: deadlines, e-voting, one open application, scans, signatures."""
import datetime as dt
from pathlib import Path

import pytest

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.cabinet import signing
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import (
    ApplicationRefused,
    Claim,
    evoting_statement,
    file_application,
    withdraw_application,
)
from shailoo.register import services as register_services
from shailoo.register.models import VoterListEntry
from tests.cabinet.helpers import (
    credential_hex,
    days_before,
    listed_citizen,
    make_staff,
    make_world,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 4, 9)


@pytest.fixture
def world():
    return make_world(election_day=DAY)


def correction(world, citizen, *, now, scan=None, precinct_number=""):
    return file_application(
        kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="0555 123 456",
        claim=Claim(what_is_wrong="I moved", values={"street": "Жеңиш", "house": "5"}, precinct_number=precinct_number),
        scan=scan if scan is not None else upload(png_bytes()), now=now,
    )


def signed_evoting(world, citizen, *, now, pin=None):
    statement = evoting_statement(election=world.election, pin=citizen.pin, phone="+996555123456", at=now)
    signature = signing.get_signer().sign(pin=pin or citizen.pin, statement=statement.encode())
    return file_application(
        kind=Application.Kind.EVOTING, election=world.election, pin=citizen.pin, phone="+996555123456",
        signed_statement=statement, signature=signature, now=now,
    )


def test_a_correction_on_the_last_day_late_in_the_evening_is_accepted(world):
    citizen = listed_citizen(world)
    application = correction(world, citizen, now=days_before(DAY, 16, 23, 59))
    assert application.status == Application.Status.FILED
    assert [event.status for event in application.events.all()] == ["filed"]
    assert application.phone == "+996555123456" and application.claimed["street"] == "Жеңиш"


def test_a_correction_one_minute_after_the_deadline_is_refused(world):
    citizen = listed_citizen(world)
    moment = days_before(DAY, 16, 23, 59) + dt.timedelta(minutes=1)
    with pytest.raises(ApplicationRefused) as refused:
        correction(world, citizen, now=moment)
    assert refused.value.code == "deadline_passed" and not Application.objects.exists()


def test_the_deadline_is_the_bishkek_day_not_the_utc_day(world):
    citizen = listed_citizen(world)
    # 18:30 UTC on day -16 is already 00:30 of day -15 in Bishkek (UTC+6).
    moment = dt.datetime.combine(DAY - dt.timedelta(days=16), dt.time(18, 30), tzinfo=dt.UTC)
    with pytest.raises(ApplicationRefused):
        correction(world, citizen, now=moment)


def test_the_cec_override_of_the_corrections_deadline_is_enforced(world):
    world.election.corrections_until = DAY - dt.timedelta(days=20)
    world.election.save()
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused):
        correction(world, citizen, now=days_before(DAY, 19))


def test_a_correction_can_ask_for_another_precinct_of_the_election(world):
    citizen = listed_citizen(world)
    application = correction(world, citizen, now=days_before(DAY, 20), precinct_number=world.second_precinct.number)
    assert application.precinct == world.second_precinct


def test_a_precinct_of_another_election_is_refused(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        correction(world, citizen, now=days_before(DAY, 20), precinct_number=world.other_precinct.number)
    assert refused.value.code == "unknown_precinct"


def test_a_second_open_application_of_the_same_kind_is_refused(world):
    citizen = listed_citizen(world)
    correction(world, citizen, now=days_before(DAY, 20))
    with pytest.raises(ApplicationRefused) as refused:
        correction(world, citizen, now=days_before(DAY, 20))
    assert refused.value.code == "already_open"


def test_after_withdrawing_a_new_application_can_be_filed(world):
    citizen = listed_citizen(world)
    first = correction(world, citizen, now=days_before(DAY, 20))
    withdraw_application(application=first, pin=citizen.pin)
    assert correction(world, citizen, now=days_before(DAY, 20)).pk != first.pk


def test_a_missing_voter_files_with_the_precinct_of_their_address(world):
    citizen = make_citizen(world.territory.settlement)
    application = file_application(
        kind=Application.Kind.MISSING, election=world.election, pin=citizen.pin, phone="+996700000001",
        claim=Claim(what_is_wrong="not on the list", precinct_number=world.precinct.number),
        scan=upload(pdf_bytes(), "passport.pdf"), now=days_before(DAY, 30),
    )
    assert application.precinct == world.precinct and application.scan_content_type == "application/pdf"


def test_a_listed_voter_cannot_claim_to_be_missing(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.MISSING, election=world.election, pin=citizen.pin, phone="+996700000001",
                         claim=Claim(precinct_number=world.precinct.number), scan=upload(png_bytes()),
                         now=days_before(DAY, 30))
    assert refused.value.code == "already_listed"


def test_a_pin_not_in_the_register_is_sent_to_a_public_service_centre(world):
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.MISSING, election=world.election, pin="21705199012345",
                         phone="+996700000001", claim=Claim(precinct_number=world.precinct.number),
                         scan=upload(png_bytes()), now=days_before(DAY, 30))
    assert refused.value.code == "not_in_register"


def test_the_scan_is_stored_outside_the_web_root_under_a_random_name(world, settings):
    citizen = listed_citizen(world)
    application = correction(world, citizen, now=days_before(DAY, 20), scan=upload(png_bytes(), "../../evil.png"))
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "scans" / application.scan_name
    assert path.read_bytes() == png_bytes() and "evil" not in application.scan_name
    assert not str(path).startswith(str(settings.STATIC_ROOT)) and oct(path.stat().st_mode)[-3:] == "600"


def test_a_scan_is_judged_by_its_content_not_its_name(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        correction(world, citizen, now=days_before(DAY, 20), scan=upload(b"<html>not an image</html>", "scan.png"))
    assert refused.value.code == "scan_type"
    application = correction(world, citizen, now=days_before(DAY, 20), scan=upload(png_bytes(), "scan.txt"))
    assert application.scan_content_type == "image/png"


def test_a_scan_of_jpeg_is_accepted_and_over_5_mb_is_refused(world, settings):
    citizen = listed_citizen(world)
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(ApplicationRefused) as refused:
        correction(world, citizen, now=days_before(DAY, 20), scan=upload(big, "big.jpg"))
    assert refused.value.code == "scan_too_large"
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT)).rglob("*.jpg"))
    exactly_5mb = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024 - 4)
    assert correction(world, citizen, now=days_before(DAY, 20), scan=upload(exactly_5mb, "ok.jpg")).scan_size == 5 * 1024 * 1024


def test_an_online_correction_needs_a_scan(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin,
                         phone="+996555123456", claim=Claim(what_is_wrong="x"), now=days_before(DAY, 20))
    assert refused.value.code == "scan_needed"


def test_a_bad_phone_number_is_refused(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="12",
                         claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()), now=days_before(DAY, 20))
    assert refused.value.code == "invalid_phone"


def test_an_evoting_application_with_a_valid_signature_is_filed_and_audited(world):
    citizen = listed_citizen(world)
    application = signed_evoting(world, citizen, now=days_before(DAY, 15, 23, 59))
    assert application.signer_key_id.startswith("ed25519:") and application.signature
    audit = AuditEntry.objects.get(kind=AuditKind.APPLICATION_FILED)
    assert audit.payload["kind"] == "evoting" and audit.actor_label.startswith("voter:")
    assert citizen.pin not in audit.actor_label


def test_evoting_enrolment_closes_at_the_end_of_day_minus_15(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        signed_evoting(world, citizen, now=days_before(DAY, 14, 0, 0))
    assert refused.value.code == "deadline_passed"


def test_a_signature_by_another_voters_key_is_refused(world):
    citizen = listed_citizen(world)
    other = make_citizen(world.territory.settlement)
    with pytest.raises(ApplicationRefused) as refused:
        signed_evoting(world, citizen, now=days_before(DAY, 20), pin=other.pin)
    assert refused.value.code == "invalid_signature"


def test_a_tampered_statement_is_refused(world):
    citizen = listed_citizen(world)
    now = days_before(DAY, 20)
    statement = evoting_statement(election=world.election, pin=citizen.pin, phone="+996555123456", at=now)
    signature = signing.get_signer().sign(pin=citizen.pin, statement=statement.encode())
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.EVOTING, election=world.election, pin=citizen.pin,
                         phone="+996555123456", signed_statement=statement.replace("I ask", "I do not ask"),
                         signature=signature, now=now)
    assert refused.value.code == "invalid_signature"


def test_the_signed_statement_binds_the_credential(world):
    citizen = listed_citizen(world)
    now = days_before(DAY, 20)
    key = credential_hex()
    statement = evoting_statement(election=world.election, pin=citizen.pin, phone="+996555123456", at=now,
                                  credential=key)
    signature = signing.get_signer().sign(pin=citizen.pin, statement=statement.encode())
    application = file_application(kind=Application.Kind.EVOTING, election=world.election, pin=citizen.pin,
                                   phone="+996555123456", signed_statement=statement, signature=signature,
                                   credential_public_key=key, now=now)
    assert application.credential_public_key == key


def test_a_credential_the_voter_did_not_sign_is_refused(world):
    citizen = listed_citizen(world)
    now = days_before(DAY, 20)
    statement = evoting_statement(election=world.election, pin=citizen.pin, phone="+996555123456", at=now,
                                  credential=credential_hex())
    signature = signing.get_signer().sign(pin=citizen.pin, statement=statement.encode())
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.EVOTING, election=world.election, pin=citizen.pin,
                         phone="+996555123456", signed_statement=statement, signature=signature,
                         credential_public_key=credential_hex(), now=now)
    assert refused.value.code == "statement_mismatch"
    assert not Application.objects.filter(pin=citizen.pin).exists()


def test_evoting_is_refused_where_the_election_offers_none():
    world = make_world(election_day=DAY, evoting=False)
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused) as refused:
        signed_evoting(world, citizen, now=days_before(DAY, 20))
    assert refused.value.code == "no_evoting"


def test_an_approved_evoting_enrolment_can_be_withdrawn_until_the_deadline_only(world):
    citizen = listed_citizen(world)
    application = signed_evoting(world, citizen, now=days_before(DAY, 20))
    register_services.enrol_evoter(election=world.election, citizen=citizen, actor=None, reason="t")
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPLIED)
    with pytest.raises(ApplicationRefused):
        withdraw_application(application=application, pin=citizen.pin, now=days_before(DAY, 14, 0, 1))
    withdraw_application(application=application, pin=citizen.pin, now=days_before(DAY, 15, 23, 0))
    assert VoterListEntry.objects.get(citizen=citizen).voting_mode == "paper"
    assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN


def test_a_voter_cannot_withdraw_someone_elses_application(world):
    citizen = listed_citizen(world)
    application = correction(world, citizen, now=days_before(DAY, 20))
    with pytest.raises(ApplicationRefused) as refused:
        withdraw_application(application=application, pin="11111111111111")
    assert refused.value.code == "not_yours"


def test_a_walk_in_application_needs_a_commission_member(world):
    citizen = listed_citizen(world)
    with pytest.raises(ApplicationRefused):
        file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin,
                         phone="+996555123456", claim=Claim(what_is_wrong="x"),
                         channel=Application.Channel.WALK_IN, now=days_before(DAY, 20))
    clerk = make_staff("pc", "precinct", precinct=world.precinct)
    application = file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin,
                                   phone="+996555123456", claim=Claim(what_is_wrong="x"),
                                   channel=Application.Channel.WALK_IN, actor=clerk, now=days_before(DAY, 20))
    assert application.events.get().actor == clerk


def test_a_citizen_not_18_on_election_day_cannot_apply_to_be_listed(world):
    born = DAY.replace(year=DAY.year - 18) + dt.timedelta(days=1)
    citizen = make_citizen(world.territory.settlement, birth_date=born)
    with pytest.raises(ApplicationRefused) as refused:
        file_application(kind=Application.Kind.MISSING, election=world.election, pin=citizen.pin,
                         phone="+996700000001", claim=Claim(precinct_number=world.precinct.number),
                         scan=upload(png_bytes()), now=days_before(DAY, 30))
    assert refused.value.code == "under_age"


def test_the_decision_sms_fits_two_cyrillic_parts_in_both_languages(world):
    from shailoo.commission.services import decision_sms_text

    precinct = world.precinct
    precinct.address_ky = precinct.address_ru = "Самаркандек айылы, Борбордук көчөсү, 1, орто мектептин спорт залы, " * 3
    application = Application(pk=9_999_999, language="ky", precinct=precinct, kind=Application.Kind.CORRECTION,
                              decision_reason="Паспорттогу дарек арызда жазылган дарекке дал келбейт " * 5)
    for language in ("ky", "ru", "en"):
        application.language = language
        for decision in ("approved", "rejected"):
            text = decision_sms_text(application, decision)
            assert len(text.encode("utf-16-le")) // 2 <= 134, text
            assert f"№{precinct.number}" in text or f"No. {precinct.number}" in text
