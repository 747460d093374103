# SPDX-License-Identifier: Apache-2.0
"""What a voter meets in the Cabinet, state by state (issue 12): errors said at the top and beside the
field with the values and the scan kept, the next step after filing, the data after approval, a confirmed
withdrawal, no second correction offered, and a "missing from the list" form of its own."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import Claim, file_application
from shailoo.commission import services as commission_services
from tests.cabinet.helpers import listed_citizen, make_staff, make_world, png_bytes, upload, voter_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_a_form_with_errors_has_a_summary_linked_to_each_field_error_in_the_title_and_keeps_the_scan(world):
    citizen = listed_citizen(world)
    client = english(voter_client(citizen.pin))
    url = reverse("cabinet:correction", args=[world.election.pk])

    first = client.post(url, {"phone": "", "what_is_wrong": "", "street": "Жеңиш", "scan": upload(png_bytes())})

    html = first.content.decode()
    assert first.status_code == 400
    assert re.search(r"<title>Error: Correct my data", html)
    summary = html[html.index('class="govuk-error-summary"'):html.index("</ul>", html.index('class="govuk-error-summary"'))]
    assert 'href="#id_phone"' in summary and 'href="#id_what_is_wrong"' in summary
    # The message sits beside its field (after the label, before the input), and the field says so.
    phone_group = html[html.index('for="id_phone"'):html.index('id="id_phone"')]
    assert 'id="id_phone-error"' in phone_group and "Enter your mobile number" in phone_group
    assert re.search(r'<input[^>]*aria-describedby="id_phone-hint id_phone-error"[^>]*id="id_phone"', html)
    assert 'value="Жеңиш"' in html
    assert 'id="held-scan"' in html and "passport.png" in html

    # The second try sends no file: the scan chosen the first time is used.
    second = client.post(url, {"phone": "+996 555 123 456", "what_is_wrong": "My street changed", "street": "Жеңиш"})

    assert second.status_code == 302
    application = Application.objects.get(pin=citizen.pin)
    assert application.has_scan and application.claimed == {"street": "Жеңиш"}


def test_after_filing_the_voter_is_told_where_and_by_when_to_go_for_the_biometric_identification(world):
    citizen = listed_citizen(world)
    client = english(voter_client(citizen.pin))
    client.post(reverse("cabinet:correction", args=[world.election.pk]), {
        "phone": "+996555123456", "what_is_wrong": "My street changed", "street": "Жеңиш", "scan": upload(png_bytes()),
    })

    home = client.get(reverse("cabinet:home")).content.decode()

    deadline = world.election.calendar.corrections_until
    banner = home[home.index("govuk-notification-banner--success"):home.index("</div>", home.index("govuk-notification-banner__content"))]
    for where in (banner, home[home.index('id="application-'):]):
        assert f"precinct commission №{world.precinct.number}" in where
        assert "passport" in where and "biometric identification" in where
        assert f"{deadline.day} " in where and str(deadline.year) in where


def test_after_approval_my_data_shows_the_corrected_street_and_house(world):
    citizen = listed_citizen(world, street="Мектеп", house="12")
    member = make_staff("member", "precinct", precinct=world.precinct, password=None)
    application = file_application(
        kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="+996555123456",
        claim=Claim(what_is_wrong="moved", values={"street": "Жеңиш", "house": "7Б"}), scan=upload(png_bytes()),
    )
    commission_services.record_biometric_check(application=application, actor=member, confirmed=True)
    commission_services.approve_application(application=application, actor=member)

    home = english(voter_client(citizen.pin)).get(reverse("cabinet:home")).content.decode()

    my_data = home[home.index('id="my-data"'):home.index("</dl>", home.index('id="my-data"'))]
    assert "Жеңиш 7Б" in my_data and "Мектеп 12" not in my_data
    assert f"corrected by the commission, application № {application.pk}" in my_data


def test_withdrawing_is_a_link_to_a_confirmation_page_with_a_warning_button(world):
    citizen = listed_citizen(world)
    client = english(voter_client(citizen.pin))
    application = file_application(
        kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="+996555123456",
        claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()),
    )
    url = reverse("cabinet:withdraw", args=[application.pk])

    home = client.get(reverse("cabinet:home")).content.decode()
    confirmation = client.get(url)

    assert f'<a class="govuk-link" href="{url}">Withdraw the application</a>' in home
    assert f'action="{url}"' not in home  # no form on the Cabinet's page withdraws anything at once
    page = confirmation.content.decode()
    assert confirmation.status_code == 200 and f"Withdraw application № {application.pk}?" in page
    assert 'class="govuk-button govuk-button--warning"' in page and f'action="{url}"' in page
    assert Application.objects.get(pk=application.pk).status == "filed"
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "withdrawn"


def test_correct_my_data_is_not_offered_while_a_correction_is_open_and_the_form_says_so_at_once(world):
    citizen = listed_citizen(world)
    client = english(voter_client(citizen.pin))
    url = reverse("cabinet:correction", args=[world.election.pk])
    assert url in client.get(reverse("cabinet:home")).content.decode()
    application = file_application(
        kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="+996555123456",
        claim=Claim(what_is_wrong="x"), scan=upload(png_bytes()),
    )

    home = client.get(reverse("cabinet:home")).content.decode()
    form = client.get(url)

    assert url not in home and f"Your correction № {application.pk} is being reviewed." in home
    assert form.status_code == 409
    assert "You already have an open application" in form.content.decode()
    assert 'name="scan"' not in form.content.decode()


def test_the_missing_from_the_list_form_speaks_of_the_address_and_links_to_the_precinct_finder(world):
    citizen = listed_citizen(world)

    html = english(voter_client(citizen.pin)).get(reverse("cabinet:missing")).content.decode()

    assert "What is wrong in your entry" not in html and "Correct surname" not in html
    assert "Street, as in your passport" in html
    assert 'href="/where/"' in html
    assert "<h1 class=\"govuk-heading-l\">Ask to be put on the voter list</h1>" in html
