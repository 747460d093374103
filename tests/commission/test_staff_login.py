# SPDX-License-Identifier: Apache-2.0
"""Staff sign-in: throttled by django-axes, and optional TOTP two-factor with a real code."""
import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client
from django.urls import reverse

from shailoo.audit.models import AuditEntry, AuditKind
from tests.cabinet.helpers import PASSWORD, make_staff, make_world

pytestmark = pytest.mark.django_db


def totp(secret_b32: str, *, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 with SHA-1 and 6 digits, written out here so the test does not trust the library."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@pytest.fixture
def member():
    world = make_world()
    return make_staff("member", "precinct", precinct=world.precinct)


def sign_in(client: Client, password: str, username: str = "member"):
    return client.post(reverse("commission:login"), {"username": username, "password": password})


def test_the_right_password_signs_in_and_opens_the_queue(member):
    client = Client()
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("commission:queue")
    assert client.get(reverse("commission:queue")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(member):
    response = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), "wrong password")
    html = response.content.decode()
    assert response.status_code == 400 and 'class="govuk-error-summary"' in html
    assert "Wrong user name or password." in html and "<title>Error:" in html


def test_the_sixth_attempt_after_five_wrong_passwords_is_locked_out_even_with_the_right_one(member):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "wrong password").status_code == 400
    assert sign_in(client, "wrong password").status_code in (403, 429)
    locked = sign_in(client, PASSWORD)
    assert locked.status_code in (403, 429)
    assert client.get(reverse("commission:queue")).status_code == 302


def test_an_outside_next_address_is_not_followed(member):
    response = Client().post(reverse("commission:login") + "?next=https://evil.example/",
                             {"username": "member", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("commission:queue")


def enable_totp(client: Client) -> str:
    page = client.get(reverse("commission:two_factor")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "data:image/svg+xml;base64," in page
    wrong = client.post(reverse("commission:two_factor"), {"token": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 400
    response = client.post(reverse("commission:two_factor"), {"token": totp(secret)})
    assert response.status_code == 302
    return secret


def test_with_totp_enabled_the_login_asks_for_the_code(member):
    client = Client()
    sign_in(client, PASSWORD)
    secret = enable_totp(client)
    assert AuditEntry.objects.filter(kind=AuditKind.STAFF_TOTP_ENABLED).count() == 1
    assert b"totp-secret" not in client.get(reverse("commission:two_factor")).content

    fresh = Client()
    response = sign_in(fresh, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("commission:login_code")
    assert fresh.get(reverse("commission:queue")).status_code == 302  # not signed in before the code
    assert fresh.post(reverse("commission:login_code"), {"token": "12345"}).status_code == 400
    # The code of the next 30-second step: the one used to enable the device cannot be replayed.
    response = fresh.post(reverse("commission:login_code"), {"token": totp(secret, at=time.time() + 30)})
    assert response.status_code == 302
    assert fresh.get(reverse("commission:queue")).status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(member):
    client = Client()
    sign_in(client, PASSWORD)
    secret = enable_totp(client)
    fresh = Client()
    sign_in(fresh, PASSWORD)
    wrong = f"{(int(totp(secret, at=time.time() + 30)) + 1) % 1_000_000:06d}"
    assert fresh.post(reverse("commission:login_code"), {"token": wrong}).status_code == 400
    assert fresh.get(reverse("commission:queue")).status_code == 302


def test_a_session_without_the_second_factor_is_sent_back_to_sign_in(member):
    client = Client()
    sign_in(client, PASSWORD)
    enable_totp(client)
    other = Client()
    other.force_login(member)  # e.g. through another login form that knows nothing of the second factor
    response = other.get(reverse("commission:queue"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("commission:login"))
