# SPDX-License-Identifier: Apache-2.0
"""The public check's states as a voter reads them (issue 12): the invalid field announced, the unserved
address told apart from an unknown PIN, the ineligible result calm and with one next step, the house
number kept, Kyrgyz months in lower case, place names readable on English pages, one form of initials."""
import re
from html import unescape

import pytest
from django.test import Client

from shailoo.register.models import VoterListEntry
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


def client_in(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def territory():
    return make_territory()


def test_the_invalid_pin_field_points_screen_readers_at_its_error_and_the_title_says_error():
    page = client_in("en").post("/check/", {"pin": "12345"}).content.decode()

    field = re.search(r"<input[^>]*name=\"pin\"[^>]*>", page).group()
    assert 'aria-describedby="id_pin-hint id_pin-error"' in field and 'aria-invalid="true"' in field
    assert 'id="id_pin-error"' in page and "A PIN has exactly 14 digits." in page
    assert "<title>Error: Check the voter list" in page
    assert 'href="#id_pin"' in page[page.index("govuk-error-summary"):]


def test_an_address_no_precinct_serves_reads_differently_from_a_pin_not_in_the_register(territory):
    citizen = make_citizen(territory.settlement, street="Жаңы", house="3")
    VoterListEntry.objects.create(election=territory.election, citizen=citizen, status=VoterListEntry.Status.UNASSIGNED)
    client = client_in("en")

    unserved = client.post("/check/", {"pin": citizen.pin}).content.decode()
    unknown = client.post("/check/", {"pin": "21705199099999"}).content.decode()

    assert "No precinct serves your registered address yet." in unserved
    assert "You were not found on the voter list" not in unserved
    assert "You were not found on the voter list of an upcoming election." in unknown
    assert "No precinct serves your registered address" not in unknown


def test_the_ineligible_result_is_calm_and_its_one_next_step_is_the_public_service_centre(territory):
    citizen = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(election=territory.election, citizen=citizen,
                                  status=VoterListEntry.Status.INELIGIBLE, reasons="no_biometrics")

    html = client_in("en").post("/check/", {"pin": citizen.pin}).content.decode()

    assert "You cannot vote in this election yet." in html
    assert "You are not on the list of those who may vote." not in html
    next_step = html[html.index("shailoo-next-step"):]
    assert next_step.index("Public Service Centre (ЦОН)") < next_step.index("precinct commission")
    # The reason states the fact; it does not send the voter somewhere else than the next step does.
    reasons = html[html.index('class="govuk-list govuk-list--bullet reasons"'):html.index("shailoo-next-step")]
    assert "apply to" not in reasons


def test_the_house_number_takes_letters_on_a_phone_and_survives_an_error(territory):
    client = client_in("en")

    html = client.get("/where/", {"settlement": territory.settlement.pk, "street": "Мектеп", "house": "абв"}).content.decode()

    house = re.search(r"<input[^>]*id=\"where-house\"[^>]*>", html).group()
    assert 'inputmode="numeric"' not in house
    assert 'value="абв"' in house and 'aria-invalid="true"' in house
    assert "A house number starts with digits" in html


def test_kyrgyz_dates_write_the_month_in_lower_case(territory):
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)

    html = client_in("ky").post("/check/", {"pin": citizen.pin}).content.decode()

    months = "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь"
    assert re.search(rf"\d+ ({months}) \d{{4}}", html)
    assert not re.search(rf"\d+ ({months.title()}) \d{{4}}", html)


def test_english_pages_write_place_names_in_latin_letters(territory):
    html = client_in("en").get(f"/precincts/{territory.precinct.number}/").content.decode()

    main = html[html.index("<main"):html.index("</main>")]
    assert "Samarkandek" in main
    assert not re.search(r"[\u0400-\u04ff]", main)


def test_the_web_page_the_api_and_the_sms_show_the_same_initials_whatever_the_surnames_length(client, territory):
    short = make_citizen(territory.settlement, surname="Ли", name="Анна")
    long = make_citizen(territory.settlement, surname="Абдыкадырова-Токтосунова", name="Бермет")
    for citizen in (short, long):
        list_voter(citizen, territory.election, territory.precinct)

    page_short = client_in("ru").post("/check/", {"pin": short.pin}).content.decode()
    page_long = client_in("ru").post("/check/", {"pin": long.pin}).content.decode()
    api = client.post("/api/v1/lookup", {"pin": long.pin, "lang": "ru"}, content_type="application/json").json()

    assert "Л*** А." in page_short
    assert "А*** Б." in page_long and api["initials"] == "А*** Б."
    assert "А*********************** Б." not in page_long


def test_sign_outs_say_so():
    from django.contrib.auth import get_user_model

    from shailoo.staff.models import StaffAssignment

    operator = get_user_model().objects.create_user("aigul", password=None)
    StaffAssignment.objects.create(user=operator, role=StaffAssignment.Role.OPERATOR)
    client = client_in("en")
    client.force_login(operator)

    page = client.post("/operator/logout/", follow=True).content.decode()

    assert "You are signed out of the call-centre console." in page
    assert "You are signed out of the Voter's Cabinet." in unescape(client.post("/logout/", follow=True).content.decode())
