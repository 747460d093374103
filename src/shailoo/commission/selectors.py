# SPDX-License-Identifier: Apache-2.0
"""Reads of the back office, always through a staff member's scope."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import deadline_for
from shailoo.commission.scope import StaffScope
from shailoo.elections.models import Election
from shailoo.register.models import VoterListEntry

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


def review_queue(scope: StaffScope, *, today: dt.date) -> list[QueueItem]:
    """Open applications in scope, oldest first, each with its deadline."""
    items = []
    for application in applications_in_scope(scope).filter(status__in=Application.OPEN_STATUSES).order_by(
        "filed_at", "pk"
    ):
        deadline = deadline_for(application.kind, application.election)
        items.append(QueueItem(application, deadline, (deadline - today).days))
    return items


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
