# SPDX-License-Identifier: Apache-2.0
"""Test support for the Tunduk login: switching the test identity provider on against a live server,
and a small HTTP "browser" (requests) that walks the login like a browser does, form_post included."""
import re
import threading
from html import unescape
from importlib import import_module
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings as django_settings
from django.http import HttpRequest

from shailoo.tunduk.session import current_voter_pin
from shailoo.tunduk.test_idp.services import ensure_account, ensure_client

TEST_CLIENT_ID = "shailoo-test"
TEST_CLIENT_SECRET = "test-client-secret-0123456789abcdef"


def enable_test_idp(settings, base_url: str, *, response_mode: str = "form_post"):
    """Turn the test identity provider on at `base_url` and point the relying party at it, over HTTP."""
    settings.TEST_IDP = True
    settings.TUNDUK_DISCOVERY_URL = f"{base_url}/test-idp/.well-known/openid-configuration"
    settings.TUNDUK_CLIENT_ID = TEST_CLIENT_ID
    settings.TUNDUK_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.TUNDUK_RESPONSE_MODE = response_mode
    settings.TUNDUK_REDIRECT_URI = ""
    return ensure_client(
        client_id=TEST_CLIENT_ID, client_secret=TEST_CLIENT_SECRET,
        redirect_uris=[f"{base_url}/login/tunduk/callback/"], name="Shailoo (tests)",
    )


def make_idp_account(pin: str, given_name: str = "Бермет", family_name: str = "Абдыкадырова"):
    return ensure_account(pin=pin, given_name=given_name, family_name=family_name)


_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in _INPUT.findall(html):
        attrs = {name.lower(): unescape(value) for name, value in _ATTR.findall(tag)}
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def form_action(html: str, form_id: str) -> str:
    match = re.search(rf'<form\b[^>]*action="([^"]*)"[^>]*id="{form_id}"', html) or re.search(
        rf'<form\b[^>]*id="{form_id}"[^>]*action="([^"]*)"', html
    )
    assert match, f"no form #{form_id}"
    return unescape(match.group(1))


class HttpBrowser:
    """Follows redirects one by one and submits the provider's form_post page, as a browser would."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.history: list[requests.Response] = []

    def __enter__(self) -> "HttpBrowser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the kept-alive connections and let the live server's request threads finish, so that
        none of them outlives the test (and the live server's database connection)."""
        self.session.close()
        for thread in threading.enumerate():
            if "process_request_thread" in thread.name:
                thread.join(timeout=5)

    def _url(self, url: str) -> str:
        return urljoin(self.base_url + "/", url)

    def get(self, url: str, **params) -> requests.Response:
        return self._follow(self.session.get(self._url(url), params=params or None, allow_redirects=False, timeout=10))

    def post(self, url: str, data: dict) -> requests.Response:
        return self._follow(self.session.post(self._url(url), data=data, allow_redirects=False, timeout=10))

    def get_one(self, url: str) -> requests.Response:
        """One request, no following: to look at a single hop."""
        return self.session.get(self._url(url), allow_redirects=False, timeout=10)

    def _follow(self, response: requests.Response) -> requests.Response:
        for _ in range(10):
            self.history.append(response)
            if response.is_redirect:
                response = self.session.get(urljoin(response.url, response.headers["Location"]),
                                            allow_redirects=False, timeout=10)
                continue
            if 'id="form-post-answer"' in response.text:
                action = form_action(response.text, "form-post-answer")
                response = self.session.post(action, data=hidden_fields(response.text), allow_redirects=False,
                                             timeout=10)
                continue
            return response
        raise AssertionError("too many hops")

    def sign_in_at_idp(self, signin_page: requests.Response, *, pin: str, password: str,
                       action: str = "signin") -> requests.Response:
        assert "/test-idp/signin/" in signin_page.url, signin_page.url
        fields = hidden_fields(signin_page.text)
        fields.update({"pin": pin, "password": password, "action": action})
        return self.post(signin_page.url, fields)

    def login(self, *, pin: str, password: str | None = None, next_url: str = "/cabinet/") -> requests.Response:
        signin_page = self.get("/login/tunduk/", next=next_url)
        return self.sign_in_at_idp(signin_page, pin=pin, password=password or django_settings.TEST_IDP_PASSWORD)

    @property
    def path(self) -> str:
        return urlsplit(self.history[-1].url).path if self.history else ""


def voter_pin_of(session_key: str | None) -> str | None:
    """current_voter_pin for the browser holding this session cookie."""
    if not session_key:
        return None
    request = HttpRequest()
    request.session = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key)
    return current_voter_pin(request)


def browser_voter_pin(browser: HttpBrowser) -> str | None:
    return voter_pin_of(browser.session.cookies.get(django_settings.SESSION_COOKIE_NAME))
