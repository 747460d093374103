# SPDX-License-Identifier: Apache-2.0
"""The platform's URLs, plus three that fail on purpose, so that the sweep sees the 400, 403 and 500 pages."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from shailoo.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _bad_request(request):
    raise SuspiciousOperation("the sweep's bad request")


def _forbidden(request):
    raise PermissionDenied("the sweep's forbidden page")


def _server_error(request):
    raise RuntimeError("the sweep's server error")


urlpatterns = [
    path("__sweep__/400", _bad_request),
    path("__sweep__/403", _forbidden),
    path("__sweep__/500", _server_error),
    *urlpatterns,
]
