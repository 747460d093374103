# SPDX-License-Identifier: Apache-2.0
"""The election manifest: contests, options and mark rules; its hash binds every proof to this election."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import hash_bytes


@dataclass(frozen=True, slots=True)
class Option:
    option_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Contest:
    """A contest: a ballot marks between ``min_marks`` and ``max_marks`` options; a ballot that marks the
    ``against_all`` option (if any) marks nothing else."""

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
class Manifest:
    election_id: str
    title: str
    contests: tuple[Contest, ...]
    max_voters: int
    #: The manifest hash Q: SHA-512 (domain "manifest") of the canonical JSON; computed once, since every
    #: proof check needs it.
    digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", hash_bytes("manifest", canonical_json(self.to_json())))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "election_id": self.election_id,
            "title": self.title,
            "max_voters": self.max_voters,
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


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that are hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidEncoding(f"{key!r} must be a non-empty string", where)
    return value


def _count(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidEncoding(f"{key!r} must be a non-negative integer", where)
    return value


def manifest_from_json(data: Any, where: str = "manifest.json") -> Manifest:
    """Parse and check a manifest: unique ids, 0 <= min <= max <= options, valid against-all option."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InvalidEncoding("expected an object with \"version\": 1", where)
    contests: list[Contest] = []
    seen: set[str] = set()
    raw_contests = data.get("contests")
    if not isinstance(raw_contests, list) or not raw_contests:
        raise InvalidEncoding("'contests' must be a non-empty list", where)
    for position, raw in enumerate(raw_contests):
        here = f"{where} contests[{position}]"
        if not isinstance(raw, dict):
            raise InvalidEncoding("contest must be an object", here)
        contest_id = _text(raw, "contest_id", here)
        if contest_id in seen:
            raise InvalidEncoding(f"duplicate contest id {contest_id!r}", here)
        seen.add(contest_id)
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or not raw_options:
            raise InvalidEncoding("'options' must be a non-empty list", here)
        options = tuple(
            Option(_text(o, "option_id", here), str(o.get("title", ""))) if isinstance(o, dict) else None
            for o in raw_options
        )
        if any(option is None for option in options):
            raise InvalidEncoding("option must be an object", here)
        real_options = tuple(option for option in options if option is not None)
        ids = [option.option_id for option in real_options]
        if len(set(ids)) != len(ids):
            raise InvalidEncoding("duplicate option id", here)
        against_all = raw.get("against_all")
        if against_all is not None and against_all not in ids:
            raise InvalidEncoding("'against_all' must name one of the options", here)
        minimum, maximum = _count(raw, "min_marks", here), _count(raw, "max_marks", here)
        ordinary = len(ids) - (1 if against_all is not None else 0)
        if not (1 <= maximum <= ordinary and minimum <= maximum):
            raise InvalidEncoding("marks must satisfy 0 <= min <= max <= options and max >= 1", here)
        contests.append(
            Contest(contest_id, str(raw.get("title", "")), real_options, minimum, maximum, against_all)
        )
    manifest = Manifest(
        _text(data, "election_id", where), str(data.get("title", "")), tuple(contests),
        _count(data, "max_voters", where),
    )
    if manifest.max_voters < 1:
        raise InvalidEncoding("'max_voters' must be positive", where)
    return manifest
