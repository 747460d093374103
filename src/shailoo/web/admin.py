# SPDX-License-Identifier: Apache-2.0
"""What every app's admin shares."""
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device


class ReadOnlyAdmin(admin.ModelAdmin):
    """To look at, never to change: these records change only through the apps' services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffAdminSite(admin.AdminSite):
    """The admin signs staff in through the commission login, the one with the lockout and the second
    factor; a session that has a confirmed TOTP device but skipped its code does not get in."""

    def has_permission(self, request) -> bool:
        user = request.user
        if not super().has_permission(request):
            return False
        return user.is_verified() or not user_has_device(user, confirmed=True)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('commission:login')}?{urlencode({'next': next_url})}")
