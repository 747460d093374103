# SPDX-License-Identifier: Apache-2.0
"""Casting over HTTP on PostgreSQL (issue 10: >= 200 ballots/s sustained, p99 <= 250 ms), with the share of
pure verification time in the same run.

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/evoting_cast.py [--voters 3000] [--ballots 6000]
        [--connections 8] [--workers 2] [--threads 1] [--database shailoo_bench_evoting] [--port 8471]

Sets up a board "up to 3 of 10" with `voters` enrolled e-voters (Tunduk sessions in the database), encrypts
and signs `ballots` cast ballots in worker processes beforehand (every voter casts, some revote), starts
gunicorn (gthread) and posts them from `connections` keep-alive connections, each request as the booth sends
it (its voter's session cookie, the CSRF cookie and X-CSRFToken header, the cast JSON), serialised before
the clock starts. Reports ballots/s, latency percentiles, the CPU per ballot of the gunicorn workers, of
the PostgreSQL backends of `database` and of this load generator, and from each answer's Server-Timing
header the CPU time of the request's thread spent verifying (proofs, signature) against the whole view and
the workers' CPU. Every answer must be 200 with a receipt; the board's count is checked at the end.

2026-11-30, two cores 100 % busy with other work (load average 14-17), `--voters 300 --ballots 600`
(docs/evoting.md "Performance" has the table): main at 87ba05c 22.0 ms of worker CPU + 4.8 ms PostgreSQL
per ballot; after the lean cast 10.7 ms (3.8 ms of it verifying) + 3.4 ms PostgreSQL + 0.2 ms for this
script, 2 x 4: 14.3 ms per ballot, so two idle cores top out near 140 ballots/s (200/s needs 10 ms). Second
pass (prepared statements on the cast path, sessions from Redis; `--voters 600 --ballots 1200`, load 12-15):
15.3 and 16.4 -> 12.0 and 12.5 ms per ballot. The run also says how many casts found the board's row locked
and went through the group commit's pending path.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (  # noqa: E402
    OUT,
    cpu_since,
    database_cpu_seconds,
    gunicorn,
    gunicorn_command,
    load,
    machine_busy_seconds,
    psql,
    workers_cpu_seconds,
)
from evoting_lib import configure, generate_casts, make_board  # noqa: E402

CSRF = "benchcsrftoken0123456789abcdefgh"


def read_response(reader) -> tuple[int, dict[str, str], bytes]:  # noqa: ANN001 - a socket file
    """One HTTP/1.1 response with a Content-Length (what gunicorn answers): status, headers, body."""
    status = int(reader.readline().split(b" ", 2)[1])
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, reader.read(int(headers.get("content-length", 0)))


def pended(database: str) -> int:
    """Rows ever inserted into the pending table of `database` (PostgreSQL's statistics)."""
    return int(psql(database, "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables "
                              "WHERE relname = 'evoting_pending'") or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="shailoo_bench_evoting")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--ballots", type=int, default=6000)
    parser.add_argument("--connections", type=int, default=8)
    # A casting server's layout (docs/evoting.md "Performance"): casting is CPU-bound, so one thread per
    # worker and a worker per core. On the quiet 2-core machine 2 x 1 cast 212-236 ballots/s where
    # runplatform's 2 x 4 cast 141: threads share their worker's GIL and hold the board's lock longer.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8471)
    args = parser.parse_args()
    env = configure(args.database, args.redis)
    from django.conf import settings

    from shailoo.evoting.models import Board
    slug = f"bench-cast-{int(time.time())}"
    started = time.monotonic()
    board, _, sessions = make_board(slug, voters=args.voters, sessions=True)
    jobs = [(i % args.voters, i) for i in range(args.ballots)]
    bodies = generate_casts(board, jobs, workers=2)
    print(f"set-up: {args.voters} voters, {len(bodies)} ballots encrypted and signed in "
          f"{time.monotonic() - started:.0f} s", flush=True)

    path = f"/evoting/api/{slug}/1/cast"
    OUT.mkdir(parents=True, exist_ok=True)
    # Each request as the booth sends it (its voter's session cookie, the CSRF cookie and header, the JSON
    # body), serialised before the clock starts, so that the load generator's own CPU stays small.
    requests = [(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\nX-CSRFToken: {CSRF}\r\nCookie: {settings.SESSION_COOKIE_NAME}="
                 f"{sessions[jobs[index][0]]}; {settings.CSRF_COOKIE_NAME}={CSRF}\r\n\r\n").encode() + body
                for index, body in enumerate(bodies)]
    latencies: list[float] = []
    verify_ms: list[float] = []
    cast_ms: list[float] = []
    verify_cpu_ms: list[float] = []
    cast_cpu_ms: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    order = iter(range(len(requests)))

    def client() -> None:
        connection = socket.create_connection(("127.0.0.1", args.port), timeout=30)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = connection.makefile("rb")
        while True:
            with lock:
                index = next(order, None)
            if index is None:
                break
            begun = time.perf_counter()
            connection.sendall(requests[index])
            status, headers, body = read_response(reader)
            took = time.perf_counter() - begun
            timing = dict(part.strip().split(";dur=") for part in headers.get("server-timing", "").split(",")
                          if ";dur=" in part)
            with lock:
                if status != 200 or "receipt" not in json.loads(body):
                    failures.append(f"{status} {body[:200]!r}")
                latencies.append(took)
                if timing:
                    verify_ms.append(float(timing["verify"]))
                    cast_ms.append(float(timing["cast"]))
                    verify_cpu_ms.append(float(timing.get("verify-cpu", "nan")))
                    cast_cpu_ms.append(float(timing.get("cast-cpu", "nan")))
        connection.close()

    command = gunicorn_command(port=args.port, workers=args.workers, threads=args.threads)
    with gunicorn(command, env, log=OUT / "evoting-cast-gunicorn.log",
                  probe=f"http://127.0.0.1:{args.port}/evoting/api/{slug}/1/booth") as master:
        pended_before = pended(args.database)
        load_before, cpu_before = load(), workers_cpu_seconds(master)
        postgres_before, machine_before = database_cpu_seconds(args.database), machine_busy_seconds()
        client_before, begun = time.process_time(), time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - begun
        client_cpu = time.process_time() - client_before
        cpu = workers_cpu_seconds(master) - cpu_before
        postgres = cpu_since(postgres_before, database_cpu_seconds(args.database))
        machine = machine_busy_seconds() - machine_before
        load_after = load()
    time.sleep(0.6)  # PostgreSQL's table statistics are reported at most twice a second
    pended_count = pended(args.database) - pended_before
    board = Board.objects.get(pk=board.pk)
    ordered = sorted(latencies)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    print(f"ballots cast over HTTP: {len(latencies)} in {seconds:.1f} s = {len(latencies) / seconds:.0f} ballots/s "
          f"({args.connections} connections, gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL)")
    print(f"latency ms: p50 {p(0.50):.0f}  p90 {p(0.90):.0f}  p99 {p(0.99):.0f}  max {ordered[-1] * 1000:.0f}")
    print(f"server, wall: verification {statistics.fmean(verify_ms):.1f} ms of {statistics.fmean(cast_ms):.1f} ms "
          f"per cast in the view ({sum(verify_ms) / sum(cast_ms):.0%})")
    print(f"server, CPU of the request's thread: verification {statistics.fmean(verify_cpu_ms):.2f} ms of "
          f"{statistics.fmean(cast_cpu_ms):.2f} ms in the view; the workers' CPU {cpu * 1000 / len(latencies):.1f} ms "
          f"per ballot, {sum(verify_cpu_ms) / 1000 / max(cpu, 1e-9):.0%} of it verifying (proofs, signature)")
    per = 1000 / len(latencies)
    print(f"CPU per ballot: gunicorn workers {cpu * per:.1f} ms, PostgreSQL backends {postgres * per:.1f} ms, this "
          f"load generator {client_cpu * per:.1f} ms; sum {(cpu + postgres + client_cpu) * per:.1f} ms = "
          f"{(cpu + postgres + client_cpu) / seconds:.2f} of {os.cpu_count()} cores (all processes on the machine: "
          f"{machine / seconds:.2f} cores busy)")
    print(f"group commit: {pended_count} casts ({pended_count / len(latencies):.0%}) found the board's row locked "
          "and waited as pending")
    print(f"board: {board.ballots} ballots at position {board.position}; failures: {len(failures)} "
          f"{failures[:3]}; load average {load_before} -> {load_after} on {os.cpu_count()} cores")
    if failures or board.ballots != len(bodies):
        raise SystemExit("not every ballot was accepted")


if __name__ == "__main__":
    main()
