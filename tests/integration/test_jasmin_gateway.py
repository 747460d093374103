# SPDX-License-Identifier: Apache-2.0
"""SMS 119 through Jasmin from PyPI, run from docs/gateways/jasmin.cfg and docs/gateways/jasmin-119.jcli:
the operator's SMSC (Jasmin's own simulator) delivers the voter's SMS over SMPP → Jasmin's MO router →
Shailoo's /sms/jasmin (ACK/Jasmin) → the outbox → `send_due` through Jasmin's HTTP API → SMPP submit_sm to
the SMSC, which is what the phone gets. Each test checks the submitted PDUs: data coding, concatenation
header, the bytes of every part and the text they decode to."""
import pytest

from shailoo.messaging.models import InboundSms, OutboundSms
from shailoo.messaging.outbox import send_due
from shailoo.messaging.senders import get_sender
from shailoo.messaging.services import queue_sms
from shailoo.register.models import VoterListEntry
from shailoo.rules.eligibility import Ineligibility
from tests.factories import list_voter, make_citizen, make_territory
from tests.integration.harness import database_turn, shailoo_on_loopback, wait_for
from tests.integration.jasmin import Jasmin, Submitted, decode

SECRET = "jasmin-integration-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}
UCS2, GSM = 8, 0

pytestmark = pytest.mark.usefixtures("transactional_db", "through_jasmin")


@pytest.fixture(scope="module")
def jasmin(django_db_setup, django_db_blocker, tmp_path_factory):
    with shailoo_on_loopback() as server:
        gateway = Jasmin(shailoo_url=server.url, secret=SECRET, work_dir=tmp_path_factory.mktemp("jasmin"))
        try:
            yield gateway.start()
        finally:
            gateway.stop()


@pytest.fixture
def through_jasmin(settings, jasmin):
    settings.SMS_INBOUND = GATEWAYS
    settings.SMS_DEFAULT_LANGUAGE = "ky"
    settings.SMS_SENDER, settings.SMS_GATEWAY_URL = "jasmin", jasmin.http_api_url
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = jasmin.send_username, jasmin.send_password
    settings.SMS_DLR_BASE_URL = jasmin.shailoo_url


@pytest.fixture
def territory():
    with database_turn():
        return make_territory()


def inbound_count() -> int:
    with database_turn():
        return InboundSms.objects.count()


def stored() -> list[InboundSms]:
    with database_turn():
        return list(InboundSms.objects.order_by("pk"))


def whole_message(jasmin: Jasmin, since: int) -> list[Submitted]:
    """Wait for one whole message at the SMSC: a single part, or every part its header announces."""

    def whole():
        parts = jasmin.operator.submitted(since)
        if not parts:
            return None
        total = parts[0].udh[4] if len(parts[0].udh) >= 6 else 1
        return parts if len(parts) >= total else None

    return wait_for(whole, timeout=20, what="Jasmin to submit the whole reply to the SMSC")


def voter_sends(jasmin: Jasmin, sender: str, text: str) -> tuple[list[Submitted], int]:
    """The voter's SMS reaches Shailoo through Jasmin; the worker sends what was queued; what the SMSC got."""
    answered, submitted = inbound_count(), len(jasmin.operator.submitted())
    jasmin.operator.deliver(sender, text)
    wait_for(lambda: inbound_count() > answered, timeout=60, what="Jasmin to post the SMS to Shailoo")
    with database_turn():
        report = send_due(get_sender())
    parts = whole_message(jasmin, submitted) if report.sent else []
    return parts, report.sent


def assert_concatenated_within_ucs2_limits(parts: list[Submitted]) -> None:
    assert {part.data_coding for part in parts} == {UCS2}
    assert len({part.udh[3] for part in parts}) == 1, "one concatenation reference for every part"
    assert sorted(part.udh[5] for part in parts) == list(range(1, len(parts) + 1))
    for part in parts:
        assert part.esm_class & 0x40, "UDHI set: the part starts with its header"
        assert part.udh[:3] == b"\x05\x00\x03" and part.udh[4] == len(parts)
        assert len(part.short_message) <= 140 and len(part.payload) % 2 == 0


def test_a_kyrgyz_reply_reaches_the_phone_in_ucs2_with_its_kyrgyz_letters(jasmin, territory):
    parts, _ = voter_sends(jasmin, "996700200001", "KG 21705199099999")
    (inbound,) = stored()
    assert inbound.outcome == "not_listed" and inbound.language == "ky"
    assert [part.destination for part in parts] == ["996700200001"] * len(parts)
    assert len(parts) == 2
    assert_concatenated_within_ucs2_limits(parts)
    assert decode(parts) == inbound.reply
    assert {"ң", "ө", "ү"} <= set(decode(parts))


