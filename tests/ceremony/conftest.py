# SPDX-License-Identifier: Apache-2.0
"""The live server the key holders' programs talk to (ports 8500-8559)."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer

PORTS = range(8500, 8560)


class SerialWSGIServer(ThreadedWSGIServer):
    """One request at a time: the test's SQLite database is one in-memory connection shared with the
    server's threads (holders' programs post concurrently)."""

    _lock = threading.Lock()

    def process_request_thread(self, request, client_address):
        with self._lock:
            super().process_request_thread(request, client_address)


def serial_live_server(ports: range) -> Iterator[str]:
    """A live server on the first free port of `ports`, serving one request at a time; yields its URL."""
    from pytest_django.live_server_helper import LiveServer

    for port in ports:
        server = LiveServer(f"127.0.0.1:{port}", start=False)
        server.thread.server_class = SerialWSGIServer
        try:
            server.start()
        except OSError:
            continue
        try:
            yield server.url
        finally:
            server.stop()
        return
    pytest.fail(f"no free port in {ports.start}-{ports.stop - 1}")


@pytest.fixture
def relay(transactional_db) -> Iterator[str]:
    yield from serial_live_server(PORTS)
