# SPDX-License-Identifier: Apache-2.0
"""The SMS outbox and the inbound SMS of the 119 channel.

An outbound message is written in the transaction of the change that causes it, and sent later by
the worker (`shailoo worker`). An inbound message is kept with its reply, so that a gateway's retry of
the same message id gets the same reply and no second SMS. Phone numbers of senders are kept only as
keyed hashes; the reply's recipient lives on the outbound message until it is sent.
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundSms(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("handed to the gateway")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    to = models.CharField(_("recipient"), max_length=20)
    text = models.TextField(_("text"))
    # The same key never queues a second message (a gateway retry, a repeated decision): the constraint
    # `outboundsms_dedup_once` below (a constraint, not unique=True, which on PostgreSQL adds a second,
    # LIKE-pattern index that every queued SMS, one per cast ballot, would also write).
    dedup_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 - many messages have no key (NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # QUEUED: not before this moment (retry backoff); SENDING: the worker's claim expires at this moment.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=40, blank=True)
    gateway_message_id = models.CharField(max_length=100, blank=True)  # indexed below, without a LIKE index
    last_error = models.CharField(max_length=500, blank=True)
    delivery_report = models.CharField(_("last delivery report"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound SMS")
        verbose_name_plural = _("outbound SMS")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["gateway_message_id"], name="outboundsms_gateway_id"),
        ]
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="outboundsms_dedup_once")]

    def __str__(self) -> str:
        return f"SMS {self.pk} {self.status}"


class InboundSms(models.Model):
    """One message to 119 as a gateway delivered it, and what we answered."""

    class Gateway(models.TextChoices):
        JASMIN = "jasmin", "Jasmin"
        KANNEL = "kannel", "Kannel"
        INBOUND = "inbound", _("generic JSON")

    class Outcome(models.TextChoices):
        LISTED = "listed", _("on the list")
        NOT_LISTED = "not_listed", _("not on a list")
        INELIGIBLE = "ineligible", _("not eligible")
        INVALID_PIN = "invalid_pin", _("not a PIN")
        HELP = "help", _("help text")
        RATE_LIMITED = "rate_limited", _("refused: too many requests")
        SILENCED = "silenced", _("no reply: refused again within the window")

    gateway = models.CharField(max_length=10, choices=Gateway.choices)
    message_id = models.CharField(_("gateway's message id"), max_length=100)
    sender_hash = models.CharField(_("keyed hash of the sender's number"), max_length=16)
    recipient = models.CharField(_("short number"), max_length=20)
    language = models.CharField(max_length=2)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    pin_hash = models.CharField(max_length=16, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    reply_sms = models.ForeignKey(OutboundSms, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "message_id"], name="inbound_sms_once_per_gateway_id"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.message_id} {self.outcome}"


class WorkerHeartbeat(models.Model):
    """An outbox worker's sign of life (`shailoo worker` writes it every few seconds; /healthz reads it)."""

    worker = models.CharField(max_length=100, unique=True, help_text="host:pid")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SMS worker heartbeat")

    def __str__(self) -> str:
        return f"{self.worker} {self.beat_at:%Y-%m-%d %H:%M:%S}"
