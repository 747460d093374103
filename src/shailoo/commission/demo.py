# SPDX-License-Identifier: Apache-2.0
"""Demo staff accounts, one per role, for the demo election. Idempotent: run it as often as you like.

The password of every demo account is SHAILOO_DEMO_STAFF_PASSWORD (a fixed default, printed, so a
newcomer can sign in); never run the demo against a production database.
"""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.geography.models import Precinct
from shailoo.staff.models import StaffAssignment

DEFAULT_PASSWORD = "shailoo-demo-staff"  # noqa: S105 (a demo account's, printed on purpose)


def _account(username: str, full_name: str, password: str, *, superuser: bool = False):
    user_model = get_user_model()
    first, _, last = full_name.partition(" ")
    user, created = user_model.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
    user.set_password(password)
    user.is_staff = superuser
    user.is_superuser = superuser
    user.save()
    return user, created


def _assign(user, role: str, *, district=None, precinct=None) -> None:
    _, created = StaffAssignment.objects.get_or_create(user=user, role=role, district=district, precinct=precinct)
    if created:
        scope = str(precinct.number if precinct else district.name if district else "")
        record_event(kind=AuditKind.STAFF_CHANGED, actor=None, actor_label="demo", subject=f"user:{user.pk}",
                     payload={"user": user.get_username(), "role": role, "scope": scope})


def seed(*, election, out) -> None:
    password = os.environ.get("SHAILOO_DEMO_STAFF_PASSWORD", DEFAULT_PASSWORD)
    territory = election.kenesh.territory
    district = territory.district
    precincts = list(Precinct.objects.filter(municipality=territory).order_by("number"))
    with transaction.atomic():
        cec, _ = _account("cec", "Айгүл Осмонова", password, superuser=True)
        _assign(cec, StaffAssignment.Role.CEC_ADMIN)
        territorial, _ = _account("batken", "Нурлан Ташиев", password)
        _assign(territorial, StaffAssignment.Role.TERRITORIAL, district=district)
        members = []
        for precinct in precincts:
            member, _ = _account(f"uchastok{precinct.number}", f"Участок {precinct.number}", password)
            _assign(member, StaffAssignment.Role.PRECINCT, precinct=precinct)
            members.append((member.username, precinct.number))
        operator, _ = _account("operator", "Бакыт Жумабеков", password)
        _assign(operator, StaffAssignment.Role.OPERATOR)

    out.write(f"\nCommission back office: {settings.DEMO_BASE_URL}/commission/  (password of every account below: "
              f"{password})\n")
    out.write("  cec          CEC administrator: every district and precinct (also /admin/)\n")
    out.write(f"  batken       territorial commission of {district.name}\n")
    for username, number in members:
        out.write(f"  {username:<12} precinct commission of precinct {number}\n")
    out.write("  operator     call-centre operator (no back-office access: the call-centre console)\n")
    out.write("  Two-factor login: after signing in, /commission/security/ turns on TOTP.\n")
