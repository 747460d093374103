# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shailoo.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib import admin

        from shailoo.web.admin import StaffAdminSite

        # Every app registers on the default site; make that site the one that asks for the second factor.
        admin.site.__class__ = StaffAdminSite
