# SPDX-License-Identifier: Apache-2.0
"""Shailoo's e-voting core (protocol v2) against ElectionGuard's Python reference (electionguard==1.4.0) on
one ballot style: a "1 of 5" contest and an "up to 3 of 10" contest. Prints both and the ratios. Shailoo's
encryption includes the credential's signature, its verification the chain link and the signed receipt.

    .venv/bin/python bench/crypto_vs_electionguard.py [--ballots 30] [--rounds 11] [--tally 200]
        [--eg-ballots 5] [--eg-tally 200] [--skip-eg]

Per-ballot figures, made steady on a shared virtual machine: ``--rounds`` rounds of ``--ballots`` ballots,
each ballot encrypted and signed, then verified and appended at once (so a burst of the neighbours' load
falls on both measures alike), after a warm-up. Each ballot is timed in CPU time of this process
(``time.process_time``: the time other jobs take on the cores is not counted) and in wall time. The figure
compared with the targets is the **median of the rounds' medians in CPU time**: a median per round ignores
the round's slow outliers, and the median over rounds ignores a round that a burst slowed as a whole. The
lowest round median and the lowest single ballot are printed beside it (what the code costs when nothing
disturbs it: a bound, not the figure), with the spread of the round medians, which says how steady the run was.

ElectionGuard 1.4.0 needs Python 3.10: the script creates /work/main/.venv-eg with
``python3.10 -m venv .venv-eg && .venv-eg/bin/pip install electionguard==1.4.0 hypothesis`` if it is
missing (set PYTHON310 to choose the interpreter) and runs ElectionGuard there, in a subprocess.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from shailoo.crypto import board, credential, decaf, jcs, native, tally  # noqa: E402
from shailoo.crypto.ballot import cast_ballot, cast_to_json, encrypt_ballot  # noqa: E402
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option  # noqa: E402
from shailoo.crypto.signature import generate_signing_key  # noqa: E402
from shailoo.crypto.transcript import run_ceremony  # noqa: E402

EG_VENV = ROOT / ".venv-eg"
COMMISSION, BOARD = generate_signing_key(), generate_signing_key()
HOLDERS = {i: generate_signing_key() for i in range(1, 6)}
OPENS = 1_681_005_600_000
MANIFEST = Manifest(
    "bench", "Benchmark", OPENS, OPENS + 12 * 3_600_000,
    Authorities(COMMISSION.public, BOARD.public, tuple(HOLDERS[i].public for i in range(1, 6)), 3),
    (
        Contest("one-of-five", "1 of 5", tuple(Option(f"a{i}", f"A{i}") for i in range(5)), 1, 1),
        Contest("up-to-three-of-ten", "up to 3 of 10", tuple(Option(f"b{i}", f"B{i}") for i in range(10)), 0, 3),
    ),
)


def random_choices(rng: random.Random) -> dict[str, frozenset[str]]:
    first, second = MANIFEST.contests
    return {
        first.contest_id: frozenset(rng.sample(first.option_ids, 1)),
        second.contest_id: frozenset(rng.sample(second.option_ids, rng.randint(0, 3))),
    }


def _median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def bench_shailoo(ballots: int, rounds: int, tally_size: int) -> dict[str, Any]:
    rng = random.Random(1)
    ceremony = run_ceremony(MANIFEST, HOLDERS)
    key = ceremony.result.joint_public_key
    voters = [credential.new_credential()[1] for _ in range(max(ballots, tally_size))]
    listed = credential.sign_list(MANIFEST, [v.public for v in voters], COMMISSION)

    def is_listed(encoding: bytes) -> bool:
        return listed.index(encoding) is not None

    state = board.genesis(MANIFEST)
    position = 0

    def one(i: int) -> tuple[float, float, float, float, float]:
        """Encrypt and sign ballot i (what the booth does), then what the server does with the body the booth
        posts: strict parsing, schema, proofs, credential on the list, signature (accept_cast), and the chain
        link: new head and the board's signed receipt. CPU and wall seconds of each, and of accepting."""
        nonlocal state, position
        started, started_wall = time.process_time(), time.perf_counter()
        encrypted, _ = encrypt_ballot(MANIFEST, key, random_choices(rng))
        cast = cast_ballot(MANIFEST, encrypted, voters[i])
        encrypted_at, encrypted_wall = time.process_time(), time.perf_counter()
        body = jcs.canonical(cast_to_json(cast))
        sent, sent_wall = time.process_time(), time.perf_counter()
        accepted = board.accept_cast(MANIFEST, key, is_listed, jcs.loads(body, "bench"))
        accepted_at = time.process_time()
        position += 1
        state = board.append_ballot(MANIFEST, state, accepted, OPENS + position, BOARD).state
        done, done_wall = time.process_time(), time.perf_counter()
        return (encrypted_at - started, encrypted_wall - started_wall, done - sent, done_wall - sent_wall,
                accepted_at - sent)

    for i in range(min(5, ballots)):  # warm-up: K's table, caches, the allocator
        one(i)
    per_round: list[dict[str, float]] = []
    every: dict[str, list[float]] = {"encrypt": [], "verify": []}
    for round_ in range(rounds):
        samples = [one(i) for i in range(ballots)]
        columns = list(zip(*samples, strict=True))
        every["encrypt"] += columns[0]
        every["verify"] += columns[2]
        per_round.append({"encrypt_ms": _median_ms(list(columns[0])), "encrypt_wall_ms": _median_ms(list(columns[1])),
                          "verify_ms": _median_ms(list(columns[2])), "verify_wall_ms": _median_ms(list(columns[3])),
                          "accept_ms": _median_ms(list(columns[4])), "load": os.getloadavg()[0]})
        print(f"  round {round_ + 1}/{rounds}: encrypt + sign {per_round[-1]['encrypt_ms']:.2f} ms CPU "
              f"({per_round[-1]['encrypt_wall_ms']:.2f} wall), verify + append {per_round[-1]['verify_ms']:.2f} ms "
              f"CPU ({per_round[-1]['verify_wall_ms']:.2f} wall), medians of {ballots}; "
              f"load {per_round[-1]['load']:.2f}", flush=True)

    def across(name: str) -> float:
        return statistics.median(r[name] for r in per_round)

    figures: dict[str, Any] = {name: across(name) for name in per_round[0] if name != "load"}
    for name in ("encrypt", "verify"):
        medians = [r[f"{name}_ms"] for r in per_round]
        figures[f"{name}_best_round_ms"] = min(medians)
        figures[f"{name}_spread"] = (max(medians) - min(medians)) / statistics.median(medians)
        figures[f"{name}_min_ms"] = 1000 * min(every[name])
    figures["rounds"], figures["ballots"] = rounds, ballots

    # Cast and tally: encrypt and sign, accept and append on the board, add up, 3 of 5 holders decrypt with
    # proofs, the server checks each partial decryption, combine, discrete log.
    started, started_wall = time.process_time(), time.perf_counter()
    expected = [[0] * len(c.options) for c in MANIFEST.contests]
    sums = tally.empty_sums(MANIFEST)
    state = board.genesis(MANIFEST)
    for i in range(tally_size):
        choices = random_choices(rng)
        encrypted, _ = encrypt_ballot(MANIFEST, key, choices)
        body = jcs.canonical(cast_to_json(cast_ballot(MANIFEST, encrypted, voters[i])))
        accepted = board.accept_cast(MANIFEST, key, is_listed, jcs.loads(body, "bench"))
        state = board.append_ballot(MANIFEST, state, accepted, OPENS + i, BOARD).state
        sums = tally.add_ballot(sums, accepted.ballot)
        for c, contest in enumerate(MANIFEST.contests):
            for o, option_id in enumerate(contest.option_ids):
                expected[c][o] += option_id in choices[contest.contest_id]
    counted = tally.EncryptedTally(sums, tally_size, state.head)
    keys = [ceremony.result.verification_key(j) for j in range(1, 6)]
    partials = [
        tally.check_partial(MANIFEST, counted, keys, tally.make_partial(
            MANIFEST, counted, j, ceremony.secret_shares[j], HOLDERS[j]), "bench")
        for j in (1, 3, 5)
    ]
    totals = tally.totals_from_points(tally.combine(counted, partials, 3), tally_size)
    cast_and_tally, wall = time.process_time() - started, time.perf_counter() - started_wall
    assert [list(row) for row in totals] == expected, "decrypted totals differ from the plaintext"
    figures.update(cast_and_tally_s=cast_and_tally, cast_and_tally_wall_s=wall, tally_ballots=tally_size)
    return figures


