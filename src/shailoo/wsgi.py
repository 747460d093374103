# SPDX-License-Identifier: Apache-2.0
"""WSGI entry point for gunicorn."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shailoo.settings")
application = get_wsgi_application()
