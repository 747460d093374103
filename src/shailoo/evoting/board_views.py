# SPDX-License-Identifier: Apache-2.0
"""The public bulletin board pages (issue 10): the boards of an election; a board's head and counts, the
search by tracking code, the challenged ballots, the credential list; the log of published heads."""
from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shailoo.elections.models import Election
from shailoo.evoting import closing, selectors
from shailoo.evoting.errors import EvotingError
from shailoo.evoting.models import Board, Entry, ListedCredential, PublishedHead

PAGE = 50


def _board(slug: str, number: int, *, last_published: bool = False) -> Board:
    try:
        board = selectors.board_by_id(slug, number, last_published=last_published)
    except EvotingError:
        raise Http404("no such board") from None
    if board.manifest is None:
        raise Http404("the board is not set up yet")
    return closing.close_if_due(board)


def _moment(ms: int) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC))


def election_boards(request: HttpRequest, slug: str) -> HttpResponse:
    election = Election.objects.filter(slug=slug, evoting=True).first()
    if election is None:
        raise Http404("no such e-voting election")
    boards = [closing.close_if_due(b) for b in Board.objects.filter(election=election).exclude(manifest__isnull=True)
              .select_related("election", "constituency")]
    return render(request, "evoting/board_list.html", {
        "election": election, "boards": [(b, selectors.polls_state(b)) for b in boards]})


def _last_published(board: Board) -> PublishedHead | None:
    if not hasattr(board, "published_position"):  # the board was closed by this very request
        return PublishedHead.objects.filter(board=board).order_by("-position").first()
    if board.published_position is None:
        return None
    return PublishedHead(board=board, position=board.published_position, published_at=board.published_at)


def board_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Two queries at most (the board with its last published head, the search) and a third when the board has
    checked ballots: at 100,000 entries the page answers in the time of its round trips (docs/evoting.md)."""
    board = _board(slug, number, last_published=True)
    typed = request.GET.get("code", "").strip()[:80]
    letters = selectors.code_letters(typed) if typed else None
    found = selectors.search(board, letters) if letters else []
    challenges = (Entry.objects.filter(board=board, kind=Entry.Kind.CHALLENGE).order_by("-position")[:10]
                  if board.challenges else [])
    last_published = _last_published(board)
    status = 200 if not typed or letters else 400
    return render(request, "evoting/board.html", {
        "board": board, "polls": selectors.polls_state(board), "typed": typed,
        "code_error": typed and not letters, "searched": bool(letters), "found": found,
        "challenges": [(entry, _moment(entry.time), selectors.challenged_marks(board, entry)) for entry in challenges],
        "last_published": last_published, "page_errors": ["code"] if typed and not letters else [],
        "min_letters": selectors.MIN_CODE_LETTERS,
    }, status=status)


def heads(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    board = _board(slug, number)
    page = Paginator(PublishedHead.objects.filter(board=board).order_by("-position"), PAGE).get_page(request.GET.get("page"))
    return render(request, "evoting/heads.html", {"board": board, "page": page})


def credentials(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    board = _board(slug, number)
    rows = ListedCredential.objects.filter(board=board).order_by("credential")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "evoting/credentials.html", {"board": board, "page": page})


def challenges(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    board = _board(slug, number)
    rows = Entry.objects.filter(board=board, kind=Entry.Kind.CHALLENGE).order_by("-position")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    items = [(entry, _moment(entry.time), selectors.challenged_marks(board, entry)) for entry in page]
    return render(request, "evoting/challenges.html", {"board": board, "page": page, "items": items})



