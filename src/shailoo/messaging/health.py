# SPDX-License-Identifier: Apache-2.0
"""Is the SMS outbox moving? The workers' heartbeats and the oldest message still waiting (read by /healthz).

A worker beats every HEARTBEAT_EVERY seconds from a thread of its own, so a heartbeat says the process is
alive; the age of the oldest queued message says whether it gets anything done (a worker stuck on a
hanging gateway, or a gateway refusing every message, shows there).
"""
import datetime as dt
import os
import socket
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from shailoo.messaging.models import OutboundSms, WorkerHeartbeat

HEARTBEAT_EVERY = 5.0  # seconds
FORGET_AFTER = dt.timedelta(days=1)  # heartbeats of workers gone this long are deleted


def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def beat(*, worker: str, started_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """Record that `worker` is alive (one row per worker, updated in place)."""
    moment = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"started_at": started_at, "beat_at": moment})


def forget_old_heartbeats(*, now: dt.datetime | None = None) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=(now or timezone.now()) - FORGET_AFTER).delete()
    return deleted


@dataclass(frozen=True)
class OutboxHealth:
    heartbeat_age: float | None
    """Seconds since the last heartbeat of any worker; None when no worker was ever seen."""
    oldest_waiting_age: float | None
    """Seconds the oldest queued or in-flight message has waited; None when nothing waits."""
    waiting: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "worker_heartbeat_age_s": None if self.heartbeat_age is None else round(self.heartbeat_age, 1),
            "oldest_queued_age_s": None if self.oldest_waiting_age is None else round(self.oldest_waiting_age, 1),
            "queued": self.waiting, "problems": self.problems,
        }


def outbox_health(*, now: dt.datetime | None = None) -> OutboxHealth:
    """Dead worker: it beat before, but not within SHAILOO_SMS_WORKER_STALE_SECONDS. Stuck queue: a message
    has waited longer than SHAILOO_SMS_QUEUE_STUCK_SECONDS (no worker, or none getting through)."""
    moment = now or timezone.now()
    last_beat = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    waiting = OutboundSms.objects.filter(status__in=[OutboundSms.Status.QUEUED, OutboundSms.Status.SENDING])
    summary = waiting.aggregate(oldest=Min("created_at"))
    count = waiting.count() if summary["oldest"] else 0
    heartbeat_age = (moment - last_beat).total_seconds() if last_beat else None
    oldest_age = (moment - summary["oldest"]).total_seconds() if summary["oldest"] else None
    problems = []
    if heartbeat_age is not None and heartbeat_age > settings.SMS_WORKER_STALE_SECONDS:
        problems.append(f"no SMS worker has been alive for {heartbeat_age:.0f} s")
    if oldest_age is not None and oldest_age > settings.SMS_QUEUE_STUCK_SECONDS:
        problems.append(f"an SMS has waited {oldest_age:.0f} s to be sent")
    return OutboxHealth(heartbeat_age=heartbeat_age, oldest_waiting_age=oldest_age, waiting=count, problems=problems)
