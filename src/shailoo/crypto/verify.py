# SPDX-License-Identifier: Apache-2.0
"""The observer's verifier: ``python -m shailoo.crypto.verify RECORD [--workers W] [--before-decryption]``.

Checks an election record end to end (docs/protocol.md 12) and prints a report whose failures carry
stable check codes. Exit code 0: valid; 1: invalid; 2: unreadable (not JSON as the strict reader accepts
it, a missing file, a hostile size). The board is walked twice, streaming: the first pass checks every
entry (cryptography in worker processes, the chain in this one) and finds each credential's last ballot;
the second adds up the counted ballots. Memory grows with the credential list, not with the board.
"""
from __future__ import annotations

import argparse
import array
import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
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
from shailoo.crypto.checks import DuplicateFinder, Report
from shailoo.crypto.credential import CredentialList, read_list
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import CryptoError, check_code
from shailoo.crypto.group import Point, PointSum
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.signature import verify as verify_signature
from shailoo.crypto.transcript import CeremonyResult, check_transcript

CHUNK = 64
_SEAL = object()
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class VerifiedRecord:
    """What a complete verification established: only the verifier makes one (decryption takes nothing
    else). ``tally`` holds the sums the verifier itself added up from the counted ballots."""

    manifest: Manifest
    ceremony: CeremonyResult
    credentials: int
    tally: tally.EncryptedTally
    sealed: object

    def __post_init__(self) -> None:
        if self.sealed is not _SEAL:
            raise TypeError("only the verifier makes a VerifiedRecord")


def _failure(error: CryptoError, default: str) -> tuple[str, str, str]:
    return check_code(error, default), error.where, error.what


# Pass 1, in worker processes: parse each entry strictly, check its cryptography, return a summary -------

#: (line number, type, position, time, tracking, credential, signature, ballot id, extra, failures)
Summary = tuple[int, str, int, int, bytes, bytes, bytes, bytes, Any, list[tuple[str, str, str]]]
_state: dict[str, Any] = {}


def _init(manifest_json: Any, key_hex: str) -> None:
    manifest = manifest_from_json(manifest_json)
    _state.update(manifest=manifest, key=Point.from_hex(key_hex))


def _summarise(number: int, line: bytes) -> Summary:
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
                failures.append(_failure(error, "board.signature"))
            try:
                verify_ballot(manifest, _state["key"], cast.ballot, where)
            except CryptoError as error:
                failures.append(_failure(error, "board.ballot-proof"))
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
                failures.append(_failure(error, "board.ballot-proof"))
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
        return number, "bad", 0, 0, b"", b"", b"", b"", _failure(error, "board.schema"), []
    return number, kind, position, moment, tracking, credential, signed, ballot_id, extra, failures


def _summarise_chunk(lines: list[tuple[int, bytes]]) -> list[Summary]:
    return [_summarise(number, line) for number, line in lines]


def _sum_chunk(lines: list[tuple[int, bytes]]) -> tally.Sums:
    """Add the ciphertexts of counted ballot lines (pass 2); every encoding is validated as it is decoded."""
    manifest: Manifest = _state["manifest"]
    pads = [[PointSum() for _ in c.options] for c in manifest.contests]
    datas = [[PointSum() for _ in c.options] for c in manifest.contests]
    for number, line in lines:
        entry = jcs.loads(line, f"{record.BOARD}:{number}", jcs.MAX_LINE_BYTES)
        for pad_row, data_row, contest in zip(pads, datas, entry["cast"]["ballot"]["contests"], strict=True):
            for pad, data, selection in zip(pad_row, data_row, contest["selections"], strict=True):
                pad.add_encoding(bytes.fromhex(selection["ciphertext"]["pad"]))
                data.add_encoding(bytes.fromhex(selection["ciphertext"]["data"]))
    return tuple(
        tuple(Ciphertext(pad.total(), data.total()) for pad, data in zip(pad_row, data_row, strict=True))
        for pad_row, data_row in zip(pads, datas, strict=True)
    )


class _Runner:
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
class _Walk:
    """Pass 1's state in this process: the chain and what the counting needs, nothing per ballot."""

    manifest: Manifest
    credentials: CredentialList
    report: Report
    last: array.array[int]
    duplicates: DuplicateFinder
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


