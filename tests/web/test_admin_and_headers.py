# SPDX-License-Identifier: Apache-2.0
import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shailoo.web.logging import RedactPinsFilter, redact_pins
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db

MODELS = ["geography/region", "geography/district", "geography/municipality", "geography/settlement",
          "geography/precinct", "elections/kenesh", "elections/election", "elections/constituency",
          "elections/candidate", "register/citizen", "register/voterlistentry", "audit/auditentry"]


@pytest.fixture
def territory():
    territory = make_territory()
    list_voter(make_citizen(territory.settlement), territory.election, territory.precinct)
    return territory


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("cec", "cec@example.kg", "a long demo password")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_cec_admin_opens_every_list_in_every_language(admin_client, territory, model, language):
    response = admin_client.get(f"/admin/{model}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


def test_the_register_cannot_be_edited_in_the_admin(admin_client, territory):
    citizen = territory.election.list_entries.get().citizen
    assert admin_client.get(f"/admin/register/citizen/{citizen.pk}/change/").status_code == 200  # view only
    response = admin_client.post(f"/admin/register/citizen/{citizen.pk}/change/", {"surname": "Башка"})
    assert response.status_code == 403
    assert admin_client.get("/admin/register/citizen/add/").status_code == 403


def test_people_who_are_not_staff_are_sent_to_the_login(client):
    response = client.get("/admin/register/citizen/")
    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_security_headers_are_on_every_page(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pins_in_log_messages_are_replaced_by_their_keyed_hash():
    text = redact_pins("lookup for 11705199000123 and 2-0101-1985-12345 done; order 123")
    assert "11705199000123" not in text and "12345" not in text and text.count("pin#") == 2
    assert text.endswith("order 123")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "pin %s", ("11705199000123",), None)
    RedactPinsFilter().filter(record)
    assert "11705199000123" not in record.getMessage()


@pytest.mark.parametrize(("language", "precincts"), [("ky", "Шайлоо участоктору"), ("ru", "Избирательные участки"),
                                                      ("en", "Precincts")])
def test_the_admin_speaks_kyrgyz_russian_and_english(admin_client, language, precincts):
    assert precincts in admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
