# SPDX-License-Identifier: Apache-2.0
"""Benchmark: public-check API lookups per second through gunicorn, on a populated register.

Target (issue 3, on this 2-core machine, load from loopback): ≥ 1,000 `POST /api/v1/lookup` per second
with p99 ≤ 50 ms on a 4.3 M-voter register in PostgreSQL; and the same lookup as raw SQL with pgbench in
the same run, our throughput reported as a share of it.

    .venv/bin/python bench/lookup_api.py [--voters 4300000] [--workers 4] [--duration 20] [--connections 32]
                                         [--database NAME]   # reuse an already built database

Steps:
1. A PostgreSQL database `bench_lookup_<voters>` gets the synthetic register (synth_register →
   import_precincts → import_register → one election per municipality → compile_list), unless it exists
   already (or --database names one built by another benchmark, e.g. bench_sms_4300000).
2. A sample of listed PINs plus 10 % PINs on no list is drawn into bench/out/lookup-pins.txt and into the
   table bench_lookup_pins (for pgbench).
3. gunicorn serves the platform (--preload; sync workers, or gthread with --gthreads; persistent database
   connections; a 5-second warm-up so every worker has connected and prepared) with Redis for the
   rate-limit counters: the limits stay on, raised above the offered load, so each request still pays its
   two counter round trips (per IP, per PIN).
4. wrk (apt-get install wrk) POSTs random PINs with bench/lookup_api.lua; we report requests/s, p50/p90/p99
   latency and the HTTP statuses.
5. pgbench runs the lookup's SQL (the statement lookup_voter sends, by PIN drawn from bench_lookup_pins)
   with the same number of clients; the API rate is reported as a share of the raw SQL rate.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "lookup_api.lua"
REDIS_URL = "redis://127.0.0.1:6379/12"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1"]

sys.path.insert(0, str(ROOT / "bench"))
from register_import import ELECTION_DAY, MAKE_ELECTIONS, run  # noqa: E402

# The statement lookup_voter sends (see shailoo.lookup.selectors), with the PIN drawn at random from the
# sample table; the extra primary-key probe into bench_lookup_pins is the price of a random PIN in pgbench.
LOOKUP_SQL = """\\set i random(1, {count})
SELECT e.id, e.status, e.reasons, e.voting_mode, c.id, c.surname, c.name,
       el.id, el.slug, el.name_ky, el.name_ru, el.election_day, el.evoting, el.check_window_opens,
       el.check_window_closes, el.corrections_until, el.enrolment_until,
       p.id, p.number, p.name_ky, p.name_ru, p.address_ky, p.address_ru, p.phone, p.latitude, p.longitude
