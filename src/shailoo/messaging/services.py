# SPDX-License-Identifier: Apache-2.0
"""Queueing SMS into the outbox."""
from django.db import IntegrityError, transaction

from shailoo.messaging.models import OutboundSms


def queue_sms(*, to: str, text: str, dedup_key: str | None = None) -> OutboundSms:
    """Queue one SMS; with a dedup_key already queued, return that message and queue nothing."""
    if dedup_key is not None:
        existing = OutboundSms.objects.filter(dedup_key=dedup_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return OutboundSms.objects.create(to=to, text=text, dedup_key=dedup_key)
    except IntegrityError:
        return OutboundSms.objects.get(dedup_key=dedup_key)
