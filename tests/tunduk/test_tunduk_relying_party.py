# SPDX-License-Identifier: Apache-2.0
"""The relying party's checks, against a provider served over real HTTP whose tokens the test shapes."""
import base64
import hashlib
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from shailoo.tunduk.models import PendingLogin
from tests.tunduk.rogue_idp import CLIENT_ID, CLIENT_SECRET, RogueProvider, shaped_key

pytestmark = pytest.mark.django_db

PIN = "21705199000042"


@pytest.fixture
def rogue(settings):
    with RogueProvider() as provider:
        settings.TUNDUK_DISCOVERY_URL = provider.discovery_url
        settings.TUNDUK_CLIENT_ID = CLIENT_ID
        settings.TUNDUK_CLIENT_SECRET = CLIENT_SECRET
        settings.TUNDUK_RESPONSE_MODE = "query"
        settings.TUNDUK_PIN_CLAIM = "pin"
        settings.TUNDUK_REDIRECT_URI = ""
        yield provider


def start_login(client: Client, rogue: RogueProvider, next_url: str = "/cabinet/") -> dict[str, str]:
    response = client.get("/login/tunduk/", {"next": next_url})
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"{rogue.url}/authorize?")
    request = dict(parse_qsl(urlsplit(response["Location"]).query))
    rogue.nonce = request["nonce"]
    return request


def answer(client: Client, request: dict[str, str], **params: str):
    return client.get("/login/tunduk/callback/", {"code": "code-1", "state": request["state"], **params})


def signed_in_pin(client: Client) -> str | None:
    return client.session.get("tunduk.voter_pin")


def assert_refused(response, code: str, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    assert f'data-error="{code}"'.encode() in response.content


# The authorization request

def test_authorization_request_is_code_flow_with_pkce_s256_state_nonce_and_ui_locales(client, rogue):
    request = start_login(client, rogue)
    pending = PendingLogin.objects.get(state=request["state"])
    assert request["response_type"] == "code"
    assert request["client_id"] == CLIENT_ID
    assert request["redirect_uri"] == "http://testserver/login/tunduk/callback/"
    assert request["scope"] == "openid profile"
    assert request["code_challenge_method"] == "S256"
    expected_challenge = base64.urlsafe_b64encode(hashlib.sha256(pending.code_verifier.encode()).digest())
    assert request["code_challenge"] == expected_challenge.rstrip(b"=").decode()
    assert len(request["state"]) >= 32 and len(request["nonce"]) >= 32 and request["state"] != request["nonce"]
    assert request["ui_locales"] == "ky ru"
    assert "response_mode" not in request


def test_authorization_request_asks_for_form_post_and_the_page_language(client, rogue, settings):
    settings.TUNDUK_RESPONSE_MODE = "form_post"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    request = start_login(client, rogue)
    assert request["response_mode"] == "form_post"
    assert request["ui_locales"] == "ru ky"


def test_each_login_gets_fresh_state_nonce_and_verifier(client, rogue):
    first, second = start_login(client, rogue), start_login(client, rogue)
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]
    assert first["code_challenge"] != second["code_challenge"]


# The answer and the ID token

