# SPDX-License-Identifier: Apache-2.0
"""The voter session: separate from staff logins, short, rotated at login, ended at logout."""
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from shailoo.tunduk.session import (
    current_voter_name,
    current_voter_pin,
    start_voter_session,
    voter_required,
)

pytestmark = pytest.mark.django_db

PIN = "11705199000123"


def _request(path: str = "/cabinet/"):
    request = RequestFactory().get(path)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.session.save()
    return request


def test_a_login_rotates_the_session_key_and_keeps_pin_name_and_a_short_lifetime(settings):
    settings.VOTER_SESSION_SECONDS = 900
    request = _request()
    before = request.session.session_key
    start_voter_session(request, pin=PIN, claims={"given_name": "Бермет", "family_name": "Абдыкадырова"})
    assert request.session.session_key != before
    assert current_voter_pin(request) == PIN
    assert current_voter_name(request) == "Бермет Абдыкадырова"
    assert request.session.get_expiry_age() == 900


def test_the_voter_session_ends_when_its_lifetime_is_over(settings, monkeypatch):
    settings.VOTER_SESSION_SECONDS = 600
    request = _request()
    start_voter_session(request, pin=PIN, claims={})
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 599)
    assert current_voter_pin(request) == PIN
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert current_voter_pin(request) is None
    assert current_voter_name(request) == ""


def test_nobody_is_a_voter_without_a_tunduk_login(client):
    staff = get_user_model().objects.create_user("precinct-8101", password="a-long-password-1")
    client.force_login(staff)
    request = _request()
    request.session = client.session
    assert current_voter_pin(request) is None


def test_signing_out_ends_the_voter_session_and_leaves_a_staff_login_alone(client):
    staff = get_user_model().objects.create_user("precinct-8102", password="a-long-password-1")
    client.force_login(staff)
    session = client.session
    request = _request()
    request.session = session
    start_voter_session(request, pin=PIN, claims={})
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    assert client.get("/logout/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    after = _request()
    after.session = client.session
    assert current_voter_pin(after) is None
    assert client.session.get("_auth_user_id") == str(staff.pk)


def test_voter_required_sends_a_stranger_to_the_tunduk_login_and_back():
    @voter_required
    def page(request):
        return HttpResponse(current_voter_pin(request))

    stranger = _request("/cabinet/elections/3/evoting/?step=2")
    response = page(stranger)
    assert response.status_code == 302
    assert response["Location"] == "/login/tunduk/?next=%2Fcabinet%2Felections%2F3%2Fevoting%2F%3Fstep%3D2"

    voter = _request()
    start_voter_session(voter, pin=PIN, claims={})
    assert page(voter).content.decode() == PIN


def test_signing_out_needs_a_post_with_the_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/logout/").status_code == 403
