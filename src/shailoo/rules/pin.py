# SPDX-License-Identifier: Apache-2.0
"""The personal identification number (PIN): 14 digits, gender, date of birth, serial."""
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum


class Gender(StrEnum):
    FEMALE = "F"
    MALE = "M"


class InvalidPin(ValueError):
    """A PIN that is not 14 digits of the right structure; `code` names what is wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PinInfo:
    pin: str
    gender: Gender
    birth_date: dt.date


_SEPARATORS = re.compile(r"[\s\-\u00a0]+")
PIN_GENDER_DIGIT = {"1": Gender.FEMALE, "2": Gender.MALE}
EARLIEST_BIRTH_YEAR = 1880  # an earlier year in a PIN is a typing error, not a living voter
_EARLIEST_BIRTH_YEAR_TEXT = str(EARLIEST_BIRTH_YEAR)


def normalise_pin(text: str) -> str:
    """The 14 digits of a PIN typed with spaces or dashes; InvalidPin for anything else."""
    digits = _SEPARATORS.sub("", text.strip())
    if not digits:
        raise InvalidPin("empty", "the PIN is empty")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidPin("not_digits", "a PIN has digits only")
    if len(digits) != 14:
        raise InvalidPin("length", f"a PIN has 14 digits, this one has {len(digits)}")
    return digits


def parse_pin(text: str) -> PinInfo:
    """Check a PIN's structure: first digit 1 or 2, digits 2-9 a real date DDMMYYYY."""
    pin = normalise_pin(text)
    gender = PIN_GENDER_DIGIT.get(pin[0])
    if gender is None:
        raise InvalidPin("gender_digit", "the first digit of a PIN is 1 (female) or 2 (male)")
    try:
        birth_date = dt.date(int(pin[5:9]), int(pin[3:5]), int(pin[1:3]))
    except ValueError:
        raise InvalidPin("date", "digits 2 to 9 of a PIN are the date of birth DDMMYYYY") from None
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise InvalidPin("date", "digits 2 to 9 of a PIN are the date of birth DDMMYYYY")
    return PinInfo(pin=pin, gender=gender, birth_date=birth_date)


def check_pin_agrees(info: PinInfo, *, birth_date: dt.date, gender: Gender) -> None:
    """A PIN must agree with the citizen's date of birth and gender."""
    if info.birth_date != birth_date:
        raise InvalidPin("birth_date_mismatch", "the PIN does not agree with the date of birth")
    if info.gender != gender:
        raise InvalidPin("gender_mismatch", "the PIN does not agree with the gender")


def pin_matches(pin: str, *, birth_date_iso: str, gender: Gender) -> bool:
    """The hot path of an import: True when a well-formed 14-digit PIN agrees with a date of birth
    already known to be a real YYYY-MM-DD date, and with the gender, exactly when parse_pin and
    check_pin_agrees accept them. False says only "look closer": those two then tell what is wrong."""
    return (
        len(pin) == 14
        and pin.isascii()
        and pin.isdigit()
        and pin[0] == ("1" if gender is Gender.FEMALE else "2")
        and pin[1:3] == birth_date_iso[8:10]
        and pin[3:5] == birth_date_iso[5:7]
        and pin[5:9] == birth_date_iso[0:4]
        and birth_date_iso[0:4] >= _EARLIEST_BIRTH_YEAR_TEXT
    )


def make_pin(*, gender: Gender, birth_date: dt.date, serial: int) -> str:
    """A PIN with the given gender, date of birth and 5-digit serial (for demo and synthetic data)."""
    if not 0 <= serial < 100_000:
        raise ValueError("the serial has 5 digits")
    digit = "1" if gender is Gender.FEMALE else "2"
    return f"{digit}{birth_date:%d%m%Y}{serial:05d}"


def pin_digest(pin: str, key: str) -> str:
    """A keyed hash of a PIN for logs, metrics and counters: stable, not reversible without the key."""
    return hmac.new(key.encode(), pin.encode(), hashlib.sha256).hexdigest()[:16]


def pin_text_pattern() -> str:
    """A regular expression (JSON Schema's `pattern`, for the API's OpenAPI document) matching exactly the
    texts parse_pin accepts: separators anywhere, gender digit, a real date from 1880 on, five digits.
    PIN_TEXT_PATTERN is its value; the tests call the function, so that a mutation run (which imports the
    module once, before any mutant is switched on) sees a changed pattern (docs/testing.md)."""
    gap = r"[\s\-\u00a0]*"

    def seq(*parts: str) -> str:
        return gap.join(parts)

    def alt(*parts: str) -> str:
        return "(?:" + "|".join(parts) + ")"

    year = alt(seq("1", "8", "[89]", "[0-9]"), seq("1", "9", "[0-9]", "[0-9]"), seq("[2-9]", "[0-9]", "[0-9]", "[0-9]"))
    leap_in_century = alt(seq("0", "[48]"), seq("[2468]", "[048]"), seq("[13579]", "[26]"))
    leap_year = alt(
        seq("1", "8", alt(seq("8", "[048]"), seq("9", "[26]"))),
        seq("1", "9", leap_in_century),
        seq("[2-9]", "[0-9]", leap_in_century),
        seq(alt(seq("[2468]", "[048]"), seq("[3579]", "[26]")), "0", "0"),  # 2000, 2400, ...
    )
    date = alt(
        seq(alt(seq("0", "[1-9]"), seq("1", "[0-9]"), seq("2", "[0-8]")), alt(seq("0", "[1-9]"), seq("1", "[0-2]")), year),
        seq(alt(seq("2", "9"), seq("3", "0")), alt(seq("0", "[13-9]"), seq("1", "[0-2]")), year),
        seq("3", "1", alt(seq("0", "[13578]"), seq("1", "[02]")), year),
        seq("2", "9", "0", "2", leap_year),
    )
    return "^" + gap + seq("[12]", date, *["[0-9]"] * 5) + gap + "$"


PIN_TEXT_PATTERN = pin_text_pattern()
