# SPDX-License-Identifier: Apache-2.0
"""URL map of the whole platform: each app contributes its own urls module."""
from django.contrib import admin
from django.urls import include, path

from shailoo.api import api
from shailoo.api import docs as api_docs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", api_docs, name="api-docs"),
    path("", include("shailoo.web.urls")),
    path("", include("shailoo.lookup.urls")),
    path("", include("shailoo.messaging.urls")),
    path("", include("shailoo.tunduk.urls")),
    path("cabinet/", include("shailoo.cabinet.urls")),
    path("commission/", include("shailoo.commission.urls")),
    path("", include("shailoo.ceremony.urls")),
    path("", include("shailoo.evoting.urls")),
    path("", include("shailoo.evoting.booth_urls")),
    path("", include("shailoo.results.urls")),
]

handler400 = "shailoo.web.views.bad_request"
handler403 = "shailoo.web.views.permission_denied"
handler404 = "shailoo.web.views.page_not_found"
handler500 = "shailoo.web.views.server_error"
