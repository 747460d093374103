# SPDX-License-Identifier: Apache-2.0
"""Filing and withdrawing applications: every rule checked here, on the server, at that moment.

Corrections and "missing from the list" until the election's corrections deadline, e-voting until the
enrolment deadline (both inclusive, Asia/Bishkek); e-voting only where the election offers it; one open
application of a kind per voter and election. A voter acts as themself (no Django user); a commission
member filing at the precinct is the `actor`.
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.cabinet import scans, signing
from shailoo.cabinet.models import Application, ApplicationEvent
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import Point
from shailoo.elections.models import Election
from shailoo.geography.models import Precinct
from shailoo.register import services as register_services
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.calendar import age_on, local_day
from shailoo.rules.eligibility import VOTING_AGE
from shailoo.rules.pin import InvalidPin, normalise_pin, pin_digest

CLAIMED_FIELDS = ("surname", "name", "patronymic", "settlement", "street", "house", "apartment")


class ApplicationRefused(ValueError):
    """An application the rules do not allow; `code` is stable, `message` is for the person."""

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass
class Claim:
    """What the voter says is wrong and the values they say are right."""

    what_is_wrong: str = ""
    values: dict[str, str] = field(default_factory=dict)
    precinct_number: str = ""


def voter_label(pin: str) -> str:
    return f"voter:{pin_digest(pin, settings.PIN_HASH_KEY)}"


def normalise_phone(text: str) -> str:
    """A Kyrgyz mobile number as +996XXXXXXXXX, from the ways people write it."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.isdigit() and len(digits) == 10 and digits.startswith("0"):
        digits = "996" + digits[1:]
    if not (digits.isdigit() and len(digits) == 12 and digits.startswith("996")):
        raise ApplicationRefused("invalid_phone", _("Give a mobile number like +996 555 123 456."))
    return "+" + digits


def deadline_for(kind: str, election: Election) -> dt.date:
    calendar = election.calendar
    return calendar.enrolment_until if kind == Application.Kind.EVOTING else calendar.corrections_until


def check_deadline(kind: str, election: Election, now: dt.datetime) -> None:
    deadline = deadline_for(kind, election)
    if local_day(now) > deadline:
        raise ApplicationRefused(
            "deadline_passed",
            _("The deadline for this application was %(deadline)s (24:00, Bishkek time).")
            % {"deadline": deadline.strftime("%d.%m.%Y")},
            deadline=deadline.isoformat(),
        )


def evoting_statement(*, election: Election, pin: str, phone: str, at: dt.datetime, credential: str = "") -> str:
    """The text the voter signs: what they ask for, in which election, when, and the public key of the
    credential their browser made (docs/protocol.md 5), so the binding voter <-> credential is signed."""
    return (
        "Shailoo e-voting application v1\n"
        f"election: {election.slug}\n"
        f"pin: {pin}\n"
        f"phone: {phone}\n"
        f"at: {at.astimezone(dt.UTC).isoformat()}\n"
        + (f"credential: {credential}\n" if credential else "")
        + "I ask to be put on the list of electronic voters of this election and understand that I can "
        "then vote only electronically.\n"
    )


CREDENTIAL_HEX = re.compile(r"[0-9a-f]{64}")


def check_credential(election: Election, credential: str) -> None:
    """A credential public key the voter's browser made: 64 lowercase hex, a valid ristretto255 point that
    is not the identity, used by no other application of this election (docs/protocol.md 5)."""
    if not CREDENTIAL_HEX.fullmatch(credential):
        raise ApplicationRefused("credential_malformed", _("The voting key your browser made is malformed. "
                                                           "Reload the page and try again."))
    try:
        point = Point.from_bytes(bytes.fromhex(credential), "credential_public_key")
    except CryptoError:
        raise ApplicationRefused("credential_malformed", _("The voting key your browser made is malformed. "
                                                           "Reload the page and try again.")) from None
    if point.is_identity():
        raise ApplicationRefused("credential_identity", _("The voting key your browser made is not valid. "
                                                          "Reload the page and try again."))
    if Application.objects.filter(election=election, credential_public_key=credential).exists():
        raise ApplicationRefused("credential_taken", _("This voting key is already used in this election. "
                                                       "Reload the page: your browser makes a new one."))


def _precinct_of_election(election: Election, number: str) -> Precinct:
    precinct = Precinct.objects.filter(number=(number or "").strip()).first()
    if precinct is None or precinct.municipality_id != election.kenesh.territory_id:
        raise ApplicationRefused(
            "unknown_precinct", _("There is no precinct with this number in this election."), precinct=number
        )
    return precinct


