# SPDX-License-Identifier: Apache-2.0
"""Read-only admin views of the SMS traffic, for the CEC's support staff."""
from django.contrib import admin

from shailoo.messaging.models import InboundSms, OutboundSms


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnly):
    list_display = ["received_at", "gateway", "message_id", "outcome", "language", "sender_hash"]
    list_filter = ["gateway", "outcome", "language"]
    search_fields = ["message_id", "sender_hash", "pin_hash"]
    date_hierarchy = "received_at"


@admin.register(OutboundSms)
class OutboundSmsAdmin(ReadOnly):
    list_display = ["created_at", "status", "attempts", "gateway", "gateway_message_id", "delivery_report"]
    list_filter = ["status", "gateway"]
    search_fields = ["gateway_message_id", "dedup_key"]
    exclude = ["to"]
    date_hierarchy = "created_at"
