# SPDX-License-Identifier: Apache-2.0
"""Benchmark: public-check API lookups per second through gunicorn, on a populated register.

Target (issue 3, on this 2-core machine, load from loopback): ≥ 1,000 `POST /api/v1/lookup` per second
with p99 ≤ 50 ms on a 4.3 M-voter register in PostgreSQL; and the same lookup as raw SQL with pgbench in
the same run, our throughput reported as a share of it.

    .venv/bin/python bench/lookup_api.py [--voters 4300000] [--workers 3] [--gthreads 0] [--duration 20]
                                         [--connections 16] [--threads 1] [--database NAME] [--replica]

With --replica (docs/operations.md, "Public reads from replicas"): the database is built on a throw-away
primary with a streaming replica of it (scripts/pg-replica, on --replica-ports), and wrk runs twice, without
and with SHAILOO_REPLICA_URLS; each run reports the CPU each cluster used (its postmaster and all its
processes, from /proc) per 1,000 lookups: with the replica, the primary's share for lookups drops to near zero.

Steps:
1. The PostgreSQL database `bench_lookup_<voters>` gets the synthetic register (synth_register →
   import_precincts → import_register → one election per municipality → compile_list), unless it holds a
   voter list already (bench/sms_webhooks.py uses the same database).
2. A sample of listed PINs plus 10 % PINs on no list is drawn into bench/out/lookup-pins.txt and into the
   table bench_lookup_pins (for pgbench).
3. gunicorn serves the platform (--preload; sync workers, or gthread with keep-alive with --gthreads N;
   persistent database connections; a 5-second warm-up so every worker has connected and prepared) with
   Redis for the rate-limit counters: the limits stay on, raised above the offered load, so each request
   still pays its counter round trip (per IP and per PIN in one script call). Every request carries a
   solved proof-of-work challenge of its own (made beforehand, --challenges), so each pays for checking
   it and marking it spent too (issue 13).
4. wrk (apt-get install wrk; one thread by default, so that it leaves the cores to the server) POSTs
   random PINs with bench/lookup_api.lua; we report requests/s, p50/p90/p99 latency, the HTTP statuses,
   gunicorn's worker CPU per request and the load average before and after.
5. pgbench runs the lookup's SQL (the statement lookup_voter sends, by PIN drawn from bench_lookup_pins)
   with as many clients as wrk has connections; the API rate is reported as a share of the raw SQL rate.
On a shared machine run it under `flock /tmp/shailoo-bench.lock` so that benchmarks do not overlap.
"""
import argparse
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import benchlib
from benchlib import OUT, psql

LUA = benchlib.ROOT / "bench" / "lookup_api.lua"
REDIS_URL = "redis://127.0.0.1:6379/12"


