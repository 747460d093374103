# SPDX-License-Identifier: Apache-2.0
"""The check page at / and /check/: form POST without JavaScript, both languages, CAPTCHA over the limit."""
import re

import pytest
from django.core import signing
from django.test import override_settings

from shailoo.lookup import captcha
from shailoo.register.models import VoterListEntry
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def check(client, pin, language="ky", **fields):
    client.cookies["django_language"] = language
    return client.post("/check/", {"pin": pin, **fields})


def solve_from_page(html: str) -> tuple[str, str]:
    """The test knows the secret key, so it can find the answer that the token's hash was made from."""
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    nonce = signing.loads(token, salt="shailoo.lookup.captcha")["n"]
    expected = signing.loads(token, salt="shailoo.lookup.captcha")["h"]
    answer = next(str(n) for n in range(0, 100) if captcha._answer_hash(nonce, str(n)) == expected)
    return token, answer


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


@override_settings(LOOKUP_RATE_LIMITS={"ip": "2/60", "pin": "100/3600"})
def test_over_the_ip_limit_the_page_asks_for_a_captcha_and_answers_once_solved(client, listed):
    _, citizen = listed
    check(client, citizen.pin)
    check(client, citizen.pin)

    refused = check(client, citizen.pin)

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "data:image/png;base64," in html
    assert "data-outcome" not in html
    token, answer = solve_from_page(html)
    answered = check(client, citizen.pin, captcha_token=token, captcha_answer=answer)
    assert answered.status_code == 200
    assert 'data-outcome="listed"' in answered.content.decode()


@override_settings(LOOKUP_RATE_LIMITS={"ip": "1/60", "pin": "100/3600"})
def test_a_captcha_token_is_accepted_only_once(client, listed):
    _, citizen = listed
    check(client, citizen.pin)
    token, answer = solve_from_page(check(client, citizen.pin).content.decode())
    assert check(client, citizen.pin, captcha_token=token, captcha_answer=answer).status_code == 200

    replay = check(client, citizen.pin, captcha_token=token, captcha_answer=answer)

    assert replay.status_code == 400
    assert "data-outcome" not in replay.content.decode()


@override_settings(LOOKUP_RATE_LIMITS={"ip": "1/60", "pin": "100/3600"})
def test_a_wrong_captcha_answer_gets_a_new_picture(client, listed):
    _, citizen = listed
    check(client, citizen.pin)
    token, answer = solve_from_page(check(client, citizen.pin).content.decode())

    response = check(client, citizen.pin, captcha_token=token, captcha_answer=str(int(answer) + 1))

    html = response.content.decode()
    assert response.status_code == 400
    assert "data:image/png;base64," in html
    assert "data-outcome" not in html


def test_forged_captcha_token_is_refused(client, listed):
    _, citizen = listed

    response = check(client, citizen.pin, captcha_token="forged:token", captcha_answer="12")

    assert response.status_code == 400


def test_captcha_image_is_a_png():
    challenge = captcha.new_challenge()
    import base64

    png = base64.b64decode(challenge.image_data_uri.split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"IHDR" in png and b"IEND" in png


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
    assert "data:image/png;base64," in response.content.decode()
