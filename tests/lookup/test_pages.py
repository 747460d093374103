# SPDX-License-Identifier: Apache-2.0
"""Find-by-address, public precinct pages and the call-centre console."""
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import verify_chain
from shailoo.geography.models import AddressRange, Precinct
from shailoo.lookup.selectors import hash_pin
from shailoo.staff.models import StaffAssignment
from tests.factories import make_precinct, make_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets():
    """A settlement whose Мектеп street is split between two precincts; other streets go to a third."""
    territory = make_territory()
    AddressRange.objects.filter(precinct=territory.precinct).update(street="*", street_key="*")
    low = make_precinct(territory.municipality, territory.settlement, street="Мектеп", first_house=1, last_house=40)
    high = make_precinct(territory.municipality, territory.settlement, street="ул. Мектеп", first_house=41)
    return territory, low, high


def test_where_first_lists_settlements_then_streets_without_javascript(client, streets):
    territory, _, _ = streets

    first = client.get("/where/").content.decode()
    second = client.get("/where/", {"settlement": territory.settlement.pk}).content.decode()

    assert territory.settlement.name in first
    assert 'name="street"' not in first
    assert 'name="street"' in second and "Мектеп" in second
    # Two plain GET forms: no script is needed (the page's only script is the design system's enhancement).
    assert '<form method="get"' in second
    assert [tag for tag in second.split("<script")[1:] if "src=" not in tag.split(">")[0]] == []


@pytest.mark.parametrize(("house", "which"), [("12", "low"), ("40", "low"), ("41А", "high"), ("200", "high")])
def test_where_finds_the_precinct_of_a_house(client, streets, house, which):
    territory, low, high = streets
    expected = {"low": low, "high": high}[which]

    html = client.get("/where/", {"settlement": territory.settlement.pk, "street": "Мектеп", "house": house}).content.decode()

    assert f"№{expected.number}" in html
    assert 'data-outcome="found"' in html


def test_where_falls_back_to_the_precinct_of_the_whole_settlement(client, streets):
    territory, _, _ = streets

    html = client.get("/where/", {"settlement": territory.settlement.pk, "street": "", "house": "5"}).content.decode()

    assert f"№{territory.precinct.number}" in html


def test_where_says_so_when_no_precinct_serves_the_address(client, streets):
    territory, _, _ = streets
    AddressRange.objects.filter(precinct=territory.precinct).delete()

    html = client.get("/where/", {"settlement": territory.settlement.pk, "street": "Жаңы", "house": "5"}).content.decode()

    assert 'data-outcome="none"' in html


@pytest.mark.parametrize("params", [{"settlement": "abc"}, {"settlement": "999999"},
                                    {"settlement": "1", "house": "x" * 50}, {"settlement": "-1"}])
def test_where_with_bad_input_is_400(client, streets, params):
    territory, _, _ = streets
    if params.get("house"):
        params = {**params, "settlement": territory.settlement.pk}

    assert client.get("/where/", params).status_code == 400


def test_where_with_a_house_that_is_not_a_number_is_400(client, streets):
    territory, _, _ = streets

    response = client.get("/where/", {"settlement": territory.settlement.pk, "street": "Мектеп", "house": "abc"})

    assert response.status_code == 400


def test_precinct_page_shows_address_phone_and_a_map_link(client, streets):
    territory, _, _ = streets
    Precinct.objects.filter(pk=territory.precinct.pk).update(latitude="39.950000", longitude="70.500000")
    client.cookies["django_language"] = "ru"

    html = client.get(f"/precincts/{territory.precinct.number}/").content.decode()

    assert territory.precinct.address_ru in html
    assert territory.precinct.phone in html
    assert "https://www.openstreetmap.org/?mlat=39.950000&amp;mlon=70.500000" in html


def test_precinct_page_without_coordinates_links_to_a_map_search(client, streets):
    territory, _, _ = streets

    html = client.get(f"/precincts/{territory.precinct.number}/").content.decode()

    assert "https://www.openstreetmap.org/search?query=" in html


@pytest.mark.parametrize("number", ["0000", "12", "abcd", "12345"])
def test_unknown_or_malformed_precinct_number_is_404(client, number):
    assert client.get(f"/precincts/{number}/").status_code == 404


def make_user(username, role=None):
    user = get_user_model().objects.create_user(username=username, password="correct horse battery")
    if role:
        StaffAssignment.objects.create(user=user, role=role)
    return user


def test_operator_console_requires_login(client):
    response = client.get("/operator/")

    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")


def test_staff_without_the_operator_role_is_forbidden(client):
    client.force_login(make_user("clerk"))

    assert client.get("/operator/").status_code == 403


def test_operator_logs_in_with_a_password(client):
    make_user("aigul", StaffAssignment.Role.OPERATOR)

    response = client.post("/commission/login/", {"username": "aigul", "password": "correct horse battery",
                                                  "next": "/operator/"})

    assert response.status_code == 302
    assert client.get("/operator/").status_code == 200


@pytest.mark.parametrize("role", [StaffAssignment.Role.OPERATOR, StaffAssignment.Role.CEC_ADMIN])
def test_operator_lookup_answers_and_is_audited_with_the_operator_and_pin_hash(client, listed, role):
    territory, citizen = listed
    operator = make_user("aigul", role)
    client.force_login(operator)

    html = client.post("/operator/", {"pin": citizen.pin}).content.decode()

    assert f"№{territory.precinct.number}" in html
    assert citizen.surname not in html
    entry = AuditEntry.objects.get(kind=AuditKind.OPERATOR_LOOKUP)
    assert entry.actor == operator
    assert entry.payload == {"pin_hash": hash_pin(citizen.pin), "outcome": "listed"}
    assert citizen.pin not in str(entry.payload) + entry.subject
    assert verify_chain().intact


def test_operator_lookup_of_a_malformed_pin_is_audited_too(client):
    client.force_login(make_user("aigul", StaffAssignment.Role.OPERATOR))

    response = client.post("/operator/", {"pin": "123"}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "A PIN has exactly 14 digits." in html
    assert AuditEntry.objects.get(kind=AuditKind.OPERATOR_LOOKUP).payload["outcome"] == "invalid_pin"


@override_settings(LOOKUP_RATE_LIMITS={"operator": "2/3600"})
def test_operator_lookups_are_rate_limited_per_account(client, listed):
    _, citizen = listed
    client.force_login(make_user("aigul", StaffAssignment.Role.OPERATOR))
    client.post("/operator/", {"pin": citizen.pin})
    client.post("/operator/", {"pin": citizen.pin})

    response = client.post("/operator/", {"pin": citizen.pin})

    assert response.status_code == 429
    assert AuditEntry.objects.filter(kind=AuditKind.OPERATOR_LOOKUP).count() == 2


def test_operator_console_refuses_a_post_without_csrf_token(listed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("aigul", StaffAssignment.Role.OPERATOR))

    assert strict.post("/operator/", {"pin": "21705199000001"}).status_code == 403


def test_demo_seed_creates_the_operator_once_and_prints_what_to_try(listed):
    import io

    from shailoo.lookup import demo

    territory, citizen = listed
    for _ in range(2):
        out = io.StringIO()
        demo.seed(election=territory.election, out=out)

    text = out.getvalue()
    assert "/api/docs" in text and "/operator/" in text and citizen.pin in text
    operator = get_user_model().objects.get(username=demo.OPERATOR_USERNAME)
    assert operator.check_password(demo.OPERATOR_PASSWORD)
    assert StaffAssignment.objects.filter(user=operator, role=StaffAssignment.Role.OPERATOR).count() == 1
