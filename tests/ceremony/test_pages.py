# SPDX-License-Identifier: Apache-2.0
"""The commission's ceremony pages: who may see them, the holders and who registered, each round's
progress with who has not yet acted, the result; a one-time code shown once; the next attempt."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from shailoo.ceremony import services
from shailoo.ceremony.models import Ceremony, KeyHolder
from shailoo.geography.models import Precinct
from tests.cabinet.helpers import make_staff
from tests.ceremony.helpers_ceremony import name_and_issue, opened
from tests.ceremony.test_relay import Holders, run_rounds

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(setup) -> str:
    return f"/commission/ceremony/{setup.election.slug}/"


def test_only_the_cec_and_the_elections_own_holders_see_the_page():
    setup = name_and_issue()
    assert Client().get(page(setup)).status_code == 302
    member = make_staff("member", "precinct", precinct=Precinct.objects.first(), password=None)
    assert staff_client(member).get(page(setup)).status_code == 403
    holder = KeyHolder.objects.get(election=setup.election, index=2)
    holder.user = member
    holder.save()
    assert staff_client(member).get(page(setup)).status_code == 200
    cec = staff_client(make_staff("cec", "cec_admin", password=None))
    assert cec.get(page(setup)).status_code == 200
    assert cec.get("/commission/ceremony/no-such-election/").status_code == 404
    assert staff_client(member).post(f"{page(setup)}holders/1/code").status_code == 403


def test_the_page_shows_registration_and_who_has_not_acted_then_the_result():
    api = Client()
    setup = opened(client=api)
    cec = staff_client(make_staff("cec", "cec_admin", password=None))
    holders = Holders(setup, api)
    for message in holders.round1()[:3]:
        holders.post(message)
    html = cec.get(page(setup)).content.decode()
    assert html.count("registered") >= 5
    assert "3 / 5" in html and "4. Holder 4, 5. Holder 5" in html
    for message in holders.round1()[3:]:
        holders.post(message)
    for message in holders.round2():
        holders.post(message)
    for message in holders.round3():
        holders.post(message)
    for message in holders.round4():
        holders.post(message)
    html = cec.get(page(setup)).content.decode()
    ceremony = Ceremony.objects.get()
    assert ceremony.joint_public_key in html
    assert "1. Holder 1, 2. Holder 2, 3. Holder 3, 4. Holder 4, 5. Holder 5" in html


def test_a_code_is_shown_once_and_replaces_the_earlier_one():
    setup = name_and_issue()
    cec = staff_client(make_staff("cec", "cec_admin", password=None))
    before = KeyHolder.objects.get(election=setup.election, index=1).code_hash
    response = cec.post(f"{page(setup)}holders/1/code")
    assert response.status_code == 200
    holder = KeyHolder.objects.get(election=setup.election, index=1)
    assert holder.code_hash != before
    shown = re.findall(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b", response.content.decode())
    assert len(shown) == 1 and services.hash_code(shown[0]) == holder.code_hash
    assert "code" not in response.headers.get("Location", "")


def test_the_cec_starts_the_next_attempt_of_a_stalled_ceremony():
    api = Client()
    setup = opened(client=api)
    holders = Holders(setup, api)
    run_rounds(holders, 1)
    cec = staff_client(make_staff("cec", "cec_admin", password=None))
    response = cec.post(f"/commission/ceremony/{setup.election.slug}/1/restart")
    assert response.status_code == 302
    assert Ceremony.objects.get().attempt == 2
    html = cec.get(page(setup)).content.decode()
    assert "attempt 2" in html and "0 / 5" in html and "not begun yet" in html


def test_the_back_office_navigation_offers_the_ceremonies_to_the_cec_only():
    setup = name_and_issue()
    cec = staff_client(make_staff("cec", "cec_admin", password=None))
    assert 'href="/commission/ceremony/"' in cec.get(page(setup)).content.decode()
    assert 'href="/commission/ceremony/"' in cec.get("/commission/").content.decode()
    member = staff_client(make_staff("member", "precinct", precinct=Precinct.objects.first(), password=None))
    assert 'href="/commission/ceremony/"' not in member.get("/commission/").content.decode()
    cec.cookies[settings.LANGUAGE_COOKIE_NAME] = "ky"
    assert "Ачкычтар аземдери</a>" in cec.get("/commission/").content.decode()
