# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookupConfig(AppConfig):
    name = "shailoo.lookup"
    label = "lookup"
    verbose_name = _("Voter-list check")
