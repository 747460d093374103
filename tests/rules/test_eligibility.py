# SPDX-License-Identifier: Apache-2.0
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shailoo.rules.calendar import age_on
from shailoo.rules.eligibility import Ineligibility, ineligibility, latest_birth_date_to_vote

DAY = dt.date(2024, 11, 17)


def reasons(birth_date, *, biometric=True, in_territory=True, election_day=DAY):
    return ineligibility(
        birth_date=birth_date, biometric=biometric, in_territory=in_territory, election_day=election_day
    )


def test_an_adult_with_biometrics_in_the_territory_may_vote():
    assert reasons(dt.date(1990, 1, 1)) == []


def test_every_reason_is_given():
    assert reasons(dt.date(2010, 1, 1), biometric=False, in_territory=False) == [
        Ineligibility.UNDER_AGE, Ineligibility.NO_BIOMETRICS, Ineligibility.OUTSIDE_TERRITORY
    ]


@pytest.mark.parametrize(("biometric", "in_territory", "reason"), [
    (False, True, Ineligibility.NO_BIOMETRICS),
    (True, False, Ineligibility.OUTSIDE_TERRITORY),
])
def test_each_reason_alone(biometric, in_territory, reason):
    assert reasons(dt.date(1990, 1, 1), biometric=biometric, in_territory=in_territory) == [reason]


def test_the_stored_values_of_the_reasons():
    assert [reason.value for reason in Ineligibility] == ["under_age", "no_biometrics", "outside_territory"]


def test_a_voter_who_turns_18_on_election_day_may_vote():
    assert reasons(dt.date(2006, 11, 17)) == []
    assert reasons(dt.date(2006, 11, 18)) == [Ineligibility.UNDER_AGE]
    assert latest_birth_date_to_vote(DAY) == dt.date(2006, 11, 17)


def test_a_voter_born_on_29_february_comes_of_age_on_1_march():
    assert reasons(dt.date(2012, 2, 29), election_day=dt.date(2030, 2, 28)) == [Ineligibility.UNDER_AGE]
    assert reasons(dt.date(2012, 2, 29), election_day=dt.date(2030, 3, 1)) == []
    assert reasons(dt.date(2012, 2, 29), election_day=dt.date(2030, 2, 28), biometric=False) == [
        Ineligibility.UNDER_AGE, Ineligibility.NO_BIOMETRICS
    ]


def test_on_an_election_day_of_29_february_those_born_on_28_february_18_years_before_may_vote():
    election_day = dt.date(2032, 2, 29)
    assert latest_birth_date_to_vote(election_day) == dt.date(2014, 2, 28)
    assert reasons(dt.date(2014, 2, 28), election_day=election_day) == []
    assert reasons(dt.date(2014, 3, 1), election_day=election_day) == [Ineligibility.UNDER_AGE]


@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(1960, 1, 1), dt.date(2015, 12, 31)))
@example(dt.date(2032, 2, 29), dt.date(2014, 2, 28))
@example(dt.date(2032, 2, 29), dt.date(2014, 3, 1))
@example(dt.date(2030, 3, 1), dt.date(2012, 2, 29))
def test_latest_birth_date_agrees_with_age(election_day, birth_date):
    adult = age_on(birth_date, election_day) >= 18
    assert adult == (birth_date <= latest_birth_date_to_vote(election_day))
    assert adult == (Ineligibility.UNDER_AGE not in reasons(birth_date, election_day=election_day))
