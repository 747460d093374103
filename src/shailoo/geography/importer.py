# SPDX-License-Identifier: Apache-2.0
"""Import of precincts and the addresses they serve, from CSV (format: docs/register-format.md).

One row per street (or whole settlement) that a precinct serves; the precinct's own fields repeat on
each of its rows and must agree. Places (region, district, aiyl aimak or city, settlement) are created
as needed. The precincts in the file get exactly the address ranges the file gives them. A bad row is
rejected with its line and reason and everything valid around it is imported, in one transaction.
"""
import csv
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.geography.models import AddressRange, District, Municipality, Precinct, Region, Settlement
from shailoo.rules.addresses import (
    WHOLE,
    HouseInterval,
    InvalidHouseSpec,
    name_key,
    parse_house_spec,
    street_key,
)

COLUMNS = (
    "number", "region", "district", "municipality", "municipality_kind", "settlement", "street", "houses",
    "name_ky", "name_ru", "address_ky", "address_ru", "phone", "latitude", "longitude",
)
REQUIRED = ("number", "region", "district", "municipality", "municipality_kind", "settlement", "street",
            "name_ky", "name_ru", "address_ky", "address_ru")
PRECINCT_FIELDS = ("municipality", "municipality_kind", "name_ky", "name_ru", "address_ky", "address_ru",
                   "phone", "latitude", "longitude")
KINDS = {"aiyl_aimak": Municipality.Kind.AIYL_AIMAK, "city": Municipality.Kind.CITY}


class PrecinctsUnreadable(Exception):
    pass


@dataclass
class PrecinctImportSummary:
    precincts: int = 0
    ranges: int = 0
    rejected: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"precincts {self.precincts}, address ranges {self.ranges}, rejected {self.rejected}"


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    intervals: list[HouseInterval]
    street_key: str


def _coordinate(text: str, limit: int) -> Decimal | None:
    if not text:
        return None
    value = Decimal(text)
    if not -limit <= value <= limit:
        raise InvalidOperation
    return value


