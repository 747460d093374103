# SPDX-License-Identifier: Apache-2.0
"""Results through the back office and the public pages: entry, acceptance, seats, CSV, JSON, PDF, roles."""
import csv
import io

import pytest
from django.test import Client
from django.utils.http import http_date

from shailoo.results import services
from shailoo.results.models import Protocol
from tests.cabinet.helpers import make_staff
from tests.results.helpers import figures, results_world

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(fig) -> dict:
    data = {name: value for name, value in fig.lines().items() if not name.startswith("votes:")}
    data.update({f"votes_{option}": count for option, count in fig.votes.items()})
    return data


def accept_both(rw):
    services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 50, 10]), by=rw.staff["secretary"])
    services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 50, 10]), by=rw.staff["member"])
    services.enter_protocol(rw.second, figures(rw, [5, 5, 5, 5, 5, 5], voters=0), by=rw.staff["second_precinct"])
    services.enter_protocol(rw.second, figures(rw, [5, 5, 5, 5, 5, 5], voters=0),
                            by=make_staff("second_member", "precinct", precinct=rw.world.second_precinct))


def test_two_members_enter_through_the_back_office_and_the_result_is_public():
    rw = results_world()
    url = f"/commission/results/protocols/{rw.first.pk}/"
    data = form_data(figures(rw, [100, 90, 80, 60, 50, 10]))
    first = staff_client(rw.staff["secretary"]).post(url, data)
    assert first.status_code == 302
    rw.first.refresh_from_db()
    assert rw.first.state == Protocol.State.AWAITING_SECOND
    second = staff_client(rw.staff["member"]).post(url, data, follow=True)
    assert "Both entries agree" in second.content.decode() or second.status_code == 200
    rw.first.refresh_from_db()
    assert rw.first.state == Protocol.State.ACCEPTED
    page = Client().get(f"/results/{rw.election.slug}/1/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200 and "Асанов Бакыт" in page.content.decode()
    assert page["Last-Modified"]


def test_a_refused_entry_names_the_relation_on_the_page_and_keeps_nothing():
    rw = results_world()
    data = form_data(figures(rw, [100, 90, 80, 60, 50, 10]))
    data["cancelled"] = 21
    response = staff_client(rw.staff["secretary"]).post(f"/commission/results/protocols/{rw.first.pk}/", data,
                                                        HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "не равно сумме выданных и погашенных" in response.content.decode()
    assert not rw.first.entries.exists()


def test_a_member_of_another_precinct_neither_sees_nor_enters_the_protocol():
    rw = results_world()
    client = staff_client(rw.staff["second_precinct"])
    assert client.get(f"/commission/results/protocols/{rw.first.pk}/").status_code == 404
    assert client.post(f"/commission/results/protocols/{rw.first.pk}/",
                       form_data(figures(rw, [1, 1, 1, 1, 1, 1]))).status_code == 404
    # The territorial commission sees it but does not enter it.
    territorial = staff_client(rw.staff["territorial"])
    assert territorial.get(f"/commission/results/protocols/{rw.first.pk}/").status_code == 200
    assert territorial.post(f"/commission/results/protocols/{rw.first.pk}/",
                            form_data(figures(rw, [1, 1, 1, 1, 1, 1]))).status_code == 403
    assert not rw.first.entries.exists()


def test_winners_with_the_womens_reservation_in_the_json_and_the_long_csv():
    rw = results_world()
    accept_both(rw)
    json_response = Client().get(f"/api/v1/results/{rw.election.slug}")
    assert json_response.status_code == 200
    document = json_response.json()
    constituency = document["constituencies"][0]
    c = rw.candidates
    # Votes 105, 95, 85, 65, 55, 15: the three men win on votes; Osmonova (65) replaces Zhumabaev (85).
    assert constituency["elected"] == [c[0].pk, c[1].pk, c[3].pk]
    assert constituency["replacements"] == [[c[2].pk, c[3].pk]]
    assert document["precincts_counted"] == 2 and document["status"] == "preliminary"
    rows = list(csv.reader(io.StringIO(Client().get(f"/api/v1/results/{rw.election.slug}/csv").content.decode())))
    assert rows[0] == ["election", "kenesh", "constituency", "unit", "candidate", "party", "votes"]
    assert [rw.election.slug, rw.election.kenesh.name_ky, "1", rw.world.precinct.number, "Асанов Бакыт", "", "100"] in rows
    assert len(rows) == 1 + 12
    unit = Client().get(f"/api/v1/results/{rw.election.slug}/1/{rw.world.precinct.number}/csv").content.decode()
    assert len(unit.strip().splitlines()) == 7


def test_open_data_answers_not_modified_since_its_last_change():
    rw = results_world()
    accept_both(rw)
    first = Client().get(f"/api/v1/results/{rw.election.slug}/1")
    stamp = first["Last-Modified"]
    assert Client().get(f"/api/v1/results/{rw.election.slug}/1", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    assert Client().get(f"/api/v1/results/{rw.election.slug}/1",
                        HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_every_public_view_answers_in_three_languages_with_a_chart():
    rw = results_world()
    accept_both(rw)
    slug = rw.election.slug
    for path in (f"/results/{slug}/", f"/results/{slug}/1/", f"/results/{slug}/1/{rw.world.precinct.number}/"):
        for language in ("ky", "ru", "en"):
            response = Client().get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (path, language)
            assert "<svg" in response.content.decode()
    assert Client().get("/results/").status_code == 200
    assert Client().get(f"/results/{slug}/9/").status_code == 404
    assert Client().get("/results/no-such-election/").status_code == 404


def test_the_pdf_protocol_in_kyrgyz_and_russian_embeds_its_font():
    rw = results_world()
    accept_both(rw)
    for language in ("ky", "ru"):
        response = Client().get(f"/results/{rw.election.slug}/protocol-{language}.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF") and b"DejaVu" in response.content and b"FontFile2" in response.content
    assert Client().get(f"/results/{rw.election.slug}/protocol-en.pdf").status_code == 404


def test_the_api_is_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/results/{slug}" in paths and "/api/v1/results/{slug}/{number}/{unit}/csv" in paths


def test_a_full_recompute_gives_each_election_the_document_it_would_get_alone():
    rw = results_world()
    accept_both(rw)
    from shailoo.results import publication
    from shailoo.results.models import Publication

    alone = publication.build(rw.election)
    before = Publication.objects.get(election=rw.election).computed_at
    assert publication.recompute_all() == 1
    stored = Publication.objects.get(election=rw.election)
    assert stored.document == alone and stored.computed_at > before
