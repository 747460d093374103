# SPDX-License-Identifier: Apache-2.0
"""The lookup core that every channel shares: one outcome per PIN, nothing personal beyond initials."""
import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shailoo.lookup.outcomes import LookupKind, VotingMode
from shailoo.lookup.selectors import hash_pin, lookup_voter
from shailoo.register.models import VoterListEntry
from shailoo.rules.eligibility import Ineligibility
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


def test_listed_voter_gets_precinct_number_address_phone_and_masked_initials():
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)

    outcome = lookup_voter(citizen.pin)

    assert outcome.kind is LookupKind.LISTED
    assert outcome.precinct_number == territory.precinct.number
    assert outcome.precinct_address_ru == territory.precinct.address_ru
    assert outcome.precinct_address_ky == territory.precinct.address_ky
    assert outcome.commission_phone == territory.precinct.phone
    assert outcome.election_name_ky == territory.election.name_ky
    assert outcome.election_day == territory.election.election_day
    assert outcome.voting_mode is VotingMode.PAPER
    assert outcome.initials_masked == "А*** Б."
    assert outcome.pin_hash == hash_pin(citizen.pin)


def test_outcome_carries_no_full_name_birth_date_or_pin():
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)

    values = " ".join(str(value) for value in dataclasses.asdict(lookup_voter(citizen.pin)).values())

    assert "Абдыкадырова" not in values and "Бермет" not in values
    assert citizen.pin not in values
    assert "1990-05-17" not in values


def test_pin_typed_with_spaces_and_dashes_is_found():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    typed = f" {citizen.pin[:5]} {citizen.pin[5:9]}-{citizen.pin[9:]} "

    assert lookup_voter(typed).kind is LookupKind.LISTED


def test_electronic_voter_is_told_they_vote_electronically():
    territory = make_territory(evoting=True)
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct, voting_mode=VoterListEntry.VotingMode.ELECTRONIC)

    outcome = lookup_voter(citizen.pin)

    assert outcome.voting_mode is VotingMode.ELECTRONIC
    assert outcome.enrolment_until is None


def test_paper_voter_of_an_evoting_election_learns_the_enrolment_deadline_while_it_is_open():
    territory = make_territory(evoting=True)
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)

    outcome = lookup_voter(citizen.pin)

    assert outcome.enrolment_until == territory.election.calendar.enrolment_until


def test_ineligible_citizen_gets_the_reasons_and_the_correction_deadline():
    territory = make_territory()
    citizen = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(
        election=territory.election, citizen=citizen, status=VoterListEntry.Status.INELIGIBLE,
        reasons="no_biometrics",
    )

    outcome = lookup_voter(citizen.pin)

    assert outcome.kind is LookupKind.INELIGIBLE
    assert outcome.reasons == (Ineligibility.NO_BIOMETRICS,)
    assert outcome.corrections_until == territory.election.calendar.corrections_until
    assert outcome.corrections_open
    assert outcome.precinct_number == ""


def test_pin_in_register_but_not_listed_and_unknown_pin_get_the_same_answer():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    unknown = "21705199099999"

    in_register, not_in_register = lookup_voter(citizen.pin), lookup_voter(unknown)

    assert in_register.kind is not_in_register.kind is LookupKind.NOT_LISTED
    assert dataclasses.replace(in_register, pin_hash="") == dataclasses.replace(not_in_register, pin_hash="")
    assert in_register.corrections_until == territory.election.calendar.corrections_until
    assert in_register.election_name_ru == territory.election.name_ru


def test_not_listed_names_no_election_when_several_fall_on_the_same_day():
    first = make_territory(name="Самаркандек")
    make_territory(name="Ак-Сай", election_day=first.election.election_day)

    outcome = lookup_voter("21705199099999")

    assert outcome.kind is LookupKind.NOT_LISTED
    assert outcome.election_name_ky == ""
    assert outcome.election_day == first.election.election_day


def test_voter_of_a_past_election_only_is_not_listed():
    territory = make_territory(election_day=timezone.localdate() - dt.timedelta(days=1))
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)

    assert lookup_voter(citizen.pin).kind is LookupKind.NOT_LISTED


