# SPDX-License-Identifier: Apache-2.0
"""The commission's e-voting page: each step with its time; only a CEC administrator takes the steps."""
from __future__ import annotations

import pytest
from django.test import Client

from shailoo.elections.models import Candidate, Constituency
from shailoo.evoting.models import Board
from tests.cabinet.helpers import make_staff
from tests.factories import make_territory

from .helpers import make_evoting

pytestmark = pytest.mark.django_db


def staff_client(role: str, **scope) -> Client:
    client = Client()
    client.force_login(make_staff(f"user-{role}", role, password=None, **scope))
    return client


def test_page_shows_every_step_with_its_time():
    ev = make_evoting(voters=1)
    response = staff_client("cec_admin").get(f"/commission/evoting/{ev.slug}/", headers={"accept-language": "en"})
    text = response.content.decode()
    assert response.status_code == 200
    for step in ("Manifest fixed", "Key ceremony adopted", "Credential list signed", "Tallied"):
        assert step in text
    assert ev.board.manifest_hash[:16] in text and "not yet" in text


def test_a_cec_administrator_takes_the_steps_a_precinct_member_only_looks():
    territory = make_territory()
    constituency = Constituency.objects.create(election=territory.election, number=1, name_ky="Бир", name_ru="Один",
                                               seats=3)
    constituency.precincts.add(territory.precinct)
    Candidate.objects.create(election=territory.election, constituency=constituency, surname="К", name="А",
                             gender="F", ballot_order=1)
    url = f"/commission/evoting/{territory.election.slug}/"
    member = staff_client("precinct", precinct=territory.precinct)
    assert member.get(url).status_code == 200
    assert member.post(url, {"action": "create"}).status_code == 403
    assert not Board.objects.exists()
    admin = staff_client("cec_admin")
    assert admin.post(url, {"action": "create"}).status_code == 302
    assert Board.objects.filter(election=territory.election).count() == 1
    # Fixing the manifests needs the holders (the ceremony app): refused with the reason, nothing changed.
    page = admin.post(url, {"action": "manifests"}, follow=True, headers={"accept-language": "en"})
    assert "key holder must register" in page.content.decode()
    assert Board.objects.get().state == Board.State.SETUP
    assert Client().get(url).status_code == 302  # not signed in: to the login
