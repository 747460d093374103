# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvotingConfig(AppConfig):
    name = "shailoo.evoting"
    verbose_name = _("E-voting")
