# SPDX-License-Identifier: Apache-2.0
"""What the Voter's Cabinet shows a voter: only rows of their own PIN."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from shailoo.cabinet.models import Application, ApplicationEvent
from shailoo.elections.models import Election
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.calendar import local_day


@dataclass(frozen=True)
class MyElection:
    election: Election
    entry: VoterListEntry | None
    corrections_until: dt.date
    enrolment_until: dt.date | None
    corrections_open: bool
    enrolment_open: bool

    @property
    def listed(self) -> bool:
        return self.entry is not None and self.entry.status == VoterListEntry.Status.LISTED

    @property
    def is_evoter(self) -> bool:
        return self.listed and self.entry.voting_mode == VoterListEntry.VotingMode.ELECTRONIC


def citizen_of(pin: str) -> Citizen | None:
    return Citizen.objects.filter(pin=pin).first()


def my_elections(pin: str, *, now: dt.datetime) -> list[MyElection]:
    """Upcoming elections where the voter has an entry (listed or not), with the deadlines for them."""
    today = local_day(now)
    entries = (
        VoterListEntry.objects.filter(citizen__pin=pin, election__election_day__gte=today)
        .select_related("election__kenesh", "precinct")
        .order_by("election__election_day")
    )
    result = []
    for entry in entries:
        calendar = entry.election.calendar
        result.append(MyElection(
            election=entry.election, entry=entry,
            corrections_until=calendar.corrections_until,
            enrolment_until=calendar.enrolment_until if entry.election.evoting else None,
            corrections_open=calendar.corrections_open(now),
            enrolment_open=entry.election.evoting and calendar.enrolment_open(now),
        ))
    return result


def open_elections(*, now: dt.datetime) -> QuerySet[Election]:
    """Elections still taking corrections: where a voter missing from the list can apply."""
    return Election.objects.filter(election_day__gte=local_day(now)).select_related("kenesh").order_by(
        "election_day", "name_ky"
    )


def my_applications(pin: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(pin=pin)
        .select_related("election", "precinct")
        .prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "pk")))
        .order_by("-filed_at", "-pk")
    )


def my_application(pin: str, pk: int) -> Application | None:
    return Application.objects.filter(pin=pin, pk=pk).select_related("election", "citizen").first()


def open_applications(pin: str) -> dict[tuple[int, str], Application]:
    """The voter's open applications by (election id, kind): at most one of each (a constraint says so)."""
    return {
        (application.election_id, application.kind): application
        for application in Application.objects.filter(pin=pin, status__in=Application.OPEN_STATUSES)
    }


def decided_corrections(pin: str, *, election_ids: list[int]) -> dict[str, tuple[str, Application]]:
    """The values a commission decided for the voter (approved corrections of these elections), newest
    winning: field name → (value, the application that decided it)."""
    decided: dict[str, tuple[str, Application]] = {}
    applications = Application.objects.filter(
        pin=pin, election_id__in=election_ids, kind__in=[Application.Kind.CORRECTION, Application.Kind.MISSING],
        status=Application.Status.APPLIED,
    ).order_by("updated_at", "pk")
    for application in applications:
        for name, value in (application.claimed or {}).items():
            if value and name != "precinct":
                decided[name] = (str(value), application)
    return decided
