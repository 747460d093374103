# SPDX-License-Identifier: Apache-2.0
from django.urls import URLPattern, URLResolver, path

from shailoo.evoting import board_views, commission_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("evoting/api/<slug:slug>/<int:number>/booth", views.booth, name="evoting-booth-api"),
    path("evoting/api/<slug:slug>/<int:number>/cast", views.cast, name="evoting-cast"),
    path("evoting/api/<slug:slug>/<int:number>/challenge", views.challenge, name="evoting-challenge"),
    path("evoting/api/<slug:slug>/<int:number>/record.zip", views.record_zip, name="evoting-record"),
    path("evoting/api/<slug:slug>/<int:number>/decryptions", views.decryptions, name="evoting-decryptions"),
    path("board/<slug:slug>/", board_views.election_boards, name="evoting-boards"),
    path("board/<slug:slug>/<int:number>/", board_views.board_page, name="evoting-board"),
    path("board/<slug:slug>/<int:number>/heads", board_views.heads, name="evoting-heads"),
    path("board/<slug:slug>/<int:number>/credentials", board_views.credentials, name="evoting-credentials"),
    path("board/<slug:slug>/<int:number>/challenges", board_views.challenges, name="evoting-challenges"),
    path("commission/evoting/", commission_views.evoting_index, name="evoting-commission-index"),
    path("commission/evoting/<slug:slug>/", commission_views.evoting_page, name="evoting-commission"),
    path("commission/evoting/<slug:slug>/<int:number>/polls", commission_views.polls_page, name="evoting-polls"),
]
