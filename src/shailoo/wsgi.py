# SPDX-License-Identifier: Apache-2.0
"""WSGI entry point for gunicorn (the hot public endpoints take a short middleware chain: shailoo.web.lean)."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shailoo.settings")

from shailoo.web.lean import application_from_settings  # noqa: E402 - after the settings module is named

application = application_from_settings()