def test_a_valid_id_token_signs_the_voter_in_and_returns_to_next(client, rogue):
    request = start_login(client, rogue, next_url="/cabinet/applications/")
    response = answer(client, request)
    assert response.status_code == 302 and response["Location"] == "/cabinet/applications/"
    assert signed_in_pin(client) == PIN
    token_request = rogue.token_requests[-1]
    pending_verifier_challenge = base64.urlsafe_b64encode(
        hashlib.sha256(token_request["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert pending_verifier_challenge == request["code_challenge"]
    assert token_request["redirect_uri"] == request["redirect_uri"]
    assert token_request["authorization"] == "Basic " + base64.b64encode(
        f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def test_the_pin_is_taken_from_the_configured_claim(client, rogue, settings):
    settings.TUNDUK_PIN_CLAIM = "personal_number"
    rogue.claims = {"personal_number": "1 170 5199 000077"}
    answer(client, start_login(client, rogue))
    assert signed_in_pin(client) == "11705199000077"


def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(client, rogue):
    impostor = RSAKey.import_key({**shaped_key("impostor").as_dict(private=True), "kid": "published"})
    assert impostor.kid == rogue.published_key.kid
    rogue.signing_key = impostor
    assert_refused(answer(client, start_login(client, rogue)), "invalid_id_token", 502)
    assert signed_in_pin(client) is None


def test_a_token_naming_an_unknown_key_is_refused_after_fetching_the_keys_again(client, rogue):
    rogue.signing_key = shaped_key("rotated-elsewhere")
    assert_refused(answer(client, start_login(client, rogue)), "invalid_id_token", 502)
    assert signed_in_pin(client) is None


def test_a_token_mac_signed_with_the_client_secret_is_refused(client, rogue, monkeypatch):
    secret_key = OctKey.import_key(CLIENT_SECRET.encode() * 2)

    def hs256_token() -> str:
        now = int(time.time())
        return jwt.encode({"alg": "HS256"}, {"iss": rogue.url, "sub": "x", "aud": CLIENT_ID, "iat": now,
                                             "exp": now + 300, "nonce": rogue.nonce, "pin": PIN}, secret_key)

    monkeypatch.setattr(rogue, "id_token", hs256_token)
    assert_refused(answer(client, start_login(client, rogue)), "invalid_id_token", 502)


@pytest.mark.parametrize(
    ("claims", "dropped"),
    [
        pytest.param({"aud": "someone-else"}, set(), id="wrong audience"),
        pytest.param({"aud": ["someone-else", CLIENT_ID]}, set(), id="several audiences without azp"),
        pytest.param({"iss": "https://esia.example.org"}, set(), id="wrong issuer"),
        pytest.param({"exp": int(time.time()) - 3600}, set(), id="expired"),
        pytest.param({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, set(), id="issued in the future"),
        pytest.param({"nonce": "a-nonce-from-another-login"}, set(), id="nonce mismatch"),
        pytest.param({}, {"nonce"}, id="nonce missing"),
        pytest.param({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, set(), id="at_hash mismatch"),
        pytest.param({}, {"sub"}, id="subject missing"),
    ],
)
def test_an_id_token_failing_a_check_is_refused(client, rogue, claims, dropped):
    rogue.claims, rogue.drop_claims = claims, dropped
    assert_refused(answer(client, start_login(client, rogue)), "invalid_id_token", 502)
    assert signed_in_pin(client) is None


@pytest.mark.parametrize("pin_claim", [None, "12345", "31705199000042", 21705199000042])
def test_a_missing_or_malformed_pin_claim_is_refused(client, rogue, pin_claim):
    if pin_claim is None:
        rogue.drop_claims = {"pin"}
    else:
        rogue.claims = {"pin": pin_claim}
    assert_refused(answer(client, start_login(client, rogue)), "invalid_pin_claim", 502)
    assert signed_in_pin(client) is None


# State, browser binding, refusals

def test_an_answer_with_a_forged_state_is_refused(client, rogue):
    start_login(client, rogue)
    assert_refused(answer(client, {"state": "forged-state"}), "invalid_state", 400)
    assert rogue.token_requests == []


def test_an_answer_without_state_is_refused(client, rogue):
    start_login(client, rogue)
    assert_refused(client.get("/login/tunduk/callback/", {"code": "code-1"}), "invalid_state", 400)


def test_an_answer_is_used_once(client, rogue):
    request = start_login(client, rogue)
    answer(client, request)
    assert_refused(answer(client, request), "invalid_state", 400)
    assert len(rogue.token_requests) == 1


def test_an_answer_brought_by_another_browser_is_refused(client, rogue):
    request = start_login(client, rogue)
    other_browser = Client()
    assert_refused(answer(other_browser, request), "invalid_state", 400)
    assert rogue.token_requests == []


def test_a_login_that_took_too_long_is_refused(client, rogue):
    request = start_login(client, rogue)
    PendingLogin.objects.filter(state=request["state"]).update(
        created_at=PendingLogin.objects.get(state=request["state"]).created_at.replace(year=2000))
    assert_refused(answer(client, request), "invalid_state", 400)


def test_a_refused_consent_gives_a_page_in_kyrgyz_and_russian(client, rogue):
    request = start_login(client, rogue)
    response = client.get("/login/tunduk/callback/", {"error": "access_denied", "state": request["state"]})
    assert_refused(response, "access_denied", 403)
    text = response.content.decode()
    assert 'lang="ky"' in text and 'lang="ru"' in text
    assert "Вход отменён" in text and "Кирүү жокко чыгарылды" in text
    assert rogue.token_requests == []


def test_another_provider_error_is_reported(client, rogue):
    request = start_login(client, rogue)
    response = client.get("/login/tunduk/callback/", {"error": "server_error", "state": request["state"]})
    assert_refused(response, "provider_error", 502)


def test_an_answer_naming_another_issuer_is_refused(client, rogue):
    request = start_login(client, rogue)
    assert_refused(answer(client, request, iss="https://evil.example"), "provider_error", 502)


def test_a_refused_token_request_is_reported(client, rogue):
    rogue.token_status = 400
    assert_refused(answer(client, start_login(client, rogue)), "token_exchange_failed", 502)


def test_a_provider_that_does_not_answer_gives_a_clear_page(client, rogue, settings):
    settings.TUNDUK_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get("/login/tunduk/", {"next": "/cabinet/"})
    assert_refused(response, "provider_unavailable", 503)


def test_a_provider_that_goes_down_before_the_token_request_gives_a_clear_page(client, rogue):
    request = start_login(client, rogue)
    rogue.__exit__()
    assert_refused(answer(client, request), "provider_unavailable", 503)


def test_an_unconfigured_login_says_so(client, settings):
    settings.TUNDUK_DISCOVERY_URL = ""
    assert_refused(client.get("/login/tunduk/"), "not_configured", 503)


def test_the_form_post_answer_needs_no_csrf_token(rogue, settings):
    settings.TUNDUK_RESPONSE_MODE = "form_post"
    browser = Client(enforce_csrf_checks=True)
    request = start_login(browser, rogue)
    response = browser.post("/login/tunduk/callback/", {"code": "code-1", "state": request["state"]})
    assert response.status_code == 302
    assert signed_in_pin(browser) == PIN


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "",
                                      "/cabinet/?" + "x" * 2000])
def test_next_never_leaves_the_site(client, rogue, next_url):
    response = answer(client, start_login(client, rogue, next_url=next_url))
    assert response.status_code == 302 and response["Location"] == "/cabinet/"


def test_the_callback_refuses_other_methods(client):
    assert client.put("/login/tunduk/callback/").status_code == 405


def test_the_test_provider_is_absent_unless_switched_on(client, settings):
    settings.TEST_IDP = False
    for path in ("/test-idp/.well-known/openid-configuration", "/test-idp/authorize/", "/test-idp/token/",
                 "/test-idp/.well-known/jwks.json", "/test-idp/signin/"):
        assert client.get(path).status_code == 404, path


def test_production_settings_refuse_the_test_provider(tmp_path):
    env = {"SHAILOO_PRODUCTION": "1", "SHAILOO_TEST_IDP": "1", "SHAILOO_SECRET_KEY": "x" * 50, "SHAILOO_AUDIT_KEY": "a" * 40,
           "SHAILOO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for key in ("COMMISSION", "BOARD"):  # production needs the e-voting key files too (docs/evoting.md)
        (tmp_path / f"{key}.key").write_text("00")
        env[f"SHAILOO_EVOTING_{key}_KEY_FILE"] = str(tmp_path / f"{key}.key")
    result = subprocess.run([sys.executable, "-c", "import shailoo.settings"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SHAILOO_TEST_IDP" in result.stderr
    env["SHAILOO_TEST_IDP"] = "0"
    assert subprocess.run([sys.executable, "-c", "import shailoo.settings"], env=env, timeout=60).returncode == 0
    assert not (tmp_path / "test_idp_key.pem").exists()


def test_an_address_that_starts_too_many_logins_is_told_to_wait(client, rogue, settings):
    settings.TUNDUK_LOGIN_RATE_LIMIT = "2/60"
    start_login(client, rogue)
    start_login(client, rogue)
    assert_refused(client.get("/login/tunduk/"), "too_many_logins", 429)
    assert PendingLogin.objects.count() == 2


def test_a_pin_given_only_in_userinfo_is_taken_from_there(client, rogue):
    rogue.drop_claims = {"pin"}
    rogue.userinfo = {"sub": "citizen-1", "pin": "11705199000077"}
    answer(client, start_login(client, rogue))
    assert signed_in_pin(client) == "11705199000077"
    assert rogue.userinfo_requests == [f"Bearer {rogue.access_token}"]


def test_userinfo_about_another_citizen_is_refused(client, rogue):
    rogue.drop_claims = {"pin"}
    rogue.userinfo = {"sub": "someone-else", "pin": "11705199000077"}
    assert_refused(answer(client, start_login(client, rogue)), "invalid_pin_claim", 502)
    assert signed_in_pin(client) is None


def test_userinfo_is_not_asked_when_the_id_token_has_the_pin(client, rogue):
    rogue.userinfo = {"sub": "citizen-1", "pin": "11705199000077"}
    answer(client, start_login(client, rogue))
    assert signed_in_pin(client) == PIN and rogue.userinfo_requests == []
