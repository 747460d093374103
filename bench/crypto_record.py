# SPDX-License-Identifier: Apache-2.0
"""Record-scale figures (protocol v2): simulate an election, verify it with W workers and measure the
verifier's peak memory (resident set of the verifier and its workers) at two record sizes; on the smaller
one, the key holders' guarded decryption (verify the closed board, decrypt the verifier's own sums, check
and combine 3 of 5 shares).

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

from shailoo.crypto import decryption, jcs, record  # noqa: E402
from shailoo.crypto.group import Scalar  # noqa: E402
from shailoo.crypto.signature import SigningKey  # noqa: E402
from shailoo.crypto.verify import verify_record  # noqa: E402

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


def holders_decrypt(path: Path, workers: int) -> tuple[float, float]:
    """Seconds for the holders' check of the closed board (verify_record before decryption), and for 3 of 5
    holders' guarded partial decryptions with the server's check of each and the combination."""
    secrets = json.loads(path.with_suffix(".keys.json").read_text())
    started = time.perf_counter()
    code, report, verified = verify_record(path, workers, before_decryption=True)
    checked = time.perf_counter() - started
    if verified is None:
        raise SystemExit(f"the record does not verify:\n{report.render()}")
    started = time.perf_counter()
    shares = []
    for j in (1, 3, 5):
        key = SigningKey.from_secret(Scalar.from_hex(secrets["holders"][str(j)]))
        message = decryption.decrypt_share(verified, j, Scalar.from_hex(secrets["secret_shares"][str(j)]), key)
        shares.append(decryption.check_share(verified, message))
    _, _, results = decryption.combine_shares(verified, shares)
    decrypted = time.perf_counter() - started
    published = record.RecordReader(path).read_json(record.RESULTS)
    assert jcs.canonical(results) == jcs.canonical(published), "re-decrypted results differ from the record's"
    return checked, decrypted


def verify(path: Path, workers: int) -> Measured:
    run = run_measured([sys.executable, "-m", "shailoo.crypto.verify", str(path), "--workers", str(workers)])
    if run.code != 0:
        raise SystemExit(f"verification of {path} failed:\n{run.output}")
    return run


def ballots_in(path: Path) -> int:
    return int(record.RecordReader(path).header(record.BOARD)["count"])


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
        if voters == args.small:
            checked, decrypted = holders_decrypt(path, args.workers)
            print(f"{voters} voters: the holders' check of the closed board {checked:.1f} s, then 3 of 5 guarded "
                  f"partial decryptions checked and combined in {decrypted:.2f} s", flush=True)
        run = verify(path, args.workers)
        cast = ballots_in(path)
        rows.append((cast, run))
        print(
            f"{voters} voters ({cast} board entries): simulate "
            f"{'reused' if simulated is None else f'{simulated:.0f} s'}; verify with {args.workers} worker(s): "
            f"{run.wall:.0f} s wall "
            f"({1000 * run.wall / cast:.1f} ms/entry), {run.cpu:.0f} s CPU ({1000 * run.cpu / cast:.1f} ms/entry), "
            f"peak RSS {run.peak_kb / 1024:.0f} MB (load average now {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    if args.scaling:
        for voters, (cast, run) in zip((args.small, args.voters), rows, strict=True):
            one = verify(args.out / f"record-{voters}", 1)
            print(f"scaling: {cast} entries verified with 1 worker in {one.wall:.0f} s wall ({one.cpu:.0f} s CPU) "
                  f"vs {run.wall:.0f} s wall with {args.workers}; peak RSS {one.peak_kb / 1024:.0f} MB "
                  f"(load average now {os.getloadavg()[0]:.1f})", flush=True)
    print(f"memory: verifier peak RSS {rows[0][1].peak_kb / 1024:.0f} MB at {rows[0][0]} entries, "
          f"{rows[1][1].peak_kb / 1024:.0f} MB at {rows[1][0]} entries")
    print("targets: verify the 100,000-voter record <= 300 s with 2 workers, memory flat")


if __name__ == "__main__":
    main()
