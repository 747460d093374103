# SPDX-License-Identifier: Apache-2.0
"""The one place where a decision changes the voter list.

Every change runs in one transaction: the entry is locked, changed, and the audit entry with the entry
before and after is written before the transaction commits. An e-voter is a listed voter whose
entry's voting mode is `electronic`: that is the e-voter list, and the same row marks them on the paper
list of their precinct as voting electronically.
"""
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.elections.models import Election
from shailoo.geography.models import Precinct
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.calendar import age_on
from shailoo.rules.eligibility import VOTING_AGE
from shailoo.rules.pin import pin_digest


class ListChangeRefused(ValueError):
    """A change the voter list cannot take; `code` names why."""

    code = "list_change_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PrecinctOutsideElection(ListChangeRefused):
    code = "precinct_outside_election"


class NotEligibleForList(ListChangeRefused):
    code = "not_eligible"


class NotListed(ListChangeRefused):
    code = "not_listed"


class NoElectronicVoting(ListChangeRefused):
    code = "no_evoting"


def _snapshot(entry: VoterListEntry | None) -> dict | None:
    if entry is None:
        return None
    return {
        "status": entry.status,
        "precinct": entry.precinct.number if entry.precinct_id else None,
        "voting_mode": entry.voting_mode,
        "source": entry.source,
        "reasons": entry.reasons,
    }


def _locked_entry(*, election: Election, citizen: Citizen) -> VoterListEntry | None:
    return (
        VoterListEntry.objects.select_for_update(of=("self",))
        .select_related("precinct")
        .filter(election=election, citizen=citizen)
        .first()
    )


def change_list_entry(
    *,
    election: Election,
    citizen: Citizen,
    precinct: Precinct,
    voting_mode: str | None = None,
    actor: AbstractBaseUser | None,
    reason: str,
    application: object | None = None,
    actor_label: str = "",
) -> VoterListEntry:
    """List `citizen` for `election` at `precinct` (creating or changing the entry), with its audit entry.

    `voting_mode` None keeps the entry's mode (paper for a new entry). `application` is the cabinet
    application the change decides, if any: its number goes into the audit reason.
    """
    if precinct.municipality_id != election.kenesh.territory_id:
        raise PrecinctOutsideElection(
            f"precinct {precinct.number} does not serve the territory of this election"
        )
    if not citizen.biometric:
        # Only biometrically registered citizens are on a list; the others register at a Public Service Centre.
        raise NotEligibleForList("the citizen has no biometric registration")
    if age_on(citizen.birth_date, election.election_day) < VOTING_AGE:
        raise NotEligibleForList(f"the citizen is not {VOTING_AGE} on election day")
    if voting_mode is not None and voting_mode not in VoterListEntry.VotingMode.values:
        raise ListChangeRefused(f"unknown voting mode {voting_mode!r}")
    if voting_mode == VoterListEntry.VotingMode.ELECTRONIC and not election.evoting:
        raise NoElectronicVoting("this election offers no electronic voting")
    with transaction.atomic():
        entry = _locked_entry(election=election, citizen=citizen)
        before = _snapshot(entry)
        if entry is None:
            entry = VoterListEntry(election=election, citizen=citizen)
        entry.precinct = precinct
        entry.status = VoterListEntry.Status.LISTED
        entry.reasons = ""
        entry.voting_mode = voting_mode or entry.voting_mode or VoterListEntry.VotingMode.PAPER
        entry.source = VoterListEntry.Source.DECISION
        entry.save()
        full_reason = reason if application is None else f"application {application.pk}: {reason}"
        record_event(
            kind=AuditKind.LIST_ENTRY_CHANGED,
            actor=actor,
            actor_label=actor_label,
            subject=f"election:{election.slug}",
            payload={
                "election": election.slug,
                "pin_hash": pin_digest(citizen.pin, settings.PIN_HASH_KEY),
                "before": before,
                "after": _snapshot(entry),
                "reason": full_reason,
            },
        )
        return entry


def _listed_entry(*, election: Election, citizen: Citizen) -> VoterListEntry:
    entry = (
        VoterListEntry.objects.select_related("precinct")
        .filter(election=election, citizen=citizen, status=VoterListEntry.Status.LISTED)
        .first()
    )
    if entry is None:
        raise NotListed("the citizen is not on the voter list of this election")
    return entry


def enrol_evoter(
    *, election: Election, citizen: Citizen, actor: AbstractBaseUser | None, reason: str,
    application: object | None = None, actor_label: str = "",
) -> VoterListEntry:
    """Put a listed voter on the e-voter list: marked `electronic` on their precinct's paper list."""
    if not election.evoting:
        raise NoElectronicVoting("this election offers no electronic voting")
    with transaction.atomic():
        entry = _listed_entry(election=election, citizen=citizen)
        return change_list_entry(
            election=election, citizen=citizen, precinct=entry.precinct,
            voting_mode=VoterListEntry.VotingMode.ELECTRONIC, actor=actor, reason=reason,
            application=application, actor_label=actor_label,
        )


def withdraw_evoter(
    *, election: Election, citizen: Citizen, actor: AbstractBaseUser | None, reason: str,
    application: object | None = None, actor_label: str = "",
) -> VoterListEntry:
    """Take a voter off the e-voter list: they vote on paper at their precinct again."""
    with transaction.atomic():
        entry = _listed_entry(election=election, citizen=citizen)
        return change_list_entry(
            election=election, citizen=citizen, precinct=entry.precinct,
            voting_mode=VoterListEntry.VotingMode.PAPER, actor=actor, reason=reason,
            application=application, actor_label=actor_label,
        )
