# SPDX-License-Identifier: Apache-2.0
"""The platform as `make run` serves it, on SQLite without Redis (issue 13, finding 7): the rate limits
hold across gunicorn's workers, since the default cache is a database table they share (the probe got 53
answers of 160 requests against a limit of 30 when each worker kept its own counters); gunicorn's access
log hashes PINs as Django's log does."""
import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

FREE = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served_env(tmp_path_factory) -> dict[str, str]:
    """A data directory set up by `migrate` alone (which also makes the cache's table), and the environment for it."""
    data = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(SHAILOO_DATA_DIR=str(data), SHAILOO_SECRET_KEY="served-test-key-not-for-production",
               SHAILOO_RATE_LIMIT_IP_FREE=f"{FREE}/3600", SHAILOO_LOG_LEVEL="ERROR")
    manage = [sys.executable, "-m", "shailoo.manage"]
    subprocess.run(manage + ["migrate", "-v0"], env=env, check=True, timeout=300, cwd=settings.PROJECT_DIR)
    return env


def wait_until_served(port: int) -> None:
    """Up to two minutes: on a busy CI machine starting gunicorn and loading Django can take a while."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=60)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("the server did not start in two minutes")


def test_three_workers_without_redis_count_one_client_once(served_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shailoo.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--log-level", "warning"], env=served_env, cwd=settings.PROJECT_DIR,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/lookup"
    try:
        wait_until_served(port)

        def lookup(_) -> int:
            return requests.post(url, json={"pin": "21705199000123"}, timeout=30).status_code

        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lookup, range(60)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert statuses.count(200) == FREE, statuses
    assert statuses.count(429) == 60 - FREE


def test_the_access_log_of_runplatform_shows_pins_only_as_their_keyed_hash(served_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "shailoo.manage", "runplatform", "--no-worker", "--port", str(port), "--workers", "1"],
        env=served_env, cwd=settings.PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_served(port)
        for path in ("/precincts/21705199000123/", "/check/?pin=2%2017051990%2000123", "/precincts/2-17051990-00123"):
            requests.get(f"http://127.0.0.1:{port}{path}", timeout=60)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)

    access = [line for line in output.splitlines() if '"GET /' in line]
    assert len(access) >= 4, output
    assert "/precincts/pin#" in access[1]  # the path's PIN, hashed; queries are not logged at all
    for line in access:
        assert "17051990" not in line, line


def _journal_mode(path) -> str:
    with sqlite3.connect(path) as database:
        return database.execute("PRAGMA journal_mode").fetchone()[0]


def test_runplatform_puts_a_rollback_journal_database_in_wal_before_its_processes_open_it(served_env):
    # Several processes opening a rollback-journal file at once race to switch it to WAL, and a loser's
    # connection fails at once with "database is locked" (a 500): runplatform switches it first, alone.
    path = os.path.join(served_env["SHAILOO_DATA_DIR"], "shailoo.sqlite3")
    with sqlite3.connect(path) as database:
        database.execute("PRAGMA journal_mode=DELETE")
    assert _journal_mode(path) == "delete"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "shailoo.manage", "runplatform", "--no-worker", "--port", str(port), "--workers", "2"],
        env=served_env, cwd=settings.PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert "Shailoo is served on" in server.stdout.readline()
        assert _journal_mode(path) == "wal"  # before any request reached a worker
        wait_until_served(port)
    finally:
        server.terminate()
        server.communicate(timeout=60)
