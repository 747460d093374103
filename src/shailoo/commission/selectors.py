# SPDX-License-Identifier: Apache-2.0
"""Reads of the back office, always through a staff member's scope."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import deadline_for
from shailoo.elections.models import Election
from shailoo.geography.models import District
from shailoo.register.models import VoterListEntry
from shailoo.staff.scope import StaffScope

DUE_SOON_DAYS = 2


@dataclass(frozen=True)
class QueueItem:
    application: Application
    deadline: dt.date
    days_left: int

    @property
    def urgency(self) -> str:
        if self.days_left < 0:
            return "overdue"
        if self.days_left <= DUE_SOON_DAYS:
            return "due-soon"
        return ""


def applications_in_scope(scope: StaffScope) -> QuerySet[Application]:
    if not scope.is_reviewer:
        return Application.objects.none()
    return Application.objects.filter(scope.precinct_filter("precinct__")).select_related(
        "election__kenesh", "precinct__municipality__district", "citizen"
    )


@dataclass(frozen=True)
class QueueFilters:
    """What a staff member narrowed the list to; empty values filter nothing."""

    district: int | None = None
    precinct: str = ""
    kind: str = ""
    status: str = "open"  # "open" (filed or under review), "decided", "all", or one status
    search: str = ""  # a PIN (14 digits) or an application number

    def apply(self, applications: QuerySet[Application]) -> QuerySet[Application]:
        if self.district:
            applications = applications.filter(precinct__municipality__district_id=self.district)
        if self.precinct:
            applications = applications.filter(precinct__number=self.precinct)
        if self.kind:
            applications = applications.filter(kind=self.kind)
        if self.status == "open":
            applications = applications.filter(status__in=Application.OPEN_STATUSES)
        elif self.status == "decided":
            applications = applications.exclude(status__in=Application.OPEN_STATUSES)
        elif self.status in Application.Status.values:
            applications = applications.filter(status=self.status)
        digits = "".join(char for char in self.search if char.isdigit())
        if digits:
            if len(digits) == 14:
                applications = applications.filter(pin=digits)
            elif len(digits) <= 18 and int(digits) <= 2**63 - 1:
                applications = applications.filter(pk=int(digits))
            else:
                applications = applications.none()
        return applications


def review_queue(scope: StaffScope, *, today: dt.date, filters: QueueFilters | None = None) -> list[QueueItem]:
    """Applications in scope (open ones by default), oldest first, each with its deadline."""
    filters = filters or QueueFilters()
    items = []
    for application in filters.apply(applications_in_scope(scope)).order_by("filed_at", "pk"):
        deadline = deadline_for(application.kind, application.election)
        items.append(QueueItem(application, deadline, (deadline - today).days))
    return items


def next_open_application(scope: StaffScope, application: Application) -> Application | None:
    """The open application after this one in the queue's order (oldest first), for a "next" link."""
    return (
        applications_in_scope(scope).filter(status__in=Application.OPEN_STATUSES)
        .exclude(pk=application.pk)
        .filter(Q(filed_at__gt=application.filed_at) | Q(filed_at=application.filed_at, pk__gt=application.pk))
        .order_by("filed_at", "pk").first()
    )


def districts_in_scope(scope: StaffScope) -> QuerySet[District]:
    if scope.everything:
        return District.objects.order_by("name")
    return District.objects.filter(
        Q(pk__in=scope.district_ids) | Q(municipalities__precincts__pk__in=scope.precinct_ids)
    ).distinct().order_by("name")


def recently_decided(scope: StaffScope, *, limit: int = 50) -> QuerySet[Application]:
    return applications_in_scope(scope).exclude(status__in=Application.OPEN_STATUSES).order_by("-updated_at")[:limit]


def application_in_scope(scope: StaffScope, pk: int) -> Application | None:
    return applications_in_scope(scope).filter(pk=pk).prefetch_related("events", "biometric_checks").first()


def list_entry_of(application: Application) -> VoterListEntry | None:
    return (
        VoterListEntry.objects.filter(election=application.election, citizen=application.citizen)
        .select_related("precinct")
        .first()
    )


def elections_in_scope(scope: StaffScope, *, today: dt.date) -> QuerySet[Election]:
    elections = Election.objects.filter(election_day__gte=today).select_related("kenesh")
    if scope.everything:
        return elections
    territories = scope.precincts().values_list("municipality_id", flat=True)
    return elections.filter(kenesh__territory_id__in=territories)
