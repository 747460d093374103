# SPDX-License-Identifier: Apache-2.0
from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
