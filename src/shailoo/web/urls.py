# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="web-privacy"),
    path("accessibility/", views.accessibility, name="web-accessibility"),
]
