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
