# SPDX-License-Identifier: Apache-2.0
"""Benchmark: SMS 119 webhooks answered per second through gunicorn, on a populated register.

Target (issue 3, on this 2-core machine, load from loopback): ≥ 500 SMS webhooks/s answered.

    .venv/bin/python bench/sms_webhooks.py [--voters 4300000] [--workers 3] [--gthreads 8] [--duration 20]
                                           [--connections 32] [--threads 1] [--database NAME]

Steps: the database `bench_lookup_<voters>` is built as bench/lookup_api.py builds it, unless it holds a
voter list already (its messaging tables are emptied); a sample of listed PINs (plus 10 % PINs on no list)
is drawn; gunicorn serves the platform with Redis for the shared rate-limit counters (the real limits stay
on: each request has its own sender number); wrk (apt-get install wrk) drives `GET /sms/kannel` (the reply
in the body), `POST /sms/jasmin` (ACK, the reply queued in the outbox) and `POST /sms/inbound` (JSON, the
reply returned and queued) with bench/sms_webhooks.lua, every request a new gateway id, so each one is
looked up, counted and written. Then `shailoo worker` sends queued replies to a local stand-in for
Jasmin's /send, and pgbench runs the lookup's SQL; the webhook rate is reported as a share of it.
On a shared machine run it under `flock /tmp/shailoo-bench.lock` so that benchmarks do not overlap.
"""
import argparse
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import benchlib
from benchlib import OUT, psql

LUA = benchlib.ROOT / "bench" / "sms_webhooks.lua"
SECRET = "bench-secret"
REDIS_URL = "redis://127.0.0.1:6379/13"
MODES = ("kannel", "jasmin", "inbound")


