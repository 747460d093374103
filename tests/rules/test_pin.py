# SPDX-License-Identifier: Apache-2.0
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shailoo.rules.pin import (
    Gender,
    InvalidPin,
    check_pin_agrees,
    make_pin,
    normalise_pin,
    parse_pin,
    pin_digest,
)


def test_a_pin_gives_gender_and_birth_date():
    info = parse_pin("11705199000123")
    assert info.gender is Gender.FEMALE and info.birth_date == dt.date(1990, 5, 17)
    assert parse_pin("20101198512345").gender is Gender.MALE


@pytest.mark.parametrize("typed", ["1 1705 1990 00123", "1-1705-1990-00123", " 11705199000123 ", "11705\u00a0199000123"])
def test_spaces_and_dashes_are_normalised(typed):
    assert normalise_pin(typed) == "11705199000123"


@pytest.mark.parametrize(("typed", "code"), [
    ("", "empty"),
    ("   ", "empty"),
    ("1170519900012", "length"),
    ("117051990001234", "length"),
    ("1170519900012a", "not_digits"),
    ("١١٧٠٥١٩٩٠٠٠١٢٣", "not_digits"),  # Arabic-Indic digits are digits to Python, not to a PIN
    ("31705199000123", "gender_digit"),
    ("13102199000123", "date"),  # 31 February
    ("10000199000123", "date"),
    ("10101100000123", "date"),  # year 1000
])
def test_malformed_pins_are_refused_with_a_reason(typed, code):
    with pytest.raises(InvalidPin) as raised:
        parse_pin(typed)
    assert raised.value.code == code and raised.value.message


def test_a_pin_must_agree_with_birth_date_and_gender():
    info = parse_pin("11705199000123")
    check_pin_agrees(info, birth_date=dt.date(1990, 5, 17), gender=Gender.FEMALE)
    with pytest.raises(InvalidPin, match="date of birth"):
        check_pin_agrees(info, birth_date=dt.date(1990, 5, 18), gender=Gender.FEMALE)
    with pytest.raises(InvalidPin, match="gender"):
        check_pin_agrees(info, birth_date=dt.date(1990, 5, 17), gender=Gender.MALE)


@given(st.sampled_from(list(Gender)), st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)), st.integers(0, 99_999))
def test_made_pins_parse_back(gender, birth_date, serial):
    info = parse_pin(make_pin(gender=gender, birth_date=birth_date, serial=serial))
    assert (info.gender, info.birth_date) == (gender, birth_date)


def test_pin_digest_is_keyed_and_hides_the_pin():
    digest = pin_digest("11705199000123", "key-a")
    assert digest == pin_digest("11705199000123", "key-a")
    assert digest != pin_digest("11705199000123", "key-b")
    assert "11705199000123" not in digest and len(digest) == 16
