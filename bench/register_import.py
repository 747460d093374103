# SPDX-License-Identifier: Apache-2.0
"""Benchmark: import of a national register (4.3 M rows) and compilation of the voter lists.

Targets (issue 2, on a 2-core machine): import ≤ 3 min into PostgreSQL and ≤ 5 min into SQLite, peak
memory ≤ 500 MB; compile_list for 4.3 M voters ≤ 3 min on PostgreSQL.

    .venv/bin/python bench/register_import.py [--voters 4300000] [--precincts 2500] [--backend postgresql sqlite]

Each step runs as its own `shailoo` process on a fresh database; wall time, the process's own CPU time
and peak resident memory (from wait4), and the machine's load average are printed: on a shared machine
the wall time is only meaningful together with the load. The register file is generated once into bench/out/.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHAILOO = str(Path(sys.executable).parent / "shailoo")
OUT = ROOT / "bench" / "out"
ELECTION_DAY = "2026-12-20"

MAKE_ELECTIONS = f"""
import datetime as dt
from shailoo.elections.models import Election, Kenesh
from shailoo.geography.models import Municipality
for m in Municipality.objects.all():
    kind = "city" if m.kind == "city" else "aiyl"
    k, _ = Kenesh.objects.get_or_create(territory=m, defaults=dict(kind=kind, name_ky=m.name, name_ru=m.name, seats=21))
    Election.objects.get_or_create(slug=f"e{{m.pk}}", defaults=dict(kenesh=k, name_ky=m.name, name_ru=m.name,
                                   election_day=dt.date.fromisoformat("{ELECTION_DAY}")))
print(Election.objects.count(), "elections")
"""


def run(step: str, args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run one shailoo command; return (seconds, peak RSS in MB, its output)."""
    started = time.perf_counter()
    checks = [] if args[0] == "shell" else ["--skip-checks"]
    process = subprocess.Popen([SHAILOO, *args, *checks], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{step} failed:\n{output}")
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    lines = output.strip().splitlines()
    last = next((line for line in lines if line.startswith(("imported", "compiled", "precincts", "wrote"))), lines[-1] if lines else "")
    load = os.getloadavg()[0]
    print(f"  {step:<26} {seconds:7.1f} s wall {cpu:7.1f} s cpu (ours)  peak {peak_mb:4.0f} MB  load {load:4.1f}  {last}",
          flush=True)
    return seconds, peak_mb, output


def database_env(backend: str, tag: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    if backend == "postgresql":
        name = f"bench_register_{tag}"
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        data_dir = OUT / f"sqlite-{tag}"
        for leftover in data_dir.glob("shailoo.sqlite3*"):
            leftover.unlink()
        data_dir.mkdir(parents=True, exist_ok=True)
        env["SHAILOO_DATA_DIR"] = str(data_dir)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=4_300_000)
    parser.add_argument("--precincts", type=int, default=2_500)
    parser.add_argument("--bad-share", type=float, default=0.001)
    parser.add_argument("--backend", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"])
    parser.add_argument("--keep", action="store_true", help="keep the databases (e.g. for the lookup benchmark)")
    options = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    register = OUT / f"register-{options.voters}.csv"
    precincts = OUT / f"register-{options.voters}.precincts.csv"
    base_env = dict(os.environ)
    if not register.exists() or not precincts.exists():
        print(f"generating {register.name} ...", flush=True)
        run("synth_register", ["synth_register", "--voters", str(options.voters), "--precincts", str(options.precincts),
                               "--out", str(register), "--precincts-out", str(precincts), "--seed", "1",
                               "--bad-share", str(options.bad_share)], base_env)
    print(f"register: {register} ({register.stat().st_size / 2**20:.0f} MiB); machine: {os.cpu_count()} cores")

    results = {}
    for backend in options.backend:
        print(f"\n{backend}:", flush=True)
        env = database_env(backend, str(options.voters))
        run("migrate", ["migrate", "-v0"], env)
        run("import_precincts", ["import_precincts", str(precincts)], env)
        first, peak, output = run("import_register (new)", ["import_register", str(register), "-v", "2", "--rejects",
                                                             str(OUT / f"rejects-{backend}.csv")], env)
        print("    " + next((line for line in output.splitlines() if line.startswith("phases")), ""))
        again, peak_again, output = run("import_register (re-run)", ["import_register", str(register), "-v", "2"], env)
        print("    " + next((line for line in output.splitlines() if line.startswith("phases")), ""))
        run("create elections", ["shell", "-c", MAKE_ELECTIONS], env)
        compiled, compile_peak, _ = run("compile_list --day", ["compile_list", "--day", ELECTION_DAY], env)
        results[backend] = (first, again, max(peak, peak_again), compiled)

    print("\nsummary (targets: import ≤ 180 s PostgreSQL, ≤ 300 s SQLite, ≤ 500 MB; compile ≤ 180 s PostgreSQL)")
    for backend, (first, again, peak, compiled) in results.items():
        print(f"  {backend:<10} import {first:6.1f} s, re-import {again:6.1f} s, peak {peak:4.0f} MB, "
              f"compile {compiled:6.1f} s  ({options.voters / first:,.0f} rows/s)")
    print(f"reproduce: .venv/bin/python bench/register_import.py --voters {options.voters} "
          f"--precincts {options.precincts} --backend {' '.join(options.backend)}")
    if not options.keep:
        for backend in options.backend:
            if backend == "postgresql":
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                                f"DROP DATABASE IF EXISTS bench_register_{options.voters} WITH (FORCE)"], check=False)


if __name__ == "__main__":
    main()