EG_SCRIPT = r'''
import json, random, statistics, sys, time
from datetime import datetime
from electionguard.ballot import PlaintextBallot, PlaintextBallotContest, PlaintextBallotSelection
from electionguard.ballot_box import BallotBox
from electionguard.data_store import DataStore
from electionguard.elgamal import elgamal_keypair_random
from electionguard.encrypt import encrypt_ballot
from electionguard.group import TWO_MOD_Q
from electionguard.manifest import (BallotStyle, Candidate, CandidateContestDescription, ElectionType,
    GeopoliticalUnit, Manifest, Party, ReportingUnitType, SelectionDescription, SpecVersion, VoteVariationType)
from electionguard.tally import tally_ballots
from electionguard_tools.helpers.election_builder import ElectionBuilder

ballots, tally_size = int(sys.argv[1]), int(sys.argv[2])
candidates = [Candidate(f"a{i}") for i in range(5)] + [Candidate(f"b{i}") for i in range(10)]
first = CandidateContestDescription("one-of-five", 0, "district", VoteVariationType.one_of_m, 1, 1, "1 of 5",
    [SelectionDescription(f"a{i}-sel", i, f"a{i}") for i in range(5)])
second = CandidateContestDescription("up-to-three-of-ten", 1, "district", VoteVariationType.n_of_m, 3, 3,
    "up to 3 of 10", [SelectionDescription(f"b{i}-sel", i, f"b{i}") for i in range(10)])
style = BallotStyle("style")
style.geopolitical_unit_ids = ["district"]
manifest = Manifest(election_scope_id="bench", spec_version=SpecVersion.EG0_95, type=ElectionType.unknown,
    start_date=datetime.now(), end_date=datetime.now(),
    geopolitical_units=[GeopoliticalUnit("district", "District", ReportingUnitType.unknown)],
    parties=[Party("party")], candidates=candidates, contests=[first, second], ballot_styles=[style])
keypair = elgamal_keypair_random()
builder = ElectionBuilder(number_of_guardians=1, quorum=1, manifest=manifest)
builder.set_public_key(keypair.public_key)
builder.set_commitment_hash(TWO_MOD_Q)
internal, context = builder.build()
rng = random.Random(1)

def plaintext(i):
    a = rng.sample(range(5), 1)
    b = rng.sample(range(10), rng.randint(0, 3))
    return PlaintextBallot(f"ballot-{i}", "style", [
        PlaintextBallotContest("one-of-five", [PlaintextBallotSelection(f"a{j}-sel", 1) for j in a]),
        PlaintextBallotContest("up-to-three-of-ten", [PlaintextBallotSelection(f"b{j}-sel", 1) for j in b]),
    ]), a, b

enc, ver, encrypted = [], [], []
for i in range(ballots):
    p, _, _ = plaintext(i)
    t = time.process_time(); c = encrypt_ballot(p, internal, context, TWO_MOD_Q); enc.append(time.process_time() - t)
    assert c is not None
    encrypted.append(c)
for c in encrypted:
    t = time.process_time()
    ok = c.is_valid_encryption(internal.manifest_hash, keypair.public_key, context.crypto_extended_base_hash)
    ver.append(time.process_time() - t)
    assert ok

t, wall = time.process_time(), time.perf_counter()
store = DataStore()
box = BallotBox(internal, context, store)
expected = {}
for i in range(tally_size):
    p, a, b = plaintext(10_000 + i)
    for j in a: expected[f"a{j}-sel"] = expected.get(f"a{j}-sel", 0) + 1
    for j in b: expected[f"b{j}-sel"] = expected.get(f"b{j}-sel", 0) + 1
    c = encrypt_ballot(p, internal, context, TWO_MOD_Q)
    assert box.cast(c) is not None
result = tally_ballots(store, internal, context)
totals = {}
for contest in result.contests.values():
    for selection_id, selection in contest.selections.items():
        totals[selection_id] = selection.ciphertext.decrypt(keypair.secret_key)
cast_and_tally, wall = time.process_time() - t, time.perf_counter() - wall
assert all(totals.get(k, 0) == v for k, v in expected.items())
print(json.dumps({"encrypt_ms": 1000 * statistics.median(enc), "verify_ms": 1000 * statistics.median(ver),
                  "cast_and_tally_s": cast_and_tally, "cast_and_tally_wall_s": wall, "tally_ballots": tally_size}))
'''


