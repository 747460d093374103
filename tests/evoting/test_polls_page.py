# SPDX-License-Identifier: Apache-2.0
"""The CEC administrator sets a board's polls on a page, a date (DD.MM.YYYY) and a 24-hour time for each, in
Bishkek time, before the manifest fixes them; the service's polls rules (closing after opening, nothing in
the past, opening only after e-voting enrolment has closed) come back at their fields in the page's
language, and a refusal changes nothing; other staff are refused."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.evoting import services
from shailoo.evoting.models import Board
from tests.cabinet.helpers import make_staff

from .helpers import HOLDERS, QUORUM
from .test_setup import new_board

pytestmark = pytest.mark.django_db
BISHKEK = services.BISHKEK


def client_of(role: str, language: str = "en", **options) -> Client:
    scope = {"precinct": options.pop("precinct")} if role == "precinct" else {}
    client = Client(**options)
    client.force_login(make_staff(f"user-{role}-{language}", role, password=None, **scope))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def url(board: Board) -> str:
    return f"/commission/evoting/{board.election.slug}/{board.constituency.number}/polls"


def local(day: dt.date, hour: int, minute: int = 0) -> tuple[str, str]:
    return f"{day:%d.%m.%Y}", f"{hour:02d}:{minute:02d}"


def form(opens: tuple[str, str], closes: tuple[str, str]) -> dict[str, str]:
    return {"opens_0": opens[0], "opens_1": opens[1], "closes_0": closes[0], "closes_1": closes[1]}


def polls_set() -> int:
    return AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP, payload__step="polls-set").count()


def test_the_cec_sets_the_polls_in_bishkek_time_and_it_is_audited():
    territory, board, _ = new_board()
    day = territory.election.election_day
    admin = client_of("cec_admin")
    page = admin.get(url(board))
    html = page.content.decode()
    assert page.status_code == 200 and 'type="datetime-local"' not in html
    assert f'name="opens_0" value="{day:%d.%m.%Y}"' in html and 'name="opens_1" value="08:00"' in html
    assert 'name="closes_1" value="20:00"' in html and "Asia/Bishkek" in html
    response = admin.post(url(board), form(local(day, 7, 30), local(day, 21)))
    assert response.status_code == 302 and response["Location"] == f"/commission/evoting/{board.election.slug}/"
    board.refresh_from_db()
    assert board.opens == dt.datetime.combine(day, dt.time(7, 30), tzinfo=BISHKEK)
    assert board.closes == dt.datetime.combine(day, dt.time(21), tzinfo=BISHKEK)
    entry = AuditEntry.objects.get(kind=AuditKind.EVOTING_STEP, payload__step="polls-set")
    assert entry.actor.username == "user-cec_admin-en" and entry.payload["detail"]["opens"] == f"{day.isoformat()}T07:30:00+06:00"
    assert "The polls of" in admin.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("opens", "closes", "field", "says"), [
    ((0, 20), (0, 8), "closes", "The polls must close after they open"),
    ((0, 8), (0, 8), "closes", "The polls must close after they open"),
    ((-40, 8), (0, 20), "opens", "This time has passed: the polls can open"),
    ((-40, 8), (-39, 20), "closes", "This time has passed: the polls can close"),
    ((-20, 8), (0, 20), "opens", "The polls open only after e-voting enrolment has closed"),
    (None, (0, 20), "opens", "Give the date and the time."),
    (("", "08:00"), (0, 20), "opens", "Give the date and the time."),
    (("tomorrow", "08:00"), (0, 20), "opens", "Give the date as day.month.year"),
    (("05/04/2026", "08:00"), (0, 20), "opens", "Give the date as day.month.year"),
    ("8 AM", (0, 20), "opens", "Give the time as hours:minutes on the 24-hour clock"),
    ("25:00", (0, 20), "opens", "Give the time as hours:minutes on the 24-hour clock"),
])
def test_a_wrong_time_is_named_and_nothing_changes(opens, closes, field, says):
    territory, board, _ = new_board()
    day = territory.election.election_day

    def value(when):
        if when is None:
            return "", ""
        if isinstance(when, str):  # a time as someone might type it
            return f"{day:%d.%m.%Y}", when
        if isinstance(when[0], str):
            return when
        return local(day + dt.timedelta(days=when[0]), when[1])

    before = (board.opens, board.closes, polls_set())
    response = client_of("cec_admin").post(url(board), form(value(opens), value(closes)))
    html = response.content.decode()
    assert response.status_code == 400
    assert says in html and f'href="#id_{field}_0"' in html  # in the summary, linked to the field's first input
    assert f'id="id_{field}-error"' in html and 'aria-invalid="true"' in html
    board.refresh_from_db()
    assert (board.opens, board.closes, polls_set()) == before


def test_refusals_are_in_kyrgyz_and_russian():
    territory, board, _ = new_board()
    day = territory.election.election_day
    admins = {language: client_of("cec_admin", language) for language in ("ky", "ru")}
    for language, says in (("ky", "Добуш берүү ачылгандан кийин жабылышы керек"),
                           ("ru", "Голосование должно закончиться после того, как начнётся")):
        response = admins[language].post(url(board), form(local(day, 20), local(day, 8)))
        assert response.status_code == 400 and says in response.content.decode()
    for language, says in (("ky", "каттоо жабылгандан кийин гана ачылат"), ("ru", "после окончания записи")):
        response = admins[language].post(url(board), form(local(day - dt.timedelta(days=20), 8), local(day, 20)))
        enrolment_until = territory.election.calendar.enrolment_until
        assert says in response.content.decode() and f"{enrolment_until:%d.%m.%Y}, 24:00" in response.content.decode()


def test_the_fields_read_a_date_and_a_24_hour_time_whatever_the_browser():
    territory, board, _ = new_board()
    day = territory.election.election_day
    response = client_of("cec_admin", "ru").post(url(board), {
        "opens_0": f"{day:%Y-%m-%d}", "opens_1": "7.30", "closes_0": f"{day:%d.%m.%y}", "closes_1": "21"})
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.opens == dt.datetime.combine(day, dt.time(7, 30), tzinfo=BISHKEK)
    assert board.closes == dt.datetime.combine(day, dt.time(21), tzinfo=BISHKEK)


def test_after_the_manifest_the_polls_are_fixed():
    territory, board, _ = new_board()
    day = territory.election.election_day
    board = services.fix_manifest(board, by=None, holder_keys=[HOLDERS[i].public.hex() for i in sorted(HOLDERS)],
                                  quorum=QUORUM)
    admin = client_of("cec_admin")
    page = admin.get(url(board)).content.decode()
    assert "The manifest is fixed" in page and 'name="opens_0"' not in page
    response = admin.post(url(board), form(local(day, 7), local(day, 21)))
    assert response.status_code == 409 and "The manifest is fixed" in response.content.decode()
    board.refresh_from_db()
    assert board.opens.astimezone(BISHKEK).hour == 8 and polls_set() == 0
    assert "Change the polls" not in admin.get(f"/commission/evoting/{board.election.slug}/").content.decode()


def test_only_a_cec_administrator_sets_the_polls():
    territory, board, _ = new_board()
    day = territory.election.election_day
    data = form(local(day, 7), local(day, 21))
    for client in (client_of("precinct", precinct=territory.precinct), client_of("operator")):
        assert client.get(url(board)).status_code == 403
        assert client.post(url(board), data).status_code == 403
    member_page = client_of("precinct", "ru", precinct=territory.precinct).get(
        f"/commission/evoting/{board.election.slug}/").content.decode()
    assert url(board) not in member_page
    assert Client().post(url(board), data).status_code == 302  # to the login
    assert client_of("cec_admin", enforce_csrf_checks=True).post(url(board), data).status_code == 403  # no token
    admin = client_of("cec_admin", "ky")
    assert url(board) in admin.get(f"/commission/evoting/{board.election.slug}/").content.decode()
    assert admin.get(f"/commission/evoting/{board.election.slug}/9/polls").status_code == 404
    board.refresh_from_db()
    assert board.opens.astimezone(BISHKEK).hour == 8 and polls_set() == 0
