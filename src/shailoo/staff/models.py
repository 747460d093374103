# SPDX-License-Identifier: Apache-2.0
"""Staff of the election commissions and of the call centre: one role and one scope per assignment."""
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
                name="staff_scope_matches_role",
                condition=(
                    models.Q(role__in=["cec_admin", "operator"], district__isnull=True, precinct__isnull=True)
                    | models.Q(role="territorial", district__isnull=False, precinct__isnull=True)
                    | models.Q(role="precinct", district__isnull=True, precinct__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "district", "precinct"], name="staff_assignment_unique"),
        ]

    def __str__(self) -> str:
        scope = self.precinct or self.district or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()

    def clean(self) -> None:
        if self.role == self.Role.TERRITORIAL and not self.district_id:
            raise ValidationError({"district": _("A territorial commission member needs a district.")})
        if self.role == self.Role.PRECINCT and not self.precinct_id:
            raise ValidationError({"precinct": _("A precinct commission member needs a precinct.")})
