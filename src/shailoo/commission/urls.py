# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.commission import views

app_name = "commission"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", views.two_factor, name="two_factor"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/scan/", views.application_scan, name="scan"),
    path("applications/<int:pk>/review/", views.start_review, name="review"),
    path("applications/<int:pk>/biometric/", views.record_biometric, name="biometric"),
    path("applications/<int:pk>/approve/", views.approve, name="approve"),
    path("applications/<int:pk>/reject/", views.reject, name="reject"),
]
