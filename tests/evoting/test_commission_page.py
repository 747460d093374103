# SPDX-License-Identifier: Apache-2.0
"""The commission's e-voting page: each step with its time, each holder's decryption and how many are still
needed; only a CEC administrator takes the steps."""
from __future__ import annotations

import pytest
from django.test import Client

from shailoo.crypto import decryption
from shailoo.crypto.verify import verify_record
from shailoo.elections.models import Candidate, Constituency
from shailoo.evoting import closing
from shailoo.evoting.models import Board
from tests.cabinet.helpers import make_staff
from tests.factories import make_territory

from .helpers import HOLDERS, make_evoting
from .test_casting import post, url
from .test_tally import download

pytestmark = pytest.mark.django_db


def staff_client(role: str, **scope) -> Client:
    client = Client()
    client.force_login(make_staff(f"user-{role}", role, password=None, **scope))
    return client


def test_page_shows_every_step_with_its_time():
    ev = make_evoting(voters=1)
    response = staff_client("cec_admin").get(f"/commission/evoting/{ev.slug}/", headers={"accept-language": "en"})
    text = response.content.decode()
    assert response.status_code == 200
    for step in ("Manifest fixed", "Key ceremony adopted", "Credential list signed", "Tallied"):
        assert step in text
    assert ev.board.manifest_hash[:16] in text and "not yet" in text


def test_a_cec_administrator_takes_the_steps_a_precinct_member_only_looks():
    territory = make_territory()
    constituency = Constituency.objects.create(election=territory.election, number=1, name_ky="Бир", name_ru="Один",
                                               seats=3)
    constituency.precincts.add(territory.precinct)
    Candidate.objects.create(election=territory.election, constituency=constituency, surname="К", name="А",
                             gender="F", ballot_order=1)
    url = f"/commission/evoting/{territory.election.slug}/"
    member = staff_client("precinct", precinct=territory.precinct)
    assert member.get(url).status_code == 200
    assert member.post(url, {"action": "create"}).status_code == 403
    assert not Board.objects.exists()
    admin = staff_client("cec_admin")
    assert admin.post(url, {"action": "create"}).status_code == 302
    assert Board.objects.filter(election=territory.election).count() == 1
    # Fixing the manifests needs the holders (the ceremony app): refused with the reason, nothing changed.
    page = admin.post(url, {"action": "manifests"}, follow=True, headers={"accept-language": "en"})
    assert "key holder must register" in page.content.decode()
    assert Board.objects.get().state == Board.State.SETUP
    assert Client().get(url).status_code == 302  # not signed in: to the login


def buttons(html: str) -> list[str]:
    return [value for value in ("create", "manifests", "ceremonies", "freeze") if f'value="{value}"' in html]


def test_only_the_steps_some_board_still_waits_for_are_offered_and_a_refusal_is_in_the_pages_language():
    territory = make_territory()
    for number in (1, 2):
        constituency = Constituency.objects.create(election=territory.election, number=number, name_ky="Бир",
                                                   name_ru="Один", seats=3)
        constituency.precincts.add(territory.precinct)
    url = f"/commission/evoting/{territory.election.slug}/"
    admin = staff_client("cec_admin")
    assert buttons(admin.get(url).content.decode()) == ["create"]
    admin.post(url, {"action": "create"})
    assert buttons(admin.get(url).content.decode()) == ["manifests"]
    page = admin.post(url, {"action": "manifests"}, follow=True, headers={"accept-language": "ru"}).content.decode()
    assert "Не сделано:" in page and "Этот шаг сейчас выполнить нельзя." in page
    Constituency.objects.create(election=territory.election, number=3, name_ky="Үч", name_ru="Три", seats=3)
    assert buttons(admin.get(url).content.decode()) == ["create", "manifests"]  # a board is missing again
    ev = make_evoting(voters=1, name="Кок-Таш")  # every step taken
    page = admin.get(f"/commission/evoting/{ev.slug}/", headers={"accept-language": "en"}).content.decode()
    assert buttons(page) == [] and "Every board is set up" in page


def test_the_page_shows_each_decryption_with_its_time_and_how_many_are_still_needed(tmp_path):
    ev = make_evoting(voters=1)
    admin = staff_client("cec_admin")
    page_url = f"/commission/evoting/{ev.slug}/"
    english = {"accept-language": "en"}
    closing.close_board(ev.board, at=ev.manifest.closes + 5)
    board = closing.verify_closed(Board.objects.get(pk=ev.board.pk))
    text = admin.get(page_url, headers=english).content.decode()
    assert "0 of the 3 needed" in text and "Partial decryptions" in text
    _, _, verified = verify_record(download(ev, tmp_path / "record.zip"), before_decryption=True)
    for holder in (2, 5):
        share = decryption.decrypt_share(verified, holder, ev.ceremony.secret_shares[holder], HOLDERS[holder])
        assert post(Client(), url(ev, "decryptions"), share).status_code == 200
    text = admin.get(page_url, headers=english).content.decode()
    assert "Partial decryption: key holder 2" in text and "Partial decryption: key holder 5" in text
    assert "2 of the 3 needed" in text and "Partial decryptions<" not in text
    share = decryption.decrypt_share(verified, 1, ev.ceremony.secret_shares[1], HOLDERS[1])
    assert post(Client(), url(ev, "decryptions"), share).status_code == 200
    board.refresh_from_db()
    assert board.tallied_at is not None
    text = admin.get(page_url, headers=english).content.decode()
    assert "of the 3 needed" not in text and "Partial decryption: key holder 1" in text
    russian = admin.get(page_url, headers={"accept-language": "ru"}).content.decode()
    assert "Частичная расшифровка: держатель ключа 1" in russian


def test_the_back_office_menu_leads_to_each_e_voting_election():
    ev = make_evoting(voters=1)
    territory = make_territory(name="Ак-Сай", evoting=False)
    member = staff_client("precinct", precinct=ev.territory.precinct)
    home = member.get("/commission/", follow=True).content.decode()
    assert 'href="/commission/evoting/"' in home  # the menu item
    index = member.get("/commission/evoting/")
    html = index.content.decode()
    assert index.status_code == 200 and f'href="/commission/evoting/{ev.slug}/"' in html
    assert f"/commission/evoting/{territory.election.slug}/" not in html  # no e-voting there
    assert 'aria-current="page"' in html
    page = staff_client("cec_admin").get(f"/commission/evoting/{ev.slug}/").content.decode()
    assert f'href="/commission/ceremony/{ev.slug}/"' in page and 'href="/commission/evoting/"' in page
    assert Client().get("/commission/evoting/").status_code == 302  # to the login
    assert member.post("/commission/evoting/").status_code == 405
