# SPDX-License-Identifier: Apache-2.0
from django.urls import URLPattern, URLResolver, path

from shailoo.ceremony import api

app_name = "ceremony"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ceremony/api/register", api.register, name="api_register"),
    path("ceremony/api/<slug:slug>", api.state, name="api_state"),
    path("ceremony/api/<slug:slug>/<int:number>/messages", api.message, name="api_message"),
]
