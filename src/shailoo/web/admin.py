# SPDX-License-Identifier: Apache-2.0
"""What every app's admin shares."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """To look at, never to change: these records change only through the apps' services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
