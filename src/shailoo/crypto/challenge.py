# SPDX-License-Identifier: Apache-2.0
"""A second tool for a Benaloh check (docs/protocol.md 7.4): ``python -m shailoo.crypto.challenge``.

    python -m shailoo.crypto.challenge CHECKED.json      the file the booth offers after "Check this ballot"
    python -m shailoo.crypto.challenge RECORD CODE       the challenged ballots of a published record whose
                                                         displayed tracking code starts with CODE

Each checked ballot's proofs are verified, its opening must re-encrypt to every ciphertext and be a valid
choice; the tool prints the tracking code and the choices the device had encrypted. With a record, the
election key is the one of the record's ceremony (checked completely) and the manifest the record's; the
booth's file carries them itself, and its receipt (the board's signature on the challenge) is checked
when present. Exit code 0: every checked ballot opens to the printed choices; 1: one does not (the device
or the file is not honest); 2: unreadable, or no challenged ballot with that code.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shailoo.crypto import board, codec, jcs, record
from shailoo.crypto.ballot import (
    ballot_from_json,
    display_code,
    opening_from_json,
    tracking_hash,
    verify_ballot,
    verify_opening,
)
from shailoo.crypto.credential import ALPHABET
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import Point
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.transcript import check_transcript

VALID, INVALID, UNREADABLE = 0, 1, 2
_READ = {**{c: c for c in ALPHABET}, "O": "0", "I": "1", "L": "1"}


def code_prefix(text: str) -> str:
    """A typed tracking code as the letters of docs/protocol.md 7.3 (case, spaces, hyphens ignored)."""
    letters = [c for c in text.upper() if c not in "- \t\n"]
    if not letters or any(c not in _READ for c in letters):
        raise UnreadableInput(f"{text!r} is not a tracking code (letters and digits of the base32 alphabet)")
    return "".join(_READ[c] for c in letters)


def choices_text(manifest: Manifest, choices: dict[str, frozenset[str]]) -> str:
    parts = []
    for contest in manifest.contests:
        marked = [option.option_id for option in contest.options if option.option_id in choices[contest.contest_id]]
        parts.append(f"{contest.contest_id}: {', '.join(marked) if marked else '(none)'}")
    return "; ".join(parts)


def open_checked(manifest: Manifest, key: Point, ballot_json: Any, opening_json: Any,
                 where: str) -> tuple[bytes, dict[str, frozenset[str]]]:
    """(tracking hash, choices) of a checked ballot whose proofs hold and whose opening re-encrypts to it."""
    body = ballot_from_json(ballot_json, f"{where}.ballot")
    verify_ballot(manifest, key, body, f"{where}.ballot")
    choices = verify_opening(manifest, key, body, opening_from_json(opening_json, f"{where}.opening"), where)
    return tracking_hash(manifest.digest, ballot_json), choices


def check_file(path: Path) -> tuple[int, list[str]]:
    data = jcs.loads(path.read_bytes(), str(path))
    where = str(path)
    if not isinstance(data, dict) or not {"manifest", "joint_public_key", "ballot", "opening"} <= set(data):
        raise UnreadableInput("expected the booth's file: manifest, joint_public_key, ballot, opening (receipt)", where)
    manifest = manifest_from_json(data["manifest"], f"{where}.manifest")
    key = codec.point(data, "joint_public_key", where, identity=False)
    tracking, choices = open_checked(manifest, key, data["ballot"], data["opening"], where)
    lines = [f"checked ballot {display_code(tracking)} opens to: {choices_text(manifest, choices)}",
             f"election key used: {key.hex()} (compare it with the key on the public board)"]
    if "receipt" in data:
        receipt = board.check_receipt(manifest, data["receipt"], f"{where}.receipt")
        if receipt.kind != board.CHALLENGE or receipt.tracking != tracking:
            return INVALID, [*lines, "[receipt] the board's receipt is not for this checked ballot"]
        lines.append(f"the board's signed receipt: published at position {receipt.position}")
    return VALID, lines


def check_record(path: Path, code: str) -> tuple[int, list[str]]:
    prefix = code_prefix(code)
    reader = record.RecordReader(path)
    manifest = manifest_from_json(reader.read_json(record.MANIFEST))
    key = check_transcript(manifest, reader.read_json(record.CEREMONY)).joint_public_key
    lines: list[str] = []
    worst = VALID
    lines_of_board = reader.lines(record.BOARD)
    next(lines_of_board)
    for where, entry in lines_of_board:
        if not isinstance(entry, dict) or entry.get("type") != board.CHALLENGE:
            continue
        codec.fields(entry, where, ("position", "type", "time", "tracking", "ballot", "opening"))
        shown = display_code(codec.hex_field(entry, "tracking", 64, where))
        if not shown.replace("-", "").startswith(prefix):
            continue
        try:
            tracking, choices = open_checked(manifest, key, entry["ballot"], entry["opening"], where)
            if tracking.hex() != entry["tracking"]:
                raise CryptoError("the entry's tracking hash is not its ballot's", where, "board.tracking")
            lines.append(f"position {entry['position']}: checked ballot {shown} opens to: "
                         f"{choices_text(manifest, choices)}")
        except CryptoError as error:
            worst = INVALID
            lines.append(f"position {entry['position']}: checked ballot {shown} does NOT open: {error}")
    if not lines:
        return UNREADABLE, [f"no challenged ballot with a code starting {code} in {path}"]
    return worst, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a challenged (Benaloh-checked) Shailoo ballot.")
    parser.add_argument("source", type=Path, help="the booth's checked-ballot file, or a record (directory or zip)")
    parser.add_argument("code", nargs="?", help="with a record: the tracking code (or its first letters)")
    args = parser.parse_args(argv)
    try:
        code, lines = check_record(args.source, args.code) if args.code else check_file(args.source)
    except (UnreadableInput, OSError) as error:
        code, lines = UNREADABLE, [f"unreadable: {error}"]
    except CryptoError as error:
        code, lines = INVALID, [f"INVALID: {error}"]
    for line in lines:
        print(line)
    print({VALID: "RESULT: VALID", INVALID: "RESULT: INVALID", UNREADABLE: "RESULT: UNREADABLE"}[code])
    return code


if __name__ == "__main__":
    sys.exit(main())