def ensure_eg_venv() -> Path:
    python = EG_VENV / "bin" / "python"
    if python.exists():
        return python
    # pyenv's shim for python3.10 exists even when 3.10 is not the selected version (and then fails): prefer
    # an installed pyenv 3.10 over whatever is on the PATH.
    candidates = sorted(Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))
    interpreter = os.environ.get("PYTHON310") or (str(candidates[-1]) if candidates else shutil.which("python3.10"))
    if interpreter is None:
        raise SystemExit("ElectionGuard 1.4.0 needs Python 3.10: set PYTHON310 to its interpreter")
    subprocess.run([interpreter, "-m", "venv", str(EG_VENV)], check=True)
    subprocess.run([str(EG_VENV / "bin" / "pip"), "install", "-q", "electionguard==1.4.0", "hypothesis"], check=True)
    return python


def bench_electionguard(ballots: int, tally_size: int) -> dict[str, float]:
    python = ensure_eg_venv()
    result = subprocess.run(
        [str(python), "-c", EG_SCRIPT, str(ballots), str(tally_size)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"ElectionGuard run failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=30, help="Shailoo ballots a round, each encrypted and verified")
    parser.add_argument("--rounds", type=int, default=11, help="rounds of --ballots ballots")
    parser.add_argument("--tally", type=int, default=200, help="Shailoo ballots cast and tallied")
    parser.add_argument("--eg-ballots", type=int, default=5, help="ElectionGuard ballots timed")
    parser.add_argument("--eg-tally", type=int, default=200, help="ElectionGuard ballots cast and tallied")
    parser.add_argument("--skip-eg", action="store_true", help="Shailoo only")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f} at start")
    print(f"libdecaf: {decaf.LIBRARY}")
    print(f"native module: {native.PATH if native.lib is not None else 'none (the Python path)'}")
    ours = bench_shailoo(args.ballots, args.rounds, args.tally)
    theirs = None if args.skip_eg else bench_electionguard(args.eg_ballots, args.eg_tally)
    print("ballot style: one '1 of 5' contest, one 'up to 3 of 10' contest (15 options)")
    print(f"{'measure':<40}{'Shailoo':>14}{'ElectionGuard':>16}{'ratio':>10}")
    rows = [
        ("encrypt + sign a ballot", "encrypt_ms", "ms"),
        ("verify + append a cast ballot", "verify_ms", "ms"),
        (f"cast and tally (Shailoo {ours['tally_ballots']:.0f} ballots)", "cast_and_tally_s", "s"),
    ]
    for title, key, unit in rows:
        mine = ours[key]
        other = f"{theirs[key]:.1f} {unit}" if theirs else "-"
        ratio = f"{theirs[key] / mine:.0f}x" if theirs and key != "cast_and_tally_s" else ""
        if theirs and key == "cast_and_tally_s":
            per_theirs = theirs[key] / theirs["tally_ballots"]
            per_mine = mine / ours["tally_ballots"]
            other = f"{theirs[key]:.1f} s/{theirs['tally_ballots']:.0f}"
            ratio = f"{per_theirs / per_mine:.0f}x"
        print(f"{title:<40}{mine:>11.2f} {unit:<2}{other:>16}{ratio:>10}")
    print(f"Shailoo's per-ballot figures: the median of {ours['rounds']} rounds' medians ({ours['ballots']} ballots "
          "a round), CPU time of the measuring process; ElectionGuard's: the median of its ballots, CPU time")
    for name, title in (("encrypt", "encrypt + sign"), ("verify", "verify + append")):
        print(f"  {title}: wall {ours[f'{name}_wall_ms']:.2f} ms; best round {ours[f'{name}_best_round_ms']:.2f} ms, "
              f"fastest ballot {ours[f'{name}_min_ms']:.2f} ms; round medians spread "
              f"{100 * ours[f'{name}_spread']:.0f}% of their median")
    print(f"of verify + append, accepting (strict JSON, proofs, credential, signature): {ours['accept_ms']:.2f} ms; the "
          "rest is the chain link (head) and the board's signed receipt")
    print("cast and tally: CPU seconds; wall clock: Shailoo "
          f"{ours['cast_and_tally_wall_s']:.1f} s" + (f", ElectionGuard {theirs['cast_and_tally_wall_s']:.1f} s" if theirs else ""))
    print("ElectionGuard's encrypt has no signature and its verify no chain: Shailoo's figures include them")
    print("targets: encrypt + sign <= 3 ms, verify + append <= 5 ms, both >= 60x ElectionGuard")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
