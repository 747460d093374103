# SPDX-License-Identifier: Apache-2.0
"""A whole simulated election written as a version 2 record, with its known plaintext totals printed.

``python -m shailoo.crypto.simulate --voters N --contests SPEC --holders n --quorum k --revote-share x
--challenge-share y --out RECORD [--workers W] [--seed S] [--cheat DEALER:RECIPIENT] [--keys-out FILE]``

SPEC is a comma-separated list of contests: ``1of5`` (exactly one of five), ``0-3of10`` (up to three of
ten), ``1of4+against`` (one of four, or the extra "against all" option alone). Besides the record, the
voters' receipts are written to RECORD.receipts.jsonl (one per line, in board order).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shailoo.crypto import board, credential, record, tally
from shailoo.crypto.ballot import CastBallot, ballot_to_json, cast_ballot, encrypt_ballot, tracking_hash
from shailoo.crypto.board import ChallengedBallot
from shailoo.crypto.group import Point
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option, manifest_from_json
from shailoo.crypto.signature import generate_signing_key
from shailoo.crypto.transcript import run_ceremony

AGAINST_ALL = "against-all"
_SPEC = re.compile(r"^(?:(\d+)-)?(\d+)of(\d+)(\+against)?$")
#: Polls of the simulated election: 9 April 2023, 08:00 to 20:00 in Bishkek (UTC+6), in ms.
OPENS = 1_681_005_600_000
CLOSES = OPENS + 12 * 3600 * 1000


def parse_contests(spec: str) -> tuple[Contest, ...]:
    contests = []
    for number, part in enumerate(spec.split(","), start=1):
        match = _SPEC.match(part.strip())
        if match is None:
            raise ValueError(f"contest spec {part!r} is not like 1of5, 0-3of10 or 1of4+against")
        maximum, size = int(match[2]), int(match[3])
        minimum = int(match[1]) if match[1] is not None else maximum
        options = tuple(Option(f"c{number}-o{i}", f"Candidate {i}") for i in range(1, size + 1))
        against = None
        if match[4]:
            options += (Option(AGAINST_ALL, "Against all"),)
            against = AGAINST_ALL
        if not 0 <= minimum <= maximum <= size or maximum < 1:
            raise ValueError(f"contest spec {part!r} needs 0 <= min <= max <= options and max >= 1")
        contests.append(Contest(f"contest-{number}", f"Contest {number}", options, minimum, maximum, against))
    return tuple(contests)


def random_choice(contest: Contest, rng: random.Random) -> frozenset[str]:
    if contest.against_all is not None and rng.random() < 0.1:
        return frozenset({contest.against_all})
    ordinary = [o for o in contest.option_ids if o != contest.against_all]
    return frozenset(rng.sample(ordinary, rng.randint(contest.min_marks, contest.max_marks)))


@dataclass(frozen=True, slots=True)
class Event:
    """One submission to the board, in board order: a voter's challenge or cast (``counted``: the last)."""

    voter: int
    seed: bytes  # the voter's credential seed
    challenge: bool
    counted: bool
    choice_seed: int


@dataclass
class BlockResult:
    submissions: list[CastBallot | ChallengedBallot]
    sums: tally.Sums
    totals: list[list[int]]


_state: dict[str, Any] = {}


def _init(manifest_json: dict[str, Any], key_hex: str) -> None:
    _state.update(manifest=manifest_from_json(manifest_json), key=Point.from_hex(key_hex))


def simulate_block(events: list[Event]) -> BlockResult:
    manifest: Manifest = _state["manifest"]
    key: Point = _state["key"]
    result = BlockResult([], tally.empty_sums(manifest), [[0] * len(c.options) for c in manifest.contests])
    for event in events:
        rng = random.Random(event.choice_seed)
        choices = {c.contest_id: random_choice(c, rng) for c in manifest.contests}
        ballot, opening = encrypt_ballot(manifest, key, choices)
        if event.challenge:
            tracking = tracking_hash(manifest.digest, ballot_to_json(ballot))
            result.submissions.append(ChallengedBallot(ballot, tracking, opening))
            continue
        result.submissions.append(cast_ballot(manifest, ballot, credential.credential_key(event.seed)))
        if event.counted:
            result.sums = tally.add_ballot(result.sums, ballot)
            for c, contest in enumerate(manifest.contests):
                for o, option_id in enumerate(contest.option_ids):
                    result.totals[c][o] += option_id in choices[contest.contest_id]
    return result


