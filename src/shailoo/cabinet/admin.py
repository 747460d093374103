# SPDX-License-Identifier: Apache-2.0
"""Applications in the admin: to look at, never to change (changes go through the commission's services)."""
from django.contrib import admin

from shailoo.cabinet.models import Application, ApplicationEvent
from shailoo.web.admin import ReadOnlyAdmin


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ("status", "at", "actor_label", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "election", "precinct", "status", "channel", "filed_at")
    list_filter = ("kind", "status", "channel", "election")
    search_fields = ("pin__exact", "pk__exact")
    exclude = ("signed_statement", "signature")
    readonly_fields = ("scan_name", "scan_content_type", "scan_size", "scan_sha256", "scan_purged_at", "signer_key_id")
    inlines = [ApplicationEventInline]
    list_select_related = ("election", "precinct")
