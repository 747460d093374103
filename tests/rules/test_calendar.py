# SPDX-License-Identifier: Apache-2.0
"""Deadlines are whole days in Bishkek, inclusive. These tests run in a process whose time zone is UTC
(tests/conftest.py), so a rule that reads the machine's local time instead of Bishkek's fails here."""
import datetime as dt

import pytest

from shailoo.rules.calendar import (
    BISHKEK,
    POLLS_CLOSES_PAST,
    POLLS_DURING_ENROLMENT,
    POLLS_OPENS_PAST,
    POLLS_ORDER,
    ElectionCalendar,
    age_on,
    end_of_day,
    local_day,
    polls_breaches,
)

ELECTION_DAY = dt.date(2024, 11, 17)
CALENDAR = ElectionCalendar.for_election_day(ELECTION_DAY)
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=BISHKEK)


def test_deadlines_are_computed_from_election_day():
    calendar = ElectionCalendar.for_election_day(ELECTION_DAY)
    assert calendar.election_day == ELECTION_DAY
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


def test_every_deadline_can_be_overridden():
    calendar = ElectionCalendar.for_election_day(
        ELECTION_DAY,
        check_window_opens=dt.date(2024, 9, 1), check_window_closes=dt.date(2024, 10, 31),
        corrections_until=dt.date(2024, 10, 30), enrolment_until=dt.date(2024, 10, 29),
    )
    assert calendar == ElectionCalendar(
        election_day=ELECTION_DAY,
        check_window_opens=dt.date(2024, 9, 1), check_window_closes=dt.date(2024, 10, 31),
        corrections_until=dt.date(2024, 10, 30), enrolment_until=dt.date(2024, 10, 29),
    )


def test_a_deadline_day_is_open_until_midnight_in_bishkek():
    calendar = ElectionCalendar.for_election_day(ELECTION_DAY)
    last_minute = dt.datetime(2024, 11, 2, 23, 59, 59, tzinfo=BISHKEK)
    assert calendar.enrolment_open(last_minute)
    assert not calendar.enrolment_open(end_of_day(calendar.enrolment_until))
    # 18:30 UTC on 2 November is already 00:30 on 3 November in Bishkek (UTC+6).
    assert not calendar.enrolment_open(dt.datetime(2024, 11, 2, 18, 30, tzinfo=dt.UTC))
    assert calendar.enrolment_open(dt.datetime(2024, 11, 2, 17, 59, tzinfo=dt.UTC))


def test_the_end_of_a_day_is_the_next_midnight_in_bishkek():
    assert end_of_day(dt.date(2024, 11, 1)) == dt.datetime(2024, 11, 2, tzinfo=BISHKEK)
    assert end_of_day(dt.date(2024, 11, 1)) == dt.datetime(2024, 11, 1, 18, 0, tzinfo=dt.UTC)
    assert end_of_day(dt.date(2024, 12, 31)) == dt.datetime(2025, 1, 1, tzinfo=BISHKEK)
    assert end_of_day(dt.date(2024, 2, 28)) == dt.datetime(2024, 2, 29, tzinfo=BISHKEK)


@pytest.mark.parametrize(("rule", "deadline"), [
    (ElectionCalendar.corrections_open, CALENDAR.corrections_until),
    (ElectionCalendar.enrolment_open, CALENDAR.enrolment_until),
    (ElectionCalendar.upcoming, CALENDAR.election_day),
])
def test_a_deadline_passes_at_the_instant_its_day_ends_in_bishkek(rule, deadline):
    passes = end_of_day(deadline)
    assert rule(CALENDAR, start_of_day(deadline - dt.timedelta(days=30)))
    assert rule(CALENDAR, start_of_day(deadline))
    assert rule(CALENDAR, passes - ONE_MICROSECOND)
    assert not rule(CALENDAR, passes)
    assert not rule(CALENDAR, passes + dt.timedelta(days=30))
    # The same instants as a machine on UTC sees them: 18:00 UTC is midnight in Bishkek.
    assert rule(CALENDAR, (passes - ONE_MICROSECOND).astimezone(dt.UTC))
    assert not rule(CALENDAR, passes.astimezone(dt.UTC))


def test_the_check_window_is_open_from_the_first_instant_of_its_first_day_to_the_end_of_its_last():
    opens, closes = start_of_day(CALENDAR.check_window_opens), end_of_day(CALENDAR.check_window_closes)
    assert not CALENDAR.check_window_open(opens - ONE_MICROSECOND)
    assert CALENDAR.check_window_open(opens)
    assert CALENDAR.check_window_open(opens.astimezone(dt.UTC))  # 18:00 UTC the evening before
    assert CALENDAR.check_window_open(start_of_day(dt.date(2024, 10, 15)))
    assert CALENDAR.check_window_open(closes - ONE_MICROSECOND)
    assert not CALENDAR.check_window_open(closes)
    assert not CALENDAR.check_window_open(closes.astimezone(dt.UTC))


