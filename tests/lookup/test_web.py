# SPDX-License-Identifier: Apache-2.0
"""The check page at / and /check/: form POST without JavaScript, both languages, the proof of work
(what the ALTCHA widget sends) past the checks an address makes without it."""
import re

import pytest
from django.test import override_settings

from shailoo.lookup import challenge
from shailoo.register.models import VoterListEntry
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def check(client, pin, language="ky", **fields):
    client.cookies["django_language"] = language
    return client.post("/check/", {"pin": pin, **fields})


def solved() -> str:
    """What the widget puts in the form: a fresh challenge, solved."""
    return challenge.solve(challenge.new_challenge())


def test_check_page_has_a_labelled_pin_field_and_a_plain_form(client):
    response = client.get("/check/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html
    assert re.search(r'<label class="govuk-label[^"]*" for="id_pin">', html)
    assert 'id="id_pin"' in html
    # No inline script (the CSP forbids it); the one module script only enhances a page that works without it.
    assert [tag for tag in html.split("<script")[1:] if "src=" not in tag.split(">")[0]] == []
    assert 'name="viewport"' in html


def test_the_start_page_leads_to_the_check_the_address_search_and_the_voters_cabinet(client):
    html = client.get("/").content.decode()

    assert 'href="/check/"' in html
    assert 'href="/where/"' in html
    assert 'href="/cabinet/"' in html


def test_listed_voter_sees_precinct_address_phone_and_initials_in_russian(client, listed):
    territory, citizen = listed

    html = check(client, citizen.pin, "ru").content.decode()

    assert "Вы включены в список избирателей." in html
    assert f"№{territory.precinct.number}" in html
    assert territory.precinct.address_ru in html
    assert territory.precinct.phone in html
    assert "А*** Б." in html
    assert "бумажным бюллетенем" in html


def test_result_page_shows_no_name_birth_date_or_the_pin(client, listed):
    _, citizen = listed

    html = check(client, citizen.pin).content.decode()

    for secret in (citizen.surname, citizen.name, "17.05.1990", citizen.pin):
        assert secret not in html


def test_kyrgyz_page_for_an_electronic_voter(client, listed):
    territory, citizen = listed
    VoterListEntry.objects.filter(citizen=citizen).update(voting_mode="electronic")

    html = check(client, citizen.pin, "ky").content.decode()

    assert "Сиз шайлоочулардын тизмесиндесиз." in html
    assert "электрондук" in html


def test_ineligible_citizen_is_told_to_go_to_a_public_service_centre(client, listed):
    territory, _ = listed
    citizen = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(election=territory.election, citizen=citizen,
                                  status=VoterListEntry.Status.INELIGIBLE, reasons="no_biometrics")

    html = check(client, citizen.pin, "ru").content.decode()

    assert "ЦОН" in html or "Центр обслуживания населения" in html


def test_malformed_pin_gets_400_and_says_what_a_pin_looks_like(client):
    response = check(client, "12345", "ru")

    assert response.status_code == 400
    assert "ПИН состоит ровно из 14 цифр." in response.content.decode()


@pytest.mark.parametrize("pin", ["", "x" * 10_240, "\x00\x01\x02", "🙂" * 20])
def test_bad_input_is_a_clear_400_never_a_500(client, pin):
    assert check(client, pin).status_code == 400


def test_post_without_csrf_token_is_refused():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.post("/check/", {"pin": "21705199000001"}).status_code == 403


def test_the_page_carries_the_altcha_widget_pointing_at_the_challenge_endpoint(client):
    html = client.get("/check/").content.decode()

    assert '<altcha-widget' in html
    assert 'challenge="/api/v1/challenge"' in html
    assert 'name="altcha"' in html


@override_settings(LOOKUP_RATE_LIMITS={"ip_free": "2/3600"})
def test_past_the_free_checks_the_page_asks_for_the_proof_of_work_and_answers_with_it(client, listed):
    _, citizen = listed
    assert check(client, citizen.pin).status_code == 200
    assert check(client, citizen.pin).status_code == 200

    refused = check(client, citizen.pin)

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "data-outcome" not in html
    assert "JavaScript" in html and "119" in html
    answered = check(client, citizen.pin, altcha=solved())
    assert answered.status_code == 200
    assert 'data-outcome="listed"' in answered.content.decode()


@override_settings(LOOKUP_RATE_LIMITS={"ip": "3/3600", "ip_free": "1/3600"})
def test_solving_never_lifts_the_per_address_limit(client, listed):
    _, citizen = listed
    statuses = [check(client, citizen.pin, altcha=solved()).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    refused = check(client, citizen.pin, "en", altcha=solved())
    assert "Try again in" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_a_solved_challenge_pays_for_one_check_only(client, listed):
    _, citizen = listed
    payload = solved()
    assert check(client, citizen.pin, altcha=payload).status_code == 200

    replay = check(client, citizen.pin, "en", altcha=payload)

    html = replay.content.decode()
    assert replay.status_code == 400
    assert "data-outcome" not in html
    assert "already used" in html


@pytest.mark.parametrize("payload", ["forged", "x" * 1900, "eyJjaGFsbGVuZ2UiOiAxfQ=="])
def test_a_bogus_payload_is_a_400_that_answers_nothing(client, listed, payload):
    _, citizen = listed

    response = check(client, citizen.pin, "en", altcha=payload)

    assert response.status_code == 400
    assert "data-outcome" not in response.content.decode()
    assert "was not valid" in response.content.decode()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/check/")

    assert "script-src 'self'" in response["Content-Security-Policy"]


@override_settings(LOOKUP_RATE_LIMITS={"ip": "100/60", "pin": "2/3600"})
def test_the_per_pin_limit_is_shared_between_the_api_and_the_page(client, listed):
    _, citizen = listed
    spaced = f"{citizen.pin[:5]} {citizen.pin[5:]}"
    for _ in range(2):
        client.post("/api/v1/lookup", data={"pin": spaced}, content_type="application/json")

    response = check(client, citizen.pin)

    assert response.status_code == 429
    assert "This PIN has been checked many times" in check(client, citizen.pin, "en").content.decode()