def _add_event(application: Application, status: str, *, actor: AbstractBaseUser | None, label: str,
               reason: str = "") -> ApplicationEvent:
    application.status = status
    application.save(update_fields=["status", "decision_reason", "updated_at"])
    return ApplicationEvent.objects.create(
        application=application, status=status, actor=actor if actor is not None and actor.pk else None,
        actor_label=label, reason=reason,
    )


def staff_label(actor: AbstractBaseUser) -> str:
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def file_application(
    *,
    kind: str,
    election: Election,
    pin: str,
    phone: str,
    claim: Claim | None = None,
    scan: IO[bytes] | None = None,
    signed_statement: str = "",
    signature: signing.Signature | None = None,
    credential_public_key: str = "",
    language: str = "ky",
    channel: str = Application.Channel.CABINET,
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """File one application after checking every rule; the scan is stored, the audit entry written."""
    now = now or timezone.now()
    claim = claim or Claim()
    if kind not in Application.Kind.values:
        raise ApplicationRefused("unknown_kind", _("Unknown kind of application."))
    if channel == Application.Channel.WALK_IN and actor is None:
        raise ApplicationRefused("no_actor", _("An application at the precinct is filed by a commission member."))
    try:
        pin = normalise_pin(pin)
    except InvalidPin as error:
        raise ApplicationRefused("invalid_pin", _("The PIN has 14 digits."), problem=error.code) from None
    phone = normalise_phone(phone)
    if local_day(now) > election.election_day:
        raise ApplicationRefused("election_over", _("This election is over."))
    if kind == Application.Kind.EVOTING and not election.evoting:
        raise ApplicationRefused("no_evoting", _("This election offers no electronic voting."))
    check_deadline(kind, election, now)
    citizen = Citizen.objects.filter(pin=pin).first()
    if citizen is None:
        raise ApplicationRefused(
            "not_in_register",
            _("Your PIN is not in the population register. Apply at a Public Service Centre (ЦОН)."),
        )
    if not citizen.biometric:
        raise ApplicationRefused(
            "no_biometrics",
            _("Only citizens with biometric registration are on the voter list. Register at a Public "
              "Service Centre (ЦОН)."),
        )
    if age_on(citizen.birth_date, election.election_day) < VOTING_AGE:
        raise ApplicationRefused("under_age", _("Only citizens who are 18 on election day can vote."))
    entry = VoterListEntry.objects.filter(election=election, citizen=citizen).select_related("precinct").first()
    listed = entry is not None and entry.status == VoterListEntry.Status.LISTED
    if kind == Application.Kind.CORRECTION:
        if entry is None:
            raise ApplicationRefused("not_on_list", _("You are not on this list: apply as missing from the list."))
        if not claim.what_is_wrong.strip():
            raise ApplicationRefused("what_is_wrong", _("Say what is wrong in your entry."))
        if claim.precinct_number.strip():
            precinct = _precinct_of_election(election, claim.precinct_number)
        elif entry.precinct_id:
            precinct = entry.precinct
        else:
            raise ApplicationRefused("precinct_needed", _("Give the number of the precinct that serves your address."))
    elif kind == Application.Kind.MISSING:
        if listed:
            raise ApplicationRefused("already_listed", _("You are already on this list: ask for a correction instead."))
        precinct = _precinct_of_election(election, claim.precinct_number)
    else:
        if not listed:
            raise ApplicationRefused("not_listed", _("Only a voter on the list can vote electronically."))
        if entry.voting_mode == VoterListEntry.VotingMode.ELECTRONIC:
            raise ApplicationRefused("already_evoter", _("You are already on the list of electronic voters."))
        precinct = entry.precinct
        if channel == Application.Channel.CABINET:
            if signature is None or not signed_statement:
                raise ApplicationRefused("signature_needed", _("Confirm the application with your electronic signature."))
            if credential_public_key:
                check_credential(election, credential_public_key)
            if (f"pin: {pin}\n" not in signed_statement or f"election: {election.slug}\n" not in signed_statement
                    or (credential_public_key and f"credential: {credential_public_key}\n" not in signed_statement)):
                raise ApplicationRefused("statement_mismatch", _("The signed statement is not about this application."))
            try:
                signing.get_verifier().verify(pin=pin, statement=signed_statement.encode(), signature=signature)
            except signing.InvalidSignature as error:
                raise ApplicationRefused("invalid_signature", _("The electronic signature is not valid.")) from error
    if kind != Application.Kind.EVOTING and channel == Application.Channel.CABINET and scan is None:
        raise ApplicationRefused("scan_needed", _("Attach a scan of your passport (JPEG, PNG or PDF)."))
    if Application.objects.filter(election=election, pin=pin, kind=kind, status__in=Application.OPEN_STATUSES).exists():
        raise ApplicationRefused("already_open", _("You already have an open application of this kind."))

    stored = None
    if scan is not None:
        try:
            stored = scans.store_scan(scan, election_id=election.pk)
        except scans.InvalidScan as error:
            messages = {
                "scan_too_large": _("The scan is larger than 5 MB."),
                "scan_empty": _("The scan file is empty."),
            }
            raise ApplicationRefused(
                error.code, messages.get(error.code, _("The scan must be a JPEG, PNG or PDF file."))
            ) from None
    values = {name: str(claim.values.get(name, "")).strip()[:200] for name in CLAIMED_FIELDS if claim.values.get(name)}
    if claim.precinct_number.strip():
        values["precinct"] = precinct.number
    label = staff_label(actor) if actor is not None else "voter"
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=kind, election=election, citizen=citizen, pin=pin, precinct=precinct, channel=channel,
                phone=phone, language=(language or "ky")[:2], what_is_wrong=claim.what_is_wrong.strip()[:2000],
                claimed=values,
                scan_name=stored.name if stored else "", scan_content_type=stored.content_type if stored else "",
                scan_size=stored.size if stored else None, scan_sha256=stored.sha256 if stored else "",
                signed_statement=signed_statement if signature else "",
                signature=signing.encode_signature(signature) if signature else "",
                signer_key_id=signature.key_id if signature else "",
                credential_public_key=credential_public_key if kind == Application.Kind.EVOTING else "",
            )
            ApplicationEvent.objects.create(
                application=application, status=Application.Status.FILED,
                actor=actor if actor is not None and actor.pk else None, actor_label=label,
            )
            record_event(
                kind=AuditKind.APPLICATION_FILED, actor=actor,
                actor_label="" if actor is not None else voter_label(pin),
                subject=f"application:{application.pk}",
                payload={
                    "application": application.pk, "kind": kind, "election": election.slug,
                    "pin_hash": pin_digest(pin, settings.PIN_HASH_KEY), "channel": channel,
                },
            )
    except IntegrityError:
        if stored:
            scans.delete_scan(stored.name)
        raise ApplicationRefused("already_open", _("You already have an open application of this kind.")) from None
    except BaseException:
        if stored:
            scans.delete_scan(stored.name)
        raise
    return application


