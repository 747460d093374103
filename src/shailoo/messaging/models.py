# SPDX-License-Identifier: Apache-2.0
"""The SMS outbox: a message is written in the transaction of the change that causes it, and sent later."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundSms(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("handed to the gateway")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    to = models.CharField(_("recipient"), max_length=20)
    text = models.TextField(_("text"))
    # The same key never queues a second message (a gateway retry, a repeated decision).
    dedup_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=40, blank=True)
    gateway_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound SMS")
        verbose_name_plural = _("outbound SMS")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"SMS {self.pk} {self.status}"
