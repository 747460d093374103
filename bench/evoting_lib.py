# SPDX-License-Identifier: Apache-2.0
"""What the e-voting benchmarks share (bench/evoting_cast.py, bench/evoting_board.py): a PostgreSQL database
of their own, an e-voting board set up through shailoo.evoting.services (five holders, quorum 3, the
ceremony run in this process, a contest "up to 3 of 10"), enrolled voters with Tunduk sessions, and cast
ballots encrypted and signed ahead of time in worker processes (the protocol binds each ballot id into every
proof, so no encrypted body can be reused)."""
from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import database_exists, psql, run  # noqa: E402

CANDIDATES, MAX_MARKS = 10, 3


def configure(database: str, redis_url: str) -> dict[str, str]:
    """Point this process (and the servers it starts) at ``database``; migrate it if new. Returns the env."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}", "REDIS_URL": redis_url,
                "SHAILOO_SECRET_KEY": "bench-secret-key-not-for-production", "SHAILOO_LOG_LEVEL": "WARNING",
                "SHAILOO_DB_CONN_MAX_AGE": "600", "DJANGO_SETTINGS_MODULE": "shailoo.settings",
                "SHAILOO_EVOTING_MAX_BODY_BYTES": str(4 * 1024 * 1024)})
    if not database_exists(database):
        psql("postgres", f"CREATE DATABASE {database}")
    run("migrate", ["migrate", "-v0"], env)
    os.environ.update(env)
    import django
    django.setup()
    return env


def seed_of(index: int) -> bytes:
    return hashlib.sha256(f"bench-credential:{index}".encode()).digest()


def make_board(slug: str, *, voters: int, sessions: bool, hours: float = 2.0) -> tuple[Any, dict[int, Any], list[str]]:
    """An election `slug` with one constituency, `voters` enrolled e-voters whose credentials derive from
    seed_of(i), its board ready (manifest fixed, ceremony adopted, list frozen), polls open now for `hours`.
    Returns (board, the holders' secret shares by index, the voters' session keys when `sessions`)."""
    from importlib import import_module

    from django.conf import settings
    from django.test import RequestFactory
    from django.utils import timezone

    from shailoo.cabinet.models import Application
    from shailoo.crypto.credential import credential_key
    from shailoo.crypto.signature import generate_signing_key
    from shailoo.crypto.transcript import run_ceremony
    from shailoo.elections.models import Candidate, Constituency, Election, Kenesh
    from shailoo.evoting import services
    from shailoo.geography.models import District, Municipality, Precinct, Region
    from shailoo.register.models import Citizen, VoterListEntry
    from shailoo.tunduk.session import start_voter_session

    region, _ = Region.objects.get_or_create(name="Баткен облусу", defaults={"name_ru": "Баткенская область"})
    district, _ = District.objects.get_or_create(region=region, name="Баткен району", defaults={"name_ru": "Баткенский район"})
    municipality = Municipality.objects.create(district=district, name=f"{slug} аймагы", kind=Municipality.Kind.AIYL_AIMAK)
    used = set(Precinct.objects.values_list("number", flat=True))
    number = next(f"{n:04d}" for n in range(9999, 0, -1) if f"{n:04d}" not in used)
    precinct = Precinct.objects.create(number=number, municipality=municipality,
                                       name_ky="участок", name_ru="участок", address_ky="-", address_ru="-")
    kenesh = Kenesh.objects.create(kind=Kenesh.Kind.AIYL, name_ky=slug, name_ru=slug, territory=municipality, seats=7)
    election = Election.objects.create(kenesh=kenesh, name_ky=slug, name_ru=slug, slug=slug, evoting=True,
                                       election_day=timezone.localdate() + dt.timedelta(days=1))
    constituency = Constituency.objects.create(election=election, number=1, name_ky="№1", name_ru="№1", seats=7,
                                               max_marks=MAX_MARKS)
    constituency.precincts.add(precinct)
    Candidate.objects.bulk_create([Candidate(election=election, constituency=constituency, surname=f"Талапкер{i}",
                                             name="Асан", gender="M", ballot_order=i) for i in range(1, CANDIDATES + 1)])
    base = Citizen.objects.count()
    citizens = Citizen.objects.bulk_create([Citizen(
        pin=f"9{base + i:013d}", surname="Бенч", name="Шайлоочу", birth_date=dt.date(1990, 1, 1), gender="F",
        region="-", district="-", settlement="-", street="-", house="1", biometric=True, settlement_key=f"b{i}",
        street_key="-", row_hash=0) for i in range(voters)], batch_size=5000)
    VoterListEntry.objects.bulk_create([VoterListEntry(
        election=election, citizen=c, precinct=precinct, status=VoterListEntry.Status.LISTED,
        voting_mode=VoterListEntry.VotingMode.ELECTRONIC) for c in citizens], batch_size=5000)
    Application.objects.bulk_create([Application(
        kind=Application.Kind.EVOTING, election=election, citizen=c, pin=c.pin, precinct=precinct,
        status=Application.Status.APPLIED, phone="+996700000000", language="ky",
        credential_public_key=credential_key(seed_of(i)).public.hex()) for i, c in enumerate(citizens)],
        batch_size=5000)
    (board,) = services.create_boards(election, by=None)
    now = timezone.now()
    services.set_polls(board, opens=now - dt.timedelta(minutes=1), closes=now + dt.timedelta(hours=hours), by=None,
                       override="benchmark: polls open at once, during enrolment")
    holders = {j: generate_signing_key() for j in range(1, 6)}
    board = services.fix_manifest(board, by=None, holder_keys=[holders[j].public.hex() for j in holders], quorum=3)
    ceremony = run_ceremony(services.board_manifest(board), holders)
    board = services.adopt_ceremony(board, by=None, ceremony_json=ceremony.transcript)
    board = services.freeze_credentials(board, by=None)
    keys: list[str] = []
    if sessions:  # as the Tunduk login makes them (with Redis, cached as well as in the database)
        SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 - a class
        factory = RequestFactory()
        for c in citizens:
            request = factory.get("/")
            request.session = SessionStore()
            start_voter_session(request, pin=c.pin, claims={"sub": c.pin})
            request.session.save()
            keys.append(request.session.session_key)
    return board, ceremony.secret_shares, keys


_state: dict[str, Any] = {}


def _init(manifest_json: dict[str, Any], key_hex: str) -> None:
    from shailoo.crypto.group import Point
    from shailoo.crypto.manifest import manifest_from_json
    _state["manifest"], _state["key"] = manifest_from_json(manifest_json), Point.from_hex(key_hex)


def _cast(job: tuple[int, int]) -> bytes:
    """The cast-ballot JSON (canonical bytes) of voter `index`, marks chosen by `variant`."""
    from shailoo.crypto import ballot, jcs
    from shailoo.crypto.credential import credential_key
    index, variant = job
    manifest, key = _state["manifest"], _state["key"]
    contest = manifest.contests[0]
    options = contest.option_ids
    marks = frozenset(options[(variant + i) % len(options)] for i in range(variant % (contest.max_marks + 1)))
    encrypted, _ = ballot.encrypt_ballot(manifest, key, {contest.contest_id: marks})
    return jcs.canonical(ballot.cast_to_json(ballot.cast_ballot(manifest, encrypted, credential_key(seed_of(index)))))


def generate_casts(board: Any, jobs: list[tuple[int, int]], workers: int) -> list[bytes]:
    """Cast ballots for (voter index, variant) jobs, in worker processes."""
    manifest_json, key_hex = board.manifest, board.joint_public_key
    with multiprocessing.get_context("fork").Pool(workers, _init, (manifest_json, key_hex)) as pool:
        return pool.map(_cast, jobs, chunksize=64)
