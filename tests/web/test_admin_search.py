# SPDX-License-Identifier: Apache-2.0
"""Staff find a person in the admin by their exact PIN, through the index: no partial or case-folded match."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.commission.helpers_commission import staffed_world
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.kg", "a long password"))
    return client


def _searches(client, url: str, term: str) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"q": term})
    assert page.status_code == 200
    return page.content, [query["sql"] for query in queries.captured_queries]


def test_the_register_is_searched_by_exact_pin(admin_client):
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    content, sql = _searches(admin_client, "/admin/register/citizen/", citizen.pin)
    assert citizen.surname.encode() in content
    assert not any("UPPER(" in query or " LIKE " in query for query in sql)
    content, _ = _searches(admin_client, "/admin/register/citizen/", citizen.pin[:10])
    assert citizen.surname.encode() not in content
    content, _ = _searches(admin_client, "/admin/register/voterlistentry/", citizen.pin)
    assert str(territory.precinct.number).encode() in content


def test_applications_are_searched_by_exact_pin_or_number_and_other_words_find_nothing(admin_client):
    application = staffed_world().application
    for term in (application.pin, str(application.pk)):
        content, _ = _searches(admin_client, "/admin/cabinet/application/", term)
        assert f"/admin/cabinet/application/{application.pk}/change/".encode() in content
    content, _ = _searches(admin_client, "/admin/cabinet/application/", "Асанов")
    assert f"/admin/cabinet/application/{application.pk}/change/".encode() not in content
