# SPDX-License-Identifier: Apache-2.0
"""The hot statements give the same answers prepared (PostgreSQL) and through Django's cursor (a pooler
that cannot keep prepared statements, SQLite), and their errors are Django's."""
import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from shailoo.lookup import prepared
from shailoo.lookup.selectors import lookup_voter
from shailoo.messaging.models import InboundSms
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prepare", [True, False])
def test_a_lookup_gives_the_same_outcome_prepared_or_not(prepare):
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    unknown_pin = "21705199099999"

    with override_settings(LOOKUP_PREPARED_STATEMENTS=prepare):
        listed, not_listed = lookup_voter(citizen.pin), lookup_voter(unknown_pin)
    with override_settings(LOOKUP_PREPARED_STATEMENTS=not prepare):
        assert (lookup_voter(citizen.pin), lookup_voter(unknown_pin)) == (listed, not_listed)
    assert listed.precinct_number == territory.precinct.number
    assert not_listed.election_day == territory.election.election_day


@pytest.mark.parametrize("prepare", [True, False])
def test_a_statement_without_rows_returns_nothing_and_a_violation_is_djangos_integrity_error(prepare):
    table = InboundSms._meta.db_table
    insert = (f"INSERT INTO {table} (gateway, message_id, sender_hash, recipient, language, outcome, pin_hash, "  # noqa: S608
              "reply, received_at) VALUES (%s, %s, 'h', '119', 'ru', 'help', '', '', CURRENT_TIMESTAMP)")
    with override_settings(LOOKUP_PREPARED_STATEMENTS=prepare):
        assert prepared.run(insert, ("kannel", "p-1"), rows=False) == []
        with pytest.raises(IntegrityError), transaction.atomic():
            prepared.run(insert, ("kannel", "p-1"), rows=False)
        assert prepared.run(f"SELECT message_id FROM {table} WHERE gateway = %s", ("kannel",)) == [("p-1",)]  # noqa: S608