def _walk_board(reader: record.RecordReader, manifest: Manifest, credentials: CredentialList, runner: _Runner,
                report: Report) -> _Walk:
    lines = reader.raw_lines(record.BOARD)
    number, first = next(lines)
    header = jcs.loads(first, f"{record.BOARD}:1", jcs.MAX_LINE_BYTES)
    walk = _Walk(manifest, credentials, report, array.array("Q", bytes(8 * len(credentials))), DuplicateFinder())
    walk.head, walk.time = board.genesis(manifest).head, manifest.opens
    count = -1
    try:
        codec.header(header, f"{record.BOARD}:1", "board", ("manifest_hash", "count"))
        if codec.hex_field(header, "manifest_hash", 64, f"{record.BOARD}:1") != manifest.digest:
            report.fail("board.manifest-hash", f"{record.BOARD}:1", "manifest_hash is not the hash of manifest.json")
        count = codec.integer(header, "count", f"{record.BOARD}:1")
    except CryptoError as error:
        report.fail(*_failure(error, "board.header"))
    entries = 0
    for summaries in runner.run(_summarise_chunk, lines):
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


def _count(reader: record.RecordReader, walk: _Walk, runner: _Runner) -> tally.EncryptedTally:
    """Pass 2: add up each credential's last ballot (positions sorted: a merge with the file's order)."""
    counted = array.array("Q", sorted(p for p in walk.last if p))
    sums = tally.empty_sums(walk.manifest)

    def lines() -> Iterator[tuple[int, bytes]]:
        index = 0
        for number, line in reader.raw_lines(record.BOARD):
            if index < len(counted) and number - 1 == counted[index]:
                index += 1
                yield number, line

    for chunk_sums in runner.run(_sum_chunk, lines()):
        sums = tally.add_sums(sums, chunk_sums)
    return tally.EncryptedTally(sums, len(counted), walk.head)


def verify_record(path: Path, workers: int = 1, before_decryption: bool = False) -> tuple[int, Report, VerifiedRecord | None]:
    """Verify the record at ``path``: (exit code, report, the verified record when it is valid)."""
    report = Report()
    started = time.monotonic()
    try:
        reader = record.RecordReader(path)
        return _verify(reader, report, workers, before_decryption, started)
    except UnreadableInput as error:
        report.fail("read", error.where or str(path), f"unreadable: {error.what}")
        return 2, report, None
    except RecursionError:  # pragma: no cover - the reader bounds nesting
        report.fail("read", str(path), "unreadable: nesting too deep")
        return 2, report, None


def _verify(reader: record.RecordReader, report: Report, workers: int, before_decryption: bool,
            started: float) -> tuple[int, Report, VerifiedRecord | None]:
    manifest_json = reader.read_json(record.MANIFEST)
    try:
        manifest = manifest_from_json(manifest_json)
    except CryptoError as error:
        report.fail(*_failure(error, "manifest.schema"))
        report.step("manifest")
        return 1, report, None
    report.step(f"manifest: {len(manifest.contests)} contest(s), {sum(len(c.options) for c in manifest.contests)} "
                f"option(s), {manifest.holders} key holders, quorum {manifest.quorum}; Q = {manifest.digest.hex()[:16]}…, "
                f"commission key {manifest.authorities.commission.hex()[:16]}…, board key "
                f"{manifest.authorities.board.hex()[:16]}…")
    try:
        lines = reader.lines(record.CREDENTIALS)
        _, header = next(lines)
        credentials = read_list(manifest, header, lines, record.CREDENTIALS)
    except CryptoError as error:
        report.fail(*_failure(error, "credentials.schema"))
        report.step("credential list")
        return 1, report, None
    report.step(f"credential list: {len(credentials)} credentials, sorted, distinct, signed by the commission")
    try:
        ceremony = check_transcript(manifest, reader.read_json(record.CEREMONY))
    except CryptoError as error:
        report.fail(*_failure(error, "ceremony.schema"))
        report.step("key ceremony")
        return 1, report, None
    report.step(f"key ceremony: every message signed by its holder, {manifest.holders * manifest.quorum} coefficient "
                f"proofs, qualified dealers {list(ceremony.qualified)}, joint key {ceremony.joint_public_key.hex()[:16]}… "
                "signed by every qualified holder")
    runner = _Runner(workers, manifest_json, ceremony.joint_public_key.hex())
    try:
        walk = _walk_board(reader, manifest, credentials, runner, report)
        report.step(f"board: {walk.position} entries chained, {walk.ballots} cast ballots (proofs, signatures, "
                    f"credentials on the list), {walk.challenges} challenged ballots opened, none cast, ballot ids "
                    f"distinct, closed by the board; head {walk.head.hex()[:16]}…")
        if report.failure_count:
            return 1, report, None
        counted = _count(reader, walk, runner)
    finally:
        runner.close()
    report.step(f"counting: {counted.ballots_counted} ballots count (the last of each credential), "
                f"{walk.ballots - counted.ballots_counted} superseded")
    verified = VerifiedRecord(manifest, ceremony, len(credentials), counted, _SEAL)
    if before_decryption and not reader.has(record.TALLY):
        report.step(f"time: {time.monotonic() - started:.1f} s with {runner.workers} worker(s)")
        return 0, report, verified
    _check_tally(reader, verified, report)
    if not before_decryption:
        _check_decryption(reader, verified, report)
    report.step(f"time: {time.monotonic() - started:.1f} s with {runner.workers} worker(s)")
    if report.failure_count:
        return 1, report, None
    return 0, report, verified


