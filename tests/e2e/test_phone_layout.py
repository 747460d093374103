# SPDX-License-Identifier: Apache-2.0
"""On a 360 px phone: the Cabinet's data fit the screen, and the commission's list is cards whose whole
row opens the application (issue 12). The sweep (test_sweep.py) checks every page; these say why."""
import os

import pytest
from django.conf import settings
from django.test import Client

from tests.cabinet.helpers import listed_citizen, voter_client
from tests.commission.helpers_commission import staffed_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="ru-RU")
    yield context
    context.close()


def _with_session(context, live_server, client: Client):
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
         "domain": host, "path": "/"},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "domain": host, "path": "/"},
    ])
    return context.new_page()


def test_the_cabinets_data_fit_a_360_px_screen(phone, live_server):
    staffed = staffed_world()
    citizen = listed_citizen(staffed.world, surname="Абдыкадырова-Токтосунова", patronymic="Кубанычбековна")
    page = _with_session(phone, live_server, voter_client(citizen.pin))

    page.goto("/cabinet/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    my_data = page.locator("#my-data")
    assert "Абдыкадырова-Токтосунова" in my_data.inner_text()
    box = my_data.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_the_commissions_list_is_cards_on_a_phone_and_a_whole_row_opens_the_application(phone, live_server):
    staffed = staffed_world()
    client = Client()
    client.force_login(staffed.staff["precinct"])
    page = _with_session(phone, live_server, client)

    page.goto("/commission/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    row = page.locator("tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"  # a card, not a table row
    link = row.locator("a").first
    assert link.inner_text().strip() != str(staffed.application.pk)  # more than a bare number
    # Anywhere on the card, not only on the link: the link's area covers the whole row.
    row.scroll_into_view_if_needed()
    cell = row.get_by_text(staffed.citizen.surname).bounding_box()
    page.mouse.click(cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2)
    page.wait_for_url(f"**/commission/applications/{staffed.application.pk}/")
