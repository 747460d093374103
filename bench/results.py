# SPDX-License-Identifier: Apache-2.0
"""Benchmark: results at national size (issue 11), on PostgreSQL with Redis.

Targets on this 2-core machine: 2,500 precincts, 231 aiyl keneshes with 5,391 seats, 33 city keneshes;
recomputing every result after one protocol changes ≤ 1 s; a full recompute ≤ 10 s; the public results
pages and open-data endpoints ≥ 1,000 requests/s with p99 ≤ 50 ms.

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/results.py [--duration 15] [--workers 3]
                                   [--connections 16] [--database bench_results] [--rebuild]

Steps:
1. The database `bench_results` gets one region, 40 districts, 264 keneshes: 231 aiyl keneshes whose 5,391
   seats are cut into constituencies of 3 to 7 seats (30 % reserved for women, rounded up; seats + 3
   candidates each, every third a woman), and 33 city keneshes of 31 to 51 seats with 8 party lists of 60;
   2,500 precincts, one constituency each; every precinct's protocol accepted with random figures that
   satisfy the control relations.
2. Full recompute: `publication.recompute_all()` (every election's document from its accepted protocols).
3. One change: a territorial commission member changes one accepted protocol by decision
   (`services.change_protocol`: the check, the audit entry, the recompute of that election), timed whole.
4. gunicorn serves the platform; each of --paths public paths (drawn from every election's pages:
   election, constituency, precinct; and open data: JSON, CSV) is read once (rendered and cached, as the
   first readers of a publication do), then wrk GETs them at random: requests/s, p50/p90/p99, statuses,
   CPU per request and the load average.
"""
import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

import benchlib
from benchlib import OUT

ROOT = benchlib.ROOT
LUA = ROOT / "bench" / "results_pages.lua"
REDIS_URL = "redis://127.0.0.1:6379/3"
AIYL, CITY, PRECINCTS, AIYL_SEATS = 231, 33, 2_500, 5_391


