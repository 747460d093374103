# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "shailoo.commission"
    label = "commission"
    verbose_name = _("Commissions")
