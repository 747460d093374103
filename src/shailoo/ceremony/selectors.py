# SPDX-License-Identifier: Apache-2.0
"""Reading the ceremony's state: what evoting calls (EVOTING-CONTRACT.md 3), what the relay's API serves
and what the commission's pages show."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shailoo.ceremony.models import Ceremony, KeyHolder, Message, Quorum
from shailoo.ceremony.services import KIND_OF_ROUND, board_id, load_rounds
from shailoo.crypto import ceremony as c
from shailoo.crypto import jcs
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.transcript import check_transcript
from shailoo.elections.models import Constituency, Election


def holders(election: Election) -> list[KeyHolder]:
    """The election's key holders in index order 1..n (.public_key is "" until the holder registered)."""
    return list(KeyHolder.objects.filter(election=election).order_by("index"))


def quorum(election: Election) -> int | None:
    return Quorum.objects.filter(election=election).values_list("k", flat=True).first()


def holder_keys(election: Election) -> list[str] | None:
    """The n holders' signing keys (hex) in index order; None until every holder registered."""
    keys = [h.public_key for h in holders(election)]
    return keys if keys and "" not in keys else None


@dataclass(frozen=True)
class CeremonyResult:
    ceremony_json: dict[str, Any]
    joint_public_key: str
    finished_at: dt.datetime


@lru_cache(maxsize=256)
def _verified(manifest_bytes: bytes, transcript_bytes: bytes) -> str:
    """The joint key of a ceremony.json that passes every check of docs/protocol.md 12 step 2 (cached by
    content: the same bytes verify the same way)."""
    manifest = manifest_from_json(jcs.loads(manifest_bytes, "manifest.json"))
    return check_transcript(manifest, jcs.loads(transcript_bytes, "ceremony.json")).joint_public_key.hex()


def ceremony_result(election: Election, constituency: Constituency) -> CeremonyResult | None:
    """The finished ceremony of a board, its ceremony.json verified with shailoo.crypto; None until then."""
    ceremony = Ceremony.objects.filter(election=election, constituency=constituency, finished_at__isnull=False).first()
    if ceremony is None or ceremony.transcript is None or ceremony.finished_at is None:
        return None
    try:
        key = _verified(jcs.canonical(ceremony.manifest), jcs.canonical(ceremony.transcript))
    except CryptoError:
        return None
    if key != ceremony.joint_public_key:
        return None
    return CeremonyResult(ceremony.transcript, key, ceremony.finished_at)


# Progress --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundProgress:
    number: int
    kind: str
    expected: tuple[int, ...]  # who must send a message in this round
    sent: dict[int, dt.datetime]  # holder -> when the relay accepted it

    @property
    def waiting_for(self) -> tuple[int, ...]:
        return tuple(h for h in self.expected if h not in self.sent)

    @property
    def complete(self) -> bool:
        return bool(self.expected) and not self.waiting_for


@dataclass(frozen=True)
class BoardProgress:
    ceremony: Ceremony
    board: str
    attempt: int
    state: str  # keys | shares | checks | finals | finished | failed
    rounds: tuple[RoundProgress, ...]
    qualified: tuple[int, ...] | None
    problem: str


def board_progress(ceremony: Ceremony) -> BoardProgress:
    """Each round's progress of the current attempt, who has not yet acted, and QUAL once known."""
    n = len(ceremony.manifest["authorities"]["holders"])
    everyone = tuple(range(1, n + 1))
    sent: dict[int, dict[int, dt.datetime]] = {number: {} for number in Message.Round.values}
    for number, holder, at in ceremony.messages.filter(attempt=ceremony.attempt).values_list("round", "holder",
                                                                                               "received_at"):
        sent[number][holder] = at
    qualified: tuple[int, ...] | None = None
    problem = ""
    if len(sent[Message.Round.CHECKS]) == n:
        if ceremony.transcript is not None:
            qualified = tuple(ceremony.transcript["qualified"])
        else:
            rounds = load_rounds(ceremony)
            try:
                keys = rounds.keys()
                shares = rounds.shares(keys)
                qualified, _ = c.outcome(rounds.crypto, keys, shares, rounds.checks(keys, shares))
            except CryptoError as error:
                problem = f"[{error.check}] {error.what}"
    progress = tuple(
        RoundProgress(number, KIND_OF_ROUND[number],
                      everyone if number != Message.Round.FINALS else (qualified or ()), sent[number])
        for number in Message.Round.values
    )
    if ceremony.finished_at is not None:
        state = "finished"
    elif problem:
        state = "failed"
    else:
        state = next(Message.Round(p.number).label for p in progress if not p.complete)
    return BoardProgress(ceremony, board_id(ceremony), ceremony.attempt, state, progress, qualified, problem)


def ceremonies(election: Election) -> list[Ceremony]:
    return list(Ceremony.objects.filter(election=election).select_related("election", "constituency")
                .order_by("constituency__number"))


def relay_state(election: Election) -> dict[str, Any]:
    """GET /ceremony/api/<slug>: the holders, the quorum and every board's manifest and messages of the
    current attempt, round by round in holder order (what each holder's program checks for itself)."""
    boards = []
    for ceremony in ceremonies(election):
        messages: dict[str, list[dict[str, Any]]] = {"keys": [], "shares": [], "checks": [], "finals": []}
        for message in ceremony.messages.filter(attempt=ceremony.attempt).order_by("round", "holder"):
            messages[Message.Round(message.round).label].append(message.body)
        boards.append({
            "board": board_id(ceremony), "manifest": ceremony.manifest, "manifest_hash": ceremony.manifest_hash,
            "attempt": ceremony.attempt, "state": board_progress(ceremony).state, "messages": messages,
            "joint_public_key": ceremony.joint_public_key or None,
        })
    return {
        "election": election.slug,
        "holders": [{"index": h.index, "name": h.name, "public_key": h.public_key or None,
                     "registered": h.registered_at is not None} for h in holders(election)],
        "quorum": quorum(election),
        "boards": boards,
    }

