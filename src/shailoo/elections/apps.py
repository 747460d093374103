# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "shailoo.elections"
    label = "elections"
    verbose_name = _("Elections")
