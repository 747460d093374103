# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "shailoo.register"
    label = "register"
    verbose_name = _("Register and voter lists")
