# SPDX-License-Identifier: Apache-2.0
"""Serve the platform: gunicorn for the web, and the background worker beside it, restarted when it dies."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time

from django.core.management import get_commands
from django.core.management.base import BaseCommand
from django.db import connection

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
RESTART_FIRST, RESTART_MAX = 1.0, 30.0  # seconds before restarting a worker that died; doubles while it keeps dying
STABLE_AFTER = 60.0  # a worker that ran this long before dying is restarted after RESTART_FIRST again
POLL = 0.5


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


class Supervised:
    """A child process that is started again, after a growing pause, whenever it ends on its own."""

    def __init__(self, name: str, argv: list[str], say) -> None:
        self.name, self.argv, self.say = name, argv, say
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.delay = RESTART_FIRST
        self.restarts = 0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self) -> None:
        """Reap the child if it ended (no zombie), and start it again when its pause is over."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                self.start()
                self.say(f"{self.name} restarted (pid {self.process.pid}, restart {self.restarts})")
            return
        if self.process is None or self.process.poll() is None:
            return
        ran = now - self.started_at
        if ran >= STABLE_AFTER:
            self.delay = RESTART_FIRST
        elif self.restarts:
            self.delay = min(self.delay * 2, RESTART_MAX)
        self.say(f"{self.name} (pid {self.process.pid}) {describe_exit(self.process.returncode)} after {ran:.0f} s; "
                 f"restarting it in {self.delay:g} s")
        self.restart_at = now + self.delay

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10) -> None:
        self.restart_at = None
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Command(BaseCommand):
    help = ("Serve Shailoo with gunicorn and run the background worker (SMS outbox) beside it; a worker that "
            "dies is restarted, and the log says so.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4,
                            help="threads per worker: the voter login calls the test identity provider, "
                                 "served by this same gunicorn, while it waits")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def say(self, message: str) -> None:
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
        self.stderr.write(f"[{stamp}] runplatform: {message}")
        self.stderr.flush()

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        # Open the database once before the processes that share it start: on SQLite that switches a file in
        # the rollback journal (a restored copy) to WAL (settings.py's init_command; the mode stays in the
        # file), which several processes opening it at once would race for, and the loser's switch fails
        # with "database is locked" at once, without waiting for the lock: a 500 on a first request.
        connection.ensure_connection()
        connection.close()
        bin_dir = os.path.dirname(sys.executable)
        worker = None
        if not no_worker and "worker" in get_commands():
            worker = Supervised("the SMS worker", [os.path.join(bin_dir, "shailoo"), "worker"], self.say)
            worker.start()
            self.say(f"the SMS worker started (pid {worker.process.pid})")
        evoting = None
        if not no_worker and "evoting_worker" in get_commands():
            evoting = Supervised("the e-voting worker", [os.path.join(bin_dir, "shailoo"), "evoting_worker"], self.say)
            evoting.start()
            self.say(f"the e-voting worker started (pid {evoting.process.pid})")
        self.stdout.write(f"Shailoo is served on http://{host}:{port}/ (Ctrl+C stops it)")
        self.stdout.flush()
        server = subprocess.Popen([
            os.path.join(bin_dir, "gunicorn"), "shailoo.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads), "--graceful-timeout", "5",
            # The path without its query: a gateway's GET callback carries a PIN and a phone number there.
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
            # A PIN in a path (/precincts/<PIN>/ by mistake, a gateway's callback) is logged as its keyed hash.
            "--logger-class", "shailoo.web.gunicorn_log.PinRedactingLogger",
        ])
        stopping: list[int] = []

        def stop(signum, frame):
            # Pass SIGTERM/SIGINT on, so a service manager's stop ends gunicorn and the worker cleanly.
            stopping.append(signum)
            if server.poll() is None:
                server.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while server.poll() is None and not stopping:
                for child in (worker, evoting):
                    if child is not None:
                        child.check()
                time.sleep(POLL)
            server.wait()
        finally:
            for child in (worker, evoting):
                if child is not None:
                    child.stop(stopping[0] if stopping else signal.SIGTERM)
        if server.returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise SystemExit(server.returncode)
