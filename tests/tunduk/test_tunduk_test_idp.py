# SPDX-License-Identifier: Apache-2.0
"""The relying party against the local test identity provider, both served by a live server and talking
over real HTTP, with a requests-driven browser walking every hop (redirects and form_post)."""
import pytest
import requests
from django.conf import settings as django_settings
from joserfc import jwt
from joserfc.jwk import KeySet

from shailoo.tunduk.models import PendingLogin
from tests.tunduk.helpers import (
    TEST_CLIENT_ID,
    HttpBrowser,
    browser_voter_pin,
    enable_test_idp,
    hidden_fields,
    make_idp_account,
)

PIN = "11705199000123"


@pytest.fixture
def idp(live_server, settings):
    application = enable_test_idp(settings, live_server.url)
    make_idp_account(PIN)
    return application


@pytest.fixture
def browser(live_server):
    browser = HttpBrowser(live_server.url)
    yield browser
    browser.close()


def test_discovery_and_keys_describe_a_pkce_form_post_rs256_provider(idp, live_server):
    document = requests.get(f"{live_server.url}/test-idp/.well-known/openid-configuration", timeout=10).json()
    assert document["issuer"] == f"{live_server.url}/test-idp"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["response_modes_supported"]) == {"query", "form_post"}
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert "pin" in document["claims_supported"]
    keys = requests.get(document["jwks_uri"], timeout=10).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_a_voter_signs_in_with_form_post_and_lands_on_next(idp, browser):
    response = browser.login(pin=PIN, next_url="/healthz")
    assert response.status_code == 200 and browser.path == "/healthz"
    assert browser_voter_pin(browser) == PIN
    # The answer came back as a POST from the provider's self-submitting page.
    assert any(hop.request.method == "POST" and "/login/tunduk/callback/" in hop.url for hop in browser.history)


def test_a_voter_signs_in_with_the_query_response_mode(idp, browser, settings):
    settings.TUNDUK_RESPONSE_MODE = "query"
    response = browser.login(pin=PIN, next_url="/healthz")
    assert response.status_code == 200 and browser.path == "/healthz"
    assert browser_voter_pin(browser) == PIN
    assert any(hop.request.method == "GET" and "/login/tunduk/callback/?code=" in hop.url for hop in browser.history)


def test_the_id_token_is_rs256_with_pin_names_and_at_hash(idp, live_server):
    # Look at a token the provider issues, through the relying party's own machinery.
    from shailoo.tunduk import login

    captured = {}
    original = login.exchange_code

    def spy(*args, **kwargs):
        captured.update(original(*args, **kwargs))
        return captured

    login.exchange_code = spy
    try:
        with HttpBrowser(live_server.url) as browser:
            browser.login(pin=PIN, next_url="/healthz")
    finally:
        login.exchange_code = original
    keys = requests.get(f"{live_server.url}/test-idp/.well-known/jwks.json", timeout=10).json()
    token = jwt.decode(captured["id_token"], KeySet.import_key_set(keys))
    assert token.header["alg"] == "RS256"
    assert token.claims["pin"] == PIN and token.claims["aud"] == TEST_CLIENT_ID
    assert token.claims["given_name"] == "Бермет" and token.claims["family_name"] == "Абдыкадырова"
    assert token.claims["at_hash"]


def test_the_provider_checks_the_pkce_verifier(idp, browser):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    PendingLogin.objects.update(code_verifier="a-verifier-that-does-not-match-the-challenge-0123456789abcdef")
    response = browser.sign_in_at_idp(signin_page, pin=PIN, password=django_settings.TEST_IDP_PASSWORD)
    assert response.status_code == 502 and b'data-error="token_exchange_failed"' in response.content
    assert browser_voter_pin(browser) is None


