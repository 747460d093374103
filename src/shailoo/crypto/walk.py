# SPDX-License-Identifier: Apache-2.0
"""The verifier's two streaming passes over board.jsonl (docs/protocol.md 12, steps 4 and 5): pass 1 checks
every entry (its cryptography in worker processes, the chain, positions, times, credentials and ballot ids
in this one), adds up every ballot and finds each credential's last one; pass 2 takes away the ballots
that a later one of the same credential superseded."""
from __future__ import annotations

import array
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

from shailoo.crypto import board, codec, jcs, record, tally
from shailoo.crypto.ballot import (
    ballot_from_json,
    cast_from_json,
    opening_from_json,
    tracking_hash,
    verify_ballot,
    verify_cast_signature,
    verify_opening,
)
from shailoo.crypto.checks import DuplicateFinder, Report, SpillSort
from shailoo.crypto.credential import CredentialList
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import CryptoError, check_code
from shailoo.crypto.group import Point, PointSum
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.signature import verify as verify_signature

CHUNK = 64
T = TypeVar("T")


def failure(error: CryptoError, default: str) -> tuple[str, str, str]:
    return check_code(error, default), error.where, error.what


# Pass 1, in worker processes: parse each entry strictly, check its cryptography, return a summary -------

#: (line number, type, position, time, tracking, credential, signature, ballot id, extra, failures)
Summary = tuple[int, str, int, int, bytes, bytes, bytes, bytes, Any, list[tuple[str, str, str]]]
_state: dict[str, Any] = {}


def _init(manifest_json: Any, key_hex: str) -> None:
    manifest = manifest_from_json(manifest_json)
    _state.update(manifest=manifest, key=Point.from_hex(key_hex))


class _Grid:
    """Running sums of every ballot entry's ciphertexts in a chunk (pass 1 adds them all; pass 2 takes
    away the superseded ones, usually a small share)."""

    def __init__(self, manifest: Manifest) -> None:
        self.pads = [[PointSum() for _ in c.options] for c in manifest.contests]
        self.datas = [[PointSum() for _ in c.options] for c in manifest.contests]

    def sums(self) -> tally.Sums:
        return tuple(
            tuple(Ciphertext(pad.total(), data.total()) for pad, data in zip(pad_row, data_row, strict=True))
            for pad_row, data_row in zip(self.pads, self.datas, strict=True)
        )


def _summarise(number: int, line: bytes, grid: _Grid) -> Summary:
    manifest: Manifest = _state["manifest"]
    where = f"{record.BOARD}:{number}"
    failures: list[tuple[str, str, str]] = []
    try:
        entry = jcs.loads(line, where, jcs.MAX_LINE_BYTES)
    except UnreadableInput as error:
        return number, "unreadable", 0, 0, b"", b"", b"", b"", error.what, []
    try:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind == board.BALLOT:
            codec.fields(entry, where, ("position", "type", "time", "tracking", "cast"))
            cast = cast_from_json(manifest, entry["cast"], f"{where} cast")
            extra: Any = None
            tracking, credential, signed = cast.tracking, cast.credential.data, cast.signature
            ballot_id = bytes.fromhex(cast.ballot.ballot_id)
            try:
                verify_cast_signature(manifest, cast, where)
            except CryptoError as error:
                failures.append(failure(error, "board.signature"))
            try:
                verify_ballot(manifest, _state["key"], cast.ballot, where)
            except CryptoError as error:
                failures.append(failure(error, "board.ballot-proof"))
            if not failures:  # its shape is the manifest's (a board with any failure is not counted anyway)
                for pad_row, data_row, contest in zip(grid.pads, grid.datas, cast.ballot.contests, strict=True):
                    for pad, data, selection in zip(pad_row, data_row, contest.selections, strict=True):
                        pad.add(selection.ciphertext.pad)
                        data.add(selection.ciphertext.data)
        elif kind == board.CHALLENGE:
            codec.fields(entry, where, ("position", "type", "time", "tracking", "ballot", "opening"))
            ballot = ballot_from_json(entry["ballot"], f"{where} ballot")
            opening = opening_from_json(entry["opening"], f"{where} opening")
            tracking, credential, signed = tracking_hash(manifest.digest, entry["ballot"]), b"", b""
            ballot_id, extra = bytes.fromhex(ballot.ballot_id), jcs.canonical_known(entry["opening"])
            try:
                verify_ballot(manifest, _state["key"], ballot, where)
                verify_opening(manifest, _state["key"], ballot, opening, where)
            except CryptoError as error:
                failures.append(failure(error, "board.ballot-proof"))
        elif kind == board.CLOSE:
            codec.fields(entry, where, ("position", "type", "time", "ballots", "challenges", "signature"))
            tracking, credential, ballot_id = b"", b"", b""
            signed = codec.hex_field(entry, "signature", 64, where)
            extra = (codec.integer(entry, "ballots", where), codec.integer(entry, "challenges", where))
        else:
            return number, "bad", 0, 0, b"", b"", b"", b"", ("board.schema", where,
                                                               "type must be ballot, challenge or close"), []
        if kind != board.CLOSE and codec.hex_field(entry, "tracking", 64, where) != tracking:
            failures.append(("board.tracking", where, "tracking is not the hash of the ballot"))
        position = codec.integer(entry, "position", where, 1)
        moment = codec.integer(entry, "time", where)
    except CryptoError as error:
        return number, "bad", 0, 0, b"", b"", b"", b"", failure(error, "board.schema"), []
    return number, kind, position, moment, tracking, credential, signed, ballot_id, extra, failures


