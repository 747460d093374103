# SPDX-License-Identifier: Apache-2.0
"""Read-only admin views of the SMS traffic, for the CEC's support staff."""
from django.contrib import admin

from shailoo.messaging.models import InboundSms, OutboundSms
from shailoo.web.admin import ReadOnlyAdmin


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "gateway", "message_id", "outcome", "language", "sender_hash"]
    list_filter = ["gateway", "outcome", "language"]
    search_fields = ["message_id", "sender_hash", "pin_hash"]
    date_hierarchy = "received_at"


@admin.register(OutboundSms)
class OutboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "status", "attempts", "gateway", "gateway_message_id", "delivery_report"]
    list_filter = ["status", "gateway"]
    search_fields = ["gateway_message_id", "dedup_key"]
    exclude = ["to"]
    date_hierarchy = "created_at"
