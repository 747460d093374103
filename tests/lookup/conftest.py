# SPDX-License-Identifier: Apache-2.0
import pytest

from tests.factories import list_voter, make_citizen, make_territory


@pytest.fixture
def listed(db):
    """A territory with one listed voter: (territory, citizen)."""
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)
    return territory, citizen


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Operator accounts are made in many tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
