# SPDX-License-Identifier: Apache-2.0
"""The election manifest: contests, options, mark rules, polling times and the authorities' public keys.
Its hash Q binds every proof, signature and chain entry to this election (docs/protocol.md 6)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shailoo.crypto import codec, jcs
from shailoo.crypto.disjunctive import MAX_BRANCHES
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import Point, hash_bytes

MAX_CONTESTS = 64
MAX_OPTIONS = 1000
MAX_HOLDERS = 64


@dataclass(frozen=True, slots=True)
class Option:
    option_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Contest:
    """A ballot marks between ``min_marks`` and ``max_marks`` ordinary options, or the ``against_all``
    option (if any) alone."""

    contest_id: str
    title: str
    options: tuple[Option, ...]
    min_marks: int
    max_marks: int
    against_all: str | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.option_id for option in self.options)

    def weight(self, option_id: str) -> int:
        """Weight of a mark in the contest's range proof: ``max_marks`` for "against all", else 1."""
        return self.max_marks if option_id == self.against_all else 1

    def allows(self, marked: frozenset[str]) -> bool:
        if not marked <= set(self.option_ids):
            return False
        if self.against_all is not None and self.against_all in marked:
            return len(marked) == 1
        return self.min_marks <= len(marked) <= self.max_marks


@dataclass(frozen=True, slots=True)
class Authorities:
    """The public keys the record's signatures are checked against, fixed before the ceremony."""

    commission: Point  # signs the credential list
    board: Point  # signs receipts and the close entry
    holders: tuple[Point, ...]  # key holder i signs with holders[i - 1]
    quorum: int  # k of n = len(holders)

    def holder_key(self, index: int) -> Point:
        return self.holders[index - 1]


@dataclass(frozen=True, slots=True)
class Manifest:
    election_id: str
    title: str
    opens: int  # polls open, milliseconds since 1970-01-01T00:00:00Z
    closes: int  # polls close, the same unit
    authorities: Authorities
    contests: tuple[Contest, ...]
    #: Q = H("manifest", JCS(manifest.json)); computed once, every check needs it.
    digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", hash_bytes("manifest", jcs.canonical(self.to_json())))

    @property
    def holders(self) -> int:
        return len(self.authorities.holders)

    @property
    def quorum(self) -> int:
        return self.authorities.quorum

    def to_json(self) -> dict[str, Any]:
        return {
            "version": codec.VERSION,
            "kind": "manifest",
            "election_id": self.election_id,
            "title": self.title,
            "opens": self.opens,
            "closes": self.closes,
            "authorities": {
                "commission": self.authorities.commission.hex(),
                "board": self.authorities.board.hex(),
                "holders": [key.hex() for key in self.authorities.holders],
                "quorum": self.authorities.quorum,
            },
            "contests": [
                {
                    "contest_id": contest.contest_id,
                    "title": contest.title,
                    "min_marks": contest.min_marks,
                    "max_marks": contest.max_marks,
                    "against_all": contest.against_all,
                    "options": [{"option_id": o.option_id, "title": o.title} for o in contest.options],
                }
                for contest in self.contests
            ],
        }

    def contest(self, contest_id: str) -> Contest:
        for contest in self.contests:
            if contest.contest_id == contest_id:
                return contest
        raise KeyError(contest_id)


def check_contest(contest: Contest, where: str) -> None:
    """The mark rules of docs/protocol.md 6.1, including the 256-branch limit of the range proof."""
    ids = contest.option_ids
    if len(set(ids)) != len(ids):
        raise InvalidEncoding("duplicate option id", where, "manifest.ids")
    if contest.against_all is not None and contest.against_all not in ids:
        raise InvalidEncoding("'against_all' must name one of the options", where, "manifest.marks")
    ordinary = len(ids) - (contest.against_all is not None)
    if not (1 <= contest.max_marks <= ordinary and contest.min_marks <= contest.max_marks):
        raise InvalidEncoding("marks must satisfy 0 <= min <= max <= ordinary options and max >= 1", where,
                              "manifest.marks")
    if contest.max_marks - contest.min_marks + 1 > MAX_BRANCHES:
        raise InvalidEncoding(
            f"max_marks - min_marks + 1 = {contest.max_marks - contest.min_marks + 1} exceeds the range "
            f"proof's limit of {MAX_BRANCHES} branches", where, "manifest.branches",
        )


def _authorities(data: Any, where: str) -> Authorities:
    codec.fields(data, where, ("commission", "board", "holders", "quorum"))
    holders = codec.items(data, "holders", where, 1, MAX_HOLDERS)
    try:
        keys = (
            codec.point(data, "commission", where, identity=False),
            codec.point(data, "board", where, identity=False),
            *(codec.point_of(key, f"{where}.holders[{i}]", identity=False) for i, key in enumerate(holders)),
        )
    except InvalidEncoding as error:
        raise InvalidEncoding(error.what, error.where, "manifest.authority-key") from error
    if len(set(keys)) != len(keys):
        raise InvalidEncoding("the authorities' keys must be pairwise distinct", where, "manifest.authority-key")
    quorum = codec.integer(data, "quorum", where, 1, len(holders))
    return Authorities(keys[0], keys[1], tuple(keys[2:]), quorum)


def manifest_from_json(data: Any, where: str = "manifest.json") -> Manifest:
    """Parse and check a manifest (docs/protocol.md 6.1); raise InvalidEncoding naming the failed rule."""
    codec.header(data, where, "manifest",
                 ("election_id", "title", "opens", "closes", "authorities", "contests"))
    contests: list[Contest] = []
    seen: set[str] = set()
    for position, raw in enumerate(codec.items(data, "contests", where, 1, MAX_CONTESTS)):
        here = f"{where} contests[{position}]"
        codec.fields(raw, here, ("contest_id", "title", "min_marks", "max_marks", "against_all", "options"))
        contest_id = codec.text(raw, "contest_id", here)
        if contest_id in seen:
            raise InvalidEncoding(f"duplicate contest id {contest_id!r}", here, "manifest.ids")
        seen.add(contest_id)
        options = []
        for index, option in enumerate(codec.items(raw, "options", here, 1, MAX_OPTIONS)):
            at = f"{here}.options[{index}]"
            codec.fields(option, at, ("option_id", "title"))
            options.append(Option(codec.text(option, "option_id", at),
                                  codec.text(option, "title", at, codec.MAX_TITLE_BYTES, empty=True)))
        against_all = raw["against_all"]
        if against_all is not None:
            against_all = codec.text(raw, "against_all", here)
        contest = Contest(
            contest_id, codec.text(raw, "title", here, codec.MAX_TITLE_BYTES, empty=True), tuple(options),
            codec.integer(raw, "min_marks", here, 0, MAX_OPTIONS), codec.integer(raw, "max_marks", here, 0, MAX_OPTIONS),
            against_all,
        )
        check_contest(contest, here)
        contests.append(contest)
    opens, closes = codec.integer(data, "opens", where), codec.integer(data, "closes", where)
    if opens >= closes:
        raise InvalidEncoding("polls must open before they close", where, "manifest.times")
    return Manifest(
        codec.text(data, "election_id", where), codec.text(data, "title", where, codec.MAX_TITLE_BYTES, empty=True),
        opens, closes, _authorities(data["authorities"], f"{where}.authorities"), tuple(contests),
    )
