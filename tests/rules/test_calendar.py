# SPDX-License-Identifier: Apache-2.0
import datetime as dt

import pytest

from shailoo.rules.calendar import BISHKEK, ElectionCalendar, age_on, end_of_day, local_day

ELECTION_DAY = dt.date(2024, 11, 17)


def test_deadlines_are_computed_from_election_day():
    calendar = ElectionCalendar.for_election_day(ELECTION_DAY)
    assert calendar.corrections_until == dt.date(2024, 11, 1)  # notice B: until 1 November inclusive
    assert calendar.enrolment_until == dt.date(2024, 11, 2)
    assert calendar.check_window_opens == dt.date(2024, 9, 28)  # notice B: from 28 September
    assert calendar.check_window_closes == dt.date(2024, 11, 1)


def test_notice_a_enrolment_deadline():
    assert ElectionCalendar.for_election_day(dt.date(2023, 4, 9)).enrolment_until == dt.date(2023, 3, 25)


def test_overrides_replace_computed_deadlines():
    calendar = ElectionCalendar.for_election_day(ELECTION_DAY, corrections_until=dt.date(2024, 10, 30))
    assert calendar.corrections_until == dt.date(2024, 10, 30)
    assert calendar.enrolment_until == dt.date(2024, 11, 2)


def test_a_deadline_day_is_open_until_midnight_in_bishkek():
    calendar = ElectionCalendar.for_election_day(ELECTION_DAY)
    last_minute = dt.datetime(2024, 11, 2, 23, 59, 59, tzinfo=BISHKEK)
    assert calendar.enrolment_open(last_minute)
    assert not calendar.enrolment_open(end_of_day(calendar.enrolment_until))
    # 18:30 UTC on 2 November is already 00:30 on 3 November in Bishkek (UTC+6).
    assert not calendar.enrolment_open(dt.datetime(2024, 11, 2, 18, 30, tzinfo=dt.UTC))
    assert calendar.enrolment_open(dt.datetime(2024, 11, 2, 17, 59, tzinfo=dt.UTC))


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        local_day(dt.datetime(2024, 11, 2, 12, 0))


@pytest.mark.parametrize(("birth", "day", "age"), [
    (dt.date(2006, 11, 17), dt.date(2024, 11, 17), 18),
    (dt.date(2006, 11, 18), dt.date(2024, 11, 17), 17),
    (dt.date(2004, 2, 29), dt.date(2022, 2, 28), 17),
    (dt.date(2004, 2, 29), dt.date(2022, 3, 1), 18),
])
def test_age_on_a_day(birth, day, age):
    assert age_on(birth, day) == age
