# SPDX-License-Identifier: Apache-2.0
"""kill -9 of `shailoo worker` mid-batch under `shailoo runplatform`, with a slow stand-in gateway speaking
Kannel's sendsms (0.5 s per message, and the "submitted to the SMSC" delivery report that Kannel sends as
soon as its SMSC takes a message): no message is sent twice, none is lost, runplatform restarts the
worker and says so (issue 13, finding 5), and /healthz sees the new worker."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection

from tests.integration.harness import free_port, port_open, wait_for

BIN = Path(sys.executable).parent
MESSAGES = 60
SEND_SECONDS = 0.5


class SlowKannel:
    """sendsms that takes SEND_SECONDS per message, then reports it taken (Kannel's DLR 8) to its dlr-url."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                params = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
                time.sleep(SEND_SECONDS)  # the gateway at work; the worker may die meanwhile
                dlr_url = params["dlr-url"].replace("%d", "8")
                with gateway.lock:
                    gateway.sent.append(int(parse_qs(urlsplit(dlr_url).query)["ref"][0]))
                threading.Thread(target=gateway.report, args=(dlr_url,), daemon=True).start()
                body = b"0: Accepted for delivery"
                try:
                    self.send_response(202)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the worker is gone: Kannel has the message all the same

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def report(self, url: str) -> None:
        for _ in range(50):  # Kannel retries a report Shailoo could not take
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def database_url(tmp_path: Path, env: dict[str, str]) -> str:
    """The test database for the platform's processes: PostgreSQL's test database, or a migrated SQLite
    file (the SQLite test database lives in this process's memory)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    url = f"sqlite:///{tmp_path / 'platform.sqlite3'}"
    subprocess.run([str(BIN / "shailoo"), "migrate", "-v0"], env={**env, "DATABASE_URL": url}, check=True, timeout=120)
    return url


def shell(env: dict[str, str], code: str) -> object:
    result = subprocess.run([str(BIN / "shailoo"), "shell", "-c", code], env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_kill_9_of_the_worker_mid_batch_sends_no_message_twice_and_loses_none(tmp_path):
    gateway = SlowKannel()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({
        "SHAILOO_SECRET_KEY": "worker-crash-test-secret", "SHAILOO_SMS_SENDER": "kannel",
        "SHAILOO_SMS_GATEWAY_URL": gateway.url, "SHAILOO_SMS_GATEWAY_USERNAME": "shailoo",
        "SHAILOO_SMS_GATEWAY_PASSWORD": "pw", "SHAILOO_SMS_DLR_BASE_URL": f"http://127.0.0.1:{port}",
        "SHAILOO_SMS_CLAIM_LEASE_SECONDS": "8", "DJANGO_SETTINGS_MODULE": "shailoo.settings",
    })
    env["DATABASE_URL"] = database_url(tmp_path, env)
    shell(env, "import json; from shailoo.messaging.services import queue_sms; "
               f"print(json.dumps([queue_sms(to='99670030%04d' % n, text='Shailoo %d' % n).pk for n in range({MESSAGES})]))")
    log = (tmp_path / "runplatform.log").open("wb")
    platform = subprocess.Popen([str(BIN / "shailoo"), "runplatform", "--port", str(port), "--workers", "1"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: port_open(port), timeout=30, what="runplatform to serve")
        started = wait_for(lambda: _pids(tmp_path, "started"), timeout=30, what="the worker to start")[0]
        wait_for(lambda: len(gateway.sent) >= 12, timeout=30, what="the first sends")
        os.kill(started, signal.SIGKILL)  # mid-batch: 50 claimed, about 12 answered, 8 under way
        restarted = wait_for(lambda: _pids(tmp_path, "restarted"), timeout=30, what="runplatform to restart it")[0]
        assert restarted != started

        def nothing_waits():
            answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
            return answer if answer.json()["sms"]["queued"] == 0 else None

        health = wait_for(nothing_waits, timeout=90, what="every message to be sent", step=0.5)
        time.sleep(SEND_SECONDS * 2)  # a duplicate would be under way now
        statuses = shell(env, "import json; from shailoo.messaging.models import OutboundSms; "
                              "print(json.dumps(list(OutboundSms.objects.values_list('status', flat=True))))")
    finally:
        platform.send_signal(signal.SIGTERM)
        platform.wait(timeout=30)
        log.close()
        gateway.close()
    with gateway.lock:
        sent = sorted(gateway.sent)
    assert len(sent) == len(set(sent)), f"sent twice: {sorted({ref for ref in sent if sent.count(ref) > 1})}"
    assert len(set(sent)) == MESSAGES, "every message reached the gateway"
    output = (tmp_path / "runplatform.log").read_text()
    assert f"the SMS worker (pid {started}) killed by SIGKILL" in output
    assert f"the SMS worker restarted (pid {restarted}, restart 1)" in output
    assert health.status_code == 200 and health.json()["sms"]["worker_heartbeat_age_s"] < 10
    assert sorted(set(statuses)) == ["sent"] and len(statuses) == MESSAGES


def _pids(tmp_path: Path, word: str) -> list[int]:
    text = (tmp_path / "runplatform.log").read_text(errors="replace")
    return [int(line.split("(pid ")[1].split(")")[0].split(",")[0]) for line in text.splitlines()
            if f"SMS worker {word}" in line]
