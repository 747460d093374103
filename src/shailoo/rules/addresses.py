# SPDX-License-Identifier: Apache-2.0
"""Addresses: how names are matched, how house numbers are read, and precinct house ranges.

A precinct serves houses of a street given as a spec such as ``1-45,47,50-*``, or ``*`` for the whole
street. A street of ``*`` means the whole settlement.
"""
import re
import unicodedata
from dataclasses import dataclass

WHOLE = "*"
OPEN_END = None


class InvalidHouseSpec(ValueError):
    pass


@dataclass(frozen=True)
class HouseInterval:
    first: int
    last: int | None  # None: no upper end

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and number >= self.first and (self.last is None or number <= self.last)

    def __str__(self) -> str:
        if self.first == 0 and self.last is None:
            return WHOLE
        if self.last == self.first:
            return str(self.first)
        return f"{self.first}-{'*' if self.last is None else self.last}"


_SPACES = re.compile(r"\s+")
_STREET_WORDS = re.compile(
    r"^(?:ул\.?|улица|көч\.?|көчөсү|пр\.?|проспект|пер\.?|переулок|мкр\.?|микрорайон)\s+"
    r"|\s+(?:ул\.?|улица|көч\.?|көчөсү|пр\.?|проспект|пер\.?|переулок)$"
)


def name_key(name: str) -> str:
    """A name as matched: Unicode NFC, case-folded, single spaces, ё as е."""
    text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def street_key(street: str) -> str:
    """A street name as matched: like name_key, without the word for street/avenue/lane."""
    key = name_key(street)
    previous = None
    while previous != key:
        previous, key = key, _STREET_WORDS.sub("", key).strip()
    return key


def settlement_key(region: str, district: str, settlement: str) -> str:
    return "/".join(name_key(part) for part in (region, district, settlement))


_HOUSE_NUMBER = re.compile(r"^\s*(\d{1,6})")


def house_number(house: str) -> int | None:
    """The leading number of a house designation: '12' and '12А' and '12/3' are house 12."""
    match = _HOUSE_NUMBER.match(house)
    return int(match.group(1)) if match else None


def parse_house_spec(spec: str) -> list[HouseInterval]:
    """Parse '1-45,47,50-*' or '*' into intervals; InvalidHouseSpec says what part is wrong."""
    text = spec.replace(" ", "")
    if text in ("", WHOLE):
        return [HouseInterval(0, OPEN_END)]
    intervals = []
    for part in text.split(","):
        match = re.fullmatch(r"(\d{1,6})(?:-(\d{1,6}|\*))?", part)
        if not match:
            raise InvalidHouseSpec(f"'{part}' is not a house number or range such as 1-45, 47 or 50-*")
        first = int(match.group(1))
        end = match.group(2)
        last = first if end is None else (OPEN_END if end == "*" else int(end))
        if last is not None and last < first:
            raise InvalidHouseSpec(f"'{part}' ends before it starts")
        intervals.append(HouseInterval(first, last))
    return intervals
