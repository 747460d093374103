# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.results import views

app_name = "results"

urlpatterns = [
    path("results/", views.index, name="index"),
    path("results/scan/<int:pk>/", views.scan, name="scan"),  # before the election pages: "scan" is no slug
    path("results/<slug:slug>/", views.election_page, name="election"),
    path("results/<slug:slug>/protocol-<str:language>.pdf", views.protocol_pdf, name="pdf"),
    path("results/<slug:slug>/<int:number>/", views.constituency_page, name="constituency"),
    path("results/<slug:slug>/<int:number>/<str:unit>/", views.unit_page, name="unit"),
    path("commission/results/", views.protocols, name="staff-protocols"),
    path("commission/results/protocols/<int:pk>/", views.protocol_detail, name="staff-protocol"),
    path("commission/results/protocols/<int:pk>/scan/", views.protocol_scan, name="staff-scan"),
    path("commission/results/protocols/<int:pk>/change/", views.protocol_change, name="staff-change"),
    path("commission/results/lots/<slug:slug>/", views.lots, name="staff-lots"),
]
