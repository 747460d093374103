# SPDX-License-Identifier: Apache-2.0
"""The browser-test harness: Playwright for Python (sync API) driving Debian's Chromium against
pytest-django's live server, with the local test identity provider standing in for Tunduk.

    def test_something(browser_page, live_server, test_idp_client):
        sign_in_through_tunduk(browser_page, live_server, citizen.pin, next_url="/cabinet/")

`sign_in_through_tunduk` is importable: `from tests.e2e.conftest import sign_in_through_tunduk`.
"""
import os
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings

from shailoo.register.models import Citizen
from shailoo.tunduk.models import TestIdpAccount
from tests.tunduk.helpers import enable_test_idp, make_idp_account

# Playwright's sync API runs an event loop in the test's thread; Django refuses database calls from a
# thread with a running loop unless told this is safe. It is here: the loop only drives the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage",
]
TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run; each test gets a fresh context (cookies, storage)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    context = chromium.new_context(base_url=live_server.url, locale="ky-KG", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def test_idp_client(live_server, settings):
    """The test identity provider switched on at the live server, the relying party pointed at it, and
    the relying party registered there (the django-oauth-toolkit Application is returned)."""
    return enable_test_idp(settings, live_server.url, response_mode="form_post")


def sign_in_through_tunduk(page, live_server, pin: str, *, next_url: str = "/cabinet/",
                           password: str | None = None) -> None:
    """Sign a citizen in through the test identity provider in the browser and wait for `next_url`.

    The citizen gets an account at the provider if they have none (named as in the register when
    the register knows the PIN). Needs the `test_idp_client` fixture.
    """
    if not TestIdpAccount.objects.filter(pin=pin).exists():
        citizen = Citizen.objects.filter(pin=pin).first()
        if citizen is not None:
            make_idp_account(pin, given_name=citizen.name, family_name=citizen.surname)
        else:
            make_idp_account(pin)
    page.goto(f"{live_server.url}/login/tunduk/?next={quote(next_url)}")
    page.locator("#pin").fill(pin)
    page.locator("#password").fill(password or django_settings.TEST_IDP_PASSWORD)
    page.locator("button[value=signin]").click()
    target = urlsplit(next_url).path
    page.wait_for_url(lambda url: urlsplit(url).path == target and "/test-idp/" not in url)


def enrol_for_evoting(page, live_server, pin: str, election_pk: int) -> None:
    """Sign in and apply in the Cabinet to vote electronically: the browser makes the credential and shows its
    recovery code; the voter gives a phone, confirms, says the code is kept, sends, and is back in the Cabinet."""
    from django.urls import reverse

    sign_in_through_tunduk(page, live_server, pin, next_url=reverse("cabinet:evoting", args=[election_pk]))
    page.locator("[data-recovery-code]").wait_for(state="visible")
    page.locator("input[name=phone]").fill("+996 555 123 456")
    page.locator("input[name=confirm]").check()
    page.locator("input[name=recovery_code_kept]").check()
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/cabinet/**")
