# SPDX-License-Identifier: Apache-2.0
"""What the other parts read from e-voting (EVOTING-CONTRACT.md 4): the board of a URL, the booth's data,
a voter's booth state, and the e-voting totals the results app merges."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from shailoo.elections.models import Constituency, Election
from shailoo.evoting import services
from shailoo.evoting.errors import EvotingError
from shailoo.evoting.models import Board, ListedCredential


def board_by_id(slug: str, number: int) -> Board:
    board = (Board.objects.select_related("election", "constituency")
             .filter(election__slug=slug, constituency__number=number).first())
    if board is None:
        raise EvotingError("board.not-found", f"no e-voting board {slug}/{number}")
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
