# SPDX-License-Identifier: Apache-2.0
"""The demo's staff accounts, and the admin's read-only view of applications."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.commission import demo
from shailoo.staff.models import StaffAssignment
from tests.cabinet.helpers import make_world
from tests.commission.helpers_commission import staffed_world

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_one_account_per_role_idempotently_and_prints_the_logins():
    world = make_world()
    for _ in range(2):
        out = StringIO()
        demo.seed(election=world.election, out=out)
    text = out.getvalue()
    roles = set(StaffAssignment.objects.filter(user__username__in=["cec", "batken", "operator"])
                .values_list("role", flat=True))
    assert roles == {"cec_admin", "territorial", "operator"}
    member = f"uchastok{world.precinct.number}"
    assert StaffAssignment.objects.get(user__username=member).precinct == world.precinct
    assert demo.DEFAULT_PASSWORD in text and member in text and "/commission/" in text
    client = Client()
    response = client.post(reverse("commission:login"), {"username": member, "password": demo.DEFAULT_PASSWORD})
    assert response.status_code == 302
    # Five assignments (two precincts in the territory), each audited once although seeded twice.
    assert StaffAssignment.objects.count() == 5
    assert AuditEntry.objects.filter(kind=AuditKind.STAFF_CHANGED).count() == 5


def test_applications_in_the_admin_can_be_seen_but_not_changed():
    staffed = staffed_world()
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    url = reverse("admin:cabinet_application_change", args=[staffed.application.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(url, {"status": "approved"}).status_code == 403
    assert client.get(reverse("admin:cabinet_application_add")).status_code == 403