def plan_events(voters: int, revote_share: float, challenge_share: float, rng: random.Random) -> list[Event]:
    """Every voter casts once, some twice, some challenge a ballot first; the submissions interleave."""
    queues: list[list[Event]] = []
    for index in range(voters):
        seed = rng.randbytes(credential.SEED_BYTES)
        casts = 2 if rng.random() < revote_share else 1
        queue = [Event(index, seed, True, False, rng.getrandbits(64))] if rng.random() < challenge_share else []
        queue += [Event(index, seed, False, n == casts - 1, rng.getrandbits(64)) for n in range(casts)]
        queues.append(queue)
    order = [index for index, queue in enumerate(queues) for _ in queue]
    rng.shuffle(order)
    taken = [0] * voters
    events = []
    for index in order:
        events.append(queues[index][taken[index]])
        taken[index] += 1
    return events


def _blocks(events: list[Event], size: int) -> Iterator[list[Event]]:
    for start in range(0, len(events), size):
        yield events[start : start + size]


def receipts_path(out: Path) -> Path:
    return out.with_name(out.name.removesuffix(".zip") + ".receipts.jsonl")


def simulate(args: argparse.Namespace) -> tuple[tuple[tuple[int, ...], ...], Manifest]:
    rng = random.Random(args.seed)
    commission, board_key = generate_signing_key(), generate_signing_key()
    holder_keys = {i: generate_signing_key() for i in range(1, args.holders + 1)}
    events = plan_events(args.voters, args.revote_share, args.challenge_share, rng)
    manifest = Manifest(
        "simulated-election", "Simulated election", OPENS, CLOSES,
        Authorities(commission.public, board_key.public, tuple(holder_keys[i].public for i in sorted(holder_keys)),
                    args.quorum),
        parse_contests(args.contests),
    )
    cheats: dict[int, frozenset[int]] = {}
    for spec in args.cheat or []:
        dealer, recipient = (int(x) for x in spec.split(":"))
        cheats[dealer] = cheats.get(dealer, frozenset()) | {recipient}
    ceremony = run_ceremony(manifest, holder_keys, cheats=cheats)
    seeds = {event.voter: event.seed for event in events}
    credentials = credential.sign_list(
        manifest, (credential.credential_key(seed).public for seed in seeds.values()), commission)

    writer = record.RecordWriter(args.out)
    writer.write_json(record.MANIFEST, manifest.to_json())
    with writer.lines(record.CREDENTIALS, credential.list_header(manifest, credentials)) as out:
        out.writelines(record.dumps_line(line) for line in credential.list_lines(credentials))
    writer.write_json(record.CEREMONY, ceremony.transcript)

    key = ceremony.result.joint_public_key
    manifest_json = manifest.to_json()
    pool: Any = None
    if args.workers > 1:
        pool = multiprocessing.get_context("fork").Pool(args.workers, _init, (manifest_json, key.hex()))
        results: Iterator[BlockResult] = pool.imap(simulate_block, _blocks(events, 50))
    else:
        _init(manifest_json, key.hex())
        results = map(simulate_block, _blocks(events, 50))
    sums = tally.empty_sums(manifest)
    totals = [[0] * len(c.options) for c in manifest.contests]
    state = board.genesis(manifest)
    step = max(1, (CLOSES - OPENS) // (len(events) + 1))
    ballots = challenges = 0
    with writer.lines(record.BOARD, {"version": 2, "kind": "board", "manifest_hash": manifest.digest.hex(),
                                     "count": len(events) + 1}) as out, \
            receipts_path(args.out).open("w", encoding="utf-8") as receipts:
        for block in results:
            for submission in block.submissions:
                moment = OPENS + (state.position + 1) * step
                if isinstance(submission, CastBallot):
                    appended = board.append_ballot(manifest, state, submission, moment, board_key)
                    ballots += 1
                else:
                    appended = board.append_challenge(manifest, state, submission, moment, board_key)
                    challenges += 1
                out.write(record.dumps_line(appended.entry))
                receipts.write(record.dumps_line(appended.receipt))
                state = appended.state
            sums = tally.add_sums(sums, block.sums)
            for c, row in enumerate(block.totals):
                for o, value in enumerate(row):
                    totals[c][o] += value
        closed = board.close_board(manifest, state, CLOSES, ballots, challenges, board_key)
        out.write(record.dumps_line(closed.entry))
    if pool is not None:
        pool.close()
        pool.join()

    counted = tally.EncryptedTally(sums, args.voters, closed.state.head)
    decrypting = sorted(rng.sample(list(ceremony.result.qualified), args.quorum))
    partials = [tally.check_partial(manifest, counted, [ceremony.result.verification_key(j) for j in holder_keys],
                                    tally.make_partial(manifest, counted, j, ceremony.secret_shares[j], holder_keys[j]),
                                    "simulate")
                for j in decrypting]
    decrypted = tally.totals_from_points(tally.combine(counted, partials, args.quorum), args.voters)
    known = tuple(tuple(row) for row in totals)
    if decrypted != known:
        raise AssertionError(f"decrypted totals {decrypted} differ from the plaintext totals {known}")
    writer.write_json(record.TALLY, tally.tally_json(manifest, counted))
    writer.write_json(record.DECRYPTIONS, tally.decryptions_json(manifest, [p.json for p in partials]))
    writer.write_json(record.RESULTS, tally.results_json(manifest, args.voters, decrypted))
    writer.close()
    if args.keys_out is not None:
        # Every secret of the simulation, for benchmarks and tests only: never part of a record.
        args.keys_out.write_text(json.dumps({
            "version": 2, "commission": commission.secret.hex(), "board": board_key.secret.hex(),
            "holders": {str(j): k.secret.hex() for j, k in holder_keys.items()},
            "secret_shares": {str(j): share.hex() for j, share in ceremony.secret_shares.items()},
            "credentials": [seeds[v].hex() for v in sorted(seeds)],
        }))
    return known, manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulate a whole election and write its record.")
    parser.add_argument("--voters", type=int, required=True)
    parser.add_argument("--contests", default="1of5,0-3of10", help="e.g. 1of5,0-3of10,1of4+against")
    parser.add_argument("--holders", type=int, default=5)
    parser.add_argument("--quorum", type=int, default=3)
    parser.add_argument("--revote-share", type=float, default=0.0)
    parser.add_argument("--challenge-share", type=float, default=0.0)
    parser.add_argument("--out", type=Path, required=True, help="record directory, or a path ending in .zip")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the simulated choices and order (never of keys or nonces)")
    parser.add_argument("--keys-out", type=Path, default=None,
                        help="also write every secret here (benchmarks and tests only)")
    parser.add_argument("--cheat", action="append", metavar="DEALER:RECIPIENT",
                        help="dealer sends a bad share to recipient (its complaint disqualifies the dealer)")
    args = parser.parse_args(argv)
    if args.voters < 1:
        parser.error("--voters must be at least 1")
    started = time.monotonic()
    totals, manifest = simulate(args)
    print(f"record written to {args.out} in {time.monotonic() - started:.1f} s; receipts in {receipts_path(args.out)}")
    print(f"{args.voters} voters; known plaintext totals:")
    for contest, row in zip(manifest.contests, totals, strict=True):
        cells = ", ".join(f"{option.option_id}={total}" for option, total in zip(contest.options, row, strict=True))
        print(f"  {contest.contest_id} ({contest.min_marks}..{contest.max_marks}): {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
