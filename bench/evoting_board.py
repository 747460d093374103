# SPDX-License-Identifier: Apache-2.0
"""The public board at scale (issue 10: search by tracking code p99 <= 50 ms, record download >= 20 MB/s with
flat memory, at 100,000 ballots).

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/evoting_board.py [--ballots 100000] [--reuse]
        [--candidates 4] [--marks 2] [--searches 2000]

Builds (once; --reuse keeps it) a board with `ballots` valid cast ballots of as many voters (10 % of them
revote, so 90 % of the voters cast one), every one encrypted and signed in worker processes (the protocol
binds the ballot id into every proof, so no body is reused), appended with shailoo.crypto.board as the
server does. Then, against gunicorn: the board page searched by random codes (full codes, the SMS's
8-letter short codes, codes that are not there), its latency percentiles, and the database search alone;
the record downloaded (MB/s) while the serving worker's resident memory is sampled.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import OUT, gunicorn, gunicorn_command, load  # noqa: E402
from evoting_lib import configure, make_board, seed_of  # noqa: E402

SLUG = "bench-board"
_state: dict = {}


def _init(manifest_json: dict, key_hex: str) -> None:
    from shailoo.crypto.group import Point
    from shailoo.crypto.manifest import manifest_from_json
    _state["manifest"], _state["key"] = manifest_from_json(manifest_json), Point.from_hex(key_hex)


def _cast(job: tuple[int, int]):
    from shailoo.crypto import ballot
    from shailoo.crypto.credential import credential_key
    index, variant = job
    manifest, key = _state["manifest"], _state["key"]
    contest = manifest.contests[0]
    options = contest.option_ids
    marks = frozenset(options[(variant + i) % len(options)] for i in range(variant % (contest.max_marks + 1)))
    encrypted, _ = ballot.encrypt_ballot(manifest, key, {contest.contest_id: marks})
    return ballot.cast_ballot(manifest, encrypted, credential_key(seed_of(index)))


def build(ballots: int, candidates: int, marks: int) -> None:
    from django.db import transaction

    import evoting_lib
    from shailoo.crypto import board as chain
    from shailoo.crypto import record
    from shailoo.elections.models import Election
    from shailoo.evoting import keys, services
    from shailoo.evoting.models import Board, Entry
    evoting_lib.CANDIDATES, evoting_lib.MAX_MARKS = candidates, marks
    old = Election.objects.filter(slug=SLUG).first()
    if old is not None:
        raise SystemExit(f"{SLUG} exists: run with --reuse, or drop the database {os.environ['DATABASE_URL']}")
    voters = max(1, ballots * 10 // 11)
    started = time.monotonic()
    board, _, _ = make_board(SLUG, voters=voters, sessions=False, hours=24)
    manifest = services.board_manifest(board)
    jobs = [(i % voters, i) for i in range(ballots)]
    state, board_key = services.chain_state(board), keys.board_key()
    now = services.now_ms()
    with multiprocessing.get_context("fork").Pool(2, _init, (board.manifest, board.joint_public_key)) as pool:
        batch: list = []
        counted = 0
        for cast in pool.imap(_cast, jobs, chunksize=100):
            appended = chain.append_ballot(manifest, state, cast, max(now, state.time), board_key)
            state = appended.state
            batch.append(Entry(board=board, position=state.position, kind="ballot", time=state.time,
                               tracking=cast.tracking.hex(), ballot_id=cast.ballot.ballot_id,
                               credential=cast.credential.hex(), line=record.dumps_line(appended.entry).rstrip("\n"),
                               head=state.head.hex(), receipt=appended.receipt))
            if len(batch) == 2000:
                counted += len(batch)
                Entry.objects.bulk_create(batch)
                batch.clear()
                print(f"  {counted} ballots appended ({time.monotonic() - started:.0f} s)", flush=True)
        Entry.objects.bulk_create(batch)
    with transaction.atomic():
        Board.objects.filter(pk=board.pk).update(position=state.position, head=state.head.hex(), last_time=state.time,
                                                 ballots=state.position)
    print(f"built: {ballots} ballots of {voters} voters in {time.monotonic() - started:.0f} s", flush=True)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="shailoo_bench_evoting_board")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--marks", type=int, default=2)
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--port", type=int, default=8472)
    args = parser.parse_args()
    env = configure(args.database, args.redis)
    from django.test.utils import CaptureQueriesContext  # noqa: F401 - Django is set up here

    from shailoo.evoting import selectors
    from shailoo.evoting.models import Board, Entry
    if not (args.reuse and Board.objects.filter(election__slug=SLUG).exists()):
        build(args.ballots, args.candidates, args.marks)
    board = Board.objects.select_related("election", "constituency").get(election__slug=SLUG)
    rng = random.Random(1)
    total = Entry.objects.filter(board=board).count()
    picks = [rng.randint(1, total) for _ in range(args.searches)]
    codes = [r["code"] for r in Entry.objects.filter(board=board, position__in=picks).values_list("receipt", flat=True)]
    codes = [c if i % 2 else c[:9] for i, c in enumerate(codes)]
    codes += ["ZZZZ-ZZZZ-" + "".join(rng.choice("0123456789ABCDEFGH") for _ in range(4)) for _ in range(len(codes) // 10)]
    rng.shuffle(codes)

    # The database search alone (the page's query), in this process.
    timings = []
    for code in codes:
        begun = time.perf_counter()
        selectors.search(board, selectors.code_letters(code))
        timings.append(time.perf_counter() - begun)
    timings.sort()
    q = lambda values, p: values[min(len(values) - 1, int(p * len(values)))] * 1000  # noqa: E731
    print(f"board of {total} entries; database search: p50 {q(timings, .5):.1f} ms  p99 {q(timings, .99):.1f} ms "
          f"({len(codes)} codes: full, 8-letter short, not there)", flush=True)

    command = gunicorn_command(port=args.port, workers=2, threads=2)
    base = f"http://127.0.0.1:{args.port}/board/{SLUG}/1/"
    with gunicorn(command, env, log=OUT / "evoting-board-gunicorn.log", probe=base) as master:
        load_before = load()
        latencies = []
        for code in codes:
            begun = time.perf_counter()
            with urllib.request.urlopen(f"{base}?code={code}", timeout=30) as response:  # noqa: S310 - loopback
                response.read()
            latencies.append(time.perf_counter() - begun)
        latencies.sort()
        print(f"board page with search over HTTP: p50 {q(latencies, .5):.1f} ms  p90 {q(latencies, .9):.1f} ms  "
              f"p99 {q(latencies, .99):.1f} ms; load {load_before} -> {load()}", flush=True)

        workers = children(master)
        peak = {pid: rss_kb(pid) for pid in workers}
        before = dict(peak)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid in workers:
                    peak[pid] = max(peak[pid], rss_kb(pid))
                time.sleep(0.1)
        sampler = threading.Thread(target=sample)
        sampler.start()
        load_before, begun, size = load(), time.perf_counter(), 0
        with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/evoting/api/{SLUG}/1/record.zip", timeout=600) as r:  # noqa: S310
            while chunk := r.read(1 << 20):
                size += len(chunk)
        seconds = time.perf_counter() - begun
        done.set()
        sampler.join()
        grown = max(peak[pid] - before[pid] for pid in workers) / 1024
        print(f"record.zip: {size / 1e6:.0f} MB in {seconds:.1f} s = {size / 1e6 / seconds:.1f} MB/s; serving worker's "
              f"resident memory grew by at most {grown:.0f} MB (from {max(before.values()) / 1024:.0f} MB); "
              f"load {load_before} -> {load()} on {os.cpu_count()} cores", flush=True)
    (OUT / "evoting-board.json").write_text(json.dumps({"entries": total, "search_p99_ms": q(latencies, .99),
                                                        "mb_per_s": size / 1e6 / seconds, "rss_growth_mb": grown}))


if __name__ == "__main__":
    main()
