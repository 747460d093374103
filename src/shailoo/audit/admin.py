# SPDX-License-Identifier: Apache-2.0
from django.contrib import admin

from shailoo.audit.models import AuditEntry
from shailoo.web.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is written only by services."""

    list_display = ["seq", "created_at", "kind", "actor_label", "subject"]
    list_filter = ["kind"]
    search_fields = ["subject", "actor_label"]

