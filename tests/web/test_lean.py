# SPDX-License-Identifier: Apache-2.0
"""The WSGI application as gunicorn runs it: the hot paths take the short middleware chain and keep the
security headers, the rate limits, the language of the request and the clear 4xx of bad input."""
import json
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from shailoo.web.lean import LeanWSGIHandler, PathDispatcher, application_from_settings
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db
SECRET = "lean-gateway-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                    "Cross-Origin-Opener-Policy", "Permissions-Policy", "Cross-Origin-Resource-Policy")


@contextmanager
def _test_transaction_kept():
    # As Django's test client does: the end of a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(application, method, path, *, body=b"", content_type="application/json", **meta):
    """One request through a WSGI application: (status code, headers, body)."""
    environ = RequestFactory().generic(method, path, data=body, content_type=content_type, **meta).environ
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), headers

    with _test_transaction_kept():
        result = application(environ, start_response)
        content = b"".join(result)
        result.close()
    headers = {}
    for name, value in started["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return started["status"], headers, content


def lookup(application, body, **meta):
    return call(application, "POST", "/api/v1/lookup", body=json.dumps(body).encode(), **meta)


@pytest.fixture
def application():
    return application_from_settings()


@pytest.fixture
def citizen():
    territory = make_territory()
    voter = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(voter, territory.election, territory.precinct)
    return voter


def assert_security_headers(headers):
    for name in SECURITY_HEADERS:
        assert name.lower() in headers, name
    assert "default-src 'self'" in headers["content-security-policy"][0]
    assert headers["x-frame-options"] == ["DENY"]


def test_the_hot_paths_take_the_lean_chain_and_the_rest_the_full_one(application):
    assert isinstance(application, PathDispatcher)
    assert isinstance(application.lean, LeanWSGIHandler)
    assert {"/api/v1/lookup", "/sms/kannel", "/sms/jasmin", "/sms/inbound"} <= application.lean_paths
    chain = application.lean.middleware_paths
    assert not any("csrf" in path or "sessions" in path or "auth" in path for path in chain)


def test_the_dispatcher_matches_the_exact_path_only():
    calls = []
    dispatcher = PathDispatcher(full=lambda environ, start: calls.append("full"),
                                lean=lambda environ, start: calls.append("lean"), lean_paths=["/api/v1/lookup"])
    for path in ("/api/v1/lookup", "/api/v1/lookup/", "/api/v1/lookupx", "/"):
        dispatcher({"PATH_INFO": path}, None)
    assert calls == ["lean", "full", "full", "full"]


@override_settings(LEAN_PATHS=[])
def test_with_no_lean_paths_the_application_is_plain_django():
    application = application_from_settings()
    assert isinstance(application, WSGIHandler) and not isinstance(application, LeanWSGIHandler)


def test_a_lookup_on_the_lean_path_answers_with_the_security_headers_and_no_cookie(application, citizen):
    status, headers, content = lookup(application, {"pin": citizen.pin, "lang": "ru"})

    assert status == 200, content
    assert json.loads(content)["outcome"] == "listed"
    assert_security_headers(headers)
    assert "set-cookie" not in headers
    assert headers["content-length"] == [str(len(content))]  # no chunked answers to gateways and clients


def test_the_lean_path_refuses_a_host_that_is_not_allowed(application, citizen):
    status, headers, _ = lookup(application, {"pin": citizen.pin}, HTTP_HOST="evil.example")
    assert status == 400
    assert_security_headers(headers)


def test_the_lean_path_answers_in_the_language_the_browser_asks_for(application, citizen):
    _, headers, content = lookup(application, {"pin": citizen.pin}, HTTP_ACCEPT_LANGUAGE="ru")
    assert json.loads(content)["message"] == "Вы включены в список избирателей."
    assert headers["content-language"] == ["ru"]


@override_settings(LOOKUP_RATE_LIMITS={"ip": "2/60", "pin": "100/60"})
def test_the_lean_path_still_rate_limits_with_retry_after(application, citizen):
    for _ in range(2):
        assert lookup(application, {"pin": citizen.pin})[0] == 200

    status, headers, content = lookup(application, {"pin": citizen.pin})

    assert status == 429
    assert json.loads(content)["error"] == "rate_limited"
    assert 1 <= int(headers["retry-after"][0]) <= 120
    assert_security_headers(headers)


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"", "application/json", 400),
    (b"pin=21705199000123", "application/x-www-form-urlencoded", 415),
    (b"{" + b" " * 10_000 + b"}", "application/json", 413),
    (b"\xff\xfe\x00binary", "application/json", 400),
    (b'{"pin": 5}', "application/json", 422),
])
def test_bad_input_on_the_lean_path_gets_a_clear_4xx(application, body, content_type, status):
    got, headers, content = call(application, "POST", "/api/v1/lookup", body=body, content_type=content_type)

    assert got == status, content
    assert set(json.loads(content)) == {"error", "message", "details"}
    assert_security_headers(headers)


@override_settings(SMS_INBOUND=GATEWAYS)
def test_the_sms_webhooks_on_the_lean_path_authenticate_and_answer(application, citizen):
    query = {"id": "lean-1", "from": "996555000001", "to": "119", "text": f"RU {citizen.pin}"}
    refused = call(application, "GET", "/sms/kannel?" + urlencode(query))
    answered = call(application, "GET", "/sms/kannel?" + urlencode({**query, "secret": SECRET}))
    acked = call(application, "POST", f"/sms/jasmin?secret={SECRET}", content_type="application/x-www-form-urlencoded",
                 body=urlencode({"id": "lean-2", "from": "996555000002", "to": "119", "content": citizen.pin}).encode())

    assert refused[0] == 401
    assert answered[0] == 200 and "голосуете на участке" in answered[2].decode()
    assert acked[0] == 200 and acked[2] == b"ACK/Jasmin"
    for _, headers, _ in (refused, answered, acked):
        assert_security_headers(headers)


def test_other_paths_still_take_the_full_chain(application):
    status, headers, _ = call(application, "GET", "/check/")
    assert status == 200
    assert_security_headers(headers)
    assert "csrftoken" in " ".join(headers.get("set-cookie", []))  # the web page's form has its CSRF token


@override_settings(SMS_INBOUND=GATEWAYS)
def test_the_lean_path_logs_no_pin(application, citizen, caplog):
    query = {"secret": "wrong", "id": "lean-3", "from": "996555000003", "to": "119", "text": f"RU {citizen.pin}"}
    with caplog.at_level("DEBUG"):
        assert call(application, "GET", "/sms/kannel?" + urlencode(query))[0] == 401
        assert lookup(application, {"pin": citizen.pin}, HTTP_HOST="evil.example")[0] == 400
        assert call(application, "GET", "/sms/kannel?" + urlencode({**query, "secret": SECRET}))[0] == 200

    assert caplog.records
    assert citizen.pin not in caplog.text and "996555000003" not in caplog.text
