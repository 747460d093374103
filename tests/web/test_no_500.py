# SPDX-License-Identifier: Apache-2.0
"""No input makes a 500 (issue 13, finding 2): a bounded fuzz of the public endpoints that take free text
from outside, NUL bytes, long values and many fields included, on SQLite and on PostgreSQL (where a NUL
in a text column is an error of the database, not of the application)."""
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tunduk.helpers import enable_test_idp

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "fuzz-gateway-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text that breaks things: NUL and other control characters, long runs, non-ASCII, URL syntax.
hostile_text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["\x00", "a\x00b", "/\x00", "%00", "\x00" * 300, "x" * 5000, "9" * 21, "+" + "9" * 20,
                     "//evil.example", "/\\evil", "\ud7ff", "🙂" * 100, "", " "]),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=10), st.text(max_size=10)),
)
field_names = st.sampled_from(["id", "from", "to", "text", "content", "coding", "binary", "charset", "secret",
                               "state", "code", "next", "error", "client_id", "redirect_uri", "response_type",
                               "scope", "nonce", "code_challenge", "code_challenge_method", "pin", "f"])
fields = st.dictionaries(field_names, hostile_text, max_size=8)
many_fields = st.integers(min_value=51, max_value=300).map(lambda n: [(f"f{i}", "1") for i in range(n)])


def assert_not_a_server_error(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.content[:300])


@pytest.fixture
def gateways():
    with override_settings(SMS_INBOUND=GATEWAYS):
        yield


@FUZZ
@given(data=fields, with_secret=st.booleans(), padding=st.one_of(st.just([]), many_fields))
def test_the_sms_webhooks_never_answer_500(gateways, data, with_secret, padding):
    client = Client()
    pairs = list(data.items()) + padding + ([("secret", SECRET)] if with_secret else [])
    query = urlencode(pairs)
    for path in ("/sms/jasmin", "/sms/kannel", "/sms/jasmin/dlr", "/sms/kannel/dlr"):
        assert_not_a_server_error(client.get(f"{path}?{query}"), (path, pairs))
        assert_not_a_server_error(client.post(f"{path}?secret={SECRET}" if with_secret else path, data=query,
                                              content_type="application/x-www-form-urlencoded"), (path, pairs))
    body = {name: value for name, value in data.items()}
    import json
    assert_not_a_server_error(client.post(f"/sms/inbound?secret={SECRET}", data=json.dumps(body),
                                          content_type="application/json"), ("/sms/inbound", body))


@pytest.fixture
def test_idp(live_server, settings):
    return enable_test_idp(settings, live_server.url, response_mode="form_post")


@FUZZ
@given(data=fields)
def test_the_tunduk_login_and_callback_never_answer_500(test_idp, data):
    client = Client()
    assert_not_a_server_error(client.get("/login/tunduk/?" + urlencode({"next": data.get("next", "/cabinet/")})),
                              ("start", data))
    assert_not_a_server_error(client.get("/login/tunduk/callback/?" + urlencode(data)), ("callback GET", data))
    assert_not_a_server_error(client.post("/login/tunduk/callback/", data), ("callback POST", data))
    # What a browser can send: a cookie is Latin-1 on the wire.
    client.cookies["shailoo_tunduk_login"] = data.get("state", "x").encode("latin-1", "replace").decode("latin-1")
    assert_not_a_server_error(client.post("/login/tunduk/callback/", data), ("callback with a cookie", data))


@FUZZ
@given(data=fields)
def test_the_test_identity_provider_never_answers_500(test_idp, data):
    client = Client()
    query = urlencode({"response_type": "code", "scope": "openid profile", **data})
    assert_not_a_server_error(client.get("/test-idp/authorize/?" + query), ("authorize", data))
    assert_not_a_server_error(client.post("/test-idp/token/", data), ("token", data))
    assert_not_a_server_error(client.post("/test-idp/signin/?" + query, data), ("signin", data))


@pytest.mark.parametrize(("path", "query"), [
    ("/login/tunduk/callback/", {"state": "a\x00b", "code": "c"}),
    ("/login/tunduk/callback/", {"state": "s", "code": "c\x00"}),
    ("/login/tunduk/", {"next": "/cabinet/\x00"}),
    ("/test-idp/authorize/", {"client_id": "x\x00", "response_type": "code", "scope": "openid"}),
])
def test_each_nul_case_of_the_probe_is_a_4xx(test_idp, path, query):
    response = Client().get(path + "?" + urlencode(query))

    assert 400 <= response.status_code < 500 or response.status_code == 302, response.status_code
