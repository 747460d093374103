# SPDX-License-Identifier: Apache-2.0
"""The call-centre console's entrance (issue 13, finding 6): the staff login with its second factor."""
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.staff.models import StaffAssignment
from tests.commission.test_staff_login import totp
from tests.factories import make_territory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def operator(django_user_model):
    make_territory()
    user = django_user_model.objects.create_user(username="aigul", password=PASSWORD)
    StaffAssignment.objects.create(user=user, role=StaffAssignment.Role.OPERATOR)
    return user


@pytest.fixture
def device(operator):
    return TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)


def secret_of(device: TOTPDevice) -> str:
    import base64
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def test_the_operator_login_is_the_staff_login_with_its_lockout_and_second_factor(client):
    response = client.get("/operator/login/")

    assert response.status_code == 302
    assert response["Location"] == reverse("commission:login") + "?next=%2Foperator%2F"


def test_an_operator_with_totp_does_not_get_into_the_console_with_the_password_alone(operator, device):
    client = Client()
    answer = client.post(reverse("commission:login") + "?next=/operator/",
                         {"username": "aigul", "password": PASSWORD, "next": "/operator/"})

    assert answer.status_code == 302 and answer["Location"] == reverse("commission:login_code")
    assert client.get("/operator/").status_code == 302
    assert client.post("/operator/", {"pin": "21705199000001"}).status_code == 302
    coded = client.post(reverse("commission:login_code"), {"token": totp(secret_of(device), at=time.time())})
    assert coded.status_code == 302 and coded["Location"] == "/operator/"
    assert client.get("/operator/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_signed_out_of_the_console(operator, device):
    client = Client()
    client.force_login(operator)  # as a login form that knows nothing of the second factor would

    response = client.get("/operator/")

    assert response.status_code == 302
    assert response["Location"] == reverse("lookup-operator-login")
    assert "_auth_user_id" not in client.session


def test_an_operator_without_totp_signs_in_with_the_password(operator):
    client = Client()
    answer = client.post(reverse("commission:login"), {"username": "aigul", "password": PASSWORD, "next": "/operator/"})

    assert answer["Location"] == "/operator/"
    assert client.get("/operator/").status_code == 200