def build(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from shailoo.commission.models import StaffAssignment
    from shailoo.elections.models import Candidate, Constituency, Election, Kenesh, PartyList
    from shailoo.geography.models import District, Municipality, Precinct, Region
    from shailoo.results.models import Protocol

    started = time.monotonic()
    with transaction.atomic():
        region = Region.objects.create(name="Бенч облусу", name_ky="Бенч облусу", name_ru="Бенч область")
        districts = [District.objects.create(region=region, name=f"Бенч {i} району") for i in range(40)]
        municipalities = Municipality.objects.bulk_create([
            Municipality(district=districts[i % 40], name=f"Аймак {i}", name_ky=f"Аймак {i}", name_ru=f"Аймак {i}",
                         kind="aiyl_aimak" if i < AIYL else "city") for i in range(AIYL + CITY)])
        aiyl_seats = [AIYL_SEATS // AIYL + (1 if i < AIYL_SEATS % AIYL else 0) for i in range(AIYL)]
        keneshes = Kenesh.objects.bulk_create([
            Kenesh(kind="aiyl" if i < AIYL else "city", name_ky=f"Кеңеш {i}", name_ru=f"Кенеш {i}", territory=m,
                   seats=aiyl_seats[i] if i < AIYL else rng.choice([31, 41, 51]))
            for i, m in enumerate(municipalities)])
        elections = Election.objects.bulk_create([
            Election(kenesh=k, name_ky=f"Шайлоо {i}", name_ru=f"Выборы {i}", slug=f"bench-{i}",
                     election_day="2026-11-17") for i, k in enumerate(keneshes)])
        constituencies = []
        for i, election in enumerate(elections[:AIYL]):
            left, number = aiyl_seats[i], 1
            while left:
                seats = min(left, rng.randint(3, 7)) if left > 7 else left
                constituencies.append(Constituency(election=election, number=number, name_ky=f"Округ {number}",
                                                   name_ru=f"Округ {number}", seats=seats, women_seats=-(-seats * 3 // 10)))
                left, number = left - seats, number + 1
        for election, kenesh in zip(elections[AIYL:], keneshes[AIYL:], strict=True):
            constituencies.append(Constituency(election=election, number=1, name_ky="Шаар", name_ru="Город",
                                               seats=kenesh.seats))
        constituencies = Constituency.objects.bulk_create(constituencies)
        candidates, lists = [], []
        for c in constituencies:
            if c.election.kenesh.kind == "aiyl":
                candidates += [Candidate(election=c.election, constituency=c, surname=f"Талапкер{n}", name="Аты",
                                         gender="F" if n % 3 == 0 else "M", ballot_order=n) for n in range(1, c.seats + 4)]
        for election in elections[AIYL:]:
            lists += [PartyList(election=election, party_ky=f"Партия {n}", party_ru=f"Партия {n}", ballot_order=n)
                      for n in range(1, 9)]
        lists = PartyList.objects.bulk_create(lists)
        for party in lists:
            candidates += [Candidate(election=party.election, party_list=party, surname=f"Тизме{n}", name="Аты",
                                     gender="F" if n % 3 == 0 else "M", ballot_order=n) for n in range(1, 61)]
        Candidate.objects.bulk_create(candidates, batch_size=5000)
        # Precincts: 500 in the cities, the rest spread over the aiyl constituencies (at least one each).
        aiyl_constituencies = [c for c in constituencies if c.election.kenesh.kind == "aiyl"]
        city_constituencies = [c for c in constituencies if c.election.kenesh.kind == "city"]
        homes = list(aiyl_constituencies)
        homes += [rng.choice(aiyl_constituencies) for _ in range(PRECINCTS - 500 - len(homes))]
        homes += [city_constituencies[i % CITY] for i in range(500)]
        precincts = Precinct.objects.bulk_create([
            Precinct(number=f"{1000 + i}", municipality=c.election.kenesh.territory, name_ky=f"Участок {1000 + i}",
                     name_ru=f"Участок {1000 + i}", address_ky="Мектеп", address_ru="Школа") for i, c in enumerate(homes)])
        through = Constituency.precincts.through
        through.objects.bulk_create([through(constituency_id=c.pk, precinct_id=p.pk)
                                     for c, p in zip(homes, precincts, strict=True)])
        options: dict[int, list[int]] = {}
        for candidate in Candidate.objects.filter(constituency__isnull=False).values("pk", "constituency_id"):
            options.setdefault(candidate["constituency_id"], []).append(candidate["pk"])
        for c in city_constituencies:
            options[c.pk] = list(PartyList.objects.filter(election_id=c.election_id).values_list("pk", flat=True))
        protocols = []
        for c, p in zip(homes, precincts, strict=True):
            protocols.append(Protocol(constituency=c, precinct=p, state="accepted", figures=_figures(
                rng, options[c.pk], 1 if c.election.kenesh.kind == "city" else c.seats), accepted_at="2026-11-17T20:00Z"))
        Protocol.objects.bulk_create(protocols, batch_size=1000)
        user = get_user_model().objects.create_user(username="bench-territorial")
        StaffAssignment.objects.create(user=user, role="territorial", district=districts[0])
    print(f"built: {len(elections)} elections, {len(constituencies)} constituencies, {len(candidates):,} candidates, "
          f"{len(precincts):,} precincts with accepted protocols in {time.monotonic() - started:.1f} s", flush=True)


def _figures(rng: random.Random, options: list[int], marks: int) -> dict:
    voters = rng.randint(800, 2500)
    issued = voters * rng.randint(40, 70) // 100
    invalid = rng.randint(0, 20)
    valid = issued - invalid
    votes = {str(o): 0 for o in options}
    for _ in range(valid):  # marks per ballot, never the same option twice
        for option in rng.sample(options, min(marks, len(options))):
            votes[str(option)] += 1
    return {"voters_main": voters, "voters_additional": 0, "ballots_received": issued + 50,
            "issued_at_station": issued, "issued_outside": 0, "cancelled": 50, "found_stationary": issued,
            "found_mobile": 0, "valid": valid, "invalid": invalid, "against_all": None, "votes": votes}


def paths_file(count: int) -> Path:
    """`count` public paths drawn from every election's pages and open data (seeded: the same each run)."""
    from shailoo.results.models import Protocol

    rows = Protocol.objects.values_list("constituency__election__slug", "constituency__number", "precinct__number")
    paths = []
    for slug, number, precinct in rows:
        paths += [f"/results/{slug}/", f"/results/{slug}/{number}/", f"/results/{slug}/{number}/{precinct}/",
                  f"/api/v1/results/{slug}/{number}", f"/api/v1/results/{slug}/csv",
                  f"/api/v1/results/{slug}/{number}/{precinct}/csv"]
    chosen = random.Random(5).sample(sorted(set(paths)), min(count, len(set(paths))))
    target = OUT / "results-paths.txt"
    target.write_text("\n".join(chosen) + "\n")
    return target


def warm(base: str, paths: Path) -> float:
    """GET each path once, as the first readers of a publication do: the pages are rendered and cached."""
    import urllib.request

    started = time.monotonic()
    for path in paths.read_text().split():
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 - loopback
            response.read()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="bench_results")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--gthreads", type=int, default=0)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8331)
    parser.add_argument("--paths", type=int, default=2000, help="public paths in the sample")
    options = parser.parse_args()
    benchlib.require_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    env = benchlib.bench_env(options.database, REDIS_URL)
    if options.rebuild and benchlib.database_exists(options.database):
        benchlib.psql("postgres", f"DROP DATABASE {options.database}")
    if not benchlib.database_exists(options.database):
        benchlib.psql("postgres", f"CREATE DATABASE {options.database}")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shailoo.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from shailoo.results import publication, services
    from shailoo.results.models import Protocol

    call_command("migrate", verbosity=0)
    if not Protocol.objects.exists():
        build(random.Random(11))
    benchlib.flush_redis(REDIS_URL)

    print(f"full recompute, load average before {benchlib.load()}", flush=True)
    started, cpu, postgres = time.monotonic(), time.process_time(), benchlib._process_cpu_seconds({"postgres"})
    elections = publication.recompute_all()
    full = time.monotonic() - started
    print(f"full recompute: {elections} elections in {full:.2f} s (target ≤ 10 s), CPU {time.process_time() - cpu:.2f} s "
          f"here + {benchlib._process_cpu_seconds({'postgres'}) - postgres:.2f} s PostgreSQL; load average "
          f"{benchlib.load()}", flush=True)

    from django.contrib.auth import get_user_model

    from shailoo.rules.protocol import Protocol as Figures

    user = get_user_model().objects.get(username="bench-territorial")
    protocol = (Protocol.objects.filter(precinct__municipality__district=user.staff_assignments.get().district,
                                        constituency__election__kenesh__kind="city")
                .select_related("constituency__election__kenesh", "precinct__municipality").first()
                or Protocol.objects.filter(precinct__municipality__district=user.staff_assignments.get().district)
                .select_related("constituency__election__kenesh", "precinct__municipality").first())
    timings: list[float] = []
    cpus: list[float] = []
    for attempt in range(5):
        figures = services.to_rules(protocol.figures)
        busiest = max(figures.votes, key=lambda option: figures.votes[option])
        moved = {**figures.votes, busiest: figures.votes[busiest] - 1}
        lines = {name: getattr(figures, name) for name in services.LINES}
        if protocol.constituency.election.kenesh.kind == "city":  # one mark a ballot: that ballot turns invalid
            lines.update(valid=figures.valid - 1, invalid=figures.invalid + 1)
        changed = Figures(**lines, votes=moved, against_all=figures.against_all)
        started, cpu = time.monotonic(), time.process_time()
        services.change_protocol(protocol, changed, by=user, decision=f"bench-{attempt}", reason="recount")
        timings.append(time.monotonic() - started)
        cpus.append(time.process_time() - cpu)
        protocol.refresh_from_db()
    kind = protocol.constituency.election.kenesh.kind
    precincts = Protocol.objects.filter(constituency__election=protocol.constituency.election).count()
    print(f"one protocol changed by decision ({kind} kenesh of {precincts} precincts), whole service call: "
          f"{', '.join(f'{t * 1000:.0f}' for t in timings)} ms (target ≤ 1 s), CPU here "
          f"{', '.join(f'{t * 1000:.0f}' for t in cpus)} ms; load average {benchlib.load()}",
          flush=True)

    paths = paths_file(options.paths)
    base = f"http://127.0.0.1:{options.port}"
    command = benchlib.gunicorn_command(port=options.port, workers=options.workers, threads=options.gthreads)
    with benchlib.gunicorn(command, env, log=OUT / "results-gunicorn.log", probe=base + "/healthz") as master:
        seconds = warm(base, paths)
        print(f"first reads of the {options.paths} paths (rendered, then cached): {seconds:.1f} s; load average "
              f"{benchlib.load()}", flush=True)
        text, figures = benchlib.run_wrk(["-s", str(LUA), base, "--", str(paths)], duration=options.duration,
                                         connections=options.connections, threads=options.threads, master_pid=master)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p = {q: float(re.search(rf"{q}_ms ([\d.]+)", text).group(1)) for q in ("p50", "p90", "p99")}
    statuses = re.search(r"statuses ?(.*)", text).group(1).strip()
    print(f"\nGET public results pages and open data ({len(paths.read_text().split())} paths): {rps:,.0f} req/s  "
          f"p50 {p['p50']:.1f} ms  p90 {p['p90']:.1f} ms  p99 {p['p99']:.1f} ms  statuses {statuses}")
    print(f"     gunicorn worker CPU {figures['cpu_ms']:.2f} ms per request; load average before "
          f"{figures['load_before']}, after {figures['load_after']}; {figures['cpu']}")
    verdict = "met" if rps >= 1000 and p["p99"] <= 50 else "NOT met"
    print(f"targets: full recompute ≤ 10 s {'met' if full <= 10 else 'NOT met'}; one change ≤ 1 s "
          f"{'met' if max(timings) <= 1 else 'NOT met'}; ≥ 1,000 req/s with p99 ≤ 50 ms {verdict}")
    print(f"reproduce: flock /tmp/shailoo-bench.lock .venv/bin/python bench/results.py --workers {options.workers} "
          f"--duration {options.duration} --connections {options.connections}")


if __name__ == "__main__":
    main()