def _check_tally(reader: record.RecordReader, verified: VerifiedRecord, report: Report) -> None:
    try:
        stated = tally.tally_from_json(verified.manifest, reader.read_json(record.TALLY), record.TALLY)
        if stated.head != verified.tally.head:
            report.fail("tally.head", record.TALLY, "the tally names another board head")
        if stated.sums != verified.tally.sums:
            report.fail("tally.sums", record.TALLY, "the encrypted tally is not the sum of the counted ballots")
        if stated.ballots_counted != verified.tally.ballots_counted:
            report.fail("tally.count", record.TALLY, f"ballots_counted is {stated.ballots_counted}, "
                        f"{verified.tally.ballots_counted} ballots count")
    except CryptoError as error:
        report.fail(*_failure(error, "tally.schema"))
    report.step("encrypted tally: the sums recomputed from the counted ballots")


def _check_decryption(reader: record.RecordReader, verified: VerifiedRecord, report: Report) -> None:
    manifest, counted = verified.manifest, verified.tally
    try:
        data = reader.read_json(record.DECRYPTIONS)
        codec.header(data, record.DECRYPTIONS, "decryptions", ("manifest_hash", "partial_decryptions"))
        if codec.hex_field(data, "manifest_hash", 64, record.DECRYPTIONS) != manifest.digest:
            report.fail("decryption.manifest-hash", record.DECRYPTIONS, "manifest_hash is not the hash of manifest.json")
        keys = [verified.ceremony.verification_key(j) for j in range(1, manifest.holders + 1)]
        partials = [
            tally.check_partial(manifest, counted, keys, p, f"{record.DECRYPTIONS} partial_decryptions[{i}]")
            for i, p in enumerate(codec.items(data, "partial_decryptions", record.DECRYPTIONS, 0, manifest.holders))
        ]
        points = tally.combine(counted, partials, manifest.quorum)
        report.step(f"decryption: {len(partials)} partial decryptions (holders {[p.holder for p in partials]}, quorum "
                    f"{manifest.quorum}), signed, with Chaum-Pedersen proofs; Lagrange combination")
    except CryptoError as error:
        report.fail(*_failure(error, "decryption.schema"))
        report.step("decryption")
        return
    try:
        ballots_counted, totals = tally.totals_from_json(manifest, reader.read_json(record.RESULTS), record.RESULTS)
        if ballots_counted != counted.ballots_counted:
            report.fail("results.count", record.RESULTS, "ballots_counted differs from the number of counted ballots")
        if any(total > counted.ballots_counted for row in totals for total in row):
            # t and t + l have the same image t G: a total is only meaningful up to the number of ballots.
            report.fail("results.range", record.RESULTS, f"a total exceeds the {counted.ballots_counted} counted ballots")
        else:
            tally.check_totals(points, totals)
    except CryptoError as error:
        report.fail(*_failure(error, "results.schema"))
    report.step("results: every total matches the decryption")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Shailoo election record (directory or zip).")
    parser.add_argument("record", type=Path)
    parser.add_argument("--workers", type=int, default=1, help="worker processes for ballot proofs")
    parser.add_argument("--before-decryption", action="store_true",
                        help="the record of a closed board, before the holders decrypt (no decryptions or results)")
    args = parser.parse_args(argv)
    try:
        code, report, _ = verify_record(args.record, max(1, args.workers), args.before_decryption)
    except Exception as error:  # noqa: BLE001 - an observer's tool answers, it does not crash
        print(f"verifier error: {type(error).__name__}: {error}")
        print("RESULT: UNREADABLE")
        return 2
    print(report.render())
    print({0: "RESULT: VALID", 1: "RESULT: INVALID", 2: "RESULT: UNREADABLE"}[code])
    return code


if __name__ == "__main__":
    sys.exit(main())
