# SPDX-License-Identifier: Apache-2.0
"""The public check in a real browser (Debian's Chromium), JavaScript off, driven by the keyboard."""
import pytest

from tests.factories import list_voter, make_citizen, make_territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium, live_server):
    """A phone-sized page with JavaScript off, in the session's one Chromium (tests/e2e/conftest.py)."""
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


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
    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="Кыргызча").click()
    page.get_by_label("Сиздин ПИН").fill("12345")
    page.get_by_role("button", name="Текшерүү").click()

    assert "ПИН так 14 сандан турат." in page.locator("#id_pin-error").inner_text()
    assert "ПИН так 14 сандан турат." in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Ката:")


def test_with_javascript_the_widget_solves_the_proof_of_work_for_every_check(chromium, live_server, settings):
    """Past the one check an address gets without a challenge, every answer needs the widget's payload."""
    settings.LOOKUP_RATE_LIMITS = {**settings.LOOKUP_RATE_LIMITS, "ip_free": "1/3600"}
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(live_server.url + "/check/")
        page.get_by_role("button", name="Русский").click()
        for _ in range(3):
            page.locator("altcha-widget").wait_for()
            page.get_by_label("Ваш ПИН").fill(citizen.pin)
            page.get_by_role("button", name="Проверить", exact=True).click()
            result = page.locator("[data-outcome=listed]")
            result.wait_for(timeout=30_000)
            assert "Вы включены в список избирателей." in result.inner_text()
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
