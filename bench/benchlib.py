# SPDX-License-Identifier: Apache-2.0
"""What the public-check benchmarks share (bench/lookup_api.py, bench/sms_webhooks.py): the populated
PostgreSQL database, the PIN sample, gunicorn under wrk, the raw-SQL lookup under pgbench, and the
machine's load and the web layer's CPU per request, without which a figure from a shared machine means little.
"""
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1"]

sys.path.insert(0, str(ROOT / "bench"))
from register_import import ELECTION_DAY, MAKE_ELECTIONS, run  # noqa: E402

# The statement lookup_voter sends (shailoo.lookup.selectors._LOOKUP_SQL), with the PIN drawn at random from
# the sample table; the extra primary-key probe into bench_lookup_pins is the price of a random PIN in pgbench.
LOOKUP_SQL = """\\set i random(1, {count})
SELECT e.status, e.reasons, e.voting_mode, c.surname, c.name,
       el.slug, el.name_ky, el.name_ru, el.election_day, el.evoting, el.check_window_opens,
       el.check_window_closes, el.corrections_until, el.enrolment_until,
       p.number, p.name_ky, p.name_ru, p.address_ky, p.address_ru, p.phone, p.latitude, p.longitude
FROM register_voterlistentry e
JOIN register_citizen c ON c.id = e.citizen_id
JOIN elections_election el ON el.id = e.election_id
LEFT JOIN geography_precinct p ON p.id = e.precinct_id
WHERE c.pin = (SELECT pin FROM bench_lookup_pins WHERE id = :i) AND el.election_day >= CURRENT_DATE
ORDER BY el.election_day, CASE WHEN e.status = 'listed' THEN 0 ELSE 1 END
LIMIT 1;
"""


def require_wrk() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")


