# SPDX-License-Identifier: Apache-2.0
from django.urls import URLPattern, URLResolver, path

from shailoo.evoting import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("evoting/api/<slug:slug>/<int:number>/booth", views.booth, name="evoting-booth-api"),
    path("evoting/api/<slug:slug>/<int:number>/cast", views.cast, name="evoting-cast"),
    path("evoting/api/<slug:slug>/<int:number>/challenge", views.challenge, name="evoting-challenge"),
    path("evoting/api/<slug:slug>/<int:number>/record.zip", views.record_zip, name="evoting-record"),
    path("evoting/api/<slug:slug>/<int:number>/decryptions", views.decryptions, name="evoting-decryptions"),
]
