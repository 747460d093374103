# SPDX-License-Identifier: Apache-2.0
"""What the other parts read from e-voting (EVOTING-CONTRACT.md 4): the board of a URL, the booth's data,
a voter's booth state, and the e-voting totals the results app merges."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from shailoo.elections.models import Constituency, Election
from shailoo.evoting import services
from shailoo.evoting.errors import EvotingError
from shailoo.evoting.models import Board, Entry, ListedCredential, PublishedHead
from shailoo.lookup import prepared


def board_by_id(slug: str, number: int, *, last_published: bool = False) -> Board:
    """The board of a URL (at most one: unique together, so no ORDER BY) with its election and constituency;
    with ``last_published``, also its last published head's position and time as ``published_position``
    and ``published_at`` (None before the first), in the same query."""
    boards = Board.objects.select_related("election", "constituency").order_by().filter(
        election__slug=slug, constituency__number=number)
    if last_published:
        heads = PublishedHead.objects.filter(board=OuterRef("pk")).order_by("-position")
        boards = boards.annotate(published_position=Subquery(heads.values("position")[:1]),
                                 published_at=Subquery(heads.values("published_at")[:1]))
    found = list(boards[:1])
    if not found:
        raise EvotingError("board.not-found", f"no e-voting board {slug}/{number}")
    return found[0]


#: What the JSON API's requests leave unread (loaded on first access if ever needed): the ceremony
#: transcript (16 kB for five holders), the tally and the results.
API_DEFERRED = ("ceremony", "tally", "results")
# Every API request (the cast above all) asks this: written out, since the ORM's compiling of the
# select_related join cost more CPU than the database's running it (docs/evoting.md "Performance").
_API_BOARD_SQL = """
SELECT {columns}, el.slug AS api_election_slug, c.number AS api_constituency_number
FROM {board} b
JOIN {election} el ON el.id = b.election_id
JOIN {constituency} c ON c.id = b.constituency_id
WHERE el.slug = %s AND c.number = %s
LIMIT 1
"""


@functools.cache
def _api_board_sql() -> tuple[str, list[str], list[Any]]:
    """The statement, the names of the board's fields it reads (in order) and their columns (Col)."""
    fields = [field for field in Board._meta.concrete_fields if field.name not in API_DEFERRED]
    sql = _API_BOARD_SQL.format(columns=", ".join(f"b.{field.column}" for field in fields),
                                board=Board._meta.db_table, election=Election._meta.db_table,
                                constituency=Constituency._meta.db_table)
    return sql, [field.attname for field in fields], [field.get_col(Board._meta.db_table) for field in fields]


@functools.cache
def _converters(vendor: str) -> list[tuple[int, Any, list[Any]]]:
    """The database's converters of each column _api_board_sql reads (JSON text to objects, SQLite's text
    to datetimes, ...), as Django's compiler would apply them; per database vendor."""
    _, _, columns = _api_board_sql()
    found = []
    for index, column in enumerate(columns):
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            found.append((index, column, functions))
    return found


