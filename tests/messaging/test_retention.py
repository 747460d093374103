# SPDX-License-Identifier: Apache-2.0
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shailoo.messaging.models import InboundSms, OutboundSms

pytestmark = pytest.mark.django_db


def test_old_finished_sms_are_purged_and_queued_ones_kept():
    old = timezone.now() - dt.timedelta(days=100)
    for status in ("sent", "delivered", "failed", "queued", "sending"):
        sms = OutboundSms.objects.create(to="+996555000001", text="x", status=status)
        OutboundSms.objects.filter(pk=sms.pk).update(created_at=old)
    recent = OutboundSms.objects.create(to="+996555000002", text="y", status="delivered")
    InboundSms.objects.create(gateway="kannel", message_id="old", sender_hash="h", recipient="119", language="ru",
                              outcome="listed", received_at=old)
    InboundSms.objects.create(gateway="kannel", message_id="new", sender_hash="h", recipient="119", language="ru",
                              outcome="listed")
    out = StringIO()
    call_command("purge_sms", "--days", "90", stdout=out)
    assert "deleted 1 inbound and 3 outbound SMS" in out.getvalue()
    assert sorted(OutboundSms.objects.values_list("status", flat=True)) == ["delivered", "queued", "sending"]
    assert OutboundSms.objects.filter(pk=recent.pk).exists()
    assert list(InboundSms.objects.values_list("message_id", flat=True)) == ["new"]


def test_a_retention_of_zero_days_is_refused():
    with pytest.raises(CommandError):
        call_command("purge_sms", "--days", "0", stdout=StringIO())