FROM register_voterlistentry e
JOIN register_citizen c ON c.id = e.citizen_id
JOIN elections_election el ON el.id = e.election_id
LEFT JOIN geography_precinct p ON p.id = e.precinct_id
WHERE c.pin = (SELECT pin FROM bench_lookup_pins WHERE id = :i) AND el.election_day >= CURRENT_DATE
ORDER BY el.election_day, CASE WHEN e.status = 'listed' THEN 0 ELSE 1 END
LIMIT 1;
"""


def psql(database: str, sql: str) -> str:
    return subprocess.run([*PG, "-d", database, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def database_exists(name: str) -> bool:
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 - our name


def build_database(name: str, *, voters: int, precincts: int, env: dict[str, str], register: Path | None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    register = register or OUT / f"register-{voters}.csv"
    precincts_file = register.with_name(register.name.removesuffix(".csv") + ".precincts.csv")
    if not register.exists() or not precincts_file.exists():
        run("synth_register", ["synth_register", "--voters", str(voters), "--precincts", str(precincts),
                               "--out", str(register), "--precincts-out", str(precincts_file), "--seed", "1"], env)
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        psql("postgres", sql)
    run("migrate", ["migrate", "-v0"], env)
    run("import_precincts", ["import_precincts", str(precincts_file)], env)
    run("import_register", ["import_register", str(register)], env)
    run("create elections", ["shell", "-c", MAKE_ELECTIONS], env)
    run("compile_list --day", ["compile_list", "--day", ELECTION_DAY], env)
    psql(name, "VACUUM ANALYZE")


def sample_pins(name: str, count: int, path: Path) -> tuple[int, int]:
    query = ("SELECT c.pin FROM register_voterlistentry e TABLESAMPLE SYSTEM (5) JOIN register_citizen c "  # noqa: S608
             f"ON c.id = e.citizen_id WHERE e.status = 'listed' LIMIT {int(count)}")
    listed = psql(name, query).split()
    rng = random.Random(3)
    unknown = [f"{rng.choice('12')}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(1950, 2005)}"
               f"{rng.randint(90000, 99999)}" for _ in range(max(len(listed) // 9, 1))]
    pins = listed + unknown
    rng.shuffle(pins)
    path.write_text("\n".join(pins) + "\n")
    psql(name, "DROP TABLE IF EXISTS bench_lookup_pins; "
               "CREATE TABLE bench_lookup_pins (id serial PRIMARY KEY, pin varchar(14) NOT NULL)")
    subprocess.run([*PG, "-d", name, "-qc", "\\copy bench_lookup_pins (pin) FROM STDIN"],
                   input="\n".join(pins) + "\n", text=True, check=True)
    psql(name, "ANALYZE bench_lookup_pins")
    return len(listed), len(unknown)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see bench/out/lookup-gunicorn.log")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def api_answer(base: str, pin: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + "/api/v1/lookup", data=json.dumps({"pin": pin}).encode(),  # noqa: S310
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wrk(base: str, pins: Path, *, duration: int, connections: int, threads: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s",
         "-s", str(LUA), base, "--", str(pins)],
        check=True, capture_output=True, text=True,
    )
    text = result.stdout
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": float(re.search(r"p50_ms ([\d.]+)", text).group(1)),
        "p90": float(re.search(r"p90_ms ([\d.]+)", text).group(1)),
        "p99": float(re.search(r"p99_ms ([\d.]+)", text).group(1)),
        "statuses": re.search(r"statuses ?(.*)", text).group(1).strip(),
        "errors": re.search(r"Socket errors: .*", text).group(0) if "Socket errors" in text else "",
    }
    return figures


def pgbench(database: str, count: int, *, duration: int, clients: int, mode: str) -> float:
    script = OUT / "lookup-pgbench.sql"
    script.write_text(LOOKUP_SQL.format(count=count))
    result = subprocess.run(
        ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", mode, "-c", str(clients), "-j", "2",
         "-T", str(duration), "-f", str(script), database],
        check=True, capture_output=True, text=True,
    )
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=4_300_000)
    parser.add_argument("--precincts", type=int, default=2_500)
    parser.add_argument("--database", help="an already built database to use (default bench_lookup_<voters>)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if it exists")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--gthreads", type=int, default=0,
                        help="threads per worker (gthread worker class, keep-alive); 0: sync workers")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each measured run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--sample", type=int, default=20_000, help="listed PINs in the sample")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--register", type=Path, help="an existing synthetic register CSV (its .precincts.csv beside it)")
    parser.add_argument("--build-only", action="store_true", help="build the database, measure nothing")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)

    name = options.database or f"bench_lookup_{options.voters}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "REDIS_URL": REDIS_URL,
        "SHAILOO_SECRET_KEY": "bench-lookup-secret-key-not-for-production",
        "SHAILOO_LOG_LEVEL": "WARNING",
        "SHAILOO_DB_CONN_MAX_AGE": "600",
        # The limits stay on (two Redis round trips per request), raised above the offered load.
        "SHAILOO_RATE_LIMIT_IP": "1000000000/60",
        "SHAILOO_RATE_LIMIT_PIN": "1000000/60",
    })
    if options.rebuild or not database_exists(name):
        if options.database:
            raise SystemExit(f"database {name} does not exist")
        print(f"building {name} ...", flush=True)
        build_database(name, voters=options.voters, precincts=options.precincts, env=env, register=options.register)
    if options.build_only:
        return
    voters = int(psql(name, "SELECT count(*) FROM register_voterlistentry WHERE status = 'listed'"))
    pins = OUT / "lookup-pins.txt"
    listed, unknown = sample_pins(name, options.sample, pins)
    print(f"database {name}: {voters:,} listed voters; sample {listed:,} listed + {unknown:,} unknown PINs; "
          f"machine: {os.cpu_count()} cores", flush=True)

    subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True, capture_output=True)
    base = f"http://127.0.0.1:{options.port}"
    log = open(OUT / "lookup-gunicorn.log", "w")  # noqa: SIM115 - open for the server's lifetime
    worker_class = ["--worker-class", "gthread", "--threads", str(options.gthreads)] if options.gthreads else []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "shailoo.wsgi", "--bind", f"127.0.0.1:{options.port}", "--workers",
         str(options.workers), "--backlog", "2048", "--preload", *worker_class],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_up(base + "/healthz", server)
        first_pin = pins.read_text().split()[0]
        status, body = api_answer(base, first_pin)
        print(f"sanity: POST /api/v1/lookup → {status} {body.get('outcome') or body.get('error')}", flush=True)
        if status != 200:
            raise SystemExit(f"the API does not answer 200: {body}")
        # Warm-up: every worker connects, prepares the statement and loads its translations.
        wrk(base, pins, duration=5, connections=options.connections, threads=options.threads)
        api = wrk(base, pins, duration=options.duration, connections=options.connections, threads=options.threads)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    sql_simple = pgbench(name, listed + unknown, duration=options.duration, clients=options.connections, mode="simple")
    sql_prepared = pgbench(name, listed + unknown, duration=options.duration, clients=options.connections,
                           mode="prepared")

    print(f"\nAPI  POST /api/v1/lookup  {api['rps']:8.0f} req/s   p50 {api['p50']:.1f} ms   p90 {api['p90']:.1f} ms   "
          f"p99 {api['p99']:.1f} ms   statuses {api['statuses']} {api['errors']}")
    print(f"SQL  pgbench (simple)     {sql_simple:8.0f} tx/s")
    print(f"SQL  pgbench (prepared)   {sql_prepared:8.0f} tx/s")
    print(f"share of the raw SQL rate kept by the web layer: {api['rps'] / sql_simple:.0%} (simple protocol, "
          f"as Django sends it), {api['rps'] / sql_prepared:.0%} (prepared)")
    verdict = "met" if api["rps"] >= 1000 and api["p99"] <= 50 else "NOT met"
    print(f"target ≥ 1,000 req/s with p99 ≤ 50 ms: {verdict}")
    print(f"reproduce: .venv/bin/python bench/lookup_api.py --voters {options.voters} --workers {options.workers} "
          f"--gthreads {options.gthreads} --duration {options.duration} --connections {options.connections}"
          + (f" --database {options.database}" if options.database else ""))


if __name__ == "__main__":
    main()
