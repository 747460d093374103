# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CeremonyConfig(AppConfig):
    name = "shailoo.ceremony"
    verbose_name = _("Key ceremony")
