# SPDX-License-Identifier: Apache-2.0
"""The voter's login at the site root, and the local test identity provider under /test-idp/.

The test provider's views answer 404 unless settings.TEST_IDP is on (and settings refuse to turn it
on in production), so toggling it in a test needs no URLconf reload.
"""
from django.urls import include, path

from shailoo.tunduk import views

login_patterns = [
    path("login/tunduk/", views.start, name="login"),
    path("login/tunduk/callback/", views.callback, name="callback"),
    path("logout/", views.logout, name="logout"),
]

urlpatterns = [
    path("", include((login_patterns, "tunduk"))),
    path("test-idp/", include("shailoo.tunduk.test_idp.urls")),
]
