# SPDX-License-Identifier: Apache-2.0
"""Sending the outbox: claim due messages, hand each to the sender, retry with backoff, give up after
settings.SMS_MAX_ATTEMPTS.

A claim marks rows SENDING with a lease (next_attempt_at) in a short transaction that takes them with
SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers never take the same row; the
gateway is called outside any transaction, and each message's outcome is committed as soon as its
gateway answers. A worker that dies leaves at most the messages it had under way in doubt: the gateway
may have taken them. Neither Kannel's sendsms nor Jasmin's HTTP API takes an idempotency key, but both
carry our message number in the delivery-report URL, and the first report (Kannel's "submitted to the
SMSC", Jasmin's SMSC acknowledgement) settles the doubt: the message is marked sent and not sent again.
Only a message with neither a recorded answer nor a report when its lease ends is sent again.
"""
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from shailoo.messaging.models import OutboundSms
from shailoo.messaging.senders import OutgoingSms, SendFailed, SendResult, SmsSender
from shailoo.messaging.services import delivery_token

logger = logging.getLogger("shailoo.sms")

BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)


@dataclass
class BatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def claim_due(*, limit: int, now: dt.datetime | None = None) -> list[OutboundSms]:
    """Take up to `limit` messages that are due (queued and past their backoff, or with an expired claim)."""
    moment = now or timezone.now()
    lease = dt.timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS)
    due = Q(status=OutboundSms.Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
    expired_claim = Q(status=OutboundSms.Status.SENDING, next_attempt_at__lte=moment)
    with transaction.atomic():
        rows = OutboundSms.objects.filter(due | expired_claim).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            OutboundSms.objects.filter(pk__in=[sms.pk for sms in claimed]).update(
                status=OutboundSms.Status.SENDING, next_attempt_at=moment + lease
            )
    return claimed


def dlr_url(sms: OutboundSms, gateway: str) -> str:
    """Where the gateway reports delivery of this message; empty without SHAILOO_SMS_DLR_BASE_URL."""
    base = settings.SMS_DLR_BASE_URL.rstrip("/")
    if not base:
        return ""
    query = f"ref={sms.pk}&t={delivery_token(sms.pk)}"
    if gateway == "kannel":
        return f"{base}/sms/kannel/dlr?{query}&status=%d"
    return f"{base}/sms/jasmin/dlr?{query}"


def attempt(sms: OutboundSms, sender: SmsSender) -> SendResult | SendFailed:
    """Hand one message to the gateway (no database access: safe in a worker thread)."""
    try:
        return sender.send(OutgoingSms(reference=sms.pk, to=sms.to, text=sms.text, dlr_url=dlr_url(sms, sender.name)))
    except SendFailed as failure:
        return failure
    except Exception as error:  # a sender's bug must not leave the message claimed until its lease ends
        logger.exception("SMS %s: the %s sender failed unexpectedly", sms.pk, sender.name)
        return SendFailed(f"{sender.name} sender error: {type(error).__name__}", retryable=True)


def record_attempt(sms: OutboundSms, sender_name: str, outcome: SendResult | SendFailed, *,
                   now: dt.datetime | None = None) -> str:
    """Write down one attempt: 'sent', 'retry' (queued again after a backoff) or 'failed'."""
    attempts = sms.attempts + 1
    moment = now or timezone.now()
    if isinstance(outcome, SendFailed):
        final = not outcome.retryable or attempts >= settings.SMS_MAX_ATTEMPTS
        # Only while still ours: a delivery report may have shown that the gateway took it after all.
        OutboundSms.objects.filter(pk=sms.pk, status=OutboundSms.Status.SENDING).update(
            status=OutboundSms.Status.FAILED if final else OutboundSms.Status.QUEUED,
            attempts=attempts, gateway=sender_name, last_error=outcome.reason[:500],
            next_attempt_at=None if final else moment + backoff(attempts),
        )
        logger.warning("SMS %s attempt %s failed (%s): %s", sms.pk, attempts, "final" if final else "will retry",
                       outcome.reason)
        return "failed" if final else "retry"
    OutboundSms.objects.filter(pk=sms.pk).update(
        # A delivery report may already have arrived: its state is not overwritten.
        status=Case(When(status=OutboundSms.Status.SENDING, then=Value(OutboundSms.Status.SENT)), default=F("status")),
        sent_at=moment, attempts=attempts, gateway=outcome.gateway,
        gateway_message_id=outcome.gateway_message_id[:100], last_error="", next_attempt_at=None,
    )
    return "sent"


def send_one(sms: OutboundSms, sender: SmsSender, *, now: dt.datetime | None = None) -> str:
    """Send one claimed message and record what happened: 'sent', 'retry' or 'failed'."""
    return record_attempt(sms, sender.name, attempt(sms, sender), now=now)


def send_due(sender: SmsSender, *, limit: int = 50, concurrency: int = 1, now: dt.datetime | None = None) -> BatchReport:
    """Claim one batch and send it, `concurrency` gateway requests at a time; each outcome is committed as
    soon as its gateway answers, so a worker killed mid-batch loses no answer it had."""
    report = BatchReport()
    claimed = claim_due(limit=limit, now=now)

    def note(sms: OutboundSms, outcome: SendResult | SendFailed) -> None:
        result = record_attempt(sms, sender.name, outcome, now=now)
        if result == "sent":
            report.sent += 1
        elif result == "retry":
            report.retried += 1
        else:
            report.failed += 1

    if concurrency > 1 and len(claimed) > 1:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(claimed))) as pool:
            futures = {pool.submit(attempt, sms, sender): sms for sms in claimed}
            for future in as_completed(futures):
                note(futures[future], future.result())
    else:
        for sms in claimed:
            note(sms, attempt(sms, sender))
    return report
