# SPDX-License-Identifier: Apache-2.0
"""The election calendar: deadlines computed from election day, each overridable by the CEC.

Every deadline is a whole day in Asia/Bishkek and is inclusive: "until day -16" means until 24:00
local time at the end of that day.
"""
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BISHKEK = ZoneInfo("Asia/Bishkek")

# Days relative to election day (negative = before), from the law and the CEC's notices.
CHECK_WINDOW_OPENS = -50
CHECK_WINDOW_CLOSES = -16
CORRECTIONS_UNTIL = -16
ENROLMENT_UNTIL = -15


@dataclass(frozen=True)
class ElectionCalendar:
    election_day: dt.date
    check_window_opens: dt.date
    check_window_closes: dt.date
    corrections_until: dt.date
    enrolment_until: dt.date

    @classmethod
    def for_election_day(
        cls,
        election_day: dt.date,
        *,
        check_window_opens: dt.date | None = None,
        check_window_closes: dt.date | None = None,
        corrections_until: dt.date | None = None,
        enrolment_until: dt.date | None = None,
    ) -> "ElectionCalendar":
        def day(offset: int) -> dt.date:
            return election_day + dt.timedelta(days=offset)

        return cls(
            election_day=election_day,
            check_window_opens=check_window_opens or day(CHECK_WINDOW_OPENS),
            check_window_closes=check_window_closes or day(CHECK_WINDOW_CLOSES),
            corrections_until=corrections_until or day(CORRECTIONS_UNTIL),
            enrolment_until=enrolment_until or day(ENROLMENT_UNTIL),
        )

    def corrections_open(self, moment: dt.datetime) -> bool:
        return local_day(moment) <= self.corrections_until

    def enrolment_open(self, moment: dt.datetime) -> bool:
        return local_day(moment) <= self.enrolment_until

    def check_window_open(self, moment: dt.datetime) -> bool:
        return self.check_window_opens <= local_day(moment) <= self.check_window_closes

    def upcoming(self, moment: dt.datetime) -> bool:
        """Election day has not passed yet (in Bishkek)."""
        return local_day(moment) <= self.election_day


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day in Bishkek of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("a moment must carry its time zone")
    return moment.astimezone(BISHKEK).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a Bishkek day (24:00), as an aware datetime: the instant a deadline passes."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BISHKEK)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on a day; someone born on 29 February comes of age on 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


# The rules of an e-voting board's polls, each with its code (shailoo.evoting.errors gives the ky/ru/en text).
POLLS_ORDER = "polls.order"  # the polls close after they open
POLLS_OPENS_PAST = "polls.opens-past"  # opening is not before the current minute
POLLS_CLOSES_PAST = "polls.closes-past"  # closing is in the future
POLLS_DURING_ENROLMENT = "polls.during-enrolment"  # the polls open after e-voting enrolment has closed


def polls_breaches(
    calendar: ElectionCalendar, opens: dt.datetime, closes: dt.datetime, now: dt.datetime
) -> tuple[str, ...]:
    """The rules a polling window from `opens` to `closes`, set at `now`, breaks (empty: none), in the order
    above. Opening may be set for the current minute (a form gives minutes); the enrolment rule holds because
    a ballot is accepted only from a credential on the list signed when enrolment has closed."""
    for moment in (opens, closes, now):
        if moment.tzinfo is None:
            raise ValueError("a moment must carry its time zone")
    breaches = []
    if closes <= opens:
        breaches.append(POLLS_ORDER)
    if opens < now.replace(second=0, microsecond=0):
        breaches.append(POLLS_OPENS_PAST)
    if closes <= now:
        breaches.append(POLLS_CLOSES_PAST)
    if calendar.enrolment_open(opens):
        breaches.append(POLLS_DURING_ENROLMENT)
    return tuple(breaches)
