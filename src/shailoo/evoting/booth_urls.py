# SPDX-License-Identifier: Apache-2.0
"""The voter's booth pages (docs/evoting-booth.md): which election, then the booth of the voter's own
constituency."""
from django.urls import URLPattern, URLResolver, path

from shailoo.evoting import booth_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("vote/", booth_views.index, name="vote"),
    path("vote/<slug:slug>/", booth_views.booth, name="vote-booth"),
]
