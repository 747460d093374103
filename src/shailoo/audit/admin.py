# SPDX-License-Identifier: Apache-2.0
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shailoo.audit.events import describe
from shailoo.audit.models import AuditEntry
from shailoo.web.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is written only by services."""

    list_display = ["seq", "created_at", "what", "actor_label", "subject"]
    list_filter = ["kind"]
    search_fields = ["subject", "actor_label"]

    @admin.display(description=_("what happened"), ordering="kind")
    def what(self, entry: AuditEntry) -> str:
        return describe(entry.kind, entry.payload)

