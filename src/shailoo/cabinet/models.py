# SPDX-License-Identifier: Apache-2.0
"""Applications of voters: filed in the Voter's Cabinet or at the precinct, decided by a commission.

An application's history is a list of events (filed, under review, approved, rejected, applied,
withdrawn), each with who and when; `status` is the latest of them, kept for queries.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Election
from shailoo.geography.models import Precinct
from shailoo.register.models import Citizen


class Application(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction of my data")
        MISSING = "missing_from_list", _("I am missing from the list")
        EVOTING = "evoting", _("vote electronically")

    class Status(models.TextChoices):
        FILED = "filed", _("filed")
        UNDER_REVIEW = "under_review", _("under review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        APPLIED = "applied", _("applied to the voter list")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Channel(models.TextChoices):
        CABINET = "cabinet", _("online, in the Voter's Cabinet")
        WALK_IN = "walk_in", _("in person, at the precinct commission")

    OPEN_STATUSES = (Status.FILED, Status.UNDER_REVIEW)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="applications")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="applications")
    pin = models.CharField(_("PIN"), max_length=14, db_index=True)
    # The precinct commission that reviews it: where the voter is, or asks to be, listed.
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.FILED)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.CABINET)
    phone = models.CharField(_("phone for notifications"), max_length=20)
    language = models.CharField(_("language of notifications"), max_length=2, default="ky")
    what_is_wrong = models.TextField(_("what is wrong"), blank=True)
    # The values the voter says are correct: surname, name, patronymic, address, precinct.
    claimed = models.JSONField(_("claimed correct values"), default=dict, blank=True)
    # The passport scan, stored under PRIVATE_MEDIA_ROOT with a random name; emptied when purged.
    scan_name = models.CharField(max_length=200, blank=True, editable=False)
    scan_content_type = models.CharField(max_length=40, blank=True, editable=False)
    scan_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    scan_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    scan_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # E-voting: the statement the voter signed, the signature (base64) and the signer's key.
    signed_statement = models.TextField(blank=True, editable=False)
    signature = models.TextField(blank=True, editable=False)
    signer_key_id = models.CharField(max_length=200, blank=True, editable=False)
    # E-voting: the voter's credential public key (docs/protocol.md 5), 64 lowercase hex, made in the browser;
    # the private key and its recovery code never reach the server.
    credential_public_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "pin", "kind"],
                condition=models.Q(status__in=["filed", "under_review"]),
                name="one_open_application_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["precinct", "status", "filed_at"])]

    def __str__(self) -> str:
        return f"№{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def staff_kind_label(self) -> str:
        """The kind in the commission's words (the choices' labels are the voter's: "correction of my data")."""
        return str(STAFF_KIND_LABELS.get(self.kind, self.get_kind_display()))

    @property
    def status_meaning(self) -> str:
        """The colour of the status's tag (shailoo.web.templatetags.ui.TAG_MEANINGS)."""
        return STATUS_MEANINGS.get(self.status, "closed")

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_name)


STAFF_KIND_LABELS = {
    Application.Kind.CORRECTION: _("correction of data"),
    Application.Kind.MISSING: _("missing from the list"),
    Application.Kind.EVOTING: _("e-voting enrolment"),
}
STATUS_MEANINGS = {
    Application.Status.FILED: "waiting",
    Application.Status.UNDER_REVIEW: "waiting",
    Application.Status.APPROVED: "done",
    Application.Status.APPLIED: "done",
    Application.Status.REJECTED: "refused",
    Application.Status.WITHDRAWN: "closed",
}


class ApplicationEvent(models.Model):
    """One step of an application's timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=14, choices=Application.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "voter" for the voter themself, else the staff member's name: survives the account.
    actor_label = models.CharField(max_length=200)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"
