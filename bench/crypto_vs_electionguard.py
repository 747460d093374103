# SPDX-License-Identifier: Apache-2.0
"""Shailoo's e-voting core against ElectionGuard's Python reference (electionguard==1.4.0) on one ballot
style: a "1 of 5" contest and an "up to 3 of 10" contest. Prints both and the ratios.

    .venv/bin/python bench/crypto_vs_electionguard.py [--ballots 20] [--tally 200] [--eg-ballots 5]
        [--eg-tally 200] [--skip-eg]

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from shailoo.crypto import ceremony, tally  # noqa: E402
from shailoo.crypto.ballot import ballot_from_json, ballot_to_json, encrypt_ballot, verify_ballot  # noqa: E402
from shailoo.crypto.manifest import Contest, Manifest, Option  # noqa: E402

EG_VENV = ROOT / ".venv-eg"

MANIFEST = Manifest(
    "bench", "Benchmark",
    (
        Contest("one-of-five", "1 of 5", tuple(Option(f"a{i}", f"A{i}") for i in range(5)), 1, 1),
        Contest("up-to-three-of-ten", "up to 3 of 10", tuple(Option(f"b{i}", f"B{i}") for i in range(10)), 0, 3),
    ),
    5_000_000,
)


def random_choices(rng: random.Random) -> dict[str, frozenset[str]]:
    first, second = MANIFEST.contests
    return {
        first.contest_id: frozenset(rng.sample(first.option_ids, 1)),
        second.contest_id: frozenset(rng.sample(second.option_ids, rng.randint(0, 3))),
    }


def bench_shailoo(ballots: int, tally_size: int) -> dict[str, float]:
    rng = random.Random(1)
    context = MANIFEST.digest
    outcome = ceremony.run_ceremony(5, 3, context)
    key = outcome.joint_public_key
    encrypt_times, verify_times, encrypted = [], [], []
    for i in range(ballots):
        started = time.process_time()
        ballot, _ = encrypt_ballot(MANIFEST, key, random_choices(rng), f"voter-{i}")
        encrypt_times.append(time.process_time() - started)
        encrypted.append(json.dumps(ballot_to_json(ballot)))
    for text in encrypted:
        # From the ballot's published JSON, as a verifier gets it: parsing and decoding every point included.
        started = time.process_time()
        verify_ballot(MANIFEST, key, ballot_from_json(json.loads(text), "bench"), "bench")
        verify_times.append(time.process_time() - started)

    # Cast and tally: encrypt, verify on casting, add up, 3 of 5 holders decrypt with proofs, verify the
    # partial decryptions, combine, discrete log.
    started, started_wall = time.process_time(), time.perf_counter()
    expected = [[0] * len(c.options) for c in MANIFEST.contests]
    sums = tally.empty_sums(MANIFEST)
    for i in range(tally_size):
        choices = random_choices(rng)
        ballot, _ = encrypt_ballot(MANIFEST, key, choices, f"voter-{i}")
        verify_ballot(MANIFEST, key, ballot, "bench")
        sums = tally.add_ballot(sums, ballot)
        for c, contest in enumerate(MANIFEST.contests):
            for o, option_id in enumerate(contest.option_ids):
                expected[c][o] += option_id in choices[contest.contest_id]
    encrypted_tally = tally.EncryptedTally(sums, tally_size)
    partials = [
        tally.partially_decrypt(MANIFEST, encrypted_tally, j, outcome.secret_shares[j], context) for j in (1, 3, 5)
    ]
    for partial in partials:
        verification_key = ceremony.verification_key(outcome.dealers, outcome.qualified, partial.holder)
        tally.verify_partial(MANIFEST, encrypted_tally, partial, verification_key, context)
    totals = tally.totals_from_points(tally.combine(encrypted_tally, partials, 3), MANIFEST.max_voters)
    cast_and_tally, wall = time.process_time() - started, time.perf_counter() - started_wall
    assert [list(row) for row in totals] == expected, "decrypted totals differ from the plaintext"
    return {
        "encrypt_ms": 1000 * statistics.median(encrypt_times),
        "verify_ms": 1000 * statistics.median(verify_times),
        "cast_and_tally_s": cast_and_tally,
        "cast_and_tally_wall_s": wall,
        "tally_ballots": tally_size,
    }


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
    parser.add_argument("--ballots", type=int, default=20, help="Shailoo ballots timed for encrypt and verify")
    parser.add_argument("--tally", type=int, default=200, help="Shailoo ballots cast and tallied")
    parser.add_argument("--eg-ballots", type=int, default=5, help="ElectionGuard ballots timed")
    parser.add_argument("--eg-tally", type=int, default=200, help="ElectionGuard ballots cast and tallied")
    parser.add_argument("--skip-eg", action="store_true", help="Shailoo only")
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f} at start")
    ours = bench_shailoo(args.ballots, args.tally)
    theirs = None if args.skip_eg else bench_electionguard(args.eg_ballots, args.eg_tally)
    print("ballot style: one '1 of 5' contest, one 'up to 3 of 10' contest (15 options)")
    print(f"{'measure':<40}{'Shailoo':>14}{'ElectionGuard':>16}{'ratio':>10}")
    rows = [
        ("encrypt a ballot with proofs (median)", "encrypt_ms", "ms"),
        ("verify a ballot from its JSON (median)", "verify_ms", "ms"),
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
    print("times are CPU seconds of the measuring process (the machine is shared); wall clock for cast and "
          f"tally: Shailoo {ours['cast_and_tally_wall_s']:.1f} s"
          + (f", ElectionGuard {theirs['cast_and_tally_wall_s']:.1f} s" if theirs else ""))
    print("targets: encrypt <= 8 ms, verify <= 10 ms; ElectionGuard anchor 328 ms, 567 ms, 133 s / 200 ballots")


if __name__ == "__main__":
    main()
