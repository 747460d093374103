# SPDX-License-Identifier: Apache-2.0
"""A whole simulated election written as a record, with its known plaintext totals printed.

``python -m shailoo.crypto.simulate --voters N --contests SPEC --holders n --quorum k --revote-share x
--challenge-share y --out RECORD [--workers W] [--seed S] [--cheat DEALER:RECIPIENT]``

SPEC is a comma-separated list of contests: ``1of5`` (exactly one of five), ``0-3of10`` (up to three of
ten), ``1of4+against`` (one of four, or the extra "against all" option alone).
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

from shailoo.crypto import record, tally
from shailoo.crypto.ballot import ballot_to_json, encrypt_ballot, opening_to_json, tracking_code
from shailoo.crypto.ceremony import run_ceremony
from shailoo.crypto.group import Point
from shailoo.crypto.manifest import Contest, Manifest, Option, manifest_from_json

AGAINST_ALL = "against-all"
_SPEC = re.compile(r"^(?:(\d+)-)?(\d+)of(\d+)(\+against)?$")


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
class VoterPlan:
    credential: str
    seqs: tuple[int, ...]  # one per cast ballot; the last one counts
    challenge: bool
    seed: int


@dataclass
class BlockResult:
    cast_lines: list[str]
    challenged_lines: list[str]
    sums: tally.Sums
    totals: list[list[int]]


_state: dict[str, Any] = {}


def _init(manifest_json: dict[str, Any], key_hex: str) -> None:
    manifest = manifest_from_json(manifest_json)
    _state.update(manifest=manifest, key=Point.from_hex(key_hex), context=manifest.digest)


def simulate_block(plans: list[VoterPlan]) -> BlockResult:
    manifest: Manifest = _state["manifest"]
    key: Point = _state["key"]
    result = BlockResult([], [], tally.empty_sums(manifest), [[0] * len(c.options) for c in manifest.contests])
    for plan in plans:
        rng = random.Random(plan.seed)
        if plan.challenge:
            choices = {c.contest_id: random_choice(c, rng) for c in manifest.contests}
            ballot, opening = encrypt_ballot(manifest, key, choices, plan.credential)
            result.challenged_lines.append(record.dumps_line({
                "tracking_code": tracking_code(_state["context"], ballot),
                "ballot": ballot_to_json(ballot),
                "opening": opening_to_json(opening),
            }))
        for position, seq in enumerate(plan.seqs):
            choices = {c.contest_id: random_choice(c, rng) for c in manifest.contests}
            ballot, _ = encrypt_ballot(manifest, key, choices, plan.credential)
            result.cast_lines.append(record.dumps_line({
                "seq": seq, "tracking_code": tracking_code(_state["context"], ballot), "ballot": ballot_to_json(ballot),
            }))
            if position == len(plan.seqs) - 1:
                result.sums = tally.add_ballot(result.sums, ballot)
                for c, contest in enumerate(manifest.contests):
                    for o, option_id in enumerate(contest.option_ids):
                        result.totals[c][o] += option_id in choices[contest.contest_id]
    return result


def plan_voters(voters: int, revote_share: float, challenge_share: float, rng: random.Random) -> list[VoterPlan]:
    revoters = [rng.random() < revote_share for _ in range(voters)]
    first = list(range(1, voters + 1))
    rng.shuffle(first)
    second = list(range(voters + 1, voters + 1 + sum(revoters)))
    rng.shuffle(second)
    plans, used = [], 0
    for index in range(voters):
        seqs: tuple[int, ...] = (first[index],)
        if revoters[index]:
            seqs += (second[used],)
            used += 1
        plans.append(VoterPlan(f"voter-{index:08d}", seqs, rng.random() < challenge_share, rng.getrandbits(64)))
    return plans


def _blocks(plans: list[VoterPlan], size: int) -> Iterator[list[VoterPlan]]:
    for start in range(0, len(plans), size):
        yield plans[start : start + size]


def simulate(args: argparse.Namespace) -> tuple[tuple[tuple[int, ...], ...], Manifest]:
    rng = random.Random(args.seed)
    manifest = Manifest("simulated-election", "Simulated election", parse_contests(args.contests),
                        max(args.voters, 5_000_000))
    context = manifest.digest
    cheats: dict[int, frozenset[int]] = {}
    for spec in args.cheat or []:
        dealer, recipient = (int(x) for x in spec.split(":"))
        cheats[dealer] = cheats.get(dealer, frozenset()) | {recipient}
    outcome = run_ceremony(args.holders, args.quorum, context, cheats)
    transcript = record.CeremonyTranscript(
        context, args.holders, args.quorum, outcome.dealers, outcome.complaints, outcome.qualified,
        outcome.joint_public_key, outcome.acknowledgements,
    )
    writer = record.RecordWriter(args.out)
    writer.write_json(record.MANIFEST, manifest.to_json())
    writer.write_json(record.CEREMONY, transcript.to_json())

    plans = plan_voters(args.voters, args.revote_share, args.challenge_share, rng)
    cast_count = sum(len(p.seqs) for p in plans)
    sums = tally.empty_sums(manifest)
    totals = [[0] * len(c.options) for c in manifest.contests]
    key_hex = outcome.joint_public_key.hex()
    manifest_json = manifest.to_json()
    challenged: list[str] = []
    pool: Any = None
    if args.workers > 1:
        pool = multiprocessing.get_context("fork").Pool(args.workers, _init, (manifest_json, key_hex))
        results: Iterator[BlockResult] = pool.imap(simulate_block, _blocks(plans, 50))
    else:
        _init(manifest_json, key_hex)
        results = map(simulate_block, _blocks(plans, 50))
    with writer.open_text(record.BALLOTS) as out:
        out.write(record.dumps_line({"version": 1, "kind": "cast-ballots", "count": cast_count}))
        for block in results:
            out.writelines(block.cast_lines)
            challenged += block.challenged_lines
            sums = tally.add_sums(sums, block.sums)
            for c, row in enumerate(block.totals):
                for o, value in enumerate(row):
                    totals[c][o] += value
    if pool is not None:
        pool.close()
        pool.join()
    with writer.open_text(record.CHALLENGED) as out:
        out.write(record.dumps_line({"version": 1, "kind": "challenged-ballots", "count": len(challenged)}))
        out.writelines(challenged)

    encrypted = tally.EncryptedTally(sums, args.voters)
    writer.write_json(record.TALLY, {
        "version": 1, "ballots_counted": args.voters, "contests": tally.sums_to_json(manifest, sums),
    })
    decrypting = sorted(rng.sample(list(outcome.qualified), args.quorum))
    partials = [
        tally.partially_decrypt(manifest, encrypted, j, outcome.secret_shares[j], context) for j in decrypting
    ]
    writer.write_json(record.DECRYPTIONS, {
        "version": 1, "partial_decryptions": [tally.partial_to_json(manifest, p) for p in partials],
    })
    points = tally.combine(encrypted, partials, args.quorum)
    decrypted = tally.totals_from_points(points, manifest.max_voters)
    known = tuple(tuple(row) for row in totals)
    if decrypted != known:
        raise AssertionError(f"decrypted totals {decrypted} differ from the plaintext totals {known}")
    writer.write_json(record.RESULTS, {
        "version": 1, "ballots_counted": args.voters, "contests": tally.totals_to_json(manifest, decrypted),
    })
    writer.close()
    if args.keys_out is not None:
        # Holders' secret shares, for benchmarks and tests only: never part of a record.
        args.keys_out.write_text(json.dumps({
            "version": 1, "quorum": args.quorum, "qualified": list(outcome.qualified),
            "secret_shares": {str(j): share.hex() for j, share in outcome.secret_shares.items()},
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
    parser.add_argument("--seed", type=int, default=None, help="seed of the simulated choices (not of nonces)")
    parser.add_argument("--keys-out", type=Path, default=None,
                        help="also write the holders' secret shares here (benchmarks and tests only)")
    parser.add_argument("--cheat", action="append", metavar="DEALER:RECIPIENT",
                        help="dealer sends a bad share to recipient (its complaint disqualifies the dealer)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    totals, manifest = simulate(args)
    print(f"record written to {args.out} in {time.monotonic() - started:.1f} s")
    print(f"{args.voters} voters; known plaintext totals:")
    for contest, row in zip(manifest.contests, totals, strict=True):
        cells = ", ".join(f"{option.option_id}={total}" for option, total in zip(contest.options, row, strict=True))
        print(f"  {contest.contest_id} ({contest.min_marks}..{contest.max_marks}): {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