class _Places:
    """Regions, districts, municipalities and settlements met in one import, found or created once each."""

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}

    def _once(self, key: tuple, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def find_or_create(self, values: dict[str, str]) -> tuple[Municipality, Settlement]:
        region_key, district_key = name_key(values["region"]), name_key(values["district"])
        region = self._once(("region", region_key), lambda: Region.objects.get_or_create(
            key=region_key, defaults={"name": values["region"]})[0])
        district = self._once(("district", region_key, district_key), lambda: District.objects.get_or_create(
            region=region, key=district_key, defaults={"name": values["district"]})[0])
        municipality = self._once(("municipality", region_key, district_key, values["municipality"]),
                                  lambda: Municipality.objects.get_or_create(
                                      district=district, name=values["municipality"],
                                      defaults={"kind": KINDS[values["municipality_kind"]]})[0])
        key = f"{region_key}/{district_key}/{name_key(values['settlement'])}"
        settlement = self._once(("settlement", key), lambda: Settlement.objects.filter(key=key).first()
                                or Settlement.objects.create(municipality=municipality, name=values["settlement"]))
        return municipality, settlement


class PrecinctImport:
    def __init__(self, path: str | os.PathLike, *, encoding: str = "utf-8", rejects_path: str | os.PathLike | None = None,
                 actor=None) -> None:
        self.path = Path(path)
        self.encoding = "utf-8-sig" if encoding.lower() in {"utf-8", "utf8"} else encoding
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.actor = actor
        self.summary = PrecinctImportSummary()
        self._rejected_rows: list[tuple[int, str, list[str]]] = []

    def run(self) -> PrecinctImportSummary:
        rows = self._read()
        accepted = self._check_consistency(rows)
        with transaction.atomic():
            self._save(accepted)
            record_event(
                kind=AuditKind.PRECINCTS_IMPORTED, actor=self.actor, subject=self.path.name,
                payload={"file": self.path.name, "precincts": self.summary.precincts, "ranges": self.summary.ranges,
                         "rejected": self.summary.rejected},
            )
        self._write_rejects()
        return self.summary

    def _reject(self, line: int, reason: str, raw: list[str]) -> None:
        self.summary.rejected += 1
        self.summary.rejects.append((line, reason))
        self._rejected_rows.append((line, reason, raw))

    def _read(self) -> list[_Row]:
        rows = []
        try:
            with open(self.path, encoding=self.encoding, newline="") as handle:
                reader = csv.reader(handle)
                header = [name.strip().lower() for name in next(reader, [])]
                if tuple(header) != COLUMNS:
                    raise PrecinctsUnreadable(f"the header must be {','.join(COLUMNS)}")
                line = reader.line_num
                for raw in reader:
                    start, line = line + 1, reader.line_num
                    if not raw:
                        continue
                    try:
                        rows.append(self._check_row(start, raw))
                    except ValueError as error:
                        self._reject(start, str(error), raw)
        except (OSError, LookupError) as error:
            raise PrecinctsUnreadable(f"cannot open {self.path}: {error}") from error
        except UnicodeDecodeError as error:
            raise PrecinctsUnreadable(f"the file is not valid {self.encoding}: {error.reason}") from error
        except csv.Error as error:
            raise PrecinctsUnreadable(f"the CSV is malformed: {error}") from error
        return rows

    def _check_row(self, line: int, raw: list[str]) -> _Row:
        if len(raw) != len(COLUMNS):
            raise ValueError(f"expected {len(COLUMNS)} columns, found {len(raw)}")
        values = dict(zip(COLUMNS, (value.strip() for value in raw), strict=True))
        for name in REQUIRED:
            if not values[name]:
                raise ValueError(f"{name} is empty")
        if not (len(values["number"]) == 4 and values["number"].isdigit()):
            raise ValueError(f"precinct number '{values['number']}' does not have 4 digits")
        if values["municipality_kind"] not in KINDS:
            raise ValueError(f"municipality_kind '{values['municipality_kind']}' is neither aiyl_aimak nor city")
        try:
            _coordinate(values["latitude"], 90)
            _coordinate(values["longitude"], 180)
        except InvalidOperation:
            raise ValueError("latitude/longitude are not coordinates in degrees") from None
        whole_settlement = values["street"] == WHOLE
        try:
            intervals = parse_house_spec(values["houses"])
        except InvalidHouseSpec as error:
            raise ValueError(f"houses: {error}") from None
        if whole_settlement and values["houses"] not in ("", WHOLE):
            raise ValueError("a whole settlement (street *) takes no house numbers")
        return _Row(line, values, intervals, WHOLE if whole_settlement else street_key(values["street"]))

    def _check_consistency(self, rows: list[_Row]) -> list[_Row]:
        """A precinct must be described the same on each of its rows; no house may be served twice."""
        first_row: dict[str, _Row] = {}
        served: dict[tuple[str, str], list[tuple[HouseInterval, str, int]]] = {}
        place_of = {}
        # Ranges already in the database for precincts that this file does not describe.
        numbers_in_file = {row.values["number"] for row in rows}
        for existing in AddressRange.objects.exclude(precinct__number__in=numbers_in_file).select_related("settlement", "precinct"):
            served.setdefault((existing.settlement.key, existing.street_key), []).append(
                (HouseInterval(existing.first_house, existing.last_house), existing.precinct.number, 0)
            )
        accepted = []
        for row in rows:
            number = row.values["number"]
            first = first_row.setdefault(number, row)
            different = [name for name in PRECINCT_FIELDS if row.values[name] != first.values[name]]
            if different:
                self._reject(row.line, f"precinct {number} is described differently on line {first.line}: "
                             f"{', '.join(different)}", list(row.values.values()))
                continue
            key = (name_key(row.values["region"]) + "/" + name_key(row.values["district"]) + "/"
                   + name_key(row.values["settlement"]), row.street_key)
            place_of[row.line] = key
            clash = self._overlap(served.get(key, []), row.intervals, number)
            if clash:
                self._reject(row.line, clash, list(row.values.values()))
                continue
            served.setdefault(key, []).extend((interval, number, row.line) for interval in row.intervals)
            accepted.append(row)
        return accepted

    @staticmethod
    def _overlap(taken: list[tuple[HouseInterval, str, int]], intervals: list[HouseInterval], number: str) -> str:
        for interval in intervals:
            for other, other_number, other_line in taken:
                end = interval.last if interval.last is not None else float("inf")
                other_end = other.last if other.last is not None else float("inf")
                if interval.first <= other_end and other.first <= end:
                    where = f"line {other_line}" if other_line else "the database"
                    return f"houses {interval} are already served by precinct {other_number} ({where})"
        return ""

    def _save(self, rows: list[_Row]) -> None:
        places = _Places()
        precincts: dict[str, Precinct] = {}
        new_ranges: list[AddressRange] = []
        for row in rows:
            values = row.values
            municipality, settlement = places.find_or_create(values)
            number = values["number"]
            if number not in precincts:
                precincts[number], _ = Precinct.objects.update_or_create(
                    number=number,
                    defaults={
                        "municipality": municipality, "name_ky": values["name_ky"], "name_ru": values["name_ru"],
                        "address_ky": values["address_ky"], "address_ru": values["address_ru"], "phone": values["phone"],
                        "latitude": _coordinate(values["latitude"], 90), "longitude": _coordinate(values["longitude"], 180),
                    },
                )
            new_ranges.extend(
                AddressRange(precinct=precincts[number], settlement=settlement, street=values["street"],
                             street_key=row.street_key, first_house=interval.first, last_house=interval.last)
                for interval in row.intervals
            )
        # The precincts in the file get exactly the ranges the file gives them.
        AddressRange.objects.filter(precinct__in=precincts.values()).delete()
        AddressRange.objects.bulk_create(new_ranges, batch_size=2000)
        self.summary.ranges = len(new_ranges)
        self.summary.precincts = len(precincts)

    def _write_rejects(self) -> None:
        if not self.rejects_path:
            return
        with open(self.rejects_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "reason", *COLUMNS])
            for line, reason, raw in sorted(self._rejected_rows, key=lambda item: item[0]):
                writer.writerow([line, reason, *raw])
