# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.cabinet import views

app_name = "cabinet"

urlpatterns = [
    path("", views.home, name="home"),
    path("elections/<int:election_id>/correction/", views.apply_correction, name="correction"),
    path("elections/<int:election_id>/evoting/", views.apply_evoting, name="evoting"),
    path("missing/", views.apply_missing, name="missing"),
    path("applications/<int:pk>/withdraw/", views.withdraw_page, name="withdraw"),
]
