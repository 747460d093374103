# SPDX-License-Identifier: Apache-2.0
"""Without Redis, the rate limits hold across gunicorn's workers (issue 13, finding 7): `make run`'s
default cache is a database table they share. The probe got 53 answers of 160 requests against a limit
of 30 when each worker kept its own counters."""
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from django.conf import settings

FREE = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_three_workers_without_redis_count_one_client_once(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(SHAILOO_DATA_DIR=str(tmp_path), SHAILOO_SECRET_KEY="shared-limits-test-key-not-for-production",
               SHAILOO_RATE_LIMIT_IP_FREE=f"{FREE}/3600", SHAILOO_LOG_LEVEL="ERROR")
    manage = [sys.executable, "-m", "shailoo.manage"]
    for command in (["migrate", "-v0"], ["createcachetable"]):
        subprocess.run(manage + command, env=env, check=True, timeout=300, cwd=settings.PROJECT_DIR)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shailoo.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--log-level", "warning"], env=env, cwd=settings.PROJECT_DIR,
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"))
    url = f"http://127.0.0.1:{port}/api/v1/lookup"
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

        def lookup(_) -> int:
            return requests.post(url, json={"pin": "21705199000123"}, timeout=30).status_code

        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lookup, range(60)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert statuses.count(200) == FREE, statuses
    assert statuses.count(429) == 60 - FREE