def test_a_russian_reply_to_a_cyrillic_sms_is_one_ucs2_part(jasmin, territory):
    with database_turn():
        citizen = make_citizen(territory.settlement, biometric=False)
        VoterListEntry.objects.create(election=territory.election, citizen=citizen, status="ineligible",
                                      reasons=Ineligibility.NO_BIOMETRICS.value)
    parts, _ = voter_sends(jasmin, "996700200002", f"мой ПИН {citizen.pin}")  # UCS-2 from the phone
    (inbound,) = stored()
    assert inbound.outcome == "ineligible" and inbound.language == "ru"
    assert len(parts) == 1 and parts[0].data_coding == UCS2 and parts[0].udh == b""
    assert len(parts[0].short_message) <= 140
    assert decode(parts) == inbound.reply == "Вас нет в списке: нет биометрической регистрации: обратитесь в ЦОН."


def test_a_two_part_reply_is_concatenated_and_each_part_within_ucs2_limits(jasmin, territory):
    with database_turn():
        citizen = make_citizen(territory.settlement)
        list_voter(citizen, territory.election, territory.precinct)
    parts, _ = voter_sends(jasmin, "+996700200003", f"RU {citizen.pin}")
    (inbound,) = stored()
    assert inbound.outcome == "listed"
    assert len(parts) == 2
    assert_concatenated_within_ucs2_limits(parts)
    assert decode(parts) == inbound.reply
    assert f"голосуете на участке №{territory.precinct.number}, с. Самаркандек, ул. Мектеп" in decode(parts)


def test_an_empty_reply_sends_nothing_to_the_phone(jasmin, territory, settings):
    settings.LOOKUP_RATE_LIMITS = {"ip": "30/60", "pin": "100/3600", "sms_sender": "1/3600", "operator": "600/3600"}
    with database_turn():
        citizen = make_citizen(territory.settlement)
        list_voter(citizen, territory.election, territory.precinct)
    voter_sends(jasmin, "996700200004", f"KG {citizen.pin}")
    refusal, _ = voter_sends(jasmin, "996700200004", f"KG {citizen.pin}")
    assert decode(refusal) == "Суроолор өтө көп. Кийинчерээк кайталаңыз же 1255 номерине чалыңыз."
    submitted = len(jasmin.operator.submitted())
    silence, sent = voter_sends(jasmin, "996700200004", f"KG {citizen.pin}")
    assert (silence, sent) == ([], 0)
    with pytest.raises(AssertionError, match="waited"):
        wait_for(lambda: jasmin.operator.submitted(submitted), timeout=2, what="anything at the SMSC")
    assert [sms.outcome for sms in stored()] == ["listed", "rate_limited", "silenced"]


def test_an_outbox_message_goes_through_the_http_api_and_its_delivery_report_comes_back(jasmin):
    kyrgyz = "Арызыңыз канааттандырылды: сиз электрондук добуш берүүчүлөрдүн тизмесиндесиз."
    latin = "Shailoo 119: test @ £ $ _ ok"
    submitted = len(jasmin.operator.submitted())
    with database_turn():
        messages = [queue_sms(to="996700200005", text=kyrgyz), queue_sms(to="996700200006", text=latin)]
        assert send_due(get_sender()).sent == 2
    wait_for(lambda: len(jasmin.operator.submitted(submitted)) >= 3, timeout=20, what="both messages at the SMSC")
    parts = jasmin.operator.submitted(submitted)
    kyrgyz_parts = [part for part in parts if part.destination == "996700200005"]
    assert_concatenated_within_ucs2_limits(kyrgyz_parts)
    assert decode(kyrgyz_parts) == kyrgyz
    (latin_part,) = [part for part in parts if part.destination == "996700200006"]
    assert latin_part.data_coding == GSM and latin_part.udh == b""
    assert decode([latin_part]) == latin

    def delivered():
        with database_turn():
            return all(OutboundSms.objects.get(pk=sms.pk).status == "delivered" for sms in messages)

    wait_for(delivered, timeout=30, what="Jasmin's delivery reports")
    with database_turn():
        sent = list(OutboundSms.objects.all())
    # Jasmin reports the SMSC's acknowledgement (ESME_ROK) and the handset's DELIVRD, in either order.
    assert all(sms.delivered_at and sms.delivery_report in ("jasmin:DELIVRD", "jasmin:ESME_ROK") for sms in sent)


def test_a_message_shailoo_refuses_is_not_acknowledged_and_nothing_is_sent(jasmin):
    """An 8-bit binary SMS to 119 gets a 4xx: Jasmin logs our reason and tries again later (max_retries),
    each try refused before any counter or write; no SMS goes to the phone."""
    mark = jasmin.logs["deliversm-thrower"].mark()
    submitted = len(jasmin.operator.submitted())
    jasmin.operator.deliver_raw("996700200007", 4, bytes.fromhex("0605040b8423f0"))
    (error,) = jasmin.logs["deliversm-thrower"].wait(r"Throwing message .* (400: .*)", since=mark, timeout=20)
    assert "binary_content: an 8-bit binary message (data_coding 4) is not read" in error.group(1)
    assert stored() == []
    with database_turn():
        assert send_due(get_sender()).sent == 0
    assert jasmin.operator.submitted(submitted) == []
