# SPDX-License-Identifier: Apache-2.0
"""Staff of the election commissions: one role and one scope per assignment."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.geography.models import District, Precinct


class StaffAssignment(models.Model):
    class Role(models.TextChoices):
        CEC_ADMIN = "cec_admin", _("CEC administrator")
        TERRITORIAL = "territorial", _("territorial commission member")
        PRECINCT = "precinct", _("precinct commission member")
        OPERATOR = "operator", _("call-centre operator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(max_length=12, choices=Role.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                name="scope_matches_role",
                condition=(
                    models.Q(role__in=["cec_admin", "operator"], district__isnull=True, precinct__isnull=True)
                    | models.Q(role="territorial", district__isnull=False, precinct__isnull=True)
                    | models.Q(role="precinct", district__isnull=True, precinct__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "district", "precinct"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        scope = self.precinct or self.district or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()

    def clean(self) -> None:
        if self.role == self.Role.TERRITORIAL and not self.district_id:
            raise ValidationError({"district": _("A territorial commission member needs a district.")})
        if self.role == self.Role.PRECINCT and not self.precinct_id:
            raise ValidationError({"precinct": _("A precinct commission member needs a precinct.")})


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
