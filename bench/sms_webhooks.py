# SPDX-License-Identifier: Apache-2.0
"""Benchmark: SMS 119 webhooks answered per second through gunicorn, on a populated register.

Target (issue 3, on this 2-core machine, load from loopback): ≥ 500 SMS webhooks/s answered.

    .venv/bin/python bench/sms_webhooks.py [--voters 4300000] [--workers 3] [--duration 20] [--reuse | --database NAME]

Steps: a PostgreSQL database `bench_sms_<voters>` gets the synthetic register (synth_register →
import_precincts → import_register → one election per municipality → compile_list), unless --reuse finds
it built; a sample of listed PINs (plus 10 % PINs on no list) is drawn; gunicorn serves the platform with
Redis for the shared rate-limit counters (the real limits stay on: each request has its own sender number);
wrk (apt-get install wrk) drives `GET /sms/kannel` (reply in the body) and `POST /sms/jasmin` (ACK, reply
queued in the outbox) with bench/sms_webhooks.lua, every request a new gateway id. The same lookup is then
run as raw SQL with pgbench, and the webhook rate is reported as a share of it.
"""
import argparse
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
SHAILOO = str(BIN / "shailoo")
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "sms_webhooks.lua"
SECRET = "bench-secret"
REDIS_URL = "redis://127.0.0.1:6379/13"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1"]

sys.path.insert(0, str(ROOT / "bench"))
from register_import import ELECTION_DAY, MAKE_ELECTIONS, run  # noqa: E402

# The lookup of shailoo.lookup.selectors.lookup_voter as one SQL statement (by citizen id instead of by
# PIN, so that pgbench can draw random voters; both are unique-index probes).
LOOKUP_SQL = """\\set id random(1, {max_id})
SELECT e.status, e.reasons, e.voting_mode, c.surname, c.name, el.slug, el.name_ky, el.name_ru, el.election_day,
       el.evoting, el.corrections_until, el.enrolment_until, p.number, p.address_ky, p.address_ru, p.phone
FROM register_voterlistentry e
JOIN register_citizen c ON c.id = e.citizen_id
JOIN elections_election el ON el.id = e.election_id
LEFT JOIN geography_precinct p ON p.id = e.precinct_id
WHERE c.id = :id AND el.election_day >= CURRENT_DATE
ORDER BY el.election_day, CASE WHEN e.status = 'listed' THEN 0 ELSE 1 END
LIMIT 1;
"""


