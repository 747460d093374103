# SPDX-License-Identifier: Apache-2.0
"""The commission's decision page and queue as a member meets them (issue 12)."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import Claim, file_application
from shailoo.commission import services
from shailoo.messaging.models import OutboundSms
from tests.cabinet.helpers import listed_citizen, png_bytes, upload
from tests.commission.helpers_commission import staffed_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    return staffed_world()


def client_for(user, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def page_of(staffed, application=None, language: str = "en") -> str:
    application = application or staffed.application
    url = reverse("commission:application", args=[application.pk])
    return client_for(staffed.staff["precinct"], language).get(url).content.decode()


def test_the_claimed_values_are_named_in_the_members_language_beside_what_the_list_has(staffed):
    html = page_of(staffed, language="ru")

    table = html[html.index('id="claimed"'):html.index("</table>", html.index('id="claimed"'))]
    assert "Улица" in table and ">street<" not in table and "Correct value" not in html
    assert "Сейчас в списке" in table and "Избиратель просит" in table
    row = table[table.index("Улица"):]
    assert row.index(staffed.citizen.street) < row.index("Жеңиш")


def test_the_biometric_result_is_not_chosen_in_advance(staffed):
    html = page_of(staffed)

    form = html[html.index("/biometric/"):html.index("</form>", html.index("/biometric/"))]
    assert 'type="radio"' in form and "checked" not in form and "selected" not in form


def test_review_identification_approval_and_rejection_are_not_four_identical_buttons(staffed):
    services.record_biometric_check(application=staffed.application, actor=staffed.staff["precinct"],
                                    confirmed=True)
    html = page_of(staffed)

    def button_of(action: str) -> str:
        form = html[html.index(f"/{action}/"):html.index("</form>", html.index(f"/{action}/"))]
        return re.search(r'<button[^>]*class="([^"]*)"', form).group(1)

    assert button_of("approve") == "govuk-button"
    assert button_of("reject") == "govuk-button govuk-button--warning"
    assert html.index("<details") < html.index("/reject/")  # rejecting is opened on purpose, with a reason


def test_staff_read_the_kind_of_an_application_in_their_own_words(staffed):
    client = client_for(staffed.staff["precinct"])

    queue = client.get(reverse("commission:queue")).content.decode()
    page = page_of(staffed)

    for html in (queue, page):
        assert "correction of data" in html and "correction of my data" not in html


def test_the_queue_filters_by_kind_and_status_and_finds_by_pin_or_number(staffed):
    world = staffed.world
    other = listed_citizen(world)
    second = file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=other.pin,
                              phone="+996555000112", claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()))
    client = client_for(staffed.staff["precinct"])
    url = reverse("commission:queue")

    def numbers(**params) -> set[int]:
        html = client.get(url, params).content.decode()
        return {int(n) for n in re.findall(r'href="/commission/applications/(\d+)/', html)}

    assert numbers() == {staffed.application.pk, second.pk}
    assert numbers(search=other.pin) == {second.pk}
    assert numbers(search=f"№{staffed.application.pk}") == {staffed.application.pk}
    assert numbers(kind="evoting") == set()
    assert numbers(status="decided") == set()
    assert numbers(precinct=world.second_precinct.number) == set()
    assert numbers(district=world.territory.district.pk) == {staffed.application.pk, second.pk}
    outside = client.get(url, {"district": world.other_district.pk})  # not a district of this member
    assert outside.status_code == 200 and "govuk-error-summary" in outside.content.decode()


def test_the_application_page_links_to_the_next_open_application(staffed):
    world = staffed.world
    second = file_application(kind=Application.Kind.CORRECTION, election=world.election, pin=listed_citizen(world).pin,
                              phone="+996555000112", claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()))

    html = page_of(staffed)

    assert f'href="/commission/applications/{second.pk}/" id="next-application"' in html


def test_the_approval_sms_names_the_precinct_and_the_rejection_sms_gives_the_reason(staffed):
    member = staffed.staff["precinct"]
    services.record_biometric_check(application=staffed.application, actor=member, confirmed=True)
    services.approve_application(application=staffed.application, actor=member)
    other = file_application(kind=Application.Kind.CORRECTION, election=staffed.world.election,
                             pin=listed_citizen(staffed.world).pin, phone="+996555000113",
                             claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()), language="ru")
    services.reject_application(application=other, actor=member, reason="Адрес в паспорте другой")

    approved, rejected = OutboundSms.objects.order_by("pk")

    precinct = staffed.world.precinct
    assert f"№{precinct.number}" in approved.text and precinct.address_ru.split(",")[0] in approved.text
    assert "Адрес в паспорте другой" in rejected.text and f"№{precinct.number}" in rejected.text


def test_the_operator_sees_no_back_office_menu_and_is_sent_to_the_console(staffed):
    html = client_for(staffed.staff["operator"]).get(reverse("commission:queue"))

    page = html.content.decode()
    assert html.status_code == 403
    assert reverse("commission:walk_in") not in page and reverse("commission:two_factor") not in page
    assert 'href="/operator/"' in page


def test_signing_out_of_the_back_office_says_so(staffed):
    client = client_for(staffed.staff["precinct"])

    page = client.post(reverse("commission:logout"), follow=True).content.decode()

    assert "You are signed out of the commission back office." in page
