# SPDX-License-Identifier: Apache-2.0
"""The audit log: append-only, each entry carrying the hash of the one before it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    """What happened; each kind's payload fields are declared in shailoo.audit.events."""

    REGISTER_IMPORTED = "register.imported", _("population register imported")
    PRECINCTS_IMPORTED = "precincts.imported", _("precincts imported")
    LIST_COMPILED = "list.compiled", _("voter list compiled")
    LIST_ENTRY_CHANGED = "list.entry_changed", _("voter list entry changed")
    APPLICATION_FILED = "application.filed", _("application filed")
    APPLICATION_WITHDRAWN = "application.withdrawn", _("application withdrawn")
    APPLICATION_DECIDED = "application.decided", _("application decided")
    BIOMETRIC_RECORDED = "biometric.recorded", _("biometric identification recorded")
    OPERATOR_LOOKUP = "lookup.operator", _("call-centre lookup")
    STAFF_CHANGED = "staff.changed", _("staff role changed")
    DOCUMENTS_PURGED = "documents.purged", _("uploaded documents deleted after retention")
    STAFF_TOTP_ENABLED = "staff.totp_enabled", _("two-factor login enabled")
    SCAN_VIEWED = "document.viewed", _("passport scan viewed")
    CEREMONY_HOLDERS = "ceremony.holders", _("key holders named")
    CEREMONY_CODE = "ceremony.code_issued", _("key holder's registration code issued")
    CEREMONY_REGISTERED = "ceremony.registered", _("key holder registered")
    CEREMONY_OPENED = "ceremony.opened", _("key ceremony opened")
    CEREMONY_MESSAGE = "ceremony.message", _("key ceremony message accepted")
    CEREMONY_FINISHED = "ceremony.finished", _("key ceremony finished")
    EVOTING_STEP = "evoting.step", _("e-voting board step")
    PROTOCOL_ENTERED = "protocol.entered", _("results protocol entered")
    PROTOCOL_ACCEPTED = "protocol.accepted", _("results protocol accepted")
    PROTOCOL_CHANGED = "protocol.changed", _("accepted results protocol changed by decision")
    PROTOCOL_SCAN = "protocol.scan", _("results protocol scan uploaded")
    LOT_RECORDED = "results.lot", _("lot for a tie recorded")
    EVOTE_COUNTED = "results.evote", _("e-vote totals counted")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    actor_label = models.CharField(max_length=200, editable=False, help_text=_("who, as text: survives the account"))
    kind = models.CharField(max_length=40, choices=AuditKind.choices, editable=False)
    subject = models.CharField(max_length=200, editable=False, blank=True, help_text=_("what it concerns"))
    payload = models.JSONField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["seq"]
        indexes = [models.Index(fields=["kind", "subject"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"