def test_election_day_itself_still_counts_as_upcoming_in_bishkek():
    territory = make_territory(election_day=dt.date(2030, 4, 9))
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    # 23:30 in Bishkek on election day is 17:30 UTC the same day; 00:30 the next day is 18:30 UTC.
    late_on_election_day = dt.datetime(2030, 4, 9, 17, 30, tzinfo=dt.UTC)
    next_day = dt.datetime(2030, 4, 9, 18, 30, tzinfo=dt.UTC)

    assert lookup_voter(citizen.pin, now=late_on_election_day).kind is LookupKind.LISTED
    assert lookup_voter(citizen.pin, now=next_day).kind is LookupKind.NOT_LISTED


def test_voter_on_two_upcoming_lists_gets_the_nearest_election():
    later = make_territory(name="Кара-Суу", election_day=timezone.localdate() + dt.timedelta(days=60))
    sooner = make_territory(name="Ак-Татыр", election_day=timezone.localdate() + dt.timedelta(days=10))
    citizen = make_citizen(sooner.settlement)
    list_voter(citizen, later.election, later.precinct)
    list_voter(citizen, sooner.election, sooner.precinct)

    outcome = lookup_voter(citizen.pin)

    assert outcome.election_slug == sooner.election.slug
    assert outcome.precinct_number == sooner.precinct.number


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), ("   ", "empty"), ("12345", "length"), ("1234567890123A", "not_digits"),
     ("31705199000001", "gender_digit"), ("13213199000001", "date"), ("٢١٧٠٥١٩٩٠٠٠٠٠١", "not_digits"),
     ("x" * 10_000, "not_digits")],
)
def test_malformed_pin_is_reported_with_its_error_code(text, code):
    outcome = lookup_voter(text)

    assert outcome.kind is LookupKind.INVALID_PIN
    assert outcome.pin_error == code
    assert outcome.pin_hash == ""


def test_lookup_of_a_listed_voter_is_one_statement_prepared_on_postgresql():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)

    with CaptureQueriesContext(connection) as queries:
        outcome = lookup_voter(citizen.pin)
        lookup_voter(citizen.pin)

    assert outcome.kind is LookupKind.LISTED
    assert len(queries) == 2  # one statement a lookup (shailoo.lookup.prepared logs its own as Django would)
    if connection.vendor == "postgresql":
        # The statement bypasses Django's cursor: it is prepared once per connection on the server.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                           ["%register_voterlistentry%"])
            assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(("surname", "name"), [("Абдыкадырова", "Бермет"), ("Ли", "Ан"), ("", "Айжан"), ("Ы", "")])
def test_masked_initials_match_the_citizen_model(surname, name):
    from shailoo.lookup.selectors import masked_initials
    from shailoo.register.models import Citizen

    assert masked_initials(surname, name) == Citizen(surname=surname, name=name).initials_masked


def test_eligible_voter_whose_address_no_precinct_serves_is_told_to_apply_like_anyone_not_listed():
    territory = make_territory()
    citizen = make_citizen(territory.settlement, street="Жаңы", house="3")
    VoterListEntry.objects.create(election=territory.election, citizen=citizen,
                                  status=VoterListEntry.Status.UNASSIGNED)

    outcome = lookup_voter(citizen.pin)

    assert outcome.kind is LookupKind.NOT_LISTED and outcome.unserved
    assert outcome.election_slug == territory.election.slug
    assert outcome.corrections_until == territory.election.calendar.corrections_until


def test_a_correction_deadline_set_by_the_cec_overrides_the_computed_one():
    territory = make_territory()
    territory.election.corrections_until = territory.election.election_day - dt.timedelta(days=20)
    territory.election.save()
    citizen = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(election=territory.election, citizen=citizen,
                                  status=VoterListEntry.Status.INELIGIBLE, reasons="no_biometrics,under_age")

    outcome = lookup_voter(citizen.pin)

    assert outcome.corrections_until == territory.election.election_day - dt.timedelta(days=20)
    assert outcome.reasons == (Ineligibility.NO_BIOMETRICS, Ineligibility.UNDER_AGE)


def test_after_the_correction_deadline_the_outcome_says_it_is_closed():
    make_territory(election_day=timezone.localdate() + dt.timedelta(days=3))

    outcome = lookup_voter("21705199099999")

    assert outcome.kind is LookupKind.NOT_LISTED
    assert outcome.corrections_open is False
