# SPDX-License-Identifier: Apache-2.0
"""The replica tests run against a real PostgreSQL primary and a streaming replica of it (scripts/pg-replica,
started by `.ci/run` and `make test-replica`): DATABASE_URL is the primary's database, SHAILOO_REPLICA_URLS
the replica's, SHAILOO_TEST_REPLICA_DIR the clusters' directory (to stop and start the replica).

They use those databases as they are, not a test copy: the replica streams the primary's database, and a
test copy created by the test run would be another database. The data each test writes is committed (the
replica sees only committed data) and flushed from the primary after it."""
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

REPLICA_DIR = os.environ.get("SHAILOO_TEST_REPLICA_DIR", "")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg-replica"


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    with django_db_blocker.unblock():
        assert connections["default"].vendor == "postgresql" and "replica1" in connections, (
            "tests/replica need DATABASE_URL and SHAILOO_REPLICA_URLS of a real primary and replica (make test-replica)")
        call_command("migrate", verbosity=0)
        caught_up()


def replica_ctl(command: str) -> None:
    subprocess.run([str(SCRIPT), command, REPLICA_DIR], check=True, timeout=60)


def caught_up(timeout: float = 20.0) -> None:
    """Wait until the replica has replayed everything the primary has written so far (up to the insert
    position: with synchronous_commit off, a commit may not have reached the write position yet)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        with connections["replica1"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")
        time.sleep(0.05)


def set_replay(paused: bool) -> None:
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
