# SPDX-License-Identifier: Apache-2.0
"""What a voter-list check finds, as one immutable value that every channel renders in its own words.

The value holds no full name, birth date or address of a person: only masked initials and the
precinct's (public) data. The PIN itself is kept only as its keyed hash.
"""
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.names import kyrgyz_to_latin


class LookupKind(StrEnum):
    LISTED = "listed"  # on the list of an upcoming election, with a precinct
    NOT_LISTED = "not_listed"  # on no list of an upcoming election (or not in the register at all)
    INELIGIBLE = "ineligible"  # on the list, marked not eligible, with the reasons
    INVALID_PIN = "invalid_pin"  # the text is not a PIN; `pin_error` says why


class VotingMode(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"


@dataclass(frozen=True)
class LookupOutcome:
    kind: LookupKind
    pin_hash: str = ""
    """Keyed hash of the PIN (pin_digest with settings.PIN_HASH_KEY): the only form a PIN takes in logs."""

    # The election the answer is about: the nearest upcoming one (for not_listed: the nearest upcoming
    # election at all, so the voter learns the correction deadline).
    election_slug: str = ""
    election_name_ky: str = ""
    election_name_ru: str = ""
    election_day: dt.date | None = None

    # listed
    precinct_number: str = ""
    precinct_name_ky: str = ""
    precinct_name_ru: str = ""
    precinct_address_ky: str = ""
    precinct_address_ru: str = ""
    commission_phone: str = ""
    precinct_latitude: float | None = None
    precinct_longitude: float | None = None
    voting_mode: VotingMode | None = None
    initials_masked: str = ""
    enrolment_until: dt.date | None = None
    """Last day (inclusive) to apply for electronic voting, when the election offers it and it is open."""

    # ineligible
    reasons: tuple[Ineligibility, ...] = field(default_factory=tuple)

    # not_listed, ineligible: apply for a correction until this day (inclusive, Bishkek)
    corrections_until: dt.date | None = None
    corrections_open: bool = False
    unserved: bool = False
    """not_listed: the citizen is eligible and has an entry, but no precinct serves their registered address."""

    # invalid_pin: the code of rules.pin.InvalidPin (empty, not_digits, length, gender_digit, date)
    pin_error: str = ""

    def election_name(self, language: str) -> str:
        return _localised(self.election_name_ky, self.election_name_ru, language)

    def precinct_name(self, language: str) -> str:
        return _localised(self.precinct_name_ky, self.precinct_name_ru, language)

    def precinct_address(self, language: str) -> str:
        return _localised(self.precinct_address_ky, self.precinct_address_ru, language)


def _localised(kyrgyz: str, russian: str, language: str) -> str:
    """Russian for ru, Kyrgyz for ky, and for English the Kyrgyz name in Latin letters."""
    if language.startswith("ru"):
        return russian
    if language.startswith("en"):
        return kyrgyz_to_latin(kyrgyz)
    return kyrgyz
