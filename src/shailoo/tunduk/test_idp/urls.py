# SPDX-License-Identifier: Apache-2.0
"""The test identity provider under /test-idp/: django-oauth-toolkit's OIDC endpoints and our sign-in.

The namespace is django-oauth-toolkit's own ("oauth2_provider"): its discovery view finds the other
endpoints by those names.
"""
from django.urls import path, re_path
from oauth2_provider import views as dot_views

from shailoo.tunduk.test_idp import views

app_name = "oauth2_provider"

urlpatterns = [
    re_path(r"^\.well-known/openid-configuration/?$", views.test_idp_only(views.DiscoveryView.as_view()),
            name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", views.test_idp_only(dot_views.JwksInfoView.as_view()), name="jwks-info"),
    path("authorize/", views.test_idp_only(views.AuthorizeView.as_view()), name="authorize"),
    path("token/", views.test_idp_only(dot_views.TokenView.as_view()), name="token"),
    path("userinfo/", views.test_idp_only(dot_views.UserInfoView.as_view()), name="user-info"),
    path("signin/", views.test_idp_only(views.sign_in), name="test-idp-signin"),
    path("signout/", views.test_idp_only(views.sign_out), name="test-idp-signout"),
]