def test_the_local_day_is_the_day_in_bishkek_whatever_the_moments_zone():
    assert local_day(dt.datetime(2024, 11, 2, 17, 59, 59, tzinfo=dt.UTC)) == dt.date(2024, 11, 2)
    assert local_day(dt.datetime(2024, 11, 2, 18, 0, tzinfo=dt.UTC)) == dt.date(2024, 11, 3)
    assert local_day(dt.datetime(2024, 11, 3, 0, 30, tzinfo=BISHKEK)) == dt.date(2024, 11, 3)
    assert local_day(dt.datetime(2024, 11, 2, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))) == dt.date(2024, 11, 3)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError) as raised:
        local_day(dt.datetime(2024, 11, 2, 12, 0))
    assert str(raised.value) == "a moment must carry its time zone"


@pytest.mark.parametrize("rule", [
    ElectionCalendar.corrections_open, ElectionCalendar.enrolment_open, ElectionCalendar.check_window_open,
    ElectionCalendar.upcoming,
])
def test_every_deadline_rule_refuses_a_naive_moment(rule):
    with pytest.raises(ValueError, match="^a moment must carry its time zone$"):
        rule(CALENDAR, dt.datetime(2024, 11, 2, 12, 0))


@pytest.mark.parametrize(("birth", "day", "age"), [
    (dt.date(2006, 11, 17), dt.date(2024, 11, 17), 18),
    (dt.date(2006, 11, 18), dt.date(2024, 11, 17), 17),
    (dt.date(2006, 12, 1), dt.date(2024, 11, 17), 17),
    (dt.date(2006, 10, 31), dt.date(2024, 11, 17), 18),
    (dt.date(2004, 2, 29), dt.date(2022, 2, 28), 17),
    (dt.date(2004, 2, 29), dt.date(2022, 3, 1), 18),
    (dt.date(2004, 2, 29), dt.date(2024, 2, 29), 20),
    (dt.date(2024, 11, 17), dt.date(2024, 11, 17), 0),
])
def test_age_on_a_day(birth, day, age):
    assert age_on(birth, day) == age


POLLS_DAY = dt.date(2026, 4, 5)  # enrolment until 21 March (day -15)
POLLS_CALENDAR = ElectionCalendar.for_election_day(POLLS_DAY)


def bishkek(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=BISHKEK)


@pytest.mark.parametrize(("opens", "closes", "now", "breaches"), [
    # election day 08:00-20:00, set a week before: every rule kept
    ((0, 8), (0, 20), (-7, 12), ()),
    ((0, 20), (0, 8), (-7, 12), (POLLS_ORDER,)),
    ((0, 8), (0, 8), (-7, 12), (POLLS_ORDER,)),
    ((0, 8), (0, 20), (0, 9), (POLLS_OPENS_PAST,)),
    ((0, 8), (0, 20), (0, 20), (POLLS_OPENS_PAST, POLLS_CLOSES_PAST)),
    ((-15, 23), (0, 20), (-20, 12), (POLLS_DURING_ENROLMENT,)),  # the last day of enrolment
    ((-14, 0), (0, 20), (-20, 12), ()),  # 24:00 of the last day: enrolment has closed
    ((-15, 8), (-15, 7), (-14, 12), (POLLS_ORDER, POLLS_OPENS_PAST, POLLS_CLOSES_PAST, POLLS_DURING_ENROLMENT)),
])
def test_the_polls_rules_name_each_breach(opens, closes, now, breaches):
    def at(when):
        return bishkek(POLLS_DAY + dt.timedelta(days=when[0]), when[1])
    assert polls_breaches(POLLS_CALENDAR, at(opens), at(closes), at(now)) == breaches


def test_the_polls_may_open_in_the_current_minute_but_not_before():
    now = bishkek(POLLS_DAY, 8, 0, 40)
    assert polls_breaches(POLLS_CALENDAR, bishkek(POLLS_DAY, 8), bishkek(POLLS_DAY, 20), now) == ()
    assert polls_breaches(POLLS_CALENDAR, bishkek(POLLS_DAY, 7, 59), bishkek(POLLS_DAY, 20), now) == (POLLS_OPENS_PAST,)


def test_the_polls_rules_hold_whatever_the_moments_zone():
    utc = dt.UTC
    opens = bishkek(POLLS_DAY - dt.timedelta(days=14), 0).astimezone(utc)  # 18:00 UTC of day -15
    assert polls_breaches(POLLS_CALENDAR, opens, opens + dt.timedelta(hours=1), opens - dt.timedelta(days=1)) == ()
    earlier = opens - dt.timedelta(minutes=1)
    assert polls_breaches(POLLS_CALENDAR, earlier, opens, earlier - dt.timedelta(days=1)) == (POLLS_DURING_ENROLMENT,)


def test_the_polls_rules_refuse_a_naive_moment():
    aware = bishkek(POLLS_DAY, 8)
    with pytest.raises(ValueError, match="time zone"):
        polls_breaches(POLLS_CALENDAR, aware.replace(tzinfo=None), aware, aware)
