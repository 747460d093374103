# SPDX-License-Identifier: Apache-2.0
from django.contrib import admin

from shailoo.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written only by services."""

    list_display = ["seq", "created_at", "kind", "actor_label", "subject"]
    list_filter = ["kind"]
    search_fields = ["subject", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
