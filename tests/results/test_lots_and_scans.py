# SPDX-License-Identifier: Apache-2.0
"""Ties wait for the commission's recorded lot; the signed protocol's scan is content-checked and published."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shailoo.audit.models import AuditEntry
from shailoo.audit.services import verify_chain
from shailoo.results import publication, services
from shailoo.results.models import Lot
from tests.cabinet.helpers import make_staff, png_bytes
from tests.results.helpers import figures, results_world

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tied_world():
    """Votes 105, 95, 85, 85, 55, 15 after both precincts: candidates 3 (man) and 4 (woman) tie for the third seat."""
    rw = results_world()
    for protocol, votes, voters, members in (
        (rw.first, [100, 90, 80, 80, 50, 10], 1, [rw.staff["secretary"], rw.staff["member"]]),
        (rw.second, [5, 5, 5, 5, 5, 5], 0, [rw.staff["second_precinct"],
                                            make_staff("second_member", "precinct", precinct=rw.world.second_precinct)]),
    ):
        for who in members:
            services.enter_protocol(protocol, figures(rw, votes, voters=voters), by=who)
    return rw


def test_a_tie_for_the_last_seat_waits_for_the_lot_the_commission_records():
    rw = tied_world()
    c = rw.candidates
    document = publication.published(rw.election.slug)[0]
    assert document["constituencies"][0]["elected"] == []
    assert document["lots_needed"] == [{"constituency": 1, "between": [c[2].pk, c[3].pk], "places": 1,
                                        "purpose": "seats", "names": ["Жумабаев Эрлан", "Осмонова Айгүл"]}]
    page = Client().get(f"/results/{rw.election.slug}/1/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "ожидается жребий комиссии" in page.content.decode()

    client = staff_client(rw.staff["territorial"])
    form = client.get(f"/commission/results/lots/{rw.election.slug}/")
    assert form.status_code == 200 and "Осмонова Айгүл" in form.content.decode()
    answer = client.post(f"/commission/results/lots/{rw.election.slug}/",
                         {"order": "2, 1", "drawn_by": "Т. Асанова, төрага", "drawn_at": "17.11.2026 22:15"})
    assert answer.status_code == 302
    lot = Lot.objects.get()
    assert lot.order == [c[3].pk, c[2].pk] and lot.drawn_by == "Т. Асанова, төрага"
    document = publication.published(rw.election.slug)[0]
    assert document["constituencies"][0]["elected"] == [c[0].pk, c[1].pk, c[3].pk]
    assert document["lots"][0]["names"] == ["Осмонова Айгүл", "Жумабаев Эрлан"]
    assert AuditEntry.objects.filter(kind="results.lot").count() == 1 and verify_chain().intact


def test_a_lot_for_no_waiting_tie_or_by_a_precinct_member_is_refused():
    rw = tied_world()
    c = rw.candidates
    with pytest.raises(services.ProtocolRefused) as refused:
        services.record_lot(rw.election, constituency=rw.constituency, order=[c[0].pk, c[1].pk], drawn_by="x",
                            drawn_at=rw.first.accepted_at, by=rw.staff["territorial"])
    assert refused.value.code == "no_such_tie"
    with pytest.raises(services.ProtocolRefused) as refused:
        services.record_lot(rw.election, constituency=rw.constituency, order=[c[2].pk, c[3].pk], drawn_by=" ",
                            drawn_at=rw.first.accepted_at, by=rw.staff["territorial"])
    assert refused.value.code == "drawn_by"
    assert staff_client(rw.staff["secretary"]).get(f"/commission/results/lots/{rw.election.slug}/").status_code == 403
    assert staff_client(rw.staff["territorial_elsewhere"]).post(
        f"/commission/results/lots/{rw.election.slug}/",
        {"order": "1, 2", "drawn_by": "x", "drawn_at": "17.11.2026 22:15"}).status_code == 403
    bad = staff_client(rw.staff["territorial"]).post(
        f"/commission/results/lots/{rw.election.slug}/", {"order": "1, 3", "drawn_by": "x", "drawn_at": "17.11.2026 22:15"})
    assert bad.status_code == 400 and not Lot.objects.exists()


def test_the_scan_is_checked_by_its_content_and_published_once_the_protocol_is_accepted():
    rw = results_world()
    client = staff_client(rw.staff["secretary"])
    url = f"/commission/results/protocols/{rw.first.pk}/scan/"
    fake = SimpleUploadedFile("protocol.pdf", b"<html>not a scan</html>", content_type="application/pdf")
    refused = client.post(url, {"scan": fake}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400 and "PDF, JPEG или PNG" in refused.content.decode()
    rw.first.refresh_from_db()
    assert rw.first.scan_name == ""
    assert client.post(url, {"scan": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")}).status_code == 302
    rw.first.refresh_from_db()
    assert rw.first.scan_type == "image/png" and AuditEntry.objects.filter(kind="protocol.scan").count() == 1
    assert Client().get(f"/results/scan/{rw.first.pk}/").status_code == 404  # not accepted yet
    for who in ("secretary", "member"):
        services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 50, 10]), by=rw.staff[who])
    published = Client().get(f"/results/scan/{rw.first.pk}/")
    assert published.status_code == 200 and published["Content-Type"] == "image/png"
    assert b"".join(published.streaming_content) == png_bytes()
    assert staff_client(rw.staff["second_precinct"]).post(
        url, {"scan": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")}).status_code == 404
