# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TundukConfig(AppConfig):
    name = "shailoo.tunduk"
    label = "tunduk"
    verbose_name = _("Tunduk login")
