# SPDX-License-Identifier: Apache-2.0
import datetime as dt
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shailoo.rules.pin import (
    Gender,
    InvalidPin,
    check_pin_agrees,
    make_pin,
    normalise_pin,
    parse_pin,
    pin_digest,
    pin_matches,
    pin_text_pattern,
)


def test_a_pin_gives_gender_and_birth_date():
    info = parse_pin("11705199000123")
    assert info.gender is Gender.FEMALE and info.birth_date == dt.date(1990, 5, 17)
    assert parse_pin("20101198512345").gender is Gender.MALE


def test_a_parsed_pin_keeps_its_fourteen_digits_without_the_separators():
    assert parse_pin(" 1-1705-1990 00123 ").pin == "11705199000123"


@pytest.mark.parametrize(("typed", "birth_date"), [
    ("10101188000123", dt.date(1880, 1, 1)),  # the earliest date of birth a PIN may hold
    ("12902200000123", dt.date(2000, 2, 29)),
    ("12902202400123", dt.date(2024, 2, 29)),
    ("13112209900123", dt.date(2099, 12, 31)),
])
def test_boundary_dates_of_birth_are_accepted(typed, birth_date):
    assert parse_pin(typed).birth_date == birth_date


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


# The register import's rejects report prints these messages after "PIN: ", so they are pinned word for word.
@pytest.mark.parametrize(("typed", "code", "message"), [
    (" - ", "empty", "the PIN is empty"),
    ("1170519900012١", "not_digits", "a PIN has digits only"),
    ("1170519900012", "length", "a PIN has 14 digits, this one has 13"),
    ("1 1705 1990 00123 4", "length", "a PIN has 14 digits, this one has 15"),
    ("01705199000123", "gender_digit", "the first digit of a PIN is 1 (female) or 2 (male)"),
    ("12902199900123", "date", "digits 2 to 9 of a PIN are the date of birth DDMMYYYY"),  # 29 February 1999
    ("13112187900123", "date", "digits 2 to 9 of a PIN are the date of birth DDMMYYYY"),  # 31 December 1879
])
def test_each_refusal_has_its_code_and_message(typed, code, message):
    with pytest.raises(InvalidPin) as raised:
        parse_pin(typed)
    assert (raised.value.code, raised.value.message, str(raised.value)) == (code, message, message)


def test_a_pin_must_agree_with_birth_date_and_gender():
    info = parse_pin("11705199000123")
    assert check_pin_agrees(info, birth_date=dt.date(1990, 5, 17), gender=Gender.FEMALE) is None
    with pytest.raises(InvalidPin) as raised:
        check_pin_agrees(info, birth_date=dt.date(1990, 5, 18), gender=Gender.FEMALE)
    assert (raised.value.code, raised.value.message) == (
        "birth_date_mismatch", "the PIN does not agree with the date of birth"
    )
    with pytest.raises(InvalidPin) as raised:
        check_pin_agrees(info, birth_date=dt.date(1990, 5, 17), gender=Gender.MALE)
    assert (raised.value.code, raised.value.message) == ("gender_mismatch", "the PIN does not agree with the gender")


def test_a_pin_that_disagrees_on_both_names_the_date_of_birth_first():
    with pytest.raises(InvalidPin) as raised:
        check_pin_agrees(parse_pin("11705199000123"), birth_date=dt.date(1991, 5, 17), gender=Gender.MALE)
    assert raised.value.code == "birth_date_mismatch"


# pin_matches is the import's hot path: it must say True exactly when parse_pin and check_pin_agrees accept.
@pytest.mark.parametrize(("pin", "birth_date_iso", "gender"), [
    ("10507199000123", "1990-07-05", Gender.FEMALE),
    ("20507199000123", "1990-07-05", Gender.MALE),
    ("20101188099999", "1880-01-01", Gender.MALE),
])
def test_pin_matches_a_pin_that_agrees(pin, birth_date_iso, gender):
    assert pin_matches(pin, birth_date_iso=birth_date_iso, gender=gender)


