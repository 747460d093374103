# SPDX-License-Identifier: Apache-2.0
"""What the gateway tests share: free loopback ports, child processes that are always stopped, log files
to wait on, and Shailoo served on loopback to the gateways (one request at a time, in turn with the test
thread, because on SQLite the test database is one in-memory connection shared by both threads)."""
import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.servers.basehttp import WSGIServer
from pytest_django.live_server_helper import LiveServer

DOCS = Path(__file__).resolve().parents[2] / "docs"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, step: float = 0.05) -> object:
    """Poll `condition` until it returns something true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(step)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


class LogFile:
    """A log another process writes: `mark()` remembers where it ends, `since(mark)` reads what came after."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def since(self, mark: int = 0) -> str:
        if not self.path.exists():
            return ""
        with self.path.open("rb") as log:
            log.seek(mark)
            return log.read().decode("utf-8", "replace")

    def wait(self, pattern: str, *, since: int = 0, timeout: float = 10, count: int = 1) -> list[re.Match]:
        regex = re.compile(pattern)
        found = wait_for(lambda: (lambda hits: hits if len(hits) >= count else None)(list(regex.finditer(self.since(since)))),
                         timeout=timeout, what=f"{pattern!r} in {self.path.name}")
        return list(found)  # type: ignore[call-overload]


class Child:
    """A process started for a test: its output goes to a file, and it is stopped (TERM, then KILL)."""

    def __init__(self, name: str, argv: list[str], *, log_dir: Path, env: dict[str, str] | None = None,
                 stdin: int | None = subprocess.DEVNULL) -> None:
        self.name = name
        self.output = LogFile(log_dir / f"{name}.out")
        self._file = self.output.path.open("ab")
        self.process = subprocess.Popen(argv, stdout=self._file, stderr=subprocess.STDOUT, env=env, stdin=stdin,
                                        start_new_session=True)

    def write(self, line: str) -> None:
        """A line to the child's standard input (started with stdin=subprocess.PIPE)."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, *, timeout: float = 10) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self._file.close()


# Shailoo for the gateways ----------------------------------------------------------------------------

DATABASE_TURN = threading.Lock()
"""Held by the server while it answers a gateway and by a test while it reads or writes the database."""

SERVING = threading.Event()
"""Set while a test runs. Between tests (while pytest-django empties the database) a gateway's late
request, such as a delivery report or a retry, gets a 503 without touching the database: on SQLite the
test thread and the server share one connection, and a request answered during the flush broke the
transaction state of every later test. The gateways retry a 503."""


class _OneAtATimeServer(WSGIServer):
    """Django's development WSGI server, answering one request at a time under DATABASE_TURN (it closes
    each connection after its answer, so a gateway's keep-alive does not hold it)."""

    def __init__(self, *args, connections_override=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        with DATABASE_TURN:
            super().process_request(request, client_address)

    def set_app(self, application) -> None:
        def only_during_a_test(environ, start_response):
            if not SERVING.is_set():
                start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Retry-After", "1")])
                return [b"between two tests\n"]
            return application(environ, start_response)

        super().set_app(only_during_a_test)


@contextlib.contextmanager
def shailoo_on_loopback() -> Iterator[LiveServer]:
    """Shailoo served on 127.0.0.1 by pytest-django's live-server thread, one request at a time."""
    server = LiveServer("127.0.0.1", start=False)
    server.thread.server_class = _OneAtATimeServer
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def serving_during_the_test() -> Iterator[None]:
    """Let the server answer gateways while the test runs; stop it, under the database turn, before the
    test's database is emptied."""
    SERVING.set()
    try:
        yield
    finally:
        with DATABASE_TURN:
            SERVING.clear()


@contextlib.contextmanager
def database_turn() -> Iterator[None]:
    """Use the database from the test thread while no gateway request is being answered."""
    with DATABASE_TURN:
        yield
