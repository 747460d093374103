# SPDX-License-Identifier: Apache-2.0
"""The public board at scale (issue 10: search by tracking code p99 <= 50 ms, record download >= 20 MB/s with
flat memory, at 100,000 ballots).

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/evoting_board.py [--ballots 100000] [--reuse]
        [--candidates 4] [--marks 2] [--searches 2000] [--downloads 2] [--closed] [--database NAME]

Builds (once; --reuse keeps it) a board with `ballots` valid cast ballots of as many voters (10 % of them
revote, so 90 % of the voters cast one), every one encrypted and signed in worker processes (the protocol
binds the ballot id into every proof, so no body is reused), appended with shailoo.crypto.board as the
server does. Then, against gunicorn: the board page searched by random codes (full codes, the SMS's
8-letter short codes, codes that are not there), its latency percentiles, and the database search alone
with its queries per search; the record downloaded `downloads` times (MB/s) while the serving workers'
resident memory is sampled: the first download is cold (the kept pieces, bench/out/records-<database>, are
emptied at each run), the next ones read the pieces the server kept. With --closed, a copy of the database
(<database>_closed, replaced at each run) has its board closed and its record downloaded: the first
download writes the file, the next ones are served from it.

Measured 2026-11-30 on the 100,000-ballot board shailoo_bench_board (built in 742 s), with
`--reuse --searches 200 --downloads 3 --closed`, the machine shared (load 13 to 19 on 2 cores):
search p50 39.9 ms, p95 107 ms, p99 163 ms over HTTP (one query: p50 6.8 ms, p99 112 ms in this process);
record.zip 149 MB cold 4.5 MB/s, warm 82-111 MB/s (worker +7 MB), closed from the file 625-1,058 MB/s;
before this change (main at 87ba05c, load 12): p50 45.9 ms, p99 149 ms; 5.3 MB/s. docs/evoting.md "Performance".
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import BIN, OUT, gunicorn, gunicorn_command, load, psql  # noqa: E402
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


def download(url: str, workers: list[int]) -> tuple[int, float, float, float, bool]:
    """GET url to the end while the workers' resident memory is sampled every 0.1 s: (bytes, seconds, the
    largest growth of a worker in MB, that worker's memory before in MB, whether a Content-Length came)."""
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
    begun, size = time.perf_counter(), 0
    with urllib.request.urlopen(url, timeout=600) as response:  # noqa: S310 - loopback
        length = response.headers.get("Content-Length") is not None
        while chunk := response.read(1 << 20):
            size += len(chunk)
    seconds = time.perf_counter() - begun
    done.set()
    sampler.join()
    grown = max(peak[pid] - before[pid] for pid in workers)
    worker = max(workers, key=lambda pid: peak[pid] - before[pid])
    return size, seconds, grown / 1024, before[worker] / 1024, length


def downloads(label: str, url: str, master: int, repeat: int) -> list[dict[str, float]]:
    figures = []
    for attempt in range(repeat):
        load_before = load()
        size, seconds, grown, base, length = download(url, children(master))
        what = "cold: deflates the whole pieces and keeps them" if attempt == 0 else "warm: the kept pieces"
        if label == "closed":
            what = "first: streamed while written to the file" if attempt == 0 else "from the file"
        print(f"record.zip, {label} board, {what}: {size / 1e6:.0f} MB in {seconds:.2f} s = {size / 1e6 / seconds:.1f} "
              f"MB/s{' (Content-Length sent)' if length else ''}; serving worker's resident memory grew by at most "
              f"{grown:.0f} MB (from {base:.0f} MB); load {load_before} -> {load()} on {os.cpu_count()} cores", flush=True)
        figures.append({"mb": size / 1e6, "seconds": seconds, "mb_per_s": size / 1e6 / seconds, "rss_growth_mb": grown})
    return figures


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    q = lambda p: values[min(len(values) - 1, int(p * len(values)))] * 1000  # noqa: E731
    return f"p50 {q(.5):.1f} ms  p95 {q(.95):.1f} ms  p99 {q(.99):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="shailoo_bench_evoting_board")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--marks", type=int, default=2)
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--downloads", type=int, default=2, help="record downloads of each board (the first is cold)")
    parser.add_argument("--closed", action="store_true",
                        help="also close a copy of the board (database <database>_closed) and download its record")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--port", type=int, default=8472)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    records = OUT / f"records-{args.database}"  # the kept pieces and closed records: cold at every run
    shutil.rmtree(records, ignore_errors=True)
    os.environ["SHAILOO_EVOTING_RECORD_DIR"] = str(records)
    env = configure(args.database, args.redis)
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

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

    # The database search alone (the page's queries), in this process.
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for code in codes:
            begun = time.perf_counter()
            selectors.search(board, selectors.code_letters(code))
            timings.append(time.perf_counter() - begun)
    print(f"board of {total} entries; database search: {percentiles(timings)}, {len(queries) / len(codes):.2f} "
          f"queries a search ({len(codes)} codes: full, 8-letter short, not there); load {load()}", flush=True)

    command = gunicorn_command(port=args.port, workers=2, threads=2)
    base = f"http://127.0.0.1:{args.port}/board/{SLUG}/1/"
    record = f"http://127.0.0.1:{args.port}/evoting/api/{SLUG}/1/record.zip"
    results: dict[str, object] = {"entries": total}
    with gunicorn(command, env, log=OUT / "evoting-board-gunicorn.log", probe=base) as master:
        load_before = load()
        latencies = []
        for code in codes:
            begun = time.perf_counter()
            with urllib.request.urlopen(f"{base}?code={code}", timeout=30) as response:  # noqa: S310 - loopback
                response.read()
            latencies.append(time.perf_counter() - begun)
        print(f"board page with search over HTTP: {percentiles(latencies)}; load {load_before} -> {load()}", flush=True)
        results["search_http"] = percentiles(latencies)
        results["open"] = downloads("open", record, master, args.downloads)
    if args.closed:
        clone = f"{args.database}_closed"
        connections.close_all()
        psql("postgres", f"DROP DATABASE IF EXISTS {clone}")
        psql("postgres", f"CREATE DATABASE {clone} TEMPLATE {args.database}")
        closed_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{clone}"}
        subprocess.run([str(BIN / "shailoo"), "shell", "-c",
                        "from shailoo.evoting import closing, selectors, services; "
                        f"b = selectors.board_by_id('{SLUG}', 1); "
                        "closing.close_board(b, at=services.board_manifest(b).closes)"], env=closed_env, check=True)
        with gunicorn(command, closed_env, log=OUT / "evoting-board-gunicorn.log", probe=base) as master:
            results["closed"] = downloads("closed", record, master, args.downloads)
    (OUT / "evoting-board.json").write_text(json.dumps(results))


if __name__ == "__main__":
    main()
