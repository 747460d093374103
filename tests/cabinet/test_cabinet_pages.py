# SPDX-License-Identifier: Apache-2.0
"""The Voter's Cabinet pages, with a voter session opened through the Tunduk session interface."""
import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from shailoo.cabinet.models import Application
from shailoo.register.models import VoterListEntry
from tests.cabinet.helpers import (
    evoting_form,
    listed_citizen,
    make_world,
    pdf_bytes,
    png_bytes,
    upload,
    voter_client,
)
from tests.factories import make_citizen, make_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_the_cabinet_sends_an_anonymous_visitor_to_the_tunduk_login():
    response = Client().get(reverse("cabinet:home"))
    assert response.status_code == 302 and response["Location"].startswith("/login/tunduk/?next=")


def test_the_voter_sees_their_precinct_voting_mode_and_deadlines(world):
    citizen = listed_citizen(world)
    html = voter_client(citizen.pin).get(reverse("cabinet:home")).content.decode()
    calendar = world.election.calendar
    assert f"№{world.precinct.number}" in html
    assert 'id="my-data"' in html and citizen.surname in html and citizen.birth_date.strftime("%d.%m.%Y") in html
    with translation.override("ky"):
        assert formats.date_format(calendar.corrections_until, "j E Y") in html
        assert formats.date_format(calendar.enrolment_until, "j E Y") in html
    assert reverse("cabinet:evoting", args=[world.election.pk]) in html


