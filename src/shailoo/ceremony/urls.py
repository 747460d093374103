# SPDX-License-Identifier: Apache-2.0
from django.urls import URLPattern, URLResolver, path

from shailoo.ceremony import api, views

app_name = "ceremony"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ceremony/api/register", api.register, name="api_register"),
    path("ceremony/api/<slug:slug>", api.state, name="api_state"),
    path("ceremony/api/<slug:slug>/<int:number>/messages", api.message, name="api_message"),
    path("commission/ceremony/", views.elections, name="elections"),
    path("commission/ceremony/<slug:slug>/", views.progress, name="progress"),
    path("commission/ceremony/<slug:slug>/holders/", views.name_holders, name="holders"),
    path("commission/ceremony/<slug:slug>/holders/<int:index>/code", views.issue_code, name="issue_code"),
    path("commission/ceremony/<slug:slug>/<int:number>/restart", views.restart, name="restart"),
]
