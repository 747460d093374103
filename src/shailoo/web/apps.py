# SPDX-License-Identifier: Apache-2.0
from typing import Any

from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """`migrate` also makes the database cache's table (without Redis the rate limits live there), so a
    deployment that only migrates does not answer 500 at its first rate-limited request. Idempotent."""
    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "shailoo.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib import admin

        from shailoo.web.admin import StaffAdminSite

        # Every app registers on the default site; make that site the one that asks for the second factor.
        admin.site.__class__ = StaffAdminSite
        # post_migrate is sent once per app with models, and this app has none: hang it on contenttypes.
        post_migrate.connect(create_cache_table, sender=apps.get_app_config("contenttypes"),
                             dispatch_uid="shailoo.web.create_cache_table")
