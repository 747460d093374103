# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CabinetConfig(AppConfig):
    name = "shailoo.cabinet"
    label = "cabinet"
    verbose_name = _("Voter's Cabinet")
