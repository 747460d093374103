# SPDX-License-Identifier: Apache-2.0
from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shailoo.web"
    label = "web"
