# SPDX-License-Identifier: Apache-2.0
"""A voter's check of a receipt against a published record: ``python -m shailoo.crypto.receipt RECORD RECEIPT``.

Exit code 0: the ballot is in the record and counted (the last ballot of its credential; a challenge
receipt: the challenged ballot is published); 1: it is in the record but superseded by a later ballot of
the same credential; 2: missing or invalid (the message says which: a receipt the board did not sign, a
record that contradicts the board's signed receipt, a chain that does not hold together).

It walks the board once, recomputing every head from the entries and the receipt's own entry from its
ballot; a full check of the record is ``python -m shailoo.crypto.verify RECORD``.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shailoo.crypto import board, codec, jcs, record
from shailoo.crypto.ballot import (
    ballot_from_json,
    cast_from_json,
    display_code,
    opening_from_json,
    tracking_hash,
    verify_cast_signature,
)
from shailoo.crypto.errors import CryptoError, InvalidEncoding
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json

COUNTED, SUPERSEDED, MISSING = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Answer:
    code: int
    message: str


def _entry_parts(manifest: Manifest, entry: Any, where: str) -> tuple[str, list[bytes]]:
    """The chain parts of an entry, the tracking hash recomputed from the ballot."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if kind == board.BALLOT:
        codec.fields(entry, where, ("position", "type", "time", "tracking", "cast"))
        cast = cast_from_json(manifest, entry["cast"], where)
        return kind, board.ballot_parts(cast)
    if kind == board.CHALLENGE:
        codec.fields(entry, where, ("position", "type", "time", "tracking", "ballot", "opening"))
        ballot_from_json(entry["ballot"], where)
        opening_from_json(entry["opening"], where)  # schema-checked before it is hashed
        return kind, board.challenge_parts(tracking_hash(manifest.digest, entry["ballot"]), entry["opening"])
    if kind == board.CLOSE:
        codec.fields(entry, where, ("position", "type", "time", "ballots", "challenges", "signature"))
        return kind, board.close_parts(codec.integer(entry, "ballots", where),
                                       codec.integer(entry, "challenges", where),
                                       codec.hex_field(entry, "signature", 64, where))
    raise CryptoError("type must be ballot, challenge or close", where)


def check(record_path: Path, receipt_path: Path) -> Answer:
    try:
        reader = record.RecordReader(record_path)
        manifest = manifest_from_json(reader.read_json(record.MANIFEST))
        receipt = board.check_receipt(manifest, jcs.loads(receipt_path.read_bytes(), str(receipt_path)), str(receipt_path))
    except (UnreadableInput, CryptoError, OSError) as error:
        return Answer(MISSING, f"invalid receipt or record: {error}")
    head = board.genesis(manifest).head
    mine: bytes | None = None  # the credential of the receipt's ballot
    superseded_at = 0
    closed = False
    try:
        lines = reader.lines(record.BOARD)
        next(lines)
        for where, entry in lines:
            if not isinstance(entry, dict):
                raise InvalidEncoding("expected an object", where)
            position = codec.integer(entry, "position", where, 1)
            kind, parts = _entry_parts(manifest, entry, where)
            head = board.entry_head(manifest, head, position, kind, codec.integer(entry, "time", where), parts)
            closed = kind == board.CLOSE
            if position == receipt.position:
                if kind != receipt.kind or parts[0] != receipt.tracking:
                    return Answer(MISSING, f"the record contradicts the board's signed receipt: position "
                                  f"{receipt.position} holds another entry (keep the receipt: it is evidence)")
                if head != receipt.head:
                    return Answer(MISSING, f"the record contradicts the board's signed receipt: the chain's head after "
                                  f"position {receipt.position} differs, so an earlier entry was changed, dropped or "
                                  "inserted (keep the receipt: it is evidence)")
                mine = parts[1] if kind == board.BALLOT else b""
            elif mine and kind == board.BALLOT and parts[1] == mine and position > receipt.position:
                cast = cast_from_json(manifest, entry["cast"], where)
                verify_cast_signature(manifest, cast, where)
                superseded_at = position
    except (UnreadableInput, CryptoError) as error:
        return Answer(MISSING, f"the board cannot be read or checked: {error}")
    if mine is None:
        return Answer(MISSING, f"missing: the record's board has no position {receipt.position} (it was dropped; keep "
                      "the receipt: it is evidence)")
    note = "" if closed else " (the board in this record is not closed yet)"
    if receipt.kind == board.CHALLENGE:
        return Answer(COUNTED, f"challenged ballot {display_code(receipt.tracking)} is published at position "
                      f"{receipt.position}; a challenged ballot is never counted{note}")
    if superseded_at:
        return Answer(SUPERSEDED, f"ballot {display_code(receipt.tracking)} at position {receipt.position} is "
                      f"superseded by a later ballot of the same credential at position {superseded_at}{note}")
    return Answer(COUNTED, f"ballot {display_code(receipt.tracking)} at position {receipt.position} is counted: "
                  f"it is the last ballot of its credential{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a voter's receipt against a Shailoo election record.")
    parser.add_argument("record", type=Path)
    parser.add_argument("receipt", type=Path)
    args = parser.parse_args(argv)
    try:
        answer = check(args.record, args.receipt)
    except Exception as error:  # noqa: BLE001 - a voter's tool answers, it does not crash
        answer = Answer(MISSING, f"cannot check: {type(error).__name__}: {error}")
    print(answer.message)
    return answer.code


if __name__ == "__main__":
    sys.exit(main())
