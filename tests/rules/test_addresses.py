# SPDX-License-Identifier: Apache-2.0
import pytest

from shailoo.rules.addresses import (
    WHOLE,
    HouseInterval,
    InvalidHouseSpec,
    house_number,
    name_key,
    parse_house_spec,
    settlement_key,
    street_key,
)


def test_house_spec_with_ranges_singles_and_open_end():
    intervals = parse_house_spec("1-45, 47,50-*")
    assert intervals == [HouseInterval(1, 45), HouseInterval(47, 47), HouseInterval(50, None)]
    assert 45 in intervals[0] and 46 not in intervals[0] and 10_000 in intervals[2]


def test_the_first_and_last_house_of_a_range_belong_to_it():
    first_to_last = HouseInterval(12, 45)
    assert 12 in first_to_last and 45 in first_to_last and 30 in first_to_last
    assert 11 not in first_to_last and 46 not in first_to_last
    assert 47 in HouseInterval(47, 47) and 46 not in HouseInterval(47, 47) and 48 not in HouseInterval(47, 47)
    assert 50 in HouseInterval(50, None) and 49 not in HouseInterval(50, None)


def test_a_house_that_is_not_a_number_is_in_no_range():
    assert "12" not in HouseInterval(1, 45) and None not in HouseInterval(0, None)


@pytest.mark.parametrize("spec", ["*", "", " * "])
def test_whole_street(spec):
    whole = parse_house_spec(spec)
    assert whole == [HouseInterval(0, None)]
    assert 0 in whole[0] and 1 in whole[0] and 999_999 in whole[0]


@pytest.mark.parametrize(("interval", "text"), [
    (HouseInterval(0, None), WHOLE),
    (HouseInterval(0, 45), "0-45"),
    (HouseInterval(1, None), "1-*"),
    (HouseInterval(50, None), "50-*"),
    (HouseInterval(47, 47), "47"),
    (HouseInterval(1, 45), "1-45"),
])
def test_an_interval_is_written_as_it_is_specified(interval, text):
    assert str(interval) == text
    assert parse_house_spec(text) == [interval]


def test_a_six_digit_house_number_is_the_largest():
    assert parse_house_spec("999999") == [HouseInterval(999_999, 999_999)]
    with pytest.raises(InvalidHouseSpec):
        parse_house_spec("1000000")


@pytest.mark.parametrize(("spec", "message"), [
    ("1-", "'1-' is not a house number or range such as 1-45, 47 or 50-*"),
    ("45-1", "'45-1' ends before it starts"),
    ("a", "'a' is not a house number or range such as 1-45, 47 or 50-*"),
    ("1,,2", "'' is not a house number or range such as 1-45, 47 or 50-*"),
    ("1-45, 12А", "'12А' is not a house number or range such as 1-45, 47 or 50-*"),
])
def test_bad_house_specs_say_which_part(spec, message):
    with pytest.raises(InvalidHouseSpec) as raised:
        parse_house_spec(spec)
    assert str(raised.value) == message


@pytest.mark.parametrize(("house", "number"), [("12", 12), ("12А", 12), ("12/3", 12), (" 7 ", 7), ("б/н", None)])
def test_house_numbers(house, number):
    assert house_number(house) == number


def test_names_match_regardless_of_case_spacing_and_street_words():
    assert name_key("  Самаркандек  ") == name_key("САМАРКАНДЕК")
    assert street_key("ул. Мектеп") == street_key("Мектеп көчөсү") == street_key("мектеп")
    assert street_key("Жусуп  Абдрахманов") == "жусуп абдрахманов"
    assert name_key("Алёна") == name_key("Алена")


def test_a_settlement_key_joins_the_matched_names_of_region_district_and_settlement():
    assert settlement_key(" Баткен  облусу", "БАТКЕН району", "Самаркандек ") == "баткен облусу/баткен району/самаркандек"


def test_a_street_word_on_both_sides_is_dropped():
    assert street_key("ул. Мектеп көчөсү") == "мектеп"
    assert street_key("") == ""
