# SPDX-License-Identifier: Apache-2.0
"""Passport scans are deleted after the election's retention period, and not a day before."""
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import Claim, file_application, purge_expired_scans
from tests.cabinet.helpers import days_before, listed_citizen, make_world, png_bytes, upload

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 4, 9)


@pytest.fixture
def filed(settings):
    world = make_world(election_day=DAY)
    world.election.retention_days = 30
    world.election.save()
    citizen = listed_citizen(world)
    application = file_application(
        kind="correction", election=world.election, pin=citizen.pin, phone="+996555123456",
        claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()), now=days_before(DAY, 20),
    )
    return application, Path(settings.PRIVATE_MEDIA_ROOT) / "scans" / application.scan_name


def test_scans_are_kept_through_the_last_day_of_retention(filed):
    application, path = filed
    assert purge_expired_scans(now=days_before(DAY, -30, 23, 59)) == {}
    assert path.exists() and Application.objects.get(pk=application.pk).has_scan


def test_the_command_deletes_scans_past_retention_and_audits_it(filed, monkeypatch):
    application, path = filed
    monkeypatch.setattr("django.utils.timezone.now", lambda: days_before(DAY, -31, 0, 1))
    out = StringIO()
    call_command("purge_scans", stdout=out)
    assert "1 scans deleted" in out.getvalue()
    assert not path.exists()
    application.refresh_from_db()
    assert not application.has_scan and application.scan_purged_at is not None
    assert AuditEntry.objects.get(kind=AuditKind.DOCUMENTS_PURGED).payload["documents"] == 1
    second = StringIO()
    call_command("purge_scans", stdout=second)
    assert "no scans" in second.getvalue()