def test_filing_a_correction_with_a_scan_through_the_page(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    response = client.post(reverse("cabinet:correction", args=[world.election.pk]), {
        "phone": "+996 555 123 456", "what_is_wrong": "I live on Жеңиш street now", "street": "Жеңиш",
        "house": "3", "precinct_number": world.second_precinct.number, "scan": upload(pdf_bytes(), "p.pdf"),
    })
    assert response.status_code == 302
    application = Application.objects.get(pin=citizen.pin)
    assert application.precinct == world.second_precinct and application.language == "ky"
    home = client.get(reverse("cabinet:home")).content.decode()
    assert f"application-{application.pk}" in home


def test_a_file_that_is_not_a_scan_is_refused_with_400(world):
    citizen = listed_citizen(world)
    response = voter_client(citizen.pin).post(reverse("cabinet:correction", args=[world.election.pk]), {
        "phone": "+996555123456", "what_is_wrong": "x", "scan": upload(b"MZ\x90\x00 not a picture", "p.png"),
    })
    assert response.status_code == 400 and not Application.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_a_correction_after_the_deadline_is_refused_on_the_page(world):
    world.election.corrections_until = timezone.localdate() - dt.timedelta(days=1)
    world.election.save()
    citizen = listed_citizen(world)
    response = voter_client(citizen.pin).post(reverse("cabinet:correction", args=[world.election.pk]), {
        "phone": "+996555123456", "what_is_wrong": "x", "scan": upload(png_bytes()),
    })
    assert response.status_code == 409 and not Application.objects.exists()


def test_a_missing_voter_files_through_the_page(world):
    citizen = make_citizen(world.territory.settlement)
    response = voter_client(citizen.pin).post(reverse("cabinet:missing"), {
        "election": world.election.pk, "phone": "0700 123 456", "precinct_number": world.precinct.number,
        "scan": upload(png_bytes()),
    })
    assert response.status_code == 302
    assert Application.objects.get(pin=citizen.pin).kind == Application.Kind.MISSING


def test_the_evoting_application_is_signed_and_verified(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    assert client.get(reverse("cabinet:evoting", args=[world.election.pk])).status_code == 200
    form = evoting_form()
    response = client.post(reverse("cabinet:evoting", args=[world.election.pk]), form)
    assert response.status_code == 302
    application = Application.objects.get(pin=citizen.pin)
    assert f"pin: {citizen.pin}" in application.signed_statement and application.signer_key_id
    assert application.credential_public_key == form["credential_public_key"]
    assert f"credential: {form['credential_public_key']}\n" in application.signed_statement


def test_the_evoting_page_carries_the_key_maker_and_explains_why_without_javascript(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("cabinet:evoting", args=[world.election.pk])).content.decode()
    assert "evoting/booth/enrol.js" in html and "evoting/booth/worker.js" in html
    assert f'data-election="{world.election.slug}"' in html
    assert "data-without-script" in html and "This step needs JavaScript" in html
    policy = client.get(reverse("cabinet:evoting", args=[world.election.pk])).headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "unsafe-inline" not in policy
    assert 'name="credential_public_key"' in html


def test_without_javascript_the_application_is_refused_naming_the_missing_key_only(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("cabinet:evoting", args=[world.election.pk]),
                           {"phone": "+996555123456", "confirm": "on"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"credential_public_key"}
    assert "JavaScript" in errors["credential_public_key"][0]
    assert not Application.objects.filter(pin=citizen.pin).exists()


@pytest.mark.parametrize(("key", "message"), [
    ("ab" * 31, "malformed"),
    ("AB" * 32, "malformed"),
    ("ff" * 32, "malformed"),  # 64 hex, but not a ristretto255 encoding
    ("00" * 32, "not valid"),  # the identity
])
def test_a_key_that_is_no_credential_is_refused(world, key, message):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("cabinet:evoting", args=[world.election.pk]),
                                              evoting_form(credential_public_key=key))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.filter(pin=citizen.pin).exists()


def test_a_key_already_used_in_the_election_is_refused(world):
    first, second = listed_citizen(world), listed_citizen(world)
    form = evoting_form()
    assert voter_client(first.pin).post(reverse("cabinet:evoting", args=[world.election.pk]), form).status_code == 302
    client = voter_client(second.pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("cabinet:evoting", args=[world.election.pk]), {**form, "phone": "+996555000999"})
    assert response.status_code == 400
    assert "already used in this election" in response.content.decode()
    assert not Application.objects.filter(pin=second.pin).exists()


def test_evoting_pages_do_not_exist_where_the_election_offers_none():
    world = make_world(evoting=False)
    citizen = listed_citizen(world)
    assert voter_client(citizen.pin).get(reverse("cabinet:evoting", args=[world.election.pk])).status_code == 404


def test_a_voter_cannot_withdraw_or_see_another_voters_application(world):
    owner, intruder = listed_citizen(world), listed_citizen(world)
    voter_client(owner.pin).post(reverse("cabinet:correction", args=[world.election.pk]), {
        "phone": "+996555123456", "what_is_wrong": "private detail 7731", "scan": upload(png_bytes()),
    })
    application = Application.objects.get(pin=owner.pin)
    intruder_client = voter_client(intruder.pin)
    assert intruder_client.post(reverse("cabinet:withdraw", args=[application.pk])).status_code == 404
    assert f"application-{application.pk}" not in intruder_client.get(reverse("cabinet:home")).content.decode()
    assert Application.objects.get(pk=application.pk).status == "filed"


def test_a_voter_cannot_file_for_an_election_they_have_no_entry_in(world):
    citizen = listed_citizen(world)
    other = make_territory(name="Ак-Сай")
    response = voter_client(citizen.pin).get(reverse("cabinet:correction", args=[other.election.pk]))
    assert response.status_code == 404


def test_withdrawing_through_the_page(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    client.post(reverse("cabinet:evoting", args=[world.election.pk]), evoting_form())
    application = Application.objects.get(pin=citizen.pin)
    assert client.post(reverse("cabinet:withdraw", args=[application.pk])).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "withdrawn"
    again = client.post(reverse("cabinet:withdraw", args=[application.pk]))
    assert again.status_code == 409
    assert VoterListEntry.objects.get(citizen=citizen).voting_mode == "paper"


def test_the_pages_speak_russian_when_asked(world):
    citizen = listed_citizen(world)
    client = voter_client(citizen.pin)
    client.cookies["django_language"] = "ru"
    assert "Кабинет избирателя" in client.get(reverse("cabinet:home")).content.decode()


def test_an_application_number_too_large_for_the_database_is_not_found(world):
    citizen = listed_citizen(world)
    assert voter_client(citizen.pin).post(reverse("cabinet:withdraw", args=[10**25])).status_code == 404
