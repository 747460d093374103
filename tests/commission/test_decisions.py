# SPDX-License-Identifier: Apache-2.0
"""Decisions: biometric identification first, one transaction with list change, audit and SMS."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import verify_chain
from shailoo.cabinet import signing
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import ApplicationRefused, Claim, evoting_statement, file_application
from shailoo.commission import services
from shailoo.messaging.models import OutboundSms
from shailoo.register.models import VoterListEntry
from shailoo.staff.scope import OutOfScope
from tests.cabinet.helpers import days_before, listed_citizen, png_bytes, upload
from tests.commission.helpers_commission import staffed_world
from tests.factories import list_voter, make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    return staffed_world()


def test_approval_without_a_biometric_check_is_refused(staffed):
    with pytest.raises(ApplicationRefused) as refused:
        services.approve_application(application=staffed.application, actor=staffed.staff["precinct"])
    assert refused.value.code == "biometrics_needed"
    assert Application.objects.get(pk=staffed.application.pk).status == "filed"


def test_a_failed_biometric_check_does_not_allow_approval(staffed):
    member = staffed.staff["precinct"]
    services.record_biometric_check(application=staffed.application, actor=member, confirmed=False)
    with pytest.raises(ApplicationRefused):
        services.approve_application(application=staffed.application, actor=member)


def test_approval_moves_the_voter_audits_and_queues_the_sms_in_the_voters_language(staffed):
    member = staffed.staff["precinct"]
    application = staffed.application
    services.record_biometric_check(application=application, actor=member, confirmed=True, note="ID card")
    services.approve_application(application=application, actor=member, reason="checked the passport")
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED
    assert [event.status for event in application.events.all()] == ["filed", "under_review", "approved", "applied"]
    entry = VoterListEntry.objects.get(citizen=staffed.citizen, election=staffed.world.election)
    assert entry.source == "decision"
    kinds = list(AuditEntry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == [AuditKind.APPLICATION_FILED, AuditKind.BIOMETRIC_RECORDED, AuditKind.LIST_ENTRY_CHANGED,
                     AuditKind.APPLICATION_DECIDED]
    decided = AuditEntry.objects.get(kind=AuditKind.APPLICATION_DECIDED)
    assert decided.actor == member and decided.payload["reason"] == "checked the passport"
    sms = OutboundSms.objects.get()
    assert sms.to == "+996555000111" and "одобрено" in sms.text and len(sms.text) <= 134
    assert verify_chain().intact


def test_a_correction_to_another_precinct_is_applied_there(staffed):
    world = staffed.world
    citizen = listed_citizen(world)
    application = file_application(
        kind="correction", election=world.election, pin=citizen.pin, phone="+996555000112",
        claim=Claim(
            what_is_wrong="I live on Жеңиш now", precinct_number=world.second_precinct.number),
        scan=upload(png_bytes()),
    )
    member = staffed.staff["precinct_elsewhere"]  # the commission of the second precinct reviews it
    services.record_biometric_check(application=application, actor=member, confirmed=True)
    services.approve_application(application=application, actor=member)
    assert VoterListEntry.objects.get(citizen=citizen).precinct == world.second_precinct


def test_rejection_needs_a_reason_and_notifies(staffed):
    member = staffed.staff["territorial"]
    with pytest.raises(ApplicationRefused):
        services.reject_application(application=staffed.application, actor=member, reason="  ")
    services.reject_application(application=staffed.application, actor=member, reason="The street is right")
    application = Application.objects.get(pk=staffed.application.pk)
    assert application.status == "rejected" and application.decision_reason == "The street is right"
    assert "отклонено" in OutboundSms.objects.get().text
    assert VoterListEntry.objects.get(citizen=staffed.citizen).source == "compiled"


def test_a_decided_application_cannot_be_decided_again_nor_notified_twice(staffed):
    member = staffed.staff["cec"]
    services.reject_application(application=staffed.application, actor=member, reason="no")
    with pytest.raises(ApplicationRefused) as refused:
        services.reject_application(application=staffed.application, actor=member, reason="no again")
    assert refused.value.code == "not_open" and OutboundSms.objects.count() == 1


def test_approval_after_the_deadline_is_refused(staffed):
    member = staffed.staff["precinct"]
    services.record_biometric_check(application=staffed.application, actor=member, confirmed=True)
    late = days_before(staffed.world.election.election_day, 15, 0, 0)
    with pytest.raises(ApplicationRefused) as refused:
        services.approve_application(application=staffed.application, actor=member, now=late)
    assert refused.value.code == "deadline_passed"
    assert not AuditEntry.objects.filter(kind=AuditKind.LIST_ENTRY_CHANGED).exists()


def test_a_decision_outside_the_scope_is_refused_by_the_service_itself(staffed):
    with pytest.raises(OutOfScope):
        services.record_biometric_check(application=staffed.application, actor=staffed.staff["precinct_elsewhere"],
                                        confirmed=True)
    with pytest.raises(OutOfScope):
        services.reject_application(application=staffed.application, actor=staffed.staff["territorial_elsewhere"],
                                    reason="x")


def test_a_failed_list_change_rolls_back_the_whole_decision(staffed, monkeypatch):
    member = staffed.staff["precinct"]
    services.record_biometric_check(application=staffed.application, actor=member, confirmed=True)

    def broken_sms(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services, "queue_sms", broken_sms)
    with pytest.raises(RuntimeError):
        services.approve_application(application=staffed.application, actor=member)
    assert Application.objects.get(pk=staffed.application.pk).status == "under_review"
    assert VoterListEntry.objects.get(citizen=staffed.citizen).source == "compiled"
    assert not AuditEntry.objects.filter(kind__in=[AuditKind.LIST_ENTRY_CHANGED, AuditKind.APPLICATION_DECIDED]).exists()


def test_an_online_evoting_application_is_approved_on_the_verified_signature(staffed):
    world = staffed.world
    citizen = listed_citizen(world)
    now = days_before(world.election.election_day, 20)
    statement = evoting_statement(election=world.election, pin=citizen.pin, phone="+996555000113", at=now)
    application = file_application(
        kind="evoting", election=world.election, pin=citizen.pin, phone="+996555000113",
        signed_statement=statement, signature=signing.get_signer().sign(pin=citizen.pin, statement=statement.encode()),
        now=now,
    )
    services.approve_application(application=application, actor=staffed.staff["precinct"], now=now)
    entry = VoterListEntry.objects.get(citizen=citizen)
    assert entry.voting_mode == "electronic" and entry.precinct == world.precinct


def test_a_refused_approval_goes_back_to_the_application_and_says_why_at_the_top(staffed):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staffed.staff["precinct"])
    url = reverse("commission:approve", args=[staffed.application.pk])
    response = client.post(url, {"reason": ""})
    page = reverse("commission:application", args=[staffed.application.pk])
    # Post/Redirect/Get: the address bar shows the application, not .../approve/, and a reload sends nothing.
    assert response.status_code == 303 and response["Location"].startswith(page)
    html = client.get(page).content.decode()
    summary = html[html.index('class="govuk-error-summary"'):]
    assert "Record a successful biometric identification of the voter first." in summary[:800]
    assert "<title>Error:" in html
    assert Application.objects.get(pk=staffed.application.pk).status == "filed"


def test_the_full_review_through_the_pages(staffed):
    client = Client()
    client.force_login(staffed.staff["precinct"])
    pk = staffed.application.pk
    assert client.post(reverse("commission:review", args=[pk])).status_code == 303
    assert client.post(reverse("commission:biometric", args=[pk]), {"result": "match"}).status_code == 303
    response = client.post(reverse("commission:approve", args=[pk]), {"reason": "ok"}, follow=True)
    assert response.status_code == 200
    assert Application.objects.get(pk=pk).status == "applied"


def test_the_queue_is_oldest_first_with_near_deadlines_highlighted(staffed):
    world = staffed.world
    world.election.corrections_until = dt.date.today() + dt.timedelta(days=1)
    world.election.save()
    second = listed_citizen(world)
    file_application(kind="correction", election=world.election, pin=second.pin, phone="+996555000114",
                     claim=Claim(what_is_wrong="x"),
                     scan=upload(png_bytes()))
    client = Client()
    client.force_login(staffed.staff["precinct"])
    html = client.get(reverse("commission:queue")).content.decode()
    first_link = reverse("commission:application", args=[staffed.application.pk])
    assert html.index(first_link) < html.index(reverse("commission:application", args=[staffed.application.pk + 1]))
    assert 'data-urgency="due-soon"' in html


def test_audit_verify_catches_a_rewritten_list_change(staffed):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    member = staffed.staff["precinct"]
    services.record_biometric_check(application=staffed.application, actor=member, confirmed=True)
    services.approve_application(application=staffed.application, actor=member)
    call_command("audit_verify")
    change = AuditEntry.objects.get(kind=AuditKind.LIST_ENTRY_CHANGED)
    payload = dict(change.payload, after=dict(change.payload["after"], precinct="9999"))
    AuditEntry.objects.filter(pk=change.pk).update(payload=payload)
    with pytest.raises(CommandError) as broken:
        call_command("audit_verify")
    assert f"#{change.seq}" in str(broken.value)


def test_a_walk_in_evoting_application_needs_the_biometric_check_and_the_voters_own_precinct(staffed):
    world = staffed.world
    citizen = listed_citizen(world)
    with pytest.raises(OutOfScope):
        services.file_walk_in_application(
            actor=staffed.staff["precinct_elsewhere"], precinct=world.second_precinct, kind="evoting",
            election_id=world.election.pk, pin=citizen.pin, phone="+996555000115", claim=Claim(),
        )
    member = staffed.staff["precinct"]
    application = services.file_walk_in_application(
        actor=member, precinct=world.precinct, kind="evoting", election_id=world.election.pk, pin=citizen.pin,
        phone="+996555000115", claim=Claim(),
    )
    with pytest.raises(ApplicationRefused) as refused:
        services.approve_application(application=application, actor=member)
    assert refused.value.code == "biometrics_needed"
    services.record_biometric_check(application=application, actor=member, confirmed=True)
    services.approve_application(application=application, actor=member)
    assert VoterListEntry.objects.get(citizen=citizen).voting_mode == "electronic"


def test_a_walk_in_correction_cannot_move_a_voter_out_of_a_precinct_outside_the_scope(staffed):
    """Finding 3 of issue 13: precinct 8101's member filed a correction for a voter listed at 8106, recorded the
    biometric check and approved it alone, moving the voter out of 8106 without 8106 ever being involved."""
    world = staffed.world
    citizen = make_citizen(world.territory.settlement)
    list_voter(citizen, world.election, world.second_precinct)
    member = staffed.staff["precinct"]
    for spelling in (citizen.pin, f"{citizen.pin[:4]} {citizen.pin[4:]}"):
        with pytest.raises(services.ListedOutOfScope) as refused, translation.override("en"):
            services.file_walk_in_application(
                actor=member, precinct=world.precinct, kind="correction", election_id=world.election.pk,
                pin=spelling, phone="+996555000116", claim=Claim(what_is_wrong="I live here now"),
                scan=upload(png_bytes()),
            )
        assert "current precinct" in refused.value.message and world.second_precinct.number in refused.value.message
    assert not Application.objects.filter(pin=citizen.pin).exists()
    assert VoterListEntry.objects.get(citizen=citizen).precinct == world.second_precinct
    # The territorial commission covers both precincts: it may file it.
    application = services.file_walk_in_application(
        actor=staffed.staff["territorial"], precinct=world.precinct, kind="correction",
        election_id=world.election.pk, pin=citizen.pin, phone="+996555000116",
        claim=Claim(what_is_wrong="I live here now"), scan=upload(png_bytes()),
    )
    assert application.precinct == world.precinct
