# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "shailoo.staff"
    label = "staff"
    verbose_name = _("Staff roles")
