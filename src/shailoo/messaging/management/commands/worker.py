# SPDX-License-Identifier: Apache-2.0
"""The background worker: sends the SMS outbox through the configured gateway, in a loop."""
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shailoo.messaging.outbox import send_due
from shailoo.messaging.senders import get_sender


class Command(BaseCommand):
    help = "Send queued SMS (the outbox) through the configured gateway; retries with backoff."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due now, then stop")
        parser.add_argument("--batch", type=int, default=50, help="messages claimed at a time")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to wait when nothing is due")
        parser.add_argument("--concurrency", type=int, default=8, help="gateway requests under way at once")

    def handle(self, *args, once: bool, batch: int, interval: float, concurrency: int, **options):
        sender = get_sender()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        if not once:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            self.stdout.write(f"SMS worker: sending through {sender.name}")
        while True:
            try:
                report = send_due(sender, limit=batch, concurrency=concurrency)
            except Exception as error:  # noqa: BLE001 - the loop outlives a lost database connection
                if once:
                    raise
                self.stderr.write(f"SMS worker: {type(error).__name__}: {error}")
                close_old_connections()
                time.sleep(min(interval * 5, 30))
                continue
            if once:
                self.stdout.write(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")
                return
            if stopping:
                return
            if report.handled == 0:
                close_old_connections()
                slept = 0.0
                while slept < interval and not stopping:
                    time.sleep(0.1)
                    slept += 0.1
                if stopping:
                    return
