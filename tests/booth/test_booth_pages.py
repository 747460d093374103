# SPDX-License-Identifier: Apache-2.0
"""The booth pages /vote/ and /vote/<slug>/: an enrolled e-voter whose polls are open gets the booth of their
constituency; everyone else a page that says why they cannot vote here."""
import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from shailoo.cabinet.models import Application
from shailoo.register.models import VoterListEntry
from tests.cabinet.helpers import voter_client
from tests.evoting.helpers import enrol, make_evoting
from tests.factories import list_voter, make_citizen

pytestmark = pytest.mark.django_db


def page(pin: str, slug: str, language: str = "en") -> str:
    client = voter_client(pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("vote-booth", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_enrolled_evoter_gets_the_booth_of_their_constituency():
    election = make_evoting(voters=1)
    voter = election.voters[0]
    html = page(voter.pin, election.slug)
    assert "data-booth" in html and f'data-credential="{voter.key.public.hex()}"' in html
    assert reverse("evoting-cast", args=[election.slug, 1]) in html
    assert "evoting/booth/vote.js" in html
    assert "Талапкер1 Асан" in html  # the candidates by name, in ballot order
    assert html.index("Талапкер1") < html.index("Талапкер2")
    assert "Your vote is cast" in html and "Check this ballot (it will not count)" in html


def test_the_booth_and_the_enrolment_page_may_compile_webassembly_and_nothing_more():
    election = make_evoting(voters=1)
    policy = voter_client(election.voters[0].pin).get(reverse("vote-booth", args=[election.slug])).headers[
        "Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "") and "unsafe-inline" not in policy


def test_the_booth_speaks_kyrgyz_and_russian():
    election = make_evoting(voters=1)
    assert "Бюллетениңизди белгилеңиз" in page(election.voters[0].pin, election.slug, "ky")
    assert "Отметьте бюллетень" in page(election.voters[0].pin, election.slug, "ru")


@pytest.mark.parametrize(("language", "label"), [
    ("ky", "№1 Самаркандек шайлоо округу"),
    ("ru", "Избирательный округ №1 Самаркандек"),
    ("en", "Constituency №1 Samarkandek"),
])
def test_the_booth_names_the_constituency_with_the_word_once(language, label):
    """The stored name is the place; the page says "constituency" (it read "Округ: №1 Избирательный округ ...")."""
    election = make_evoting(voters=1)
    html = page(election.voters[0].pin, election.slug, language)
    assert f'<p class="govuk-body">{label}</p>' in html  # where the voter votes
    assert f">{label}</legend>" in html  # the ballot's title
    assert "Округ:" not in html and "округу шайлоо" not in html and "округ Избирательный" not in html


def test_before_the_polls_open_the_voter_is_told_when():
    now = timezone.now()
    election = make_evoting(voters=1, opens=now + dt.timedelta(days=1), closes=now + dt.timedelta(days=2))
    html = page(election.voters[0].pin, election.slug)
    assert "The polls open on" in html and "data-booth" not in html


def test_after_the_polls_close_the_voter_is_sent_to_the_board():
    election = make_evoting(voters=1)
    election.board.closes = timezone.now() - dt.timedelta(minutes=1)
    election.board.save(update_fields=["closes"])
    html = page(election.voters[0].pin, election.slug)
    assert "The polls are closed" in html and "data-booth" not in html
    assert reverse("evoting-board", args=[election.slug, 1]) in html


def test_a_paper_voter_is_told_to_vote_at_the_polling_station():
    election = make_evoting(voters=0)
    citizen = make_citizen(election.territory.settlement)
    list_voter(citizen, election.territory.election, election.territory.precinct)
    html = page(citizen.pin, election.slug)
    assert "You vote on paper at your polling station" in html and "data-booth" not in html


def test_a_voter_whose_enrolment_is_not_decided_cannot_vote():
    election = make_evoting(voters=0)
    pending = enrol(election.territory)
    Application.objects.filter(pk=pending.application.pk).update(status=Application.Status.FILED)
    html = page(pending.pin, election.slug)
    assert "You are not enrolled to vote electronically" in html and "data-booth" not in html


def test_a_key_enrolled_after_the_list_was_frozen_cannot_vote():
    election = make_evoting(voters=0)
    late = enrol(election.territory)
    html = page(late.pin, election.slug)
    assert "not on the list of e-voters the commission signed" in html and "data-booth" not in html


def test_a_citizen_not_on_the_list_is_told_so():
    election = make_evoting(voters=0)
    citizen = make_citizen(election.territory.settlement)
    html = page(citizen.pin, election.slug)
    assert "You are not on the voter list of this election" in html


def test_the_index_lists_the_voters_evoting_elections_with_their_state():
    election = make_evoting(voters=1)
    client = voter_client(election.voters[0].pin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("vote")).content.decode()
    assert reverse("vote-booth", args=[election.slug]) in html and "The polls are open until" in html


def test_the_booth_needs_a_tunduk_login_and_an_evoting_election():
    election = make_evoting(voters=1)
    from django.test import Client

    assert Client().get(reverse("vote-booth", args=[election.slug])).status_code == 302
    voter = voter_client(election.voters[0].pin)
    assert voter.get(reverse("vote-booth", args=["no-such-election"])).status_code == 404
    entry = VoterListEntry.objects.get(citizen__pin=election.voters[0].pin)
    assert entry.voting_mode == VoterListEntry.VotingMode.ELECTRONIC
