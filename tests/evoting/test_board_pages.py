# SPDX-License-Identifier: Apache-2.0
"""The public board pages: head and counts, the search by tracking code (found and counting, counted,
superseded, challenged, not there, a malformed code), the published heads, the credential list, the
checked ballots, in Kyrgyz, Russian and English."""
from __future__ import annotations

import pytest
from django.test import Client

from shailoo.evoting import closing, selectors
from shailoo.evoting.models import Entry
from tests.cabinet.helpers import voter_client

from .helpers import make_evoting
from .test_casting import post, url

pytestmark = pytest.mark.django_db


def page(ev, suffix: str = "", language: str = "ru", **query):
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language
    return client.get(f"/board/{ev.slug}/{ev.constituency.number}/{suffix}", query)


@pytest.fixture
def voted():
    ev = make_evoting(voters=2)
    a, b = ev.voters
    first = post(voter_client(a.pin), url(ev, "cast"), ev.cast_json(a)).json()["receipt"]
    checked = post(voter_client(a.pin), url(ev, "challenge"), ev.challenge_json(frozenset(ev.options()[1:2]))
                   ).json()["receipt"]
    last = post(voter_client(a.pin), url(ev, "cast"), ev.cast_json(a)).json()["receipt"]
    return ev, first, checked, last


def test_code_letters_and_the_hash_range_agree_with_the_displayed_code(voted):
    ev, first, *_ = voted
    letters = selectors.code_letters(first["code"].lower().replace("0", "o"))
    assert letters == first["code"].replace("-", "")
    low, high = selectors.tracking_range(letters)
    assert low <= first["tracking"] <= high
    assert selectors.code_letters("ABC") is None and selectors.code_letters("UUUU-UUUU") is None


def test_search_finds_each_state(voted):
    ev, first, checked, last = voted
    short = lambda receipt: receipt["code"][:9]  # noqa: E731 - the SMS's two groups
    assert [f.status for f in selectors.search(ev.board, selectors.code_letters(short(first)))] == ["superseded"]
    assert [f.status for f in selectors.search(ev.board, selectors.code_letters(last["code"]))] == ["counts-now"]
    assert [f.status for f in selectors.search(ev.board, selectors.code_letters(checked["code"]))] == ["challenged"]
    assert selectors.search(ev.board, "00000000") == [] or all(
        not f.entry.receipt["code"].startswith("0000-0000") for f in selectors.search(ev.board, "00000000"))
    board = closing.close_board(ev.board, at=ev.manifest.closes)
    assert [f.status for f in selectors.search(board, selectors.code_letters(last["code"]))] == ["counted"]


def test_a_search_is_one_query_whatever_it_finds(voted, django_assert_num_queries):
    ev, first, checked, last = voted
    for code, status in ((first["code"], "superseded"), (last["code"][:9], "counts-now"), (checked["code"], "challenged"),
                         ("ZZZZ-ZZZZ", None)):
        with django_assert_num_queries(1):
            found = selectors.search(ev.board, selectors.code_letters(code))
        assert [f.status for f in found] == ([status] if status else [])


def test_the_board_page_takes_the_board_the_search_and_the_checked_ballots_in_three_queries(
        voted, django_assert_num_queries):
    ev, first, checked, last = voted
    closing.publish_heads()
    with django_assert_num_queries(3):
        response = page(ev, language="en", code=first["code"])
    text = response.content.decode()
    assert "replaced by a later ballot" in text and checked["code"] in text and "after entry 3" in text
    ev.board.challenges = 0  # a board without checked ballots does not look for them
    ev.board.save(update_fields=["challenges"])
    with django_assert_num_queries(2):
        assert "Latest checked ballots" not in page(ev, language="en", code=last["code"]).content.decode()


@pytest.mark.parametrize("language, words", [("ru", "засчитается"), ("ky", "Бюллетениңиз"), ("en", "will count")])
def test_board_page_shows_head_counts_and_the_search_result(voted, language, words):
    ev, first, checked, last = voted
    response = page(ev, language=language, code=last["code"][:9])
    text = response.content.decode()
    assert response.status_code == 200
    assert words in text and last["head"] in text
    assert ev.board.manifest_hash in text and Entry.objects.get(board=ev.board, position=3).head in text


def test_board_page_superseded_not_found_and_malformed(voted):
    ev, first, checked, last = voted
    assert "replaced by a later ballot" in page(ev, language="en", code=first["code"]).content.decode()
    missing = page(ev, language="en", code="ZZZZ-ZZZZ-ZZZZ")
    assert missing.status_code == 200 and "No ballot on this board has this code" in missing.content.decode()
    bad = page(ev, language="en", code="12")
    assert bad.status_code == 400 and "at least the first 8" in bad.content.decode()


def test_heads_credentials_challenges_and_list_pages(voted):
    ev, first, checked, last = voted
    closing.publish_heads()
    heads = page(ev, "heads", language="en").content.decode()
    assert last["head"] in heads
    creds = page(ev, "credentials", language="en").content.decode()
    assert all(v.key.public.hex() in creds for v in ev.voters) and ev.board.credentials_signature in creds
    challenges = page(ev, "challenges", language="ru").content.decode()
    assert checked["code"] in challenges and "Талапкер2" in challenges
    listing = Client().get(f"/board/{ev.slug}/")
    assert listing.status_code == 200 and str(ev.constituency.number) in listing.content.decode()
    assert Client().get(f"/board/{ev.slug}/42/").status_code == 404
    assert Client().get("/board/no-such-election/").status_code == 404


@pytest.mark.parametrize(("language", "heading"), [
    ("ky", "Электрондук такта: №1 Самаркандек шайлоо округу"),
    ("ru", "Электронная доска: Избирательный округ №1 Самаркандек"),
])
def test_the_board_names_its_constituency_with_the_word_once_and_its_times_as_bishkeks(language, heading):
    ev = make_evoting(voters=0)
    html = page(ev, language=language).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert {"ky": "(Бишкек убактысы)", "ru": "(по времени Бишкека)"}[language] in html
