# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from shailoo.messaging import views

app_name = "messaging"

urlpatterns = [
    path("sms/jasmin", views.jasmin_inbound, name="jasmin"),
    path("sms/jasmin/dlr", views.jasmin_delivery_report, name="jasmin_dlr"),
    path("sms/kannel", views.kannel_inbound, name="kannel"),
    path("sms/kannel/dlr", views.kannel_delivery_report, name="kannel_dlr"),
    path("sms/inbound", views.generic_inbound, name="inbound"),
]
