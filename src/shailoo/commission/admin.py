# SPDX-License-Identifier: Apache-2.0
"""Biometric records are read-only in the admin (staff roles: shailoo.staff.admin)."""
from django.contrib import admin

from shailoo.commission.models import BiometricCheck
from shailoo.web.admin import ReadOnlyAdmin


@admin.register(BiometricCheck)
class BiometricCheckAdmin(ReadOnlyAdmin):
    list_display = ("application", "result", "performed_by_label", "performed_at")
    list_filter = ("result",)
    readonly_fields = ("application", "performed_by", "performed_by_label", "performed_at", "result", "note")
