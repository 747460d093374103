# SPDX-License-Identifier: Apache-2.0
"""The e-voting worker (runplatform starts it beside gunicorn): closes every board at its closing time,
verifies closed boards (the sums holders' decryptions are checked against), publishes each changed head at
least every minute."""
import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shailoo.evoting import closing

log = logging.getLogger("shailoo.evoting")


class Command(BaseCommand):
    help = "Close e-voting boards at their closing time, verify closed boards, publish the boards' heads."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do what is due now, then stop")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds (at most 60)")

    def handle(self, *args, once: bool, interval: float, **options):
        stopping = []
        if not once:
            signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
            signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
        while True:
            close_old_connections()
            try:
                done = closing.tick()
                if any(done.values()):
                    self.stdout.write(f"e-voting: {done['closed']} closed, {done['verified']} verified, "
                                      f"{done['heads']} heads published")
                    self.stdout.flush()
            except Exception:  # noqa: BLE001 - the database may be away for a moment; the next round tries again
                log.exception("e-voting worker round failed")
                if once:
                    raise
            if once or stopping:
                return
            deadline = time.monotonic() + min(interval, 60.0)
            while time.monotonic() < deadline and not stopping:
                time.sleep(0.2)
