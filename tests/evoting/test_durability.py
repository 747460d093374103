# SPDX-License-Identifier: Apache-2.0
"""Nothing acknowledged is lost (issue 10): casts run against a live gunicorn (2 workers) on the suite's
database (PostgreSQL when configured, else SQLite copied to a file the server opens); a worker is killed
with SIGKILL, then the whole server (master and workers); the server is started again and every ballot
that had no answer is sent again. Then: every receipt that was answered is in the chain at its position
with its head (shailoo.crypto.receipt walks the chain), the record verifies (shailoo.crypto.verify: every check but
the close entry, since the polls are still open), and no ballot id appears twice. Keeps within about a minute."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

from shailoo.crypto import receipt as receipt_check
from shailoo.crypto.verify import verify_record
from tests.cabinet.helpers import voter_client

from .helpers import make_evoting

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS, BALLOTS_EACH, THREADS = 12, 4, 4
CSRF = "durabilitycsrftoken0123456789abc"  # 32 characters: the form Django accepts in cookie and header


def _free_port() -> int:
    for port in range(8400, 8500):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8400-8499")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log, self.process = port, env, log, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "shailoo.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4", "--timeout", "30"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=self.log.open("a"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/", timeout=1).status_code < 500:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill_worker(self) -> None:
        os.kill(_children(self.process.pid)[0], signal.SIGKILL)

    def kill_all(self) -> None:
        workers = _children(self.process.pid)
        os.kill(self.process.pid, signal.SIGKILL)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill_all()


def test_every_answered_receipt_survives_kill_9_of_a_worker_and_of_the_server(tmp_path):
    started = time.monotonic()
    ev = make_evoting(voters=VOTERS, opens=timezone.now() - dt.timedelta(minutes=5),
                      closes=timezone.now() + dt.timedelta(hours=1))
    sessions = {v.pin: voter_client(v.pin).cookies[settings.SESSION_COOKIE_NAME].value for v in ev.voters}
    work = [(v.pin, json.dumps(ev.cast_json(v, frozenset(ev.options()[i % 2: i % 2 + 1]))))
            for i in range(BALLOTS_EACH) for v in ev.voters]

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="shailoo.settings")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        import sqlite3
        path = tmp_path / "durability.sqlite3"
        with sqlite3.connect(path) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
            # In WAL, as migrate and runplatform leave the platform's database: gunicorn is started here
            # directly, and its workers' first connections would race to switch a rollback-journal file
            # (tests/web/test_served.py).
            copy.execute("PRAGMA journal_mode=WAL")
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log = tmp_path / "gunicorn.log"
    server = Server(_free_port(), env, log)
    base = f"http://127.0.0.1:{server.port}/evoting/api/{ev.slug}/{ev.constituency.number}"

    answered: dict[int, dict] = {}
    unanswered: list[int] = []
    failed: list[str] = []  # answers neither 200 nor the proxy's 502/503 of a killed worker
    lock = threading.Lock()

    def send(index: int) -> None:
        pin, body = work[index]
        try:
            response = requests.post(f"{base}/cast", data=body, timeout=10, headers={
                "Content-Type": "application/json", "X-CSRFToken": CSRF},
                cookies={settings.SESSION_COOKIE_NAME: sessions[pin], settings.CSRF_COOKIE_NAME: CSRF})
        except requests.RequestException:
            with lock:
                unanswered.append(index)
            return
        with lock:
            if response.status_code == 200:
                answered[index] = response.json()["receipt"]
            elif response.status_code in (502, 503):
                unanswered.append(index)
            else:
                failed.append(f"ballot {index}: {response.status_code} {response.text[:300]}")

    def run(indexes: list[int]) -> None:
        queue = list(indexes)

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    index = queue.pop(0)
                send(index)
        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    try:
        server.start()
        loader = threading.Thread(target=run, args=(list(range(len(work))),))
        loader.start()
        while len(answered) < len(work) // 5:
            time.sleep(0.05)
        server.kill_worker()
        while len(answered) < len(work) // 2 and loader.is_alive():
            time.sleep(0.05)
        server.kill_all()
        loader.join()
        assert not failed, f"{failed}\n{log.read_text()[-4000:]}"
        assert answered and unanswered, "the kills must interrupt the load"
        server.start()
        retry = sorted(unanswered)
        unanswered.clear()
        first_answers = dict(answered)
        run(retry)
        assert not failed, f"{failed}\n{log.read_text()[-4000:]}"
        assert not unanswered
        assert all(answered[i] == first_answers[i] for i in first_answers)
        record = tmp_path / "record.zip"
        record.write_bytes(requests.get(f"{base}/record.zip", timeout=30).content)
    finally:
        server.stop()

    # The whole board verifies (chain, every proof and signature, ids once); it is only not closed yet.
    code, report, _ = verify_record(record, before_decryption=True)
    assert code == 1 and report.checks == {"board.not-closed"}, report.render()
    with zipfile.ZipFile(record) as archive:
        lines = archive.read("board.jsonl").decode().splitlines()[1:]
    ids = [json.loads(line)["cast"]["ballot"]["ballot_id"] for line in lines if '"type":"ballot"' in line]
    assert len(ids) == len(set(ids)) == len(work)  # every ballot once, none lost, none twice
    last_of_voter = {}
    for index, _ in sorted(answered.items(), key=lambda item: item[1]["position"]):
        last_of_voter[work[index][0]] = index
    for index, value in answered.items():
        path = tmp_path / f"receipt-{index}.json"
        path.write_text(json.dumps(value))
        answer = receipt_check.check(record, path)
        expected = receipt_check.COUNTED if last_of_voter[work[index][0]] == index else receipt_check.SUPERSEDED
        assert answer.code == expected, answer.message
    assert time.monotonic() - started < 90
