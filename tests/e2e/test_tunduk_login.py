# SPDX-License-Identifier: Apache-2.0
"""The Tunduk login in a real browser: Chromium, the test identity provider, form_post, the live server."""
import pytest
from django.conf import settings as django_settings

from tests.e2e.conftest import sign_in_through_tunduk
from tests.factories import list_voter, make_citizen, make_territory
from tests.tunduk.helpers import voter_pin_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _session_key(page) -> str | None:
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    return cookies.get(django_settings.SESSION_COOKIE_NAME)


def test_a_voter_signs_in_through_the_test_provider_and_lands_on_next(browser_page, live_server, test_idp_client):
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)

    sign_in_through_tunduk(browser_page, live_server, citizen.pin, next_url="/healthz")

    assert browser_page.url == f"{live_server.url}/healthz"
    assert voter_pin_of(_session_key(browser_page)) == citizen.pin


def test_cancelling_at_the_provider_in_russian_shows_the_refusal_in_both_languages(
    browser_page, live_server, test_idp_client
):
    browser_page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "ru",
                                       "url": live_server.url}])
    browser_page.goto(f"{live_server.url}/login/tunduk/?next=/healthz")
    assert browser_page.get_by_label("Персональный идентификационный номер (ПИН)").is_visible()
    browser_page.get_by_role("button", name="Отмена").click()

    refusal = browser_page.locator("[data-error=access_denied]")
    refusal.wait_for()
    assert "Вход отменён" in refusal.inner_text() and "Кирүү жокко чыгарылды" in refusal.inner_text()
    assert voter_pin_of(_session_key(browser_page)) is None
