# SPDX-License-Identifier: Apache-2.0
"""The one service that changes the voter list: entry, audit entry, e-voter marking."""
import pytest

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import verify_chain
from shailoo.register import services
from shailoo.register.models import VoterListEntry
from tests.cabinet.helpers import listed_citizen, make_staff, make_world
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def clerk():
    return make_staff("clerk", "cec_admin", password=None)


def test_moving_a_voter_changes_the_entry_and_records_before_and_after(world, clerk):
    citizen = listed_citizen(world)
    entry = services.change_list_entry(
        election=world.election, citizen=citizen, precinct=world.second_precinct, actor=clerk, reason="moved"
    )
    assert entry.precinct == world.second_precinct and entry.source == VoterListEntry.Source.DECISION
    audit = AuditEntry.objects.get(kind=AuditKind.LIST_ENTRY_CHANGED)
    assert audit.payload["before"]["precinct"] == world.precinct.number
    assert audit.payload["after"]["precinct"] == world.second_precinct.number
    assert audit.payload["reason"] == "moved" and audit.actor == clerk
    assert citizen.pin not in str(audit.payload) and verify_chain().intact


def test_a_missing_voter_gets_a_new_listed_entry(world, clerk):
    citizen = make_citizen(world.territory.settlement)
    entry = services.change_list_entry(
        election=world.election, citizen=citizen, precinct=world.precinct, actor=clerk, reason="was missing"
    )
    assert entry.status == VoterListEntry.Status.LISTED and entry.voting_mode == "paper"
    assert AuditEntry.objects.get(kind=AuditKind.LIST_ENTRY_CHANGED).payload["before"] is None


def test_a_precinct_of_another_territory_is_refused_and_nothing_changes(world, clerk):
    citizen = listed_citizen(world)
    with pytest.raises(services.PrecinctOutsideElection):
        services.change_list_entry(
            election=world.election, citizen=citizen, precinct=world.other_precinct, actor=clerk, reason="x"
        )
    assert VoterListEntry.objects.get(citizen=citizen).precinct == world.precinct
    assert not AuditEntry.objects.filter(kind=AuditKind.LIST_ENTRY_CHANGED).exists()


def test_a_citizen_without_biometric_registration_is_not_listed(world, clerk):
    citizen = make_citizen(world.territory.settlement, biometric=False)
    with pytest.raises(services.NotEligibleForList):
        services.change_list_entry(
            election=world.election, citizen=citizen, precinct=world.precinct, actor=clerk, reason="x"
        )
    assert not VoterListEntry.objects.filter(citizen=citizen).exists()


def test_an_enrolled_evoter_is_marked_electronic_on_the_paper_list_of_their_precinct(world, clerk):
    citizen = listed_citizen(world)
    entry = services.enrol_evoter(election=world.election, citizen=citizen, actor=clerk, reason="applied")
    assert entry.voting_mode == VoterListEntry.VotingMode.ELECTRONIC and entry.precinct == world.precinct
    paper_list = VoterListEntry.objects.filter(election=world.election, precinct=world.precinct)
    assert paper_list.get(citizen=citizen).voting_mode == "electronic"


def test_withdrawing_an_evoter_returns_them_to_paper(world, clerk):
    citizen = listed_citizen(world)
    services.enrol_evoter(election=world.election, citizen=citizen, actor=clerk, reason="applied")
    entry = services.withdraw_evoter(election=world.election, citizen=citizen, actor=None, reason="withdrew",
                                     actor_label="voter:abc")
    assert entry.voting_mode == "paper"
    last = AuditEntry.objects.filter(kind=AuditKind.LIST_ENTRY_CHANGED).order_by("-seq").first()
    assert last.actor_label == "voter:abc" and last.payload["before"]["voting_mode"] == "electronic"


def test_enrolment_is_refused_where_the_election_offers_no_evoting(clerk):
    world = make_world(evoting=False)
    citizen = listed_citizen(world)
    with pytest.raises(services.NoElectronicVoting):
        services.enrol_evoter(election=world.election, citizen=citizen, actor=clerk, reason="x")


def test_enrolment_of_a_voter_not_on_the_list_is_refused(world, clerk):
    citizen = make_citizen(world.territory.settlement)
    with pytest.raises(services.NotListed):
        services.enrol_evoter(election=world.election, citizen=citizen, actor=clerk, reason="x")


def test_a_citizen_under_18_on_election_day_is_not_listed(world, clerk):
    import datetime as dt

    day = world.election.election_day
    born = day.replace(year=day.year - 18) + dt.timedelta(days=1)
    citizen = make_citizen(world.territory.settlement, birth_date=born)
    with pytest.raises(services.NotEligibleForList):
        services.change_list_entry(
            election=world.election, citizen=citizen, precinct=world.precinct, actor=clerk, reason="x"
        )
