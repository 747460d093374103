# SPDX-License-Identifier: Apache-2.0
"""Record-scale figures: simulate an election, tally and decrypt it, verify it with W workers, and measure
the verifier's peak memory (resident set of the verifier and its workers) at two record sizes.

    .venv/bin/python bench/crypto_record.py --voters 100000 --small 10000 --workers 2 \
        [--out bench/out] [--reuse] [--scaling]

Records go to bench/out/record-<voters> (gitignored); --reuse keeps an existing record instead of
simulating again. --scaling also verifies both records with 1 worker, to show scaling with workers.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from shailoo.crypto import ceremony, counting, record, tally  # noqa: E402
from shailoo.crypto.group import Scalar  # noqa: E402
from shailoo.crypto.manifest import manifest_from_json  # noqa: E402

CONTESTS = "1of5,0-3of10"


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += [child for child, parent in parents.items() if parent == pid]
    return total


@dataclass(frozen=True)
class Measured:
    code: int
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for (its workers)
    peak_kb: int  # peak resident memory of the process tree
    output: str


def run_measured(command: list[str]) -> Measured:
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
        peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.5)
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    return Measured(process.returncode, time.perf_counter() - started, usage.ru_utime + usage.ru_stime, peak, output)


def simulate(voters: int, workers: int, out: Path, reuse: bool) -> tuple[Path, float | None]:
    path = out / f"record-{voters}"
    keys = out / f"record-{voters}.keys.json"
    if reuse and (path / record.RESULTS).exists() and keys.exists():
        return path, None
    command = [
        sys.executable, "-m", "shailoo.crypto.simulate", "--voters", str(voters), "--contests", CONTESTS,
        "--holders", "5", "--quorum", "3", "--revote-share", "0.1", "--challenge-share", "0.01",
        "--workers", str(workers), "--seed", "1", "--out", str(path), "--keys-out", str(keys),
    ]
    run = run_measured(command)
    if run.code != 0:
        raise SystemExit(f"simulation failed:\n{run.output}")
    return path, run.wall


def tally_and_decrypt(path: Path, workers: int) -> tuple[float, float]:
    """Seconds to add up the counted ballots, and to decrypt (3 of 5 holders, with proofs checked)."""
    reader = record.RecordReader(path)
    manifest = manifest_from_json(reader.read_json(record.MANIFEST))
    transcript = record.ceremony_from_json(reader.read_json(record.CEREMONY))
    secrets = json.loads(path.with_suffix(".keys.json").read_text())["secret_shares"]
    started = time.perf_counter()
    encrypted = counting.sum_counted(reader, workers)
    summed = time.perf_counter() - started
    started = time.perf_counter()
    holders = [1, 3, 5]
    partials = [
        tally.partially_decrypt(manifest, encrypted, j, Scalar.from_hex(secrets[str(j)]), manifest.digest)
        for j in holders
    ]
    for partial in partials:
        key = ceremony.verification_key(transcript.dealers, transcript.qualified, partial.holder)
        tally.verify_partial(manifest, encrypted, partial, key, manifest.digest)
    totals = tally.totals_from_points(tally.combine(encrypted, partials, 3), manifest.max_voters)
    decrypted = time.perf_counter() - started
    published = tally.totals_from_json(manifest, reader.read_json(record.RESULTS)["contests"], record.RESULTS)
    assert totals == published, "re-decrypted totals differ from the record's"
    return summed, decrypted


def verify(path: Path, workers: int) -> Measured:
    run = run_measured([sys.executable, "-m", "shailoo.crypto.verify", str(path), "--workers", str(workers)])
    if run.code != 0:
        raise SystemExit(f"verification of {path} failed:\n{run.output}")
    return run


def ballots_in(path: Path) -> int:
    return int(record.RecordReader(path).header(record.BALLOTS)["count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="second, smaller record for memory")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--reuse", action="store_true", help="reuse records already simulated")
    parser.add_argument("--scaling", action="store_true", help="also verify both records with 1 worker")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f} at start; contests {CONTESTS}")
    rows = []
    for voters in (args.small, args.voters):
        path, simulated = simulate(voters, args.workers, args.out, args.reuse)
        summed, decrypted = tally_and_decrypt(path, args.workers)
        run = verify(path, args.workers)
        cast = ballots_in(path)
        rows.append((cast, run))
        print(
            f"{voters} voters ({cast} cast ballots): simulate "
            f"{'reused' if simulated is None else f'{simulated:.0f} s'}, tally {summed:.1f} s + decrypt "
            f"{decrypted:.1f} s; verify with {args.workers} worker(s): {run.wall:.0f} s wall "
            f"({1000 * run.wall / cast:.1f} ms/ballot), {run.cpu:.0f} s CPU ({1000 * run.cpu / cast:.1f} ms/ballot), "
            f"peak RSS {run.peak_kb / 1024:.0f} MB (load average now {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    if args.scaling:
        for voters, (cast, run) in zip((args.small, args.voters), rows, strict=True):
            one = verify(args.out / f"record-{voters}", 1)
            print(f"scaling: {cast} ballots verified with 1 worker in {one.wall:.0f} s wall ({one.cpu:.0f} s CPU) "
                  f"vs {run.wall:.0f} s wall with {args.workers}; peak RSS {one.peak_kb / 1024:.0f} MB "
                  f"(load average now {os.getloadavg()[0]:.1f})", flush=True)
    print(f"memory: verifier peak RSS {rows[0][1].peak_kb / 1024:.0f} MB at {rows[0][0]} ballots, "
          f"{rows[1][1].peak_kb / 1024:.0f} MB at {rows[1][0]} ballots")
    print("targets: tally and decrypt 100,000 ballots <= 60 s; verify 100,000 <= 600 s with 2 workers")


if __name__ == "__main__":
    main()
