# SPDX-License-Identifier: Apache-2.0
"""The background worker: sends the SMS outbox through the configured gateway, in a loop, and beats a
heartbeat (messaging.health) from a thread of its own while it runs."""
import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from shailoo.audit import checkpoints
from shailoo.messaging import health
from shailoo.messaging.models import WorkerHeartbeat
from shailoo.messaging.outbox import send_due
from shailoo.messaging.senders import get_sender

logger = logging.getLogger("shailoo.sms")


def heartbeat_loop(stop: threading.Event, *, worker: str, started_at) -> None:
    """Beat every HEARTBEAT_EVERY seconds until `stop` is set; a failed beat is logged, not fatal."""
    while not stop.is_set():
        try:
            health.beat(worker=worker, started_at=started_at)
        except Exception:  # noqa: BLE001 - the database may be away for a moment; the next beat tries again
            logger.warning("SMS worker %s: heartbeat not written", worker, exc_info=True)
        finally:
            connection.close()
        stop.wait(health.HEARTBEAT_EVERY)


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

        beating, name = threading.Event(), ""
        if not once:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            name = health.worker_name()
            health.forget_old_heartbeats()
            threading.Thread(target=heartbeat_loop, args=(beating,), daemon=True, name="sms-heartbeat",
                             kwargs={"worker": name, "started_at": timezone.now()}).start()
            self.stdout.write(f"SMS worker {name}: sending through {sender.name}")
            self.stdout.flush()
        try:
            self._loop(sender, once=once, batch=batch, interval=interval, concurrency=concurrency,
                       stopping=lambda: stopping)
        finally:
            beating.set()
        if not once:  # stopped on purpose: not a dead worker (a stuck queue still shows in /healthz)
            WorkerHeartbeat.objects.filter(worker=name).delete()

    def _audit_checkpoint(self) -> None:
        """The audit chain's head, checkpointed outside the database every AUDIT_CHECKPOINT_SECONDS."""
        if not checkpoints.stale():
            return
        try:
            checkpoints.checkpoint_head(if_changed=True)
        except (OSError, DatabaseError) as error:  # the worker outlives a full disk or a lost connection
            self.stderr.write(f"audit checkpoint not written: {type(error).__name__}: {error}")
            close_old_connections()

    def _loop(self, sender, *, once: bool, batch: int, interval: float, concurrency: int, stopping) -> None:
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
            if stopping():
                return
            self._audit_checkpoint()
            if report.handled == 0:
                close_old_connections()
                slept = 0.0
                while slept < interval and not stopping():
                    time.sleep(0.1)
                    slept += 0.1
                if stopping():
                    return