def psql(database: str, sql: str) -> str:
    return subprocess.run([*PG, "-d", database, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def database_exists(name: str) -> bool:
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 - our name


def bench_env(database: str, redis_url: str, **settings: str) -> dict[str, str]:
    """The environment of every shailoo process of a benchmark: this database, this Redis, quiet logs."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({
        # PGPORT: a benchmark on a throw-away cluster (bench/lookup_api.py --replica) sets it for psql too.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{os.environ.get('PGPORT', '5432')}/{database}",
        "REDIS_URL": redis_url,
        "SHAILOO_SECRET_KEY": "bench-secret-key-not-for-production", "SHAILOO_LOG_LEVEL": "WARNING",
        "SHAILOO_DB_CONN_MAX_AGE": "600", **settings,
    })
    return env


def ensure_database(name: str, *, voters: int, precincts: int, env: dict[str, str], register: Path | None,
                    rebuild: bool = False) -> None:
    """Build `name` with the synthetic register and its voter lists unless it holds a voter list already
    (synth_register → import_precincts → import_register → one election per municipality → compile_list)."""
    if not rebuild and database_exists(name) and psql(name, "SELECT count(*) > 0 FROM register_voterlistentry") == "t":
        run("migrate", ["migrate", "-v0"], env)  # a database built by an older revision
        return
    print(f"building {name} ...", flush=True)
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


def sample_pins(name: str, count: int, path: Path, *, seed: int) -> tuple[int, int]:
    """Listed PINs drawn from the list plus 10 % PINs on no list, shuffled, into `path` (for wrk) and into
    the table bench_lookup_pins (for pgbench); (listed, unknown)."""
    query = ("SELECT c.pin FROM register_voterlistentry e TABLESAMPLE SYSTEM (5) JOIN register_citizen c "  # noqa: S608
             f"ON c.id = e.citizen_id WHERE e.status = 'listed' LIMIT {int(count)}")
    listed = psql(name, query).split()
    rng = random.Random(seed)
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


def flush_redis(url: str) -> None:
    subprocess.run(["redis-cli", "-u", url, "FLUSHDB"], check=True, capture_output=True)


def gunicorn_command(*, port: int, workers: int, threads: int, keep_alive: int = 5) -> list[str]:
    """gunicorn as the benchmarks run it: preloaded; sync workers, or gthread with keep-alive when threads > 0."""
    worker_class = ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", str(keep_alive)] \
        if threads else ["--worker-class", "sync"]
    return [str(BIN / "gunicorn"), "shailoo.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--backlog", "2048", "--preload", *worker_class]


@contextmanager
def gunicorn(command: list[str], env: dict[str, str], *, log: Path, probe: str):
    """Serve while the block runs; yields the master's process id."""
    with open(log, "w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_up(probe, server, log)
            yield server.pid
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # an error page is an answer
        except OSError:
            time.sleep(0.3)
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


def _process_cpu_seconds(names: set[str]) -> float:
    """CPU time so far of every process whose command name is in `names` (e.g. all PostgreSQL backends)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.partition("(")[2] in names:
            fields = tail.split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def cluster_cpu_seconds(data_dir: Path) -> float:
    """CPU time so far of one PostgreSQL cluster: its postmaster and every process it started (backends,
    WAL sender or receiver, startup/recovery), found from the postmaster.pid file of its data directory."""
    ticks = os.sysconf("SC_CLK_TCK")
    master = (data_dir / "postmaster.pid").read_text().split()[0]
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in [master, *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def database_cpu_seconds(database: str) -> dict[int, float]:
    """CPU time so far of each PostgreSQL backend connected to `database` (psql's own excepted), by process
    id. The server is shared: the other databases' backends are not counted. Subtract an earlier reading
    with cpu_since (a backend that started meanwhile counts whole)."""
    ticks, used = os.sysconf("SC_CLK_TCK"), {}
    pids = psql("postgres", "SELECT pid FROM pg_stat_activity WHERE datname = "  # noqa: S608 - our name
                f"'{database}' AND pid <> pg_backend_pid()").split()
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idle and I/O wait, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run_wrk(args: list[str], *, duration: int, connections: int, threads: int, master_pid: int) -> tuple[str, dict]:
    """wrk for `duration` seconds; its output, the load average before and after, and where the machine's
    CPU went meanwhile: gunicorn's workers (also per request), PostgreSQL, Redis, wrk, everything else."""
    before = {"gunicorn": workers_cpu_seconds(master_pid), "postgres": _process_cpu_seconds({"postgres"}),
              "redis": _process_cpu_seconds({"redis-server"}), "machine": machine_busy_seconds()}
    before_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_load, started = load(), time.monotonic()
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
                             "--timeout", "5s", *args], check=True, capture_output=True, text=True)
    seconds = time.monotonic() - started
    after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = {
        "gunicorn": workers_cpu_seconds(master_pid) - before["gunicorn"],
        "postgres": _process_cpu_seconds({"postgres"}) - before["postgres"],
        "redis": _process_cpu_seconds({"redis-server"}) - before["redis"],
        "wrk": (after_wrk.ru_utime + after_wrk.ru_stime) - (before_wrk.ru_utime + before_wrk.ru_stime),
    }
    busy = machine_busy_seconds() - before["machine"]
    used["other"] = max(busy - sum(used.values()), 0.0)
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    cores = os.cpu_count() or 1
    shares = "  ".join(f"{name} {value / seconds:.2f}" for name, value in used.items())
    return result.stdout, {
        "load_before": before_load, "load_after": load(), "requests": requests,
        "cpu_ms": used["gunicorn"] * 1000 / max(requests, 1),
        "cpu": f"cores busy {busy / seconds:.2f} of {cores}: {shares}",
    }


def pgbench_lookup(database: str, count: int, *, duration: int, clients: int, mode: str = "prepared",
                   threads: int = 2) -> float:
    """Queries per second of the lookup's SQL by a random sampled PIN (bench_lookup_pins)."""
    script = OUT / "lookup-pgbench.sql"
    script.write_text(LOOKUP_SQL.format(count=count))
    result = subprocess.run(
        ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", mode, "-c", str(clients), "-j", str(threads),
         "-T", str(duration), "-f", str(script), database],
        check=True, capture_output=True, text=True,
    )
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))
