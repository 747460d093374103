# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "shailoo.messaging"
    label = "messaging"
    verbose_name = _("Messaging")
