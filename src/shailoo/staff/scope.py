# SPDX-License-Identifier: Apache-2.0
"""What a staff member may see and act on: the CEC everything, a territorial commission its
district, a precinct commission its precinct. Call-centre operators have no back-office scope."""
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from shailoo.geography.models import Precinct
from shailoo.staff.models import StaffAssignment

# Who may use the call-centre console (shailoo.lookup): operators and the CEC's administrators.
OPERATOR_ROLES = (StaffAssignment.Role.OPERATOR, StaffAssignment.Role.CEC_ADMIN)


class OutOfScope(PermissionError):
    code = "out_of_scope"


@dataclass(frozen=True)
class StaffScope:
    everything: bool
    district_ids: frozenset[int]
    precinct_ids: frozenset[int]

    @property
    def is_reviewer(self) -> bool:
        return self.everything or bool(self.district_ids) or bool(self.precinct_ids)

    def covers(self, precinct: Precinct) -> bool:
        if self.everything:
            return True
        if precinct.pk in self.precinct_ids:
            return True
        return precinct.municipality.district_id in self.district_ids

    def precinct_filter(self, prefix: str = "") -> Q:
        """A filter on a precinct field (`prefix` e.g. "precinct__") for the precincts in scope."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}pk__in": self.precinct_ids}) | Q(
            **{f"{prefix}municipality__district_id__in": self.district_ids}
        )

    def precincts(self) -> QuerySet[Precinct]:
        if not self.is_reviewer:
            return Precinct.objects.none()
        return Precinct.objects.filter(self.precinct_filter()).select_related("municipality__district")


def scope_of(user: AbstractBaseUser | None) -> StaffScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return StaffScope(False, frozenset(), frozenset())
    assignments = list(StaffAssignment.objects.filter(user=user).values_list("role", "district_id", "precinct_id"))
    everything = any(role == StaffAssignment.Role.CEC_ADMIN for role, _, _ in assignments)
    districts = frozenset(d for role, d, _ in assignments if role == StaffAssignment.Role.TERRITORIAL and d)
    precincts = frozenset(p for role, _, p in assignments if role == StaffAssignment.Role.PRECINCT and p)
    return StaffScope(everything, districts, precincts)


def require_scope(user: AbstractBaseUser, precinct: Precinct) -> StaffScope:
    scope = scope_of(user)
    if not scope.covers(precinct):
        raise OutOfScope(f"precinct {precinct.number} is outside this staff member's scope")
    return scope


def is_operator(user: AbstractBaseUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return StaffAssignment.objects.filter(user=user, role__in=OPERATOR_ROLES).exists()
