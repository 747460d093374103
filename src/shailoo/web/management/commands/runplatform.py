# SPDX-License-Identifier: Apache-2.0
"""Serve the platform: gunicorn for the web, and the background worker beside it."""
import os
import signal
import subprocess
import sys

from django.core.management import get_commands
from django.core.management.base import BaseCommand

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class Command(BaseCommand):
    help = "Serve Shailoo with gunicorn and run the background worker (SMS outbox) beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4,
                            help="threads per worker: the voter login calls the test identity provider, "
                                 "served by this same gunicorn, while it waits")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        bin_dir = os.path.dirname(sys.executable)
        worker = None
        if not no_worker and "worker" in get_commands():
            worker = subprocess.Popen([os.path.join(bin_dir, "shailoo"), "worker"])
        self.stdout.write(f"Shailoo is served on http://{host}:{port}/ (Ctrl+C stops it)")
        server = subprocess.Popen([
            os.path.join(bin_dir, "gunicorn"), "shailoo.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads), "--graceful-timeout", "5",
            # The path without its query: a gateway's GET callback carries a PIN and a phone number there.
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
        ])
        children = [child for child in (server, worker) if child is not None]

        def stop(signum, frame):
            # Pass SIGTERM/SIGINT on, so a service manager's stop ends gunicorn and the worker cleanly.
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            server.wait()
        finally:
            if worker is not None:
                if worker.poll() is None:
                    worker.terminate()
                worker.wait(timeout=10)
        if server.returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise SystemExit(server.returncode)
