# SPDX-License-Identifier: Apache-2.0
from django.urls import path  # noqa: F401

urlpatterns: list = []
