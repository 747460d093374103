# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.lookup import views

urlpatterns = [
    path("", views.home, name="lookup-home"),
    path("check/", views.check, name="lookup-check"),
    path("where/", views.where, name="lookup-where"),
    path("precincts/<str:number>/", views.precinct_page, name="lookup-precinct"),
    path("operator/", views.operator_console, name="lookup-operator"),
    path("operator/login/", views.operator_login, name="lookup-operator-login"),
    path("operator/logout/", views.operator_logout, name="lookup-operator-logout"),
]