def api_answer(base: str, pin: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + "/api/v1/lookup", data=json.dumps({"pin": pin}).encode(),  # noqa: S310
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def solved_challenges(env: dict[str, str], count: int, path: Path) -> None:
    """`count` proof-of-work payloads, each a challenge of this server solved, one per line (issue 13).

    Made in a shailoo process with the benchmark's settings (its secret key signs them) and a counter range
    of 10, so that making them is quick: the server's part, checking one and marking it spent, does not
    depend on the range (one HMAC, one Redis SET NX)."""
    code = ("import sys, django; django.setup(); from shailoo.lookup import challenge; "
            "out = open(sys.argv[2], 'w'); "
            "[out.write(challenge.solve(challenge.new_challenge()) + '\\n') for _ in range(int(sys.argv[1]))]")
    started = time.monotonic()
    subprocess.run([str(benchlib.ROOT / ".venv" / "bin" / "python"), "-c", code, str(count), str(path)],
                   env={**env, "DJANGO_SETTINGS_MODULE": "shailoo.settings", "SHAILOO_CHALLENGE_MAX_NUMBER": "10"},
                   check=True, cwd=benchlib.ROOT)
    print(f"{count:,} solved challenges in {time.monotonic() - started:.0f} s: every lookup carries one", flush=True)


def wrk(base: str, pins: Path, *, duration: int, connections: int, threads: int, master_pid: int,
        challenges: Path | None = None, skip: int = 0) -> dict:
    """wrk with bench/lookup_api.lua; with `challenges`, each request carries the next unused payload from line
    `skip` on (each payload pays for one lookup)."""
    extra = [str(challenges), str(skip), str(threads)] if challenges else []
    text, figures = benchlib.run_wrk(["-s", str(LUA), base, "--", str(pins), *extra], duration=duration,
                                     connections=connections, threads=threads, master_pid=master_pid)
    figures.update({
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": float(re.search(r"p50_ms ([\d.]+)", text).group(1)),
        "p90": float(re.search(r"p90_ms ([\d.]+)", text).group(1)),
        "p99": float(re.search(r"p99_ms ([\d.]+)", text).group(1)),
        "statuses": re.search(r"statuses ?(.*)", text).group(1).strip(),
        "errors": re.search(r"Socket errors: .*", text).group(0) if "Socket errors" in text else "",
    })
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=4_300_000)
    parser.add_argument("--precincts", type=int, default=2_500)
    parser.add_argument("--database", help="the database to use (default bench_lookup_<voters>)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if it exists")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--gthreads", type=int, default=0,
                        help="threads per worker (gthread worker class, keep-alive); 0: sync workers")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each measured run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--sample", type=int, default=20_000, help="listed PINs in the sample")
    parser.add_argument("--challenges", type=int, default=100_000,
                        help="solved proof-of-work challenges made beforehand, one per request")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--register", type=Path, help="an existing synthetic register CSV (its .precincts.csv beside it)")
    parser.add_argument("--build-only", action="store_true", help="build the database, measure nothing")
    parser.add_argument("--replica", action="store_true",
                        help="on a throw-away primary + streaming replica: without and with the replica")
    parser.add_argument("--replica-ports", default="8741,8742", help="the throw-away primary's and replica's ports")
    parser.add_argument("--keep-clusters", action="store_true", help="with --replica: leave the clusters running")
    options = parser.parse_args()
    benchlib.require_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    if options.replica:
        replica_benchmark(options)
        return

    name = options.database or f"bench_lookup_{options.voters}"
    env = benchlib.bench_env(name, REDIS_URL, SHAILOO_RATE_LIMIT_IP="1000000000/60",
                             SHAILOO_RATE_LIMIT_IP_DAY="1000000000/60", SHAILOO_RATE_LIMIT_PIN="1000000/60")
    benchlib.ensure_database(name, voters=options.voters, precincts=options.precincts, env=env,
                             register=options.register, rebuild=options.rebuild)
    if options.build_only:
        return
    voters = int(psql(name, "SELECT count(*) FROM register_voterlistentry WHERE status = 'listed'"))
    pins = OUT / "lookup-pins.txt"
    listed, unknown = benchlib.sample_pins(name, options.sample, pins, seed=3)
    print(f"database {name}: {voters:,} listed voters; sample {listed:,} listed + {unknown:,} unknown PINs; "
          f"machine: {os.cpu_count()} cores", flush=True)

    challenges = OUT / "lookup-challenges.txt"
    solved_challenges(env, options.challenges, challenges)
    benchlib.flush_redis(REDIS_URL)
    base = f"http://127.0.0.1:{options.port}"
    command = benchlib.gunicorn_command(port=options.port, workers=options.workers, threads=options.gthreads)
    with benchlib.gunicorn(command, env, log=OUT / "lookup-gunicorn.log", probe=base + "/healthz") as master:
        status, body = api_answer(base, pins.read_text().split()[0])
        print(f"sanity: POST /api/v1/lookup → {status} {body.get('outcome') or body.get('error')}", flush=True)
        if status != 200:
            raise SystemExit(f"the API does not answer 200: {body}")
        # Warm-up: every worker connects, prepares the statement and loads its translations.
        warm = wrk(base, pins, duration=5, connections=options.connections, threads=options.threads,
                   master_pid=master, challenges=challenges)
        used = int(warm["rps"] * 5 * 1.2) + 1000
        api = wrk(base, pins, duration=options.duration, connections=options.connections, threads=options.threads,
                  master_pid=master, challenges=challenges, skip=used)
    sql_load_before = benchlib.load()
    count = listed + unknown
    sql_simple = benchlib.pgbench_lookup(name, count, duration=options.duration, clients=options.connections,
                                         mode="simple")
    sql_prepared = benchlib.pgbench_lookup(name, count, duration=options.duration, clients=options.connections)

    print(f"\nAPI  POST /api/v1/lookup  {api['rps']:8.0f} req/s   p50 {api['p50']:.1f} ms   p90 {api['p90']:.1f} ms   "
          f"p99 {api['p99']:.1f} ms   statuses {api['statuses']} {api['errors']}")
    print(f"     gunicorn worker CPU {api['cpu_ms']:.2f} ms per request; load average before {api['load_before']}, "
          f"after {api['load_after']}")
    print(f"     during the run, {api['cpu']}")
    print(f"SQL  pgbench (simple)     {sql_simple:8.0f} q/s   (load average before {sql_load_before})")
    print(f"SQL  pgbench (prepared)   {sql_prepared:8.0f} q/s   (load average after {benchlib.load()})")
    print(f"share of the raw SQL rate kept by the web layer: {api['rps'] / sql_prepared:.0%} of the prepared "
          f"statement (as lookup_voter sends it), {api['rps'] / sql_simple:.0%} of the simple protocol")
    verdict = "met" if api["rps"] >= 1000 and api["p99"] <= 50 else "NOT met"
    print(f"target ≥ 1,000 req/s with p99 ≤ 50 ms: {verdict}")
    print(f"gunicorn: {' '.join(command[1:])}")
    print(f"reproduce: .venv/bin/python bench/lookup_api.py --voters {options.voters} --workers {options.workers} "
          f"--gthreads {options.gthreads} --duration {options.duration} --connections {options.connections} "
          f"--threads {options.threads}" + (f" --database {options.database}" if options.database else ""))


