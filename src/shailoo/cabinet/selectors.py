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
