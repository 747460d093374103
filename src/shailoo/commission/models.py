# SPDX-License-Identifier: Apache-2.0
"""The commissions' records of their work on applications (staff roles live in shailoo.staff)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BiometricCheck(models.Model):
    """The voter's biometric identification at the commission: who checked, when, with what result."""

    class Result(models.TextChoices):
        MATCH = "match", _("identity confirmed")
        NO_MATCH = "no_match", _("identity not confirmed")

    application = models.ForeignKey(
        "cabinet.Application", on_delete=models.CASCADE, related_name="biometric_checks"
    )
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_by_label = models.CharField(max_length=200)
    performed_at = models.DateTimeField(auto_now_add=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("biometric identification")
        verbose_name_plural = _("biometric identifications")
        ordering = ["performed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.result}"
