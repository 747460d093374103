# SPDX-License-Identifier: Apache-2.0
"""The staff login's lockout (issue 13, finding 7): per user name from every address, and per address."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.cabinet.helpers import PASSWORD, make_staff, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    world = make_world()
    make_staff("other", "precinct", precinct=world.precinct)
    return make_staff("member", "precinct", precinct=world.precinct)


def sign_in(address: str, password: str, username: str = "member"):
    client = Client(REMOTE_ADDR=address)
    return client, client.post(reverse("commission:login"), {"username": username, "password": password})


def test_wrong_passwords_spread_over_addresses_lock_the_user_name_everywhere(member):
    """The probe's attack: 20 guesses over 5 addresses, then the right password from a sixth."""
    for n in range(20):
        sign_in(f"198.51.100.{n % 5 + 1}", f"guess {n}")

    client, response = sign_in("198.51.100.6", PASSWORD)

    assert response.status_code == 429
    assert client.get(reverse("commission:queue")).status_code == 302


def test_five_wrong_passwords_from_five_addresses_lock_the_name_not_only_each_pair(member):
    for n in range(5):
        sign_in(f"203.0.113.{n + 1}", "wrong password")

    assert sign_in("203.0.113.99", PASSWORD)[1].status_code == 429


def test_one_address_trying_many_user_names_is_locked_out(member):
    for n in range(5):
        sign_in("192.0.2.7", "wrong password", username=f"name{n}")

    assert sign_in("192.0.2.7", PASSWORD, username="other")[1].status_code == 429
    # Another address is not affected by that one's guessing.
    assert sign_in("192.0.2.8", PASSWORD, username="other")[1].status_code == 302