def withdraw_application(*, application: Application, pin: str, now: dt.datetime | None = None) -> Application:
    """The voter withdraws: a pending application closes; an approved e-voting enrolment is undone
    until the enrolment deadline, and the voter votes on paper again."""
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("election", "citizen").get(
            pk=application.pk
        )
        if application.pin != pin:
            raise ApplicationRefused("not_yours", _("This is not your application."))
        label = voter_label(pin)
        if application.is_open:
            pass
        elif application.kind == Application.Kind.EVOTING and application.status == Application.Status.APPLIED:
            check_deadline(application.kind, application.election, now)
            register_services.withdraw_evoter(
                election=application.election, citizen=application.citizen, actor=None,
                reason="the voter withdrew the e-voting application", application=application, actor_label=label,
            )
        else:
            raise ApplicationRefused("not_open", _("This application can no longer be withdrawn."))
        _add_event(application, Application.Status.WITHDRAWN, actor=None, label="voter")
        record_event(
            kind=AuditKind.APPLICATION_WITHDRAWN, actor=None, actor_label=label,
            subject=f"application:{application.pk}", payload={"application": application.pk},
        )
        return application



def purge_expired_scans(*, now: dt.datetime | None = None, actor: AbstractBaseUser | None = None) -> dict[str, int]:
    """Delete the passport scans of elections past their retention (election day + retention_days).

    Returns the number of scans deleted per election slug; each election's purge is one audit entry.
    """
    today = local_day(now or timezone.now())
    purged: dict[str, int] = {}
    elections = Election.objects.filter(applications__scan_name__gt="").distinct()
    for election in elections:
        if today <= election.election_day + dt.timedelta(days=election.retention_days):
            continue
        with transaction.atomic():
            applications = list(
                Application.objects.select_for_update(of=("self",)).filter(election=election).exclude(scan_name="")
            )
            for application in applications:
                scans.delete_scan(application.scan_name)
            Application.objects.filter(pk__in=[a.pk for a in applications]).update(
                scan_name="", scan_purged_at=timezone.now()
            )
            record_event(
                kind=AuditKind.DOCUMENTS_PURGED, actor=actor, subject=f"election:{election.slug}",
                payload={"election": election.slug, "documents": len(applications)},
            )
        purged[election.slug] = len(applications)
    return purged