def psql(database: str, sql: str) -> str:
    return subprocess.run([*PG, "-d", database, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def database_exists(name: str) -> bool:
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 - our name


def build_database(name: str, options, env: dict[str, str]) -> None:
    register = Path(options.register) if options.register else OUT / f"register-{options.voters}.csv"
    precincts = register.with_name(register.name.removesuffix(".csv") + ".precincts.csv")
    if not register.exists() or not precincts.exists():
        run("synth_register", ["synth_register", "--voters", str(options.voters), "--precincts",
                               str(options.precincts), "--out", str(register), "--precincts-out", str(precincts)], env)
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        psql("postgres", sql)
    run("migrate", ["migrate", "-v0"], env)
    run("import_precincts", ["import_precincts", str(precincts)], env)
    run("import_register", ["import_register", str(register)], env)
    run("create elections", ["shell", "-c", MAKE_ELECTIONS], env)
    run("compile_list --day", ["compile_list", "--day", ELECTION_DAY], env)
    psql(name, "VACUUM ANALYZE")


def sample_pins(name: str, count: int, path: Path) -> tuple[int, int]:
    query = ("SELECT c.pin FROM register_voterlistentry e TABLESAMPLE SYSTEM (5) JOIN register_citizen c "  # noqa: S608
             f"ON c.id = e.citizen_id WHERE e.status = 'listed' LIMIT {int(count)}")
    listed = psql(name, query).split()
    rng = random.Random(1)
    unknown = [f"{rng.choice('12')}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(1950, 2005)}"
               f"{rng.randint(90000, 99999)}" for _ in range(max(len(listed) // 9, 1))]
    pins = listed + unknown
    rng.shuffle(pins)
    path.write_text("\n".join(pins) + "\n")
    return len(listed), len(unknown)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see bench/out/sms-gunicorn.log")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            return  # 401 without a secret: the application answers
        except OSError:
            time.sleep(0.3)
            continue
        return
    raise SystemExit("gunicorn did not come up")


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by gunicorn's workers (from /proc): the web layer's cost per request,
    whatever else the machine is doing at the time."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def outbox_rate(name: str, env: dict[str, str], *, seconds: int) -> tuple[int, float]:
    """Run `shailoo worker` for `seconds` against a local HTTP server speaking Jasmin's /send: the queued
    replies it sends per second (the gateway side costs next to nothing here)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Jasmin(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

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
    worker = subprocess.Popen([SHAILOO, "worker", "--batch", "200", "--concurrency", "16", "--skip-checks"],
                              env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)  # start-up
    before = int(psql(name, "SELECT count(*) FROM messaging_outboundsms WHERE status = 'sent'"))
    time.sleep(seconds)
    after = int(psql(name, "SELECT count(*) FROM messaging_outboundsms WHERE status = 'sent'"))
    worker.terminate()
    worker.wait(timeout=30)
    server.shutdown()
    return after, (after - before) / seconds


def flush_redis() -> None:
    subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True, capture_output=True)


def wrk(url: str, mode: str, pins: Path, run_id: str, *, duration: int, connections: int, threads: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s", "-s", str(LUA),
         url, "--", mode, SECRET, str(pins), run_id],
        check=True, capture_output=True, text=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def pgbench(name: str, *, duration: int, clients: int) -> float:
    max_id = psql(name, "SELECT max(id) FROM register_citizen")
    script = OUT / "sms_lookup.sql"
    script.write_text(LOOKUP_SQL.format(max_id=max_id))
    result = subprocess.run(
        ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared", "-c", str(clients), "-j", "2",
         "-T", str(duration), "-f", str(script), name], check=True, capture_output=True, text=True,
    )
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    return float(match.group(1)) if match else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=4_300_000)
    parser.add_argument("--precincts", type=int, default=2_500)
    parser.add_argument("--register", help="an existing register CSV (its .precincts.csv beside it)")
    parser.add_argument("--reuse", action="store_true", help="reuse bench_sms_<voters> if it is already built")
    parser.add_argument("--database", help="an already built database to use, e.g. bench_lookup_4300000 "
                                           "(its messaging tables are emptied)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync or gthread")
    parser.add_argument("--worker-threads", type=int, default=1, help="threads per gthread worker")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    OUT.mkdir(parents=True, exist_ok=True)
    name = options.database or f"bench_sms_{options.voters}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "REDIS_URL": REDIS_URL,
        "SHAILOO_SMS_KANNEL_SECRET": SECRET, "SHAILOO_SMS_JASMIN_SECRET": SECRET,
        "SHAILOO_LOG_LEVEL": "WARNING", "SHAILOO_DB_CONN_MAX_AGE": "600",
    })
    print(f"machine: {os.cpu_count()} cores; database {name}", flush=True)
    built = database_exists(name) and psql(name, "SELECT count(*) > 0 FROM register_voterlistentry") == "t"
    if options.database and not built:
        raise SystemExit(f"{name} has no voter list")
    if not (options.reuse or options.database) or not built:
        build_database(name, options, env)
    run("migrate", ["migrate", "-v0"], env)
    voters = int(psql(name, "SELECT count(*) FROM register_voterlistentry WHERE status = 'listed'"))
    citizens = int(psql(name, "SELECT count(*) FROM register_citizen"))
    pins = OUT / f"sms-pins-{options.voters}.txt"
    listed, unknown = sample_pins(name, 40_000, pins)
    print(f"register: {citizens:,} citizens, {voters:,} listed voters; sample: {listed} listed + {unknown} unknown PINs")
    psql(name, "TRUNCATE messaging_inboundsms, messaging_outboundsms")

    log = open(OUT / "sms-gunicorn.log", "w")  # noqa: SIM115 - open for the server's lifetime
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "shailoo.wsgi", "--bind", f"127.0.0.1:{options.port}", "--workers",
         str(options.workers), "--backlog", "2048", "--worker-class", options.worker_class,
         "--threads", str(options.worker_threads), "--keep-alive", "5"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{options.port}"
    results = {}
    try:
        wait_until_up(f"{base}/sms/kannel", server)
        for mode in ("kannel", "jasmin"):
            flush_redis()
            wrk(base, mode, pins, f"warm{mode}", duration=3, connections=options.connections, threads=options.threads)
            flush_redis()
            cpu_before, load_before = workers_cpu_seconds(server.pid), os.getloadavg()[0]
            figures = wrk(base, mode, pins, f"run{mode}", duration=options.duration,
                          connections=options.connections, threads=options.threads)
            figures["cpu_ms"] = (workers_cpu_seconds(server.pid) - cpu_before) * 1000 / max(figures["requests"], 1)
            figures["load"] = load_before
            results[mode] = figures
            print(f"  {mode:<7} {figures['rps']:8.0f} webhooks/s   p50 {figures['p50_us'] / 1000:6.1f} ms   "
                  f"p99 {figures['p99_us'] / 1000:6.1f} ms   non-2xx {figures['non2xx']}   "
                  f"socket errors {figures['socket_errors']}   web-layer CPU {figures['cpu_ms']:.1f} ms/webhook   "
                  f"load average before {figures['load']:.1f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    outcomes = psql(name, "SELECT outcome || '=' || count(*) FROM messaging_inboundsms GROUP BY outcome ORDER BY 1")
    queued = psql(name, "SELECT count(*) FROM messaging_outboundsms")
    jasmin_answered = psql(name, "SELECT count(*) FROM messaging_inboundsms WHERE gateway = 'jasmin' AND reply <> ''")
    print(f"answers stored: {' '.join(outcomes.split())}; jasmin replies queued in the outbox: {queued} "
          f"(of {jasmin_answered} jasmin answers)")
    sent, sent_rate = outbox_rate(name, env, seconds=min(options.duration, 10))
    print(f"  outbox: the worker sent {sent_rate:.0f} replies/s to a local Jasmin /send ({sent} sent in all)")
    tps = pgbench(name, duration=min(options.duration, 15), clients=4)
    print(f"  raw SQL lookup (pgbench, 4 clients, prepared): {tps:8.0f} queries/s")
    print("\nsummary (target ≥ 500 SMS webhooks/s answered)")
    for mode, figures in results.items():
        share = figures["rps"] / tps if tps else 0
        print(f"  {mode:<7} {figures['rps']:6.0f}/s  p99 {figures['p99_us'] / 1000:5.1f} ms  "
              f"= {share:.1%} of the raw SQL lookup rate  ({'met' if figures['rps'] >= 500 else 'NOT met'}); "
              f"gunicorn CPU {figures['cpu_ms']:.1f} ms per webhook, i.e. at most "
              f"{2000 / figures['cpu_ms'] if figures['cpu_ms'] else 0:.0f}/s on 2 idle cores for the web layer alone")
    print(f"reproduce: .venv/bin/python bench/sms_webhooks.py --voters {options.voters} --workers {options.workers} "
          f"--duration {options.duration} --connections {options.connections} --worker-class {options.worker_class} "
          f"--worker-threads {options.worker_threads} "
          + (f"--database {options.database}" if options.database else "--reuse"))


if __name__ == "__main__":
    main()