CLUSTERS = Path("/tmp/shailoo-bench-replica")


def _clusters_up(primary: str, replica: str) -> None:
    if (CLUSTERS / "replica" / "postmaster.pid").exists():
        return  # left running by an earlier --keep-clusters run, with its database
    subprocess.run([str(benchlib.ROOT / "scripts" / "pg-replica"), "stop", str(CLUSTERS)], check=False)
    CLUSTERS.parent.mkdir(exist_ok=True)
    subprocess.run([str(benchlib.ROOT / "scripts" / "pg-replica"), "start", str(CLUSTERS), primary, replica], check=True)


def _caught_up(name: str, replica: str) -> None:
    target = psql(name, "SELECT pg_current_wal_insert_lsn()")
    for _ in range(600):
        done = subprocess.run([*benchlib.PG, "-p", replica, "-d", name, "-Atqc",
                               f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"],
                              capture_output=True, text=True).stdout.strip()
        if done == "t":
            return
        time.sleep(0.5)
    raise SystemExit("the replica did not catch up")


def replica_benchmark(options) -> None:
    primary, replica = options.replica_ports.split(",")
    os.environ["PGPORT"] = primary  # psql, pgbench and bench_env's DATABASE_URL: the throw-away primary
    _clusters_up(primary, replica)
    name = options.database or f"bench_lookup_{options.voters}"
    # No challenges here: the lookups an address makes without one are raised above the offered load.
    env = benchlib.bench_env(name, REDIS_URL, SHAILOO_RATE_LIMIT_IP="1000000000/60",
                             SHAILOO_RATE_LIMIT_IP_DAY="1000000000/60", SHAILOO_RATE_LIMIT_IP_FREE="1000000000/60",
                             SHAILOO_RATE_LIMIT_PIN="1000000/60")
    try:
        benchlib.ensure_database(name, voters=options.voters, precincts=options.precincts, env=env,
                                 register=options.register, rebuild=options.rebuild)
        pins = OUT / "lookup-pins.txt"
        listed, unknown = benchlib.sample_pins(name, options.sample, pins, seed=3)
        _caught_up(name, replica)
        print(f"database {name} on a throw-away primary (port {primary}) streaming to a replica (port {replica}); "
              f"sample {listed:,} listed + {unknown:,} unknown PINs", flush=True)
        base = f"http://127.0.0.1:{options.port}"
        command = benchlib.gunicorn_command(port=options.port, workers=options.workers, threads=options.gthreads)
        replica_url = f"postgres://postgres@127.0.0.1:{replica}/{name}"
        for label, extra in (("primary only", {}), ("with the replica", {"SHAILOO_REPLICA_URLS": replica_url})):
            benchlib.flush_redis(REDIS_URL)
            with benchlib.gunicorn(command, {**env, **extra}, log=OUT / "lookup-gunicorn.log",
                                   probe=base + "/healthz") as master:
                status, body = api_answer(base, pins.read_text().split()[0])
                if status != 200:
                    raise SystemExit(f"the API does not answer 200: {body}")
                wrk(base, pins, duration=5, connections=options.connections, threads=options.threads,
                    master_pid=master)
                before = {cluster: benchlib.cluster_cpu_seconds(CLUSTERS / cluster) for cluster in ("primary", "replica")}
                api = wrk(base, pins, duration=options.duration, connections=options.connections,
                          threads=options.threads, master_pid=master)
                used = {cluster: benchlib.cluster_cpu_seconds(CLUSTERS / cluster) - before[cluster]
                        for cluster in before}
            per_thousand = {cluster: seconds * 1e6 / max(api["requests"], 1) for cluster, seconds in used.items()}
            print(f"\n{label}: {api['rps']:.0f} req/s   p50 {api['p50']:.1f} ms   p99 {api['p99']:.1f} ms   "
                  f"statuses {api['statuses']} {api['errors']}")
            print(f"     PostgreSQL CPU during the run: primary {used['primary']:.2f} s "
                  f"({per_thousand['primary']:.0f} ms per 1,000 lookups), replica {used['replica']:.2f} s "
                  f"({per_thousand['replica']:.0f} ms per 1,000 lookups)")
            print(f"     load average before {api['load_before']}, after {api['load_after']}; {api['cpu']}")
        print(f"reproduce: flock /tmp/shailoo-bench.lock .venv/bin/python bench/lookup_api.py --replica "
              f"--voters {options.voters} --workers {options.workers} --duration {options.duration} "
              f"--connections {options.connections}")
    finally:
        if not options.keep_clusters:
            subprocess.run([str(benchlib.ROOT / "scripts" / "pg-replica"), "stop", str(CLUSTERS)], check=False)


if __name__ == "__main__":
    main()
