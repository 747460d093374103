# SPDX-License-Identifier: Apache-2.0
import pytest

from shailoo.rules.addresses import (
    HouseInterval,
    InvalidHouseSpec,
    house_number,
    name_key,
    parse_house_spec,
    street_key,
)


def test_house_spec_with_ranges_singles_and_open_end():
    intervals = parse_house_spec("1-45, 47,50-*")
    assert intervals == [HouseInterval(1, 45), HouseInterval(47, 47), HouseInterval(50, None)]
    assert 45 in intervals[0] and 46 not in intervals[0] and 10_000 in intervals[2]


@pytest.mark.parametrize("spec", ["*", ""])
def test_whole_street(spec):
    assert parse_house_spec(spec) == [HouseInterval(0, None)]


@pytest.mark.parametrize(("spec", "fragment"), [("1-", "'1-'"), ("45-1", "ends before"), ("a", "'a'"), ("1,,2", "''")])
def test_bad_house_specs_say_which_part(spec, fragment):
    with pytest.raises(InvalidHouseSpec, match=fragment):
        parse_house_spec(spec)


@pytest.mark.parametrize(("house", "number"), [("12", 12), ("12А", 12), ("12/3", 12), (" 7 ", 7), ("б/н", None)])
def test_house_numbers(house, number):
    assert house_number(house) == number


def test_names_match_regardless_of_case_spacing_and_street_words():
    assert name_key("  Самаркандек  ") == name_key("САМАРКАНДЕК")
    assert street_key("ул. Мектеп") == street_key("Мектеп көчөсү") == street_key("мектеп")
    assert street_key("Жусуп  Абдрахманов") == "жусуп абдрахманов"
    assert name_key("Алёна") == name_key("Алена")
