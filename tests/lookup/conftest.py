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
