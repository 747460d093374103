# SPDX-License-Identifier: Apache-2.0
"""Decisions of the commissions on voters' applications.

Each decision runs in one transaction: the application is locked, the staff member's scope and the
deadline are checked at that moment, the voter list is changed through `shailoo.register.services`,
the audit entries are written and the voter's SMS is queued in the outbox.
"""
import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.cabinet import services as cabinet_services
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import ApplicationRefused, Claim, check_deadline, staff_label
from shailoo.commission.models import BiometricCheck
from shailoo.elections.models import Election
from shailoo.geography.models import Precinct
from shailoo.messaging.services import queue_sms
from shailoo.register import services as register_services
from shailoo.register.models import VoterListEntry
from shailoo.rules import sms_texts
from shailoo.rules.names import kyrgyz_to_latin
from shailoo.rules.pin import InvalidPin, normalise_pin
from shailoo.staff.scope import OutOfScope, require_scope, scope_of


def _locked(application: Application, actor: AbstractBaseUser) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("election__kenesh", "citizen", "precinct__municipality")
        .get(pk=application.pk)
    )
    require_scope(actor, application.precinct)
    return application


def _require_open(application: Application) -> None:
    if not application.is_open:
        raise ApplicationRefused("not_open", _("This application is already decided or withdrawn."))


def _move(application: Application, status: str, actor: AbstractBaseUser, reason: str = "") -> None:
    application.status = status
    if status in (Application.Status.APPROVED, Application.Status.REJECTED):
        application.decision_reason = reason
    application.save(update_fields=["status", "decision_reason", "updated_at"])
    application.events.create(status=status, actor=actor, actor_label=staff_label(actor), reason=reason)


def decision_sms_text(application: Application, decision: str) -> str:
    """Within two Cyrillic SMS parts, in the language the voter filed in: the approval says where the voter
    now votes, the rejection gives the commission's reason and where to ask (shailoo.rules.sms_texts)."""
    language = application.language or "ky"
    precinct = application.precinct
    if decision == Application.Status.APPROVED:
        address = {"ru": precinct.address_ru, "en": kyrgyz_to_latin(precinct.address_ky)}.get(language, precinct.address_ky)
        return sms_texts.application_approved(
            language, number=application.pk, precinct_number=precinct.number, precinct_address=address,
            electronic=application.kind == Application.Kind.EVOTING,
        )
    return sms_texts.application_rejected(
        language, number=application.pk, reason=application.decision_reason, precinct_number=precinct.number,
    )


def start_review(*, application: Application, actor: AbstractBaseUser) -> Application:
    with transaction.atomic():
        application = _locked(application, actor)
        _require_open(application)
        if application.status == Application.Status.FILED:
            _move(application, Application.Status.UNDER_REVIEW, actor)
        return application


def record_biometric_check(
    *, application: Application, actor: AbstractBaseUser, confirmed: bool, note: str = ""
) -> BiometricCheck:
    """Record the voter's biometric identification made in person at the commission."""
    with transaction.atomic():
        application = _locked(application, actor)
        _require_open(application)
        check = BiometricCheck.objects.create(
            application=application, performed_by=actor, performed_by_label=staff_label(actor),
            result=BiometricCheck.Result.MATCH if confirmed else BiometricCheck.Result.NO_MATCH,
            note=note.strip()[:500],
        )
        if application.status == Application.Status.FILED:
            _move(application, Application.Status.UNDER_REVIEW, actor)
        record_event(
            kind=AuditKind.BIOMETRIC_RECORDED, actor=actor, subject=f"application:{application.pk}",
            payload={"application": application.pk, "result": check.result},
        )
        return check


def identity_established(application: Application) -> bool:
    """A successful biometric check in person; for an online e-voting application, the voter's verified
    electronic signature (checked when it was filed) establishes it too."""
    if application.biometric_checks.filter(result=BiometricCheck.Result.MATCH).exists():
        return True
    return (
        application.kind == Application.Kind.EVOTING
        and application.channel == Application.Channel.CABINET
        and bool(application.signature)
    )