def _summarise_chunk(lines: list[tuple[int, bytes]]) -> tuple[list[Summary], tally.Sums]:
    grid = _Grid(_state["manifest"])
    summaries = [_summarise(number, line, grid) for number, line in lines]
    return summaries, grid.sums()


def _sum_chunk(lines: list[tuple[int, bytes]]) -> tally.Sums:
    """Add the ciphertexts of the given ballot lines (pass 2); every encoding is validated as it is decoded."""
    grid = _Grid(_state["manifest"])
    for _, line in lines:
        entry = json.loads(line)  # the same bytes passed the strict reader in pass 1
        for pad_row, data_row, contest in zip(grid.pads, grid.datas, entry["cast"]["ballot"]["contests"], strict=True):
            for pad, data, selection in zip(pad_row, data_row, contest["selections"], strict=True):
                pad.add_encoding(bytes.fromhex(selection["ciphertext"]["pad"]))
                data.add_encoding(bytes.fromhex(selection["ciphertext"]["data"]))
    return grid.sums()


class Runner:
    """Runs chunk jobs in-process or on a pool, in order, keeping at most 2 * workers chunks in flight."""

    def __init__(self, workers: int, manifest_json: Any, key_hex: str) -> None:
        self.workers = workers
        self.pool: Any = None
        if workers > 1:
            self.pool = multiprocessing.get_context("fork").Pool(workers, _init, (manifest_json, key_hex))
        _init(manifest_json, key_hex)

    def run(self, job: Callable[[list[tuple[int, bytes]]], T], lines: Iterator[tuple[int, bytes]]) -> Iterator[T]:
        chunks = _chunks(lines)
        if self.pool is None:
            for chunk in chunks:
                yield job(chunk)
            return
        pending: deque[AsyncResult[T]] = deque()
        for chunk in chunks:
            pending.append(self.pool.apply_async(job, (chunk,)))
            while len(pending) >= 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def _chunks(lines: Iterator[tuple[int, bytes]]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Walk:
    """Pass 1's state in this process: the chain and what the counting needs, nothing per ballot."""

    manifest: Manifest
    credentials: CredentialList
    report: Report
    last: array.array[int]
    duplicates: DuplicateFinder
    superseded: SpillSort
    sums: tally.Sums
    head: bytes = b""
    position: int = 0
    time: int = 0
    ballots: int = 0
    challenges: int = 0
    closed: bool = False

    def entry(self, summary: Summary) -> None:
        number, kind, position, moment, tracking, credential, signed, ballot_id, extra, failures = summary
        where = f"{record.BOARD}:{number}"
        report, manifest = self.report, self.manifest
        for check, place, what in failures:
            report.fail(check, place, what)
        if kind == "unreadable":
            raise UnreadableInput(str(extra), where)
        if kind == "bad":
            report.fail(*extra)
            self.position += 1  # it holds a place in the chain; the next entry is checked against the next one
            return
        expected = self.position + 1
        if position != expected:
            report.fail("board.position", where, f"position {position}, expected {expected}: an entry was "
                        "dropped, inserted or moved")
        if self.closed:
            report.fail("board.after-close", where, "an entry follows the close entry")
        if moment < self.time:
            report.fail("board.time", where, "time goes back: the entries are not in the order they were appended")
        if kind == board.CLOSE:
            if moment < manifest.closes:
                report.fail("board.time", where, "the polls were closed before the closing time")
        elif not manifest.opens <= moment < manifest.closes:
            report.fail("board.time", where, "outside the polling times of the manifest")
        if kind == board.BALLOT:
            index = self.credentials.index(credential)
            if index is None:
                report.fail("board.credential-unlisted", where, "the credential is not on the signed credential list")
            else:
                if self.last[index]:
                    self.superseded.add(self.last[index].to_bytes(8, "big"))
                self.last[index] = position
            self.ballots += 1
            parts = [tracking, credential, signed]
            self.duplicates.add(ballot_id, position, b"b")
        elif kind == board.CHALLENGE:
            self.challenges += 1
            parts = [tracking, extra]
            self.duplicates.add(ballot_id, position, b"c")
        else:
            ballots, challenges = extra
            if (ballots, challenges) != (self.ballots, self.challenges):
                report.fail("board.close", where, f"the close entry counts {ballots} ballots and {challenges} "
                            f"challenges, the chain holds {self.ballots} and {self.challenges}")
            try:
                verify_signature(manifest.authorities.board, "close", board.close_signed_parts(
                    manifest, self.head, position, moment, ballots, challenges), signed, where)
            except CryptoError as error:
                report.fail("board.close", where, f"the board's signature on the close entry: {error.what}")
            parts = board.close_parts(ballots, challenges, signed)
            self.closed = True
        self.head = board.entry_head(manifest, self.head, position, kind, moment, parts)
        self.position, self.time = position, max(self.time, moment)


def walk_board(reader: record.RecordReader, manifest: Manifest, credentials: CredentialList, runner: Runner,
                report: Report) -> Walk:
    lines = reader.raw_lines(record.BOARD)
    number, first = next(lines)
    header = jcs.loads(first, f"{record.BOARD}:1", jcs.MAX_LINE_BYTES)
    walk = Walk(manifest, credentials, report, array.array("Q", bytes(8 * len(credentials))), DuplicateFinder(),
                SpillSort(8), tally.empty_sums(manifest))
    walk.head, walk.time = board.genesis(manifest).head, manifest.opens
    count = -1
    try:
        codec.header(header, f"{record.BOARD}:1", "board", ("manifest_hash", "count"))
        if codec.hex_field(header, "manifest_hash", 64, f"{record.BOARD}:1") != manifest.digest:
            report.fail("board.manifest-hash", f"{record.BOARD}:1", "manifest_hash is not the hash of manifest.json")
        count = codec.integer(header, "count", f"{record.BOARD}:1")
    except CryptoError as error:
        report.fail(*failure(error, "board.header"))
    entries = 0
    for summaries, sums in runner.run(_summarise_chunk, lines):
        walk.sums = tally.add_sums(walk.sums, sums)
        for summary in summaries:
            entries += 1
            walk.entry(summary)
    if entries != count:
        report.fail("board.count", record.BOARD, f"the header announces {count} entries, the file holds {entries}")
    if not walk.closed:
        report.fail("board.not-closed", record.BOARD, "the board has no close entry")
    for ballot_id, first_at, first_kind, again_at, again_kind in walk.duplicates.duplicates():
        challenged = b"c" in (first_kind, again_kind)
        report.fail(
            "board.challenged-cast" if challenged and b"b" in (first_kind, again_kind) else "board.ballot-id-reused",
            f"{record.BOARD} positions {first_at} and {again_at}",
            f"ballot {ballot_id.hex()} appears twice" + (" (a challenged ballot cannot be cast)" if challenged else ""),
        )
    return walk


def count_ballots(reader: record.RecordReader, walk: Walk, runner: Runner) -> tally.EncryptedTally:
    """Pass 2: pass 1 added up every ballot; take away the superseded ones (their positions come sorted
    from the spill sort, so the file is read once more in order and only those lines are parsed)."""
    superseded = walk.superseded.sorted()

    def lines() -> Iterator[tuple[int, bytes]]:
        following = next(superseded, None)
        for number, line in reader.raw_lines(record.BOARD):
            if following is not None and number - 1 == int.from_bytes(following, "big"):
                following = next(superseded, None)
                yield number, line

    sums = walk.sums
    for chunk_sums in runner.run(_sum_chunk, lines()):
        sums = tally.subtract_sums(sums, chunk_sums)
    return tally.EncryptedTally(sums, sum(1 for p in walk.last if p), walk.head)
