# SPDX-License-Identifier: Apache-2.0
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from shailoo.rules.calendar import age_on
from shailoo.rules.eligibility import Ineligibility, ineligibility, latest_birth_date_to_vote

DAY = dt.date(2024, 11, 17)


def test_an_adult_with_biometrics_in_the_territory_may_vote():
    assert ineligibility(birth_date=dt.date(1990, 1, 1), biometric=True, in_territory=True, election_day=DAY) == []


def test_every_reason_is_given():
    reasons = ineligibility(birth_date=dt.date(2010, 1, 1), biometric=False, in_territory=False, election_day=DAY)
    assert reasons == [Ineligibility.UNDER_AGE, Ineligibility.NO_BIOMETRICS, Ineligibility.OUTSIDE_TERRITORY]


@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(1960, 1, 1), dt.date(2015, 12, 31)))
def test_latest_birth_date_agrees_with_age(election_day, birth_date):
    adult = age_on(birth_date, election_day) >= 18
    assert adult == (birth_date <= latest_birth_date_to_vote(election_day))