@pytest.mark.parametrize(("pin", "gender"), [
    ("20507199000123", Gender.FEMALE),  # a man's PIN for a woman
    ("10507199000123", Gender.MALE),
    ("30507199000123", Gender.MALE),  # neither gender digit
    ("10607199000123", Gender.FEMALE),  # another day
    ("10508199000123", Gender.FEMALE),  # another month
    ("10507199100123", Gender.FEMALE),  # another year
    ("1050719900012", Gender.FEMALE),  # 13 digits
    ("105071990001234", Gender.FEMALE),  # 15 digits
    ("1050719900012a", Gender.FEMALE),
    ("105071990٠١٢٣٤", Gender.FEMALE),  # Arabic-Indic digits in the serial
    ("1 0507 1990 0012", Gender.FEMALE),  # the hot path takes the PIN as stored: no separators
])
def test_pin_matches_refuses_every_disagreement(pin, gender):
    assert not pin_matches(pin, birth_date_iso="1990-07-05", gender=gender)


def test_pin_matches_refuses_a_date_of_birth_before_1880_as_parse_pin_does():
    # A register row born in 1879 would otherwise be imported with a PIN the public check refuses.
    assert not pin_matches("23112187999999", birth_date_iso="1879-12-31", gender=Gender.MALE)
    with pytest.raises(InvalidPin):
        parse_pin("23112187999999")


@given(
    st.sampled_from(list(Gender)), st.dates(dt.date(1860, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 99_999),
    st.sampled_from(list(Gender)), st.one_of(st.just(0), st.integers(-7000, 7000)),
)
@example(Gender.FEMALE, dt.date(1879, 12, 31), 0, Gender.FEMALE, 0)
@example(Gender.FEMALE, dt.date(1880, 1, 1), 0, Gender.FEMALE, 0)
def test_pin_matches_agrees_with_the_full_check(gender, birth_date, serial, claimed_gender, days_apart):
    pin = make_pin(gender=gender, birth_date=birth_date, serial=serial)
    claimed_birth_date = birth_date + dt.timedelta(days=days_apart)
    try:
        check_pin_agrees(parse_pin(pin), birth_date=claimed_birth_date, gender=claimed_gender)
        agrees = True
    except InvalidPin:
        agrees = False
    assert pin_matches(pin, birth_date_iso=claimed_birth_date.isoformat(), gender=claimed_gender) is agrees


@given(st.sampled_from(list(Gender)), st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)), st.integers(0, 99_999))
def test_made_pins_parse_back(gender, birth_date, serial):
    info = parse_pin(make_pin(gender=gender, birth_date=birth_date, serial=serial))
    assert (info.gender, info.birth_date) == (gender, birth_date)


def test_a_made_pin_has_gender_date_and_serial_in_place():
    assert make_pin(gender=Gender.FEMALE, birth_date=dt.date(1990, 7, 5), serial=0) == "10507199000000"
    assert make_pin(gender=Gender.MALE, birth_date=dt.date(1990, 7, 5), serial=99_999) == "20507199099999"


@pytest.mark.parametrize("serial", [-1, 100_000])
def test_a_serial_of_more_than_five_digits_is_refused(serial):
    with pytest.raises(ValueError) as raised:
        make_pin(gender=Gender.MALE, birth_date=dt.date(1990, 7, 5), serial=serial)
    assert str(raised.value) == "the serial has 5 digits"


def test_pin_digest_is_keyed_and_hides_the_pin():
    digest = pin_digest("11705199000123", "key-a")
    assert digest == pin_digest("11705199000123", "key-a")
    assert digest != pin_digest("11705199000123", "key-b")
    assert digest != pin_digest("11705199000124", "key-a")
    assert "11705199000123" not in digest and len(digest) == 16


def test_pin_digest_is_the_first_half_of_hmac_sha256():
    # Digests are kept (rate-limit counters, logs): a change of algorithm must be deliberate.
    assert pin_digest("11705199000123", "key-a") == "8d78f82f71faa4c9"


