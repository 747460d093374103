# SPDX-License-Identifier: Apache-2.0
"""The public check in a real browser (Debian's Chromium), JavaScript off, driven by the keyboard."""
import os

import pytest

from tests.factories import list_voter, make_citizen, make_territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test data is written before it starts.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        yield context.new_page()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_voter_checks_by_keyboard_on_a_phone_without_javascript_in_russian(live_server, page):
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)

    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="Русский").click()
    page.get_by_label("Ваш ПИН").focus()
    page.keyboard.type(f"{citizen.pin[:1]} {citizen.pin[1:9]} {citizen.pin[9:]}")
    page.keyboard.press("Enter")

    result = page.locator("[data-outcome=listed]")
    result.wait_for()
    text = result.inner_text()
    assert "Вы включены в список избирателей." in text
    assert f"№{territory.precinct.number}" in text
    assert territory.precinct.address_ru in text
    assert "Абдыкадырова" not in page.content()
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_malformed_pin_is_explained_in_kyrgyz(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Кыргызча").click()
    page.get_by_label("Сиздин ПИН").fill("12345")
    page.get_by_role("button", name="Текшерүү").click()

    assert "ПИН так 14 сандан турат." in page.locator("#pin-error").inner_text()