def test_a_changed_state_is_refused(idp, browser, monkeypatch):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    original = hidden_fields

    def tampered(html):
        fields = original(html)
        if "code" in fields and "state" in fields:
            fields["state"] = fields["state"][::-1]
        return fields

    monkeypatch.setattr("tests.tunduk.helpers.hidden_fields", tampered)
    response = browser.sign_in_at_idp(signin_page, pin=PIN, password=django_settings.TEST_IDP_PASSWORD)
    assert response.status_code == 400 and b'data-error="invalid_state"' in response.content
    assert browser_voter_pin(browser) is None


def test_a_nonce_other_than_the_one_sent_is_refused(idp, browser):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    PendingLogin.objects.update(nonce="not-the-nonce-that-went-to-the-provider")
    response = browser.sign_in_at_idp(signin_page, pin=PIN, password=django_settings.TEST_IDP_PASSWORD)
    assert response.status_code == 502 and b'data-error="invalid_id_token"' in response.content
    assert browser_voter_pin(browser) is None


def test_an_expired_id_token_is_refused(idp, browser, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ID_TOKEN_EXPIRE_SECONDS": -600}
    response = browser.login(pin=PIN, next_url="/healthz")
    assert response.status_code == 502 and b'data-error="invalid_id_token"' in response.content
    assert browser_voter_pin(browser) is None


def test_a_relying_party_expecting_another_pin_claim_refuses_the_login(idp, browser, settings):
    settings.TUNDUK_PIN_CLAIM = "national_id"
    response = browser.login(pin=PIN, next_url="/healthz")
    assert response.status_code == 502 and b'data-error="invalid_pin_claim"' in response.content


def test_cancelling_at_the_provider_gives_the_refusal_page(idp, browser):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    response = browser.sign_in_at_idp(signin_page, pin="", password="", action="cancel")
    assert response.status_code == 403 and b'data-error="access_denied"' in response.content
    assert browser_voter_pin(browser) is None


def test_a_wrong_password_keeps_the_citizen_at_the_provider(idp, browser):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    response = browser.sign_in_at_idp(signin_page, pin=PIN, password="wrong")
    assert response.status_code == 400 and "/test-idp/signin/" in response.url
    assert browser_voter_pin(browser) is None


def test_an_unknown_pin_cannot_sign_in_at_the_provider(idp, browser):
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    response = browser.sign_in_at_idp(signin_page, pin="21212199000001", password=django_settings.TEST_IDP_PASSWORD)
    assert response.status_code == 400 and browser_voter_pin(browser) is None


def test_the_provider_remembers_its_sign_in_like_tunduk(idp, browser):
    browser.login(pin=PIN, next_url="/healthz")
    logout_page = browser.get("/logout/")
    browser.post("/logout/", hidden_fields(logout_page.text))
    assert browser_voter_pin(browser) is None
    response = browser.get("/login/tunduk/", next="/healthz")
    assert browser.path == "/healthz" and response.status_code == 200
    assert browser_voter_pin(browser) == PIN


def test_the_sign_in_page_speaks_the_language_asked_for(idp, browser):
    browser.session.cookies.set(django_settings.LANGUAGE_COOKIE_NAME, "ru")
    signin_page = browser.get("/login/tunduk/", next="/healthz")
    assert "Персональный идентификационный номер" in signin_page.text
    assert 'class="test-banner"' in signin_page.text
    assert "Shailoo (tests)" in signin_page.text


def test_the_provider_refuses_an_unregistered_redirect_uri_without_redirecting(idp, browser):
    response = browser.get_one(
        "/test-idp/authorize/?response_type=code&client_id=shailoo-test&scope=openid&state=s"
        "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&code_challenge=abc&code_challenge_method=S256"
    )
    assert response.status_code == 400 and "Location" not in response.headers


def test_the_provider_requires_pkce(idp, browser):
    browser.login(pin=PIN, next_url="/healthz")
    response = browser.get_one(
        f"/test-idp/authorize/?response_type=code&client_id=shailoo-test&scope=openid&state=s"
        f"&redirect_uri={browser.base_url}/login/tunduk/callback/"
    )
    assert response.status_code == 302 and "error=invalid_request" in response.headers["Location"]