def approve_application(
    *, application: Application, actor: AbstractBaseUser, reason: str = "", now: dt.datetime | None = None
) -> Application:
    """Approve and apply to the voter list, in one transaction with the audit entries and the SMS."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application, actor)
        _require_open(application)
        check_deadline(application.kind, application.election, now)
        if not identity_established(application):
            raise ApplicationRefused(
                "biometrics_needed", _("Record a successful biometric identification of the voter first.")
            )
        reason = reason.strip() or _("approved")
        if application.kind == Application.Kind.EVOTING:
            register_services.enrol_evoter(
                election=application.election, citizen=application.citizen, actor=actor, reason=reason,
                application=application,
            )
        else:
            try:
                register_services.change_list_entry(
                    election=application.election, citizen=application.citizen, precinct=application.precinct,
                    actor=actor, reason=reason, application=application,
                )
            except register_services.ListChangeRefused as error:
                raise ApplicationRefused(error.code, error.message) from error
        _move(application, Application.Status.APPROVED, actor, reason)
        _move(application, Application.Status.APPLIED, actor)
        record_event(
            kind=AuditKind.APPLICATION_DECIDED, actor=actor, subject=f"application:{application.pk}",
            payload={"application": application.pk, "decision": "approved", "reason": reason},
        )
        queue_sms(
            to=application.phone, text=decision_sms_text(application, Application.Status.APPROVED),
            dedup_key=f"application:{application.pk}:decided",
        )
        return application


def reject_application(*, application: Application, actor: AbstractBaseUser, reason: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationRefused("reason_needed", _("Give the reason for the rejection."))
    with transaction.atomic():
        application = _locked(application, actor)
        _require_open(application)
        _move(application, Application.Status.REJECTED, actor, reason[:2000])
        record_event(
            kind=AuditKind.APPLICATION_DECIDED, actor=actor, subject=f"application:{application.pk}",
            payload={"application": application.pk, "decision": "rejected", "reason": reason[:2000]},
        )
        queue_sms(
            to=application.phone, text=decision_sms_text(application, Application.Status.REJECTED),
            dedup_key=f"application:{application.pk}:decided",
        )
        return application


class ListedOutOfScope(OutOfScope):
    """A walk-in for a voter whose current precinct is outside the staff member's scope: moving a voter out
    of a precinct is that precinct's (or its territorial commission's) decision, never another's alone."""

    code = "listed_out_of_scope"

    def __init__(self, number: str) -> None:
        self.message = _(
            "Refused by the check of the voter's current precinct: the voter is listed at precinct %(number)s, "
            "outside your commission's area. That precinct's commission or the territorial commission files "
            "this application."
        ) % {"number": number}
        super().__init__(self.message)


def file_walk_in_application(
    *, actor: AbstractBaseUser, precinct: Precinct, kind: str, election_id: int, pin: str, phone: str,
    claim: Claim, scan=None, language: str = "ky", now: dt.datetime | None = None,
) -> Application:
    """A commission member files an application for a voter who came to the precinct in person.

    Two scopes are checked, for every kind of application: the precinct where the voter came, and the
    precinct where the voter is listed now (a correction or a transfer takes the voter out of it, an
    e-voting application is reviewed there)."""
    require_scope(actor, precinct)
    election = Election.objects.select_related("kenesh").filter(pk=election_id).first()
    if election is None or precinct.municipality_id != election.kenesh.territory_id:
        raise ApplicationRefused("unknown_election", _("This precinct takes no part in this election."))
    try:
        pin = normalise_pin(pin)  # the spelling the list is searched by ("2170 5…" finds the same voter)
    except InvalidPin:
        pass  # file_application refuses it, saying what is wrong
    listed_at = (
        VoterListEntry.objects.filter(election=election, citizen__pin=pin, precinct__isnull=False)
        .select_related("precinct__municipality").first()
    )
    if listed_at is not None and not scope_of(actor).covers(listed_at.precinct):
        raise ListedOutOfScope(listed_at.precinct.number)
    if kind != Application.Kind.EVOTING:
        # The voter is listed where they came: at this commission's precinct.
        claim.precinct_number = precinct.number
    return cabinet_services.file_application(
        kind=kind, election=election, pin=pin, phone=phone, claim=claim, scan=scan, language=language,
        channel=Application.Channel.WALK_IN, actor=actor, now=now,
    )


def open_scan(*, application: Application, actor: AbstractBaseUser):
    """The passport scan's file, opened for a staff member in scope; each viewing is in the audit log."""
    from shailoo.cabinet import scans

    require_scope(actor, application.precinct)
    if not application.has_scan:
        raise FileNotFoundError("no scan")
    handle = open(scans.scan_path(application.scan_name), "rb")  # noqa: SIM115 (the response closes it)
    record_event(kind=AuditKind.SCAN_VIEWED, actor=actor, subject=f"application:{application.pk}",
                 payload={"application": application.pk})
    return handle


class InvalidToken(ValueError):
    code = "invalid_token"


def confirm_totp_device(*, actor: AbstractBaseUser, device, token: str) -> None:
    """Turn on two-factor login for `actor` once they prove the authenticator app shows the right code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update(of=("self",)).get(pk=device.pk, user=actor)
        if not device.verify_token(token.strip()):
            raise InvalidToken("the code does not match")
        device.confirmed = True
        device.save()
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        record_event(kind=AuditKind.STAFF_TOTP_ENABLED, actor=actor, subject=f"user:{actor.pk}",
                     payload={"user": actor.get_username()})
