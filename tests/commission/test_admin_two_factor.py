# SPDX-License-Identifier: Apache-2.0
"""The admin is reached through the commission login, and never around its second factor."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "a long staff password"


@pytest.fixture
def cec():
    return get_user_model().objects.create_superuser("cec", "cec@example.kg", PASSWORD)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_admin_login_is_the_commission_login(client):
    response = client.get("/admin/login/?next=/admin/register/citizen/")
    assert response.status_code == 302
    assert response.url == "/commission/login/?next=%2Fadmin%2Fregister%2Fcitizen%2F"


def test_staff_without_a_device_sign_in_with_the_password_and_reach_the_admin(client, cec):
    response = client.post("/commission/login/", {"username": "cec", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_sent_to_sign_in(client, cec):
    TOTPDevice.objects.create(user=cec, name="phone", confirmed=True)
    client.force_login(cec)  # a password-only session, e.g. from before the device was confirmed
    response = client.get("/admin/register/citizen/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_with_a_device_the_admin_opens_only_after_the_code(cec):
    device = TOTPDevice.objects.create(user=cec, name="phone", confirmed=True)
    client = Client()
    response = client.post("/commission/login/", {"username": "cec", "password": PASSWORD, "next": "/admin/"})
    assert response.url == reverse("commission:login_code")
    assert client.get("/admin/").status_code == 302  # password alone is not enough
    response = client.post(response.url, {"token": _code(device)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200