def api_board(slug: str, number: int) -> Board:
    """board_by_id for the JSON API: the board without API_DEFERRED, its election and constituency with
    their keys, slug and number only (any other field is read on first access)."""
    sql, names, _ = _api_board_sql()
    rows = prepared.run(sql, [slug, number])
    if not rows:
        raise EvotingError("board.not-found", f"no e-voting board {slug}/{number}")
    row = rows[0]
    values = list(row[:len(names)])
    for index, column, functions in _converters(connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    board = Board.from_db(connection.alias, names, values)
    board.election = Election.from_db(connection.alias, ["id", "slug"], [board.election_id, row[-2]])
    board.constituency = Constituency.from_db(connection.alias, ["id", "election_id", "number"],
                                              [board.constituency_id, board.election_id, row[-1]])
    return board


def polls_state(board: Board, at: int | None = None) -> str:
    """"not-open", "open" or "closed" (a board that is not ready yet is "not-open")."""
    at = services.now_ms() if at is None else at
    if board.state in (Board.State.CLOSED, Board.State.TALLIED) or at >= services.to_ms(board.closes):
        return "closed"
    if board.state != Board.State.READY or at < services.to_ms(board.opens):
        return "not-open"
    return "open"


def booth_json(board: Board) -> dict[str, Any]:
    """GET /evoting/api/<slug>/<n>/booth: what the booth encrypts against."""
    if board.manifest is None or not board.joint_public_key:
        raise EvotingError("board.not-ready")
    return {"board": board.board_id, "manifest": board.manifest, "manifest_hash": board.manifest_hash,
            "joint_public_key": board.joint_public_key, "opens": services.to_ms(board.opens),
            "closes": services.to_ms(board.closes), "state": polls_state(board)}


@dataclass(frozen=True)
class BoothState:
    """A voter's situation at the booth of their constituency."""

    board: Board | None
    polls: str  # "not-open" | "open" | "closed" | "no-board"
    enrolled: bool
    credential: str  # the enrolled credential's public key (hex), "" if none
    on_list: bool  # the credential is on the board's frozen list
    refusal: str  # the check code when the voter cannot vote here, else ""


def booth_state(election: Election, constituency: Constituency | None, pin: str | None) -> BoothState:
    board = None if constituency is None else Board.objects.select_related("election", "constituency").filter(
        election=election, constituency=constituency).first()
    if board is None:
        return BoothState(None, "no-board", False, "", False, "board.not-found")
    try:
        voter = services.enrolled_voter(board, pin)
    except EvotingError as error:
        return BoothState(board, polls_state(board), False, "", False, error.code)
    on_list = ListedCredential.objects.filter(board=board, credential=voter.credential).exists()
    return BoothState(board, polls_state(board), True, voter.credential, on_list,
                      "" if on_list or board.credentials_frozen_at is None else "credential.unknown")


@dataclass(frozen=True)
class ConstituencyEvote:
    constituency_id: int
    ballots: int
    votes: dict[int, int]
    against_all: int | None
    record_url: str


def evote_totals(election: Election) -> list[ConstituencyEvote] | None:
    """The decrypted e-voting totals per constituency, None until every board of the election is tallied."""
    boards = list(Board.objects.filter(election=election).select_related("election", "constituency"))
    if not boards or any(board.results is None for board in boards):
        return None
    totals = []
    for board in boards:
        results = board.results or {}
        votes: dict[int, int] = {}
        against: int | None = None
        for contest in results.get("contests", []):
            for option in contest["options"]:
                kind, _, pk = option["option_id"].rpartition("-")
                if option["option_id"] == "against-all":
                    against = option["total"]
                elif kind in ("candidate", "party"):
                    votes[int(pk)] = option["total"]
        totals.append(ConstituencyEvote(board.constituency_id, results.get("ballots_counted", 0), votes, against,
                                        reverse("evoting-record", args=[election.slug, board.constituency.number])))
    return totals


# --- the public board ------------------------------------------------------------------------------------

_READ = {**{c: i for i, c in enumerate("0123456789ABCDEFGHJKMNPQRSTVWXYZ")}, "O": 0, "I": 1, "L": 1}
MIN_CODE_LETTERS = 8  # the short code of the SMS: two groups of four


def code_letters(text: str) -> str | None:
    """A typed tracking code as its letters (case, spaces and hyphens ignored; O read as 0, I and L as 1),
    or None when it is not one: 8 to 26 letters of the alphabet of docs/protocol.md 7.3."""
    letters = "".join(c for c in text.upper() if c not in "- \t\n")
    if not MIN_CODE_LETTERS <= len(letters) <= 26 or any(c not in _READ for c in letters):
        return None
    return "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[_READ[c]] for c in letters)


def tracking_range(letters: str) -> tuple[str, str]:
    """The hex range of the 64-byte tracking hashes whose displayed code starts with ``letters``."""
    value = 0
    for letter in letters:
        value = value << 5 | _READ[letter]
    free = 512 - 5 * len(letters)
    low = value << free
    high = low + (1 << free) - 1
    return f"{low:0128x}", f"{high:0128x}"


@dataclass(frozen=True)
class Found:
    """A tracking code's entry on a board and what became of it."""

    entry: Entry
    status: str  # "counted" | "counts-now" | "superseded" | "challenged"
    superseded_by: int | None = None


def search(board: Board, letters: str) -> list[Found]:
    """The entries whose displayed code starts with ``letters`` (at most 5), in one query whatever the board's
    size: a range scan of the (board, tracking) index, and for each entry found its voter's latest ballot by
    the (board, credential, position) index (only ballots carry a credential). Asked separately as "the latest
    ballot of this credential after this position", the planner could walk the (board, kind, position) index
    backwards through every later ballot instead (64 ms at 20,000 entries; docs/evoting.md "Performance")."""
    low, high = tracking_range(letters)
    latest = Entry.objects.filter(board=OuterRef("board"), credential=OuterRef("credential")).order_by("-position")
    entries = (Entry.objects.filter(board=board, tracking__gte=low, tracking__lte=high).exclude(kind=Entry.Kind.CLOSE)
               .defer("line").annotate(latest=Subquery(latest.values("position")[:1])).order_by("tracking")[:5])
    closed = board.state in (Board.State.CLOSED, Board.State.TALLIED)
    found = []
    for entry in sorted(entries, key=lambda e: e.position):
        if entry.kind == Entry.Kind.CHALLENGE:
            found.append(Found(entry, "challenged"))
        elif entry.latest > entry.position:
            found.append(Found(entry, "superseded", entry.latest))
        else:
            found.append(Found(entry, "counted" if closed else "counts-now"))
    return found


def challenged_marks(board: Board, entry: Entry) -> list[str]:
    """The titles of the options a challenged ballot's opening marks (what the voter's device encrypted)."""
    opening = json.loads(entry.line)["opening"]
    manifest = services.board_manifest(board)
    titles = {(c.contest_id, o.option_id): o.title for c in manifest.contests for o in c.options}
    return [titles.get((contest["contest_id"], mark["option_id"]), mark["option_id"])
            for contest in opening["contests"] for mark in contest["marks"] if mark["value"] == 1]
