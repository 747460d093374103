# SPDX-License-Identifier: Apache-2.0
"""Who may vote in a local election, and if not, why."""
import datetime as dt
from enum import StrEnum

from shailoo.rules.calendar import age_on

VOTING_AGE = 18


class Ineligibility(StrEnum):
    """Why a citizen of the territory is not on the voting list; the value is stored."""

    UNDER_AGE = "under_age"
    NO_BIOMETRICS = "no_biometrics"
    OUTSIDE_TERRITORY = "outside_territory"


def ineligibility(
    *, birth_date: dt.date, biometric: bool, in_territory: bool, election_day: dt.date
) -> list[Ineligibility]:
    """Every reason a citizen may not vote on election day; empty when they may."""
    reasons = []
    if age_on(birth_date, election_day) < VOTING_AGE:
        reasons.append(Ineligibility.UNDER_AGE)
    if not biometric:
        reasons.append(Ineligibility.NO_BIOMETRICS)
    if not in_territory:
        reasons.append(Ineligibility.OUTSIDE_TERRITORY)
    return reasons


def latest_birth_date_to_vote(election_day: dt.date) -> dt.date:
    """The last date of birth that makes a voter 18 on election day (for set-based queries)."""
    try:
        return election_day.replace(year=election_day.year - VOTING_AGE)
    except ValueError:  # election day on 29 February: those born on 1 March are not yet 18
        return election_day.replace(year=election_day.year - VOTING_AGE, day=28)
