# SPDX-License-Identifier: Apache-2.0
"""POST /api/v1/lookup: answers in the documented schema, every bad input a clear 4xx in the error shape."""
import json

import pytest
from django.test import override_settings

from shailoo.lookup.api import LookupOut
from shailoo.register.models import VoterListEntry
from tests.factories import list_voter, make_citizen

pytestmark = pytest.mark.django_db
URL = "/api/v1/lookup"


def post(client, body, *, content_type="application/json", **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **extra)


def post_lookup(client, body, **extra):
    """A successful lookup, its answer checked against the documented response schema."""
    response = post(client, body, **extra)
    assert response.status_code == 200, response.content
    LookupOut.model_validate(response.json())
    return response


def assert_error_shape(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == code
    assert body["message"]
    return body


def test_listed_voter_gets_precinct_mode_and_masked_initials(client, listed):
    territory, citizen = listed

    response = post_lookup(client, {"pin": citizen.pin, "lang": "ru"})

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "listed"
    assert body["precinct"]["number"] == territory.precinct.number
    assert body["precinct"]["address"] == territory.precinct.address_ru
    assert body["precinct"]["phone"] == territory.precinct.phone
    assert body["precinct"]["map_url"].startswith("https://www.openstreetmap.org/")
    assert body["election"]["name"] == territory.election.name_ru
    assert body["voting_mode"] == "paper"
    assert body["initials"] == "А*** Б."
    assert body["message"] == "Вы включены в список избирателей."


def test_answer_never_contains_name_birth_date_address_or_pin(client, listed):
    territory, _ = listed
    citizen = make_citizen(territory.settlement, surname="Токтогулова", name="Айжан", street="Ала-Тоо", house="77")
    list_voter(citizen, territory.election, territory.precinct)

    text = post_lookup(client, {"pin": citizen.pin}).content.decode()

    for secret in (citizen.surname, citizen.name, "1990-05-17", "17.05.1990", citizen.pin, "Ала-Тоо"):
        assert secret not in text


def test_kyrgyz_is_the_default_language(client, listed):
    _, citizen = listed

    body = post_lookup(client, {"pin": citizen.pin}).json()

    assert body["message"] == "Сиз шайлоочулардын тизмесиндесиз."


def test_ineligible_citizen_gets_the_reason_in_plain_words(client, listed):
    territory, _ = listed
    citizen = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(election=territory.election, citizen=citizen,
                                  status=VoterListEntry.Status.INELIGIBLE, reasons="no_biometrics")

    body = post_lookup(client, {"pin": citizen.pin, "lang": "ru"}).json()

    assert body["outcome"] == "ineligible"
    assert body["reasons"][0]["code"] == "no_biometrics"
    assert "биометрическую регистрацию" in body["reasons"][0]["text"]
    # The next step is one, and it is the Public Service Centre's, not the precinct commission's first.
    assert body["what_to_do"].startswith("Пройдите биометрическую регистрацию в Центре обслуживания населения (ЦОН)")
    assert body["corrections_until"] == territory.election.calendar.corrections_until.isoformat()
    assert body["precinct"] is None


def test_unknown_pin_gets_what_to_do_with_the_deadline(client, listed):
    territory, _ = listed

    body = post_lookup(client, {"pin": "2 17051990 99999", "lang": "en"}).json()

    assert body["outcome"] == "not_listed"
    assert "precinct commission" in body["what_to_do"]
    assert str(territory.election.calendar.corrections_until.year) in body["what_to_do"]
    assert body["corrections_until"] == territory.election.calendar.corrections_until.isoformat()


@pytest.mark.parametrize(("pin", "reason"), [("12345", "length"), ("3170519900001A", "not_digits"),
                                             ("31705199000001", "gender_digit"), ("", "empty")])
def test_malformed_pin_gets_400_saying_what_a_pin_looks_like(client, pin, reason):
    body = assert_error_shape(post(client, {"pin": pin}), 400, "invalid_pin")

    assert body["details"]["reason"] == reason
    assert body["details"]["hint"]


def test_missing_field_is_422_naming_the_field(client):
    body = assert_error_shape(post(client, {"pn": "21705199000001"}), 422, "invalid_request")

    assert body["details"]["fields"][0]["field"] == "pin"


def test_wrong_type_of_field_is_422(client):
    assert_error_shape(post(client, {"pin": 21705199000001}), 422, "invalid_request")


def test_unknown_language_is_422(client):
    assert_error_shape(post(client, {"pin": "21705199000001", "lang": "de"}), 422, "invalid_request")


def test_form_encoded_body_is_415(client):
    response = client.post(URL, data={"pin": "21705199000001"})

    assert_error_shape(response, 415, "unsupported_media_type")


def test_ten_kilobytes_is_413(client):
    assert_error_shape(post(client, {"pin": "1" * 10_240}), 413, "body_too_large")


def test_binary_body_is_400(client):
    assert_error_shape(post(client, bytes(range(256)) * 3), 400, "malformed_body")


def test_json_that_is_not_an_object_is_refused(client):
    assert post(client, "[1, 2, 3]").status_code in (400, 422)
    assert_error_shape(post(client, "null"), 422, "invalid_request")


def test_empty_body_is_400(client):
    assert_error_shape(post(client, b""), 400, "empty_body")


def test_get_is_405(client):
    assert client.get(URL).status_code == 405


@override_settings(LOOKUP_RATE_LIMITS={"ip": "3/60", "pin": "100/60"})
def test_over_the_ip_limit_the_api_answers_429_with_retry_after(client, listed):
    _, citizen = listed
    for _ in range(3):
        assert post(client, {"pin": citizen.pin}).status_code == 200

    response = post(client, {"pin": citizen.pin})

    body = assert_error_shape(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 120  # a sliding window: up to two windows
    assert body["details"]["retry_after"] == int(response["Retry-After"])


@override_settings(LOOKUP_RATE_LIMITS={"ip": "100/60", "pin": "2/3600"})
def test_one_pin_checked_too_often_is_refused_from_any_address(client, listed):
    _, citizen = listed
    post(client, {"pin": citizen.pin}, REMOTE_ADDR="10.0.0.1")
    post(client, {"pin": citizen.pin}, REMOTE_ADDR="10.0.0.2")

    assert post(client, {"pin": citizen.pin}, REMOTE_ADDR="10.0.0.3").status_code == 429
    assert post(client, {"pin": "21705199099999"}, REMOTE_ADDR="10.0.0.3").status_code == 200


def test_openapi_documents_the_lookup_and_its_error_shape(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/lookup"]["post"]
    assert {"200", "400", "413", "415", "422", "429"} <= set(operation["responses"])
    assert "ErrorOut" in schema["components"]["schemas"]
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"error", "message", "details"}


def test_api_docs_page_is_our_own_page_from_the_openapi_document_with_a_language_and_a_csp(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ky"' in html and '<div lang="en" id="api-reference">' in html
    assert "POST /api/v1/lookup" in html and 'href="/api/v1/openapi.json"' in html
    assert "cdn." not in html and "swagger" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
