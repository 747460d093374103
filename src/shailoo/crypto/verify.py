# SPDX-License-Identifier: Apache-2.0
"""The observer's verifier: ``python -m shailoo.crypto.verify RECORD [--workers W]``.

Checks an election record end to end (docs/protocol.md, "Verification") and prints a report. Exit code 0:
valid; 1: invalid; 2: unreadable. Ballots are streamed in chunks to worker processes, a bounded number at a
time, so memory does not grow with the number of ballots.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from shailoo.crypto import ceremony as keys
from shailoo.crypto import codec, record, tally
from shailoo.crypto.ballot import (
    ballot_from_json,
    opening_from_json,
    tracking_code,
    verify_ballot,
    verify_opening,
)
from shailoo.crypto.errors import CryptoError, InvalidEncoding
from shailoo.crypto.group import Point
from shailoo.crypto.manifest import Manifest, manifest_from_json

CHUNK = 64
MAX_SHOWN = 20

#: Entry of a chunk: (line number, line text, counted?)
Entry = tuple[int, str, bool]
Failure = tuple[str, str]


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    failure_count: int = 0
    _step_start: int = 0

    def ok(self, line: str) -> None:
        """Close a step: "ok" if it added no failure, else "FAIL"."""
        status = "ok  " if self.failure_count == self._step_start else "FAIL"
        self.lines.append(f"  {status}{line}")
        self._step_start = self.failure_count

    def fail(self, where: str, what: str) -> None:
        self.failure_count += 1
        if len(self.failures) < MAX_SHOWN:
            self.failures.append((where, what))

    def render(self) -> str:
        out = ["Shailoo election record verification", *self.lines]
        if self.failure_count:
            out.append(f"  {self.failure_count} failure(s); the first {len(self.failures)}:")
            out += [f"    {where}: {what}" for where, what in self.failures]
            out.append("RESULT: INVALID")
        else:
            out.append("RESULT: VALID")
        return "\n".join(out)


_state: dict[str, Any] = {}


def _init_worker(manifest_json: dict[str, Any], key_hex: str) -> None:
    manifest = manifest_from_json(manifest_json)
    _state.update(manifest=manifest, key=Point.from_hex(key_hex), context=manifest.digest)


def _verify_cast_chunk(entries: list[Entry]) -> tuple[list[Failure], tally.Sums, int]:
    manifest: Manifest = _state["manifest"]
    key: Point = _state["key"]
    failures: list[Failure] = []
    sums = tally.empty_sums(manifest)
    for number, line, counted in entries:
        where = f"{record.BALLOTS}:{number}"
        try:
            entry = json.loads(line)
            ballot = ballot_from_json(codec.field(entry, "ballot", where), where)
            verify_ballot(manifest, key, ballot, where)
            if codec.text(entry, "tracking_code", where) != tracking_code(_state["context"], ballot):
                failures.append((where, "tracking code does not match the ballot"))
            if counted:
                sums = tally.add_ballot(sums, ballot)
        except CryptoError as error:
            failures.append((error.where or where, error.what))
        except (ValueError, TypeError, KeyError) as error:
            failures.append((where, f"malformed ballot: {error}"))
    return failures, sums, len(entries)


def _verify_challenged_chunk(entries: list[Entry]) -> tuple[list[Failure], tally.Sums, int]:
    manifest: Manifest = _state["manifest"]
    key: Point = _state["key"]
    failures: list[Failure] = []
    for number, line, _ in entries:
        where = f"{record.CHALLENGED}:{number}"
        try:
            entry = json.loads(line)
            ballot = ballot_from_json(codec.field(entry, "ballot", where), where)
            verify_ballot(manifest, key, ballot, where)
            opening = opening_from_json(codec.field(entry, "opening", where), f"{where} opening")
            verify_opening(manifest, key, ballot, opening, where)
            if codec.text(entry, "tracking_code", where) != tracking_code(_state["context"], ballot):
                failures.append((where, "tracking code does not match the ballot"))
        except CryptoError as error:
            failures.append((error.where or where, error.what))
        except (ValueError, TypeError, KeyError) as error:
            failures.append((where, f"malformed challenged ballot: {error}"))
    return failures, tally.empty_sums(manifest), len(entries)


ChunkResult = tuple[list[Failure], tally.Sums, int]


class _Runner:
    """Runs chunk jobs in-process or on a pool, keeping at most 2 * workers chunks in flight."""

    def __init__(self, workers: int, manifest_json: dict[str, Any], key_hex: str) -> None:
        self.workers = workers
        self.pool: Any = None
        if workers > 1:
            self.pool = multiprocessing.get_context("fork").Pool(workers, _init_worker, (manifest_json, key_hex))
        _init_worker(manifest_json, key_hex)

    def run(
        self, job: Callable[[list[Entry]], ChunkResult], chunks: Iterator[list[Entry]]
    ) -> Iterator[ChunkResult]:
        if self.pool is None:
            for chunk in chunks:
                yield job(chunk)
            return
        pending: deque[AsyncResult[ChunkResult]] = deque()
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


def _chunks(entries: Iterator[Entry], size: int = CHUNK) -> Iterator[list[Entry]]:
    chunk: list[Entry] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_ceremony(reader: record.RecordReader, manifest: Manifest, report: Report) -> record.CeremonyTranscript:
    transcript = record.ceremony_from_json(reader.read_json(record.CEREMONY))
    where = record.CEREMONY
    context = manifest.digest
    if transcript.manifest_hash != context:
        report.fail(where, "manifest_hash is not the hash of manifest.json")
    n, k = transcript.holders, transcript.quorum
    if not 1 <= k <= n:
        report.fail(where, f"quorum {k} must be between 1 and the number of holders {n}")
    if [d.index for d in transcript.dealers] != list(range(1, n + 1)):
        report.fail(where, f"dealers must be holders 1..{n} in order")
        return transcript
    for dealer in transcript.dealers:
        try:
            keys.verify_dealer(dealer, k, list(range(1, n + 1)), context)
        except CryptoError as error:
            report.fail(error.where or where, error.what)
    if len(transcript.acknowledgements) != n:
        report.fail(where, f"expected {n} acknowledgements, one per holder")
    for dealer, acknowledgement in zip(transcript.dealers, transcript.acknowledgements, strict=False):
        try:
            keys.verify_acknowledgement(acknowledgement, dealer, transcript.dealers, context)
        except CryptoError as error:
            report.fail(error.where or where, f"{error.what}: a share or commitment was altered")
    by_index = {d.index: d for d in transcript.dealers}
    guilty: set[int] = set()
    for complaint in transcript.complaints:
        here = f"{where} complaint {complaint.complainant} against {complaint.dealer}"
        if complaint.dealer not in by_index or complaint.complainant not in by_index:
            report.fail(here, "names an unknown holder")
            continue
        try:
            if keys.complaint_upheld(complaint, by_index[complaint.dealer], by_index[complaint.complainant], context):
                guilty.add(complaint.dealer)
        except CryptoError as error:
            report.fail(error.where or here, error.what)
    qualified = tuple(i for i in by_index if i not in guilty)
    if transcript.qualified != qualified:
        report.fail(where, f"qualified dealers are {list(qualified)}, the record says {list(transcript.qualified)}")
    if len(qualified) < k:
        report.fail(where, f"{len(qualified)} qualified dealers, fewer than the quorum {k}")
    if keys.joint_public_key(transcript.dealers, qualified) != transcript.joint_public_key:
        report.fail(where, "joint public key is not the sum of the qualified dealers' commitments")
    report.ok(
        f"ceremony: {n} holders, quorum {k}, {len(transcript.complaints)} complaint(s), "
        f"{len(guilty)} dealer(s) disqualified, joint key, {n * k} coefficient proofs and "
        f"{n} acknowledgements of the encrypted shares checked"
    )
    return transcript


def _cast_entries(
    reader: record.RecordReader, report: Report, challenged: set[str], count: int
) -> Iterator[Entry]:
    """Stream cast ballots with their counted flag, checking order, sequence numbers and duplicates."""
    seen_seq = bytearray((count + 8) // 8)
    previous: tuple[str, int] | None = None
    group: list[tuple[int, str]] = []
    group_ids: set[str] = set()
    lines = 0

    def flush() -> Iterator[Entry]:
        for index, (number, line) in enumerate(group):
            yield number, line, index == len(group) - 1

    for number, line in reader.iter_lines(record.BALLOTS):
        lines += 1
        where = f"{record.BALLOTS}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise record.UnreadableRecord(f"{where} is not JSON") from error
        try:
            seq = codec.integer(entry, "seq", where)
            raw = codec.field(entry, "ballot", where)
            credential, ballot_id = codec.text(raw, "credential", where), codec.text(raw, "ballot_id", where)
        except InvalidEncoding as error:
            report.fail(error.where, error.what)
            continue
        if not 1 <= seq <= count or seen_seq[seq >> 3] & (1 << (seq & 7)):
            report.fail(where, f"sequence number {seq} is out of range or repeated")
        else:
            seen_seq[seq >> 3] |= 1 << (seq & 7)
        key = (credential, seq)
        if previous is not None and key <= previous:
            report.fail(where, "ballots are not in strictly increasing (credential, seq) order: duplicate or misplaced")
        if ballot_id in challenged:
            report.fail(where, f"ballot {ballot_id} was challenged (opened) and cannot be cast")
        if previous is None or credential != previous[0]:
            yield from flush()
            group, group_ids = [], set()
        if ballot_id in group_ids:
            report.fail(where, f"duplicate ballot {ballot_id}")
        group_ids.add(ballot_id)
        group.append((number, line))
        previous = key
    yield from flush()
    if lines != count:
        report.fail(record.BALLOTS, f"header announces {count} ballots, the file holds {lines}")


def verify_record(path: Path, workers: int = 1) -> tuple[int, Report]:
    """Verify the record at ``path``; return (exit code, report)."""
    report = Report()
    started = time.monotonic()
    try:
        reader = record.RecordReader(path)
        manifest_json = reader.read_json(record.MANIFEST)
        try:
            manifest = manifest_from_json(manifest_json)
        except InvalidEncoding as error:
            report.fail(error.where, error.what)
            return 1, report
        report.ok(
            f"manifest: {len(manifest.contests)} contest(s), "
            f"{sum(len(c.options) for c in manifest.contests)} option(s), hash {manifest.digest.hex()[:16]}…"
        )
        transcript = _check_ceremony(reader, manifest, report)
        runner = _Runner(workers, manifest_json, transcript.joint_public_key.hex())
        try:
            return _verify_rest(reader, manifest, transcript, runner, report, started)
        finally:
            runner.close()
    except record.UnreadableRecord as error:
        report.fail(str(path), f"unreadable: {error}")
        return 2, report
    except CryptoError as error:
        report.fail(error.where, error.what)
        return 1, report
    except (KeyError, TypeError, ValueError, IndexError, StopIteration) as error:
        # Structurally malformed content that slipped past the field checks: invalid, not a crash.
        report.fail(str(path), f"malformed record content: {type(error).__name__}: {error}")
        return 1, report


def _verify_rest(
    reader: record.RecordReader,
    manifest: Manifest,
    transcript: record.CeremonyTranscript,
    runner: _Runner,
    report: Report,
    started: float,
) -> tuple[int, Report]:
    context = manifest.digest
    challenged: set[str] = set()
    opened = 0
    for _, line in reader.iter_lines(record.CHALLENGED):
        try:
            challenged.add(str(json.loads(line)["ballot"]["ballot_id"]))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise record.UnreadableRecord(f"{record.CHALLENGED}: malformed line") from error
    numbered = ((n, line, False) for n, line in reader.iter_lines(record.CHALLENGED))
    for failures, _, done in runner.run(_verify_challenged_chunk, _chunks(numbered)):
        opened += done
        for failure in failures:
            report.fail(*failure)
    report.ok(f"challenged ballots: {opened} opened, proofs and openings checked, none of them cast")

    header = reader.header(record.BALLOTS)
    count = codec.integer(header, "count", record.BALLOTS)
    sums, verified, counted_box = tally.empty_sums(manifest), 0, [0]

    def counting(entries: Iterator[Entry]) -> Iterator[Entry]:
        for entry in entries:
            counted_box[0] += entry[2]
            yield entry

    cast = counting(_cast_entries(reader, report, challenged, count))
    for failures, chunk_sums, done in runner.run(_verify_cast_chunk, _chunks(cast)):
        verified += done
        sums = tally.add_sums(sums, chunk_sums)
        for failure in failures:
            report.fail(*failure)
    counted = counted_box[0]
    report.ok(
        f"cast ballots: {verified} verified (0/1 and range proofs, tracking codes), {counted} counted, "
        f"{verified - counted} superseded by a later ballot of the same credential"
    )

    tally_json = reader.read_json(record.TALLY)
    codec.check_version(tally_json, record.TALLY)
    stated = tally.EncryptedTally(
        tally.sums_from_json(manifest, codec.field(tally_json, "contests", record.TALLY), record.TALLY),
        codec.integer(tally_json, "ballots_counted", record.TALLY),
    )
    if stated.sums != sums:
        report.fail(record.TALLY, "encrypted tally is not the sum of the counted ballots")
    if stated.ballots_counted != counted:
        report.fail(record.TALLY, f"ballots_counted is {stated.ballots_counted}, {counted} ballots count")
    report.ok("encrypted tally: recomputed from the counted ballots")

    decryptions = reader.read_json(record.DECRYPTIONS)
    codec.check_version(decryptions, record.DECRYPTIONS)
    partials = [
        tally.partial_from_json(manifest, p, record.DECRYPTIONS)
        for p in codec.items(decryptions, "partial_decryptions", record.DECRYPTIONS)
    ]
    for partial in partials:
        if not 1 <= partial.holder <= transcript.holders:
            report.fail(record.DECRYPTIONS, f"holder {partial.holder} does not exist")
            continue
        key = keys.verification_key(transcript.dealers, transcript.qualified, partial.holder)
        try:
            tally.verify_partial(manifest, stated, partial, key, context)
        except CryptoError as error:
            report.fail(error.where, error.what)
    points = tally.combine(stated, partials, transcript.quorum)
    report.ok(
        f"decryption: {len(partials)} partial decryptions (holders {sorted(p.holder for p in partials)}, "
        f"quorum {transcript.quorum}) with Chaum-Pedersen proofs, Lagrange combination"
    )

    results = reader.read_json(record.RESULTS)
    codec.check_version(results, record.RESULTS)
    totals = tally.totals_from_json(manifest, codec.field(results, "contests", record.RESULTS), record.RESULTS)
    if any(total > counted for row in totals for total in row):
        # t and t + l have the same image t G: a total is only meaningful below the number of ballots.
        report.fail(record.RESULTS, f"a total exceeds the {counted} counted ballots")
    tally.check_totals(points, totals)
    if codec.integer(results, "ballots_counted", record.RESULTS) != counted:
        report.fail(record.RESULTS, "ballots_counted differs from the number of counted ballots")
    report.ok(f"results: {sum(sum(row) for row in totals)} marks in {len(totals)} contest(s) match the decryption")
    report.ok(f"time: {time.monotonic() - started:.1f} s with {runner.workers} worker(s)")
    return (1 if report.failure_count else 0), report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Shailoo election record (directory or zip).")
    parser.add_argument("record", type=Path)
    parser.add_argument("--workers", type=int, default=1, help="worker processes for ballot proofs")
    args = parser.parse_args(argv)
    code, report = verify_record(args.record, max(1, args.workers))
    print(report.render())
    return code


if __name__ == "__main__":
    sys.exit(main())
