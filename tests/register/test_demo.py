# SPDX-License-Identifier: Apache-2.0
import datetime as dt

import pytest
from django.core.management import call_command

from shailoo.elections.models import Candidate, Election
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.pin import parse_pin

pytestmark = pytest.mark.django_db


def test_the_demo_is_samarkandek_as_notice_a_describes_it_and_loads_once(capsys):
    call_command("demo", "--election-day", "2027-01-10")
    election = Election.objects.get(slug="samarkandek")
    assert election.election_day == dt.date(2027, 1, 10) and election.evoting
    listed = VoterListEntry.objects.filter(election=election, status="listed")
    assert listed.count() == 7524
    assert listed.exclude(citizen__residence="").count() == 1568
    assert election.constituencies.count() == 3
    assert Candidate.objects.filter(election=election, gender="F").exists()
    for constituency in election.constituencies.all():
        assert constituency.women_seats * 10 >= constituency.seats * 3
    citizen = Citizen.objects.order_by("?").first()
    info = parse_pin(citizen.pin)
    assert (info.birth_date, info.gender.value) == (citizen.birth_date, citizen.gender)
    output = capsys.readouterr().out
    assert "7524 voters on the list" in output and "Demo PINs" in output

    counts = (Citizen.objects.count(), VoterListEntry.objects.count(), Election.objects.count())
    call_command("demo")
    assert (Citizen.objects.count(), VoterListEntry.objects.count(), Election.objects.count()) == counts
    assert "already loaded" in capsys.readouterr().out


def test_by_default_election_day_is_30_days_ahead_so_every_window_is_open():
    from django.utils import timezone

    call_command("demo")
    election = Election.objects.get(slug="samarkandek")
    now = timezone.now()
    assert election.election_day == timezone.localdate() + dt.timedelta(days=30)
    calendar = election.calendar
    assert calendar.check_window_open(now) and calendar.corrections_open(now) and calendar.enrolment_open(now)


def test_the_printed_demo_uses_the_servers_port_and_gives_each_pin_one_story(settings, capsys):
    settings.DEMO_BASE_URL = "http://127.0.0.1:9123"
    settings.TEST_IDP, settings.TUNDUK_CLIENT_ID, settings.TUNDUK_CLIENT_SECRET = True, "shailoo-demo", "secret"
    settings.TUNDUK_DISCOVERY_URL = "http://127.0.0.1:9123/test-idp/.well-known/openid-configuration"

    call_command("demo")

    output = capsys.readouterr().out
    assert ":8000" not in output and "http://127.0.0.1:9123/commission/" in output
    assert "http://127.0.0.1:9123/api/v1/lookup" in output and "http://127.0.0.1:9123/sms/inbound" in output
    paper = next(line for line in output.splitlines() if "votes on paper" in line).split()[0]
    away = [line for line in output.splitlines() if "lives away" in line]
    assert away and not any(paper in line for line in away)


def test_the_demos_address_follows_the_port_make_passes(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PORT": "9124", "SHAILOO_DATA_DIR": str(tmp_path)}
    env.pop("SHAILOO_DEMO_BASE_URL", None)
    printed = subprocess.run([sys.executable, "-c", "from shailoo import settings; print(settings.DEMO_BASE_URL)"],
                             env=env, capture_output=True, text=True, check=True).stdout.strip()

    assert printed == "http://127.0.0.1:9124"