# The API's schema gives PIN_TEXT_PATTERN (pin_text_pattern's value) for `pin`: a text the pattern allows
# must be a PIN parse_pin accepts, and the other way round (schemathesis's ST202 found schema-valid PINs refused).
_pin_like = st.one_of(
    st.builds(lambda g, d, serial, sep: sep.join([g, f"{d:%d%m%Y}", f"{serial:05d}"]),
              st.sampled_from("0123"), st.dates(min_value=dt.date(1870, 1, 1)), st.integers(0, 99_999),
              st.sampled_from(["", " ", "-", " - ", "\u00a0", "\t"])),
    st.text(alphabet="0123456789 -", min_size=10, max_size=20),
    st.text(max_size=20),
)


@settings(max_examples=3000)
@given(_pin_like)
def test_the_pin_pattern_matches_exactly_what_parse_pin_accepts(text):
    try:
        parse_pin(text)
        accepted = True
    except InvalidPin:
        accepted = False
    assert bool(re.match(pin_text_pattern(), text)) == accepted, text


@pytest.mark.parametrize(("text", "matches"), [
    ("2 17051990 00123", True), ("12902200000001", True), ("12902190000001", False), ("12902188400001", True),
    ("12902240000001", True), ("13102199000001", False), ("13111199000001", False), ("13112199000001", True), ("10101187900001", False),
    ("", False), ("32902200000001", False),
])
def test_the_pin_pattern_on_leap_days_month_ends_and_the_earliest_year(text, matches):
    assert bool(re.match(pin_text_pattern(), text)) is matches


def _accepted(text: str) -> bool:
    try:
        parse_pin(text)
    except InvalidPin:
        return False
    return True


def test_the_pin_pattern_agrees_with_parse_pin_on_every_year_and_every_29_february():
    # 1 January and 29 February of every year 0000..9999: the 1880 limit, the leap years of the centuries
    # (1900 and 2100 are not, 2000 and 2400 are), every digit of a year in every place.
    pattern = re.compile(pin_text_pattern())
    wrong = [text for year in range(10_000) for text in (f"10101{year:04d}00000", f"22902{year:04d}99999")
             if bool(pattern.match(text)) != _accepted(text)]
    assert wrong == []


def test_the_pin_pattern_agrees_with_parse_pin_on_every_day_and_month_digits():
    # Days 00..39 and months 00..19 in a common year, a leap year, a century that is not a leap year and
    # one that is: month ends (30, 31), February's 28 and 29, day and month 0.
    pattern = re.compile(pin_text_pattern())
    wrong = [text for year in (1881, 1884, 1900, 1999, 2000, 2024) for day in range(40) for month in range(20)
             if bool(pattern.match(text := f"1{day:02d}{month:02d}{year}12345")) != _accepted(text)]
    assert wrong == []


@pytest.mark.parametrize("separator", [" ", "  ", "-", "\u00a0", "\t", "\n", " -\u00a0"])
def test_the_pin_pattern_takes_a_separator_between_any_two_digits_and_at_either_end(separator):
    pattern = re.compile(pin_text_pattern())
    pin = "12902188400123"  # a leap day of the 1880s, so that every part of the date's pattern is passed
    texts = [pin[:place] + separator + pin[place:] for place in range(15)]
    assert [text for text in texts if not pattern.match(text)] == []
    assert all(_accepted(text) for text in texts)


@pytest.mark.parametrize("digit", "0123456789")
def test_the_pin_pattern_takes_1_or_2_as_the_first_digit_and_any_digit_in_the_serial(digit):
    pattern = re.compile(pin_text_pattern())
    assert bool(pattern.match(digit + "0101199012345")) is (digit in "12")
    assert [place for place in range(9, 14) if not pattern.match(("1" + "0101199000000")[:place] + digit
                                                                  + ("1" + "0101199000000")[place + 1:])] == []
    assert not pattern.match("101011990" + "1234" + "x")
