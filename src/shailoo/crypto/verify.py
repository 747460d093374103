# SPDX-License-Identifier: Apache-2.0
"""The observer's verifier: ``python -m shailoo.crypto.verify RECORD [--workers W] [--before-decryption]``.

Checks an election record end to end (docs/protocol.md 12) and prints a report whose failures carry
stable check codes. Exit code 0: valid; 1: invalid; 2: unreadable (not JSON as the strict reader accepts
it, a missing file, a hostile size). The board is walked twice, streaming: the first pass checks every
entry (cryptography in worker processes, the chain in this one), adds up every ballot and finds each
credential's last one; the second takes the superseded ballots away. Memory grows with the credential
list, not with the board.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from shailoo.crypto import codec, record, tally
from shailoo.crypto.checks import Report
from shailoo.crypto.credential import read_list
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.transcript import CeremonyResult, check_transcript
from shailoo.crypto.walk import Runner, count_ballots, failure, walk_board

_SEAL = object()


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
        report.fail(*failure(error, "manifest.schema"))
        report.step("manifest")
        return 1, report, None
    report.step(f"manifest: {len(manifest.contests)} contest(s), {sum(len(c.options) for c in manifest.contests)} "
                f"option(s), {manifest.holders} key holders, quorum {manifest.quorum}; Q = {manifest.digest.hex()[:16]}…, "
                f"commission key {manifest.authorities.commission.hex()[:16]}…, board key "
                f"{manifest.authorities.board.hex()[:16]}…")
    try:
        ceremony = check_transcript(manifest, reader.read_json(record.CEREMONY))
    except CryptoError as error:
        report.fail(*failure(error, "ceremony.schema"))
        report.step("key ceremony")
        return 1, report, None
    report.step(f"key ceremony: every message signed by its holder, {manifest.holders * manifest.quorum} coefficient "
                f"proofs, qualified dealers {list(ceremony.qualified)}, joint key {ceremony.joint_public_key.hex()[:16]}… "
                "signed by every qualified holder")
    # The workers are forked before the credential list is read, so that they do not each hold a copy of it.
    runner = Runner(workers, manifest_json, ceremony.joint_public_key.hex())
    try:
        try:
            lines = reader.lines(record.CREDENTIALS)
            _, header = next(lines)
            credentials = read_list(manifest, header, lines, record.CREDENTIALS)
        except CryptoError as error:
            report.fail(*failure(error, "credentials.schema"))
            report.step("credential list")
            return 1, report, None
        report.step(f"credential list: {len(credentials)} credentials, sorted, distinct, signed by the commission")
        walk = walk_board(reader, manifest, credentials, runner, report)
        report.step(f"board: {walk.position} entries chained, {walk.ballots} cast ballots (proofs, signatures, "
                    f"credentials on the list), {walk.challenges} challenged ballots opened, none cast, ballot ids "
                    f"distinct, closed by the board; head {walk.head.hex()[:16]}…")
        if report.failure_count:
            return 1, report, None
        counted = count_ballots(reader, walk, runner)
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
        report.fail(*failure(error, "tally.schema"))
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
        report.fail(*failure(error, "decryption.schema"))
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
        report.fail(*failure(error, "results.schema"))
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
