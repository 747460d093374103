# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "shailoo.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from shailoo.results import signals  # noqa: F401 - connects the receivers