def outbox_rate(name: str, env: dict[str, str], *, seconds: int) -> tuple[int, float]:
    """Run `shailoo worker` for `seconds` against a local HTTP server speaking Jasmin's /send: the queued
    replies it sends per second (the gateway side costs next to nothing here)."""

    class Jasmin(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm on, the body waits for the client's
        # delayed ACK (40 ms) and the stand-in, not the worker, sets the pace.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'Success "bench"'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    # Enough queued replies that the worker never runs dry during the measurement.
    psql(name, "INSERT INTO messaging_outboundsms (\"to\", text, status, attempts, gateway, gateway_message_id, "
               "last_error, delivery_report, created_at) SELECT '996700' || lpad(n::text, 6, '0'), "
               "'А***** Б., выборы 20.12.2026: голосуете на участке №1234, с. Айыл, ул. Мектеп, 1. Тел. 0312 66 02 40', "
               "'queued', 0, '', '', '', '', now() FROM generate_series(1, 20000) AS n")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Jasmin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    worker_env = dict(env, SHAILOO_SMS_SENDER="jasmin",
                      SHAILOO_SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_address[1]}")
    worker = subprocess.Popen([str(benchlib.BIN / "shailoo"), "worker", "--batch", "200", "--concurrency", "16",
                               "--skip-checks"], env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)  # start-up
    before = int(psql(name, "SELECT count(*) FROM messaging_outboundsms WHERE status = 'sent'"))
    time.sleep(seconds)
    after = int(psql(name, "SELECT count(*) FROM messaging_outboundsms WHERE status = 'sent'"))
    worker.terminate()
    worker.wait(timeout=30)
    server.shutdown()
    return after, (after - before) / seconds


def wrk(base: str, mode: str, pins: Path, run_id: str, *, duration: int, connections: int, threads: int,
        master_pid: int) -> dict:
    text, figures = benchlib.run_wrk(["-s", str(LUA), base, "--", mode, SECRET, str(pins), run_id],
                                     duration=duration, connections=connections, threads=threads,
                                     master_pid=master_pid)
    line = next(line for line in text.splitlines() if line.startswith("RESULT "))
    figures.update({key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)})
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=4_300_000)
    parser.add_argument("--precincts", type=int, default=2_500)
    parser.add_argument("--register", type=Path, help="an existing register CSV (its .precincts.csv beside it)")
    parser.add_argument("--database", help="the database to use (default bench_lookup_<voters>)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--gthreads", type=int, default=8,
                        help="threads per worker (gthread worker class, keep-alive); 0: sync workers")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    options = parser.parse_args()
    benchlib.require_wrk()
    OUT.mkdir(parents=True, exist_ok=True)

    name = options.database or f"bench_lookup_{options.voters}"
    env = benchlib.bench_env(name, REDIS_URL, SHAILOO_SMS_KANNEL_SECRET=SECRET, SHAILOO_SMS_JASMIN_SECRET=SECRET,
                             SHAILOO_SMS_INBOUND_SECRET=SECRET)
    benchlib.ensure_database(name, voters=options.voters, precincts=options.precincts, env=env,
                             register=options.register)
    voters = int(psql(name, "SELECT count(*) FROM register_voterlistentry WHERE status = 'listed'"))
    citizens = int(psql(name, "SELECT count(*) FROM register_citizen"))
    pins = OUT / f"sms-pins-{options.voters}.txt"
    listed, unknown = benchlib.sample_pins(name, 40_000, pins, seed=1)
    print(f"machine: {os.cpu_count()} cores; database {name}: {citizens:,} citizens, {voters:,} listed voters; "
          f"sample: {listed} listed + {unknown} unknown PINs", flush=True)
    psql(name, "TRUNCATE messaging_inboundsms, messaging_outboundsms")

    base = f"http://127.0.0.1:{options.port}"
    command = benchlib.gunicorn_command(port=options.port, workers=options.workers, threads=options.gthreads)
    results = {}
    with benchlib.gunicorn(command, env, log=OUT / "sms-gunicorn.log", probe=f"{base}/sms/kannel") as master:
        for mode in options.modes:
            benchlib.flush_redis(REDIS_URL)
            wrk(base, mode, pins, f"warm{mode}", duration=3, connections=options.connections, threads=options.threads,
                master_pid=master)
            benchlib.flush_redis(REDIS_URL)
            figures = results[mode] = wrk(base, mode, pins, f"run{mode}", duration=options.duration,
                                          connections=options.connections, threads=options.threads, master_pid=master)
            print(f"  {mode:<7} {figures['rps']:8.0f} webhooks/s   p50 {figures['p50_us'] / 1000:6.1f} ms   "
                  f"p99 {figures['p99_us'] / 1000:6.1f} ms   non-2xx {figures['non2xx']}   "
                  f"socket errors {figures['socket_errors']}   gunicorn CPU {figures['cpu_ms']:.2f} ms/webhook   "
                  f"load average before {figures['load_before']}, after {figures['load_after']}\n"
                  f"          during the run, {figures['cpu']}", flush=True)

    outcomes = psql(name, "SELECT gateway || ':' || outcome || '=' || count(*) FROM messaging_inboundsms "
                          "WHERE message_id LIKE 'run%' GROUP BY gateway, outcome ORDER BY 1")
    queued = psql(name, "SELECT count(*) FROM messaging_outboundsms")
    print(f"answers stored: {' '.join(outcomes.split())}; replies queued in the outbox: {queued}")
    sent, sent_rate = outbox_rate(name, env, seconds=min(options.duration, 10))
    print(f"  outbox: the worker sent {sent_rate:.0f} replies/s to a local Jasmin /send ({sent} sent in all)")
    sql_load = benchlib.load()
    tps = benchlib.pgbench_lookup(name, listed + unknown, duration=min(options.duration, 15),
                                  clients=options.connections)
    print(f"  raw SQL lookup (pgbench, {options.connections} clients, prepared): {tps:8.0f} queries/s   "
          f"load average before {sql_load}, after {benchlib.load()}")
    print("\nsummary (target ≥ 500 SMS webhooks/s answered)")
    for mode, figures in results.items():
        print(f"  {mode:<7} {figures['rps']:6.0f}/s  p99 {figures['p99_us'] / 1000:6.1f} ms  "
              f"= {figures['rps'] / tps:.1%} of the raw SQL lookup rate  ({'met' if figures['rps'] >= 500 else 'NOT met'}); "
              f"gunicorn CPU {figures['cpu_ms']:.2f} ms per webhook")
    print(f"gunicorn: {' '.join(command[1:])}")
    print(f"reproduce: .venv/bin/python bench/sms_webhooks.py --voters {options.voters} --workers {options.workers} "
          f"--gthreads {options.gthreads} --duration {options.duration} --connections {options.connections} "
          f"--threads {options.threads}" + (f" --database {options.database}" if options.database else ""))


if __name__ == "__main__":
    main()
