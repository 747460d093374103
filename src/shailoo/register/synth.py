# SPDX-License-Identifier: Apache-2.0
"""Synthetic registers in the import format: for the demo, for tests and for benchmarks.

A `Country` is a made-up administrative tree (regions → districts → aiyl aimaks/cities → settlements →
streets) with precincts that serve it; `write_register` writes citizens living there, with realistic
Kyrgyz names, valid PINs that agree with birth date and gender, and a chosen share of bad rows of every
kind the importer must reject. Deterministic for a given seed.
"""
import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from shailoo.register.importer import COLUMNS as REGISTER_COLUMNS
from shailoo.rules.pin import Gender, make_pin

FEMALE_NAMES = (
    "Айгүл", "Айпери", "Бермет", "Гүлнара", "Динара", "Жылдыз", "Назира", "Айжан", "Бактыгүл", "Чолпон",
    "Мээрим", "Нургүл", "Асель", "Каныкей", "Айзада", "Элнура", "Гулзат", "Салтанат", "Жаркынай", "Толгонай",
    "Нуриза", "Айсулуу", "Венера", "Мадина", "Зарина", "Сезим", "Уулжан", "Дамира", "Эльмира", "Алтынай",
)
MALE_NAMES = (
    "Азамат", "Бакыт", "Бекзат", "Данияр", "Эрлан", "Жоомарт", "Кубанычбек", "Мирлан", "Нурлан", "Талант",
    "Улан", "Эмил", "Айбек", "Алмаз", "Эрмек", "Канат", "Максат", "Нурбек", "Руслан", "Тилек",
    "Адилет", "Бектур", "Чынгыз", "Самат", "Марат", "Жыргалбек", "Исмаил", "Медер", "Темирлан", "Урмат",
)
SURNAME_ROOTS = (
    "Абдыкадыр", "Асан", "Токтогул", "Жумабаев", "Осмон", "Сыдыков", "Мамыт", "Исак", "Турдубек", "Калыков",
    "Бообек", "Эшим", "Жээнбек", "Сатыбалди", "Усуб", "Акмат", "Байтик", "Курманбек", "Ташиев", "Нуралиев",
    "Абдрахман", "Бекмурат", "Кадыр", "Молдош", "Ормон", "Садыр", "Темир", "Чоробек", "Шарип", "Ыдырыс",
)
STREETS = (
    "Мектеп", "Ленин", "Манас", "Токтогул", "Чүй", "Жеңиш", "Ынтымак", "Достук", "Айтматов", "Бейшеналиева",
    "Баатыр", "Борбордук", "Тынчтык", "Жаштык", "Саякбай", "Жусуп Абдрахманов", "Курманжан Датка", "Ала-Тоо",
)
UNSERVED_STREET = "Жаңы конуш"
REGIONS = (
    ("Бишкек шаары", "город Бишкек", "1"), ("Талас облусу", "Таласская область", "2"),
    ("Ысык-Көл облусу", "Иссык-Кульская область", "3"), ("Нарын облусу", "Нарынская область", "4"),
    ("Ош облусу", "Ошская область", "5"), ("Жалал-Абад облусу", "Джалал-Абадская область", "6"),
    ("Чүй облусу", "Чуйская область", "7"), ("Баткен облусу", "Баткенская область", "8"),
    ("Ош шаары", "город Ош", "9"),
)
PRECINCT_COLUMNS = (
    "number", "region", "district", "municipality", "municipality_kind", "settlement", "street", "houses",
    "name_ky", "name_ru", "address_ky", "address_ru", "phone", "latitude", "longitude",
)


def surname(root: str, gender: Gender) -> str:
    if root.endswith(("ов", "ев")):
        return root + "а" if gender is Gender.FEMALE else root
    return root + ("ова" if gender is Gender.FEMALE else "ов")


def patronymic(father: str, gender: Gender) -> str:
    return f"{father} {'кызы' if gender is Gender.FEMALE else 'уулу'}"


@dataclass
class Settlement:
    region: str
    district: str
    municipality: str
    municipality_kind: str
    name: str
    streets: list[str]
    # (precinct number, street or "*", houses spec)
    served: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Precinct:
    number: str
    settlement: Settlement
    latitude: float
    longitude: float


@dataclass
class Country:
    settlements: list[Settlement]
    precincts: list[Precinct]


def make_country(*, precincts: int, seed: int, precincts_per_settlement: int = 5) -> Country:
    """About 2 settlements a municipality and `precincts_per_settlement` precincts a settlement."""
    rng = random.Random(seed)
    settlement_count = max(1, -(-precincts // precincts_per_settlement))
    municipality_count = max(1, settlement_count // 2)
    per_region = -(-municipality_count // len(REGIONS))
    next_number = {prefix: 0 for _, _, prefix in REGIONS}
    settlements: list[Settlement] = []
    country_precincts: list[Precinct] = []
    for index in range(settlement_count):
        municipality_index = index // 2
        region, _, prefix = REGIONS[min(municipality_index // per_region, len(REGIONS) - 1)]
        district = f"{region.split()[0]} {municipality_index // 5 % 9 + 1}-району"
        city = region.endswith("шаары")
        municipality = f"{region.split()[0]} шаары" if city else f"Айыл аймагы №{municipality_index + 1}"
        settlement = Settlement(
            region=region, district=district, municipality=municipality,
            municipality_kind="city" if city else "aiyl_aimak",
            name=f"{region.split()[0]}-{index + 1}" if city else f"Айыл-{index + 1}",
            streets=list(rng.sample(STREETS, 8)),
        )
        count = min(precincts_per_settlement, precincts - len(country_precincts))
        numbers = []
        for _ in range(max(count, 1) if count > 0 else 0):
            next_number[prefix] += 1
            if next_number[prefix] > 999:
                raise ValueError("more than 999 precincts in one region: precinct numbers have 4 digits")
            numbers.append(f"{prefix}{next_number[prefix]:03d}")
        if numbers:
            # The first street is split between two precincts by house numbers; the rest go round.
            first, second = numbers[0], numbers[1 % len(numbers)]
            if first == second:
                settlement.served.append((first, settlement.streets[0], "*"))
            else:
                settlement.served.append((first, settlement.streets[0], "1-40"))
                settlement.served.append((second, settlement.streets[0], "41-*"))
            for position, street in enumerate(settlement.streets[1:]):
                settlement.served.append((numbers[position % len(numbers)], street, "*"))
            latitude, longitude = 39.5 + rng.random() * 3, 69.5 + rng.random() * 9
            country_precincts.extend(
                Precinct(number, settlement, round(latitude + rng.random() / 100, 6), round(longitude + rng.random() / 100, 6))
                for number in numbers
            )
        settlements.append(settlement)
        if len(country_precincts) >= precincts:
            break
    return Country(settlements, country_precincts)


def write_precincts(country: Country, path) -> int:
    rows = 0
    by_number = {precinct.number: precinct for precinct in country.precincts}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PRECINCT_COLUMNS)
        for settlement in country.settlements:
            for number, street, houses in settlement.served:
                precinct = by_number[number]
                writer.writerow([
                    number, settlement.region, settlement.district, settlement.municipality,
                    settlement.municipality_kind, settlement.name, street, houses,
                    f"№{number} шайлоо участогу", f"Избирательный участок №{number}",
                    f"{settlement.name}, {settlement.streets[0]} көчөсү, {int(number[1:]) % 60 + 1}",
                    f"{settlement.name}, ул. {settlement.streets[0]}, {int(number[1:]) % 60 + 1}",
                    f"+996 312 {int(number):06d}", precinct.latitude, precinct.longitude,
                ])
                rows += 1
    return rows


@dataclass
class Person:
    pin: str
    surname: str
    name: str
    patronymic: str
    birth_date: dt.date
    gender: Gender
    settlement: Settlement
    street: str
    house: str
    apartment: str
    biometric: bool

    def row(self) -> list[str]:
        s = self.settlement
        return [self.pin, self.surname, self.name, self.patronymic, self.birth_date.isoformat(), self.gender.value,
                s.region, s.district, s.name, self.street, self.house, self.apartment, "1" if self.biometric else "0"]


class People:
    """Deterministic citizens of a country; PINs unique through a serial per (gender, birth date)."""

    def __init__(self, country: Country, *, seed: int, reference_day: dt.date,
                 under_age_share: float = 0.02, no_biometrics_share: float = 0.01, unserved_share: float = 0.002) -> None:
        self.rng = random.Random(seed)
        self.country = country
        self.reference_day = reference_day
        self.under_age_share = under_age_share
        self.no_biometrics_share = no_biometrics_share
        self.unserved_share = unserved_share
        self._serials: dict[tuple[Gender, dt.date], int] = {}

    def _pin(self, gender: Gender, birth_date: dt.date) -> str:
        serial = self._serials.get((gender, birth_date), self.rng.randrange(0, 40_000))
        self._serials[(gender, birth_date)] = serial + 1
        return make_pin(gender=gender, birth_date=birth_date, serial=serial)

    def person(self, settlement: Settlement | None = None, *, adult: bool | None = None,
               biometric: bool | None = None, served: bool | None = None) -> Person:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.52 else Gender.MALE
        if adult is None:
            adult = rng.random() >= self.under_age_share
        age_days = rng.randrange(18 * 366, 88 * 365) if adult else rng.randrange(14 * 365, 18 * 365 - 2)
        birth_date = self.reference_day - dt.timedelta(days=age_days)
        settlement = settlement or rng.choice(self.country.settlements)
        if served is None:
            served = rng.random() >= self.unserved_share
        if biometric is None:
            biometric = rng.random() >= self.no_biometrics_share
        names = FEMALE_NAMES if gender is Gender.FEMALE else MALE_NAMES
        return Person(
            pin=self._pin(gender, birth_date), surname=surname(rng.choice(SURNAME_ROOTS), gender),
            name=rng.choice(names), patronymic=patronymic(rng.choice(MALE_NAMES), gender) if rng.random() < 0.9 else "",
            birth_date=birth_date, gender=gender, settlement=settlement,
            street=rng.choice(settlement.streets) if served else UNSERVED_STREET,
            house=str(rng.randrange(1, 80)) + ("А" if rng.random() < 0.05 else ""),
            apartment=str(rng.randrange(1, 60)) if rng.random() < 0.2 else "", biometric=biometric,
        )


BAD_ROW_KINDS = ("pin_gender_digit", "impossible_date", "gender_mismatch", "missing_field", "unknown_gender",
                 "duplicate_pin", "column_count", "date_mismatch")


def spoil(row: list[str], kind: str, previous_pin: str) -> list[str]:
    """One bad row of the given kind, made from a good one."""
    row = list(row)
    if kind == "pin_gender_digit":
        row[0] = "3" + row[0][1:]
    elif kind == "impossible_date":
        row[0] = row[0][0] + "31029" + row[0][6:]  # 31 February
    elif kind == "gender_mismatch":
        row[5] = "M" if row[5] == "F" else "F"
    elif kind == "missing_field":
        row[1] = ""
    elif kind == "unknown_gender":
        row[5] = "X"
    elif kind == "duplicate_pin":
        # Only the PIN is wrong: birth date and gender agree with the PIN it repeats.
        row[0] = previous_pin
        row[4] = f"{previous_pin[5:9]}-{previous_pin[3:5]}-{previous_pin[1:3]}"
        row[5] = "F" if previous_pin[0] == "1" else "M"
    elif kind == "column_count":
        row = row[:-2]
    elif kind == "date_mismatch":
        row[4] = "1901-01-01"
    return row


def register_rows(people: People, voters: int, *, bad_share: float) -> Iterator[list[str]]:
    previous_pin = ""
    for index in range(voters):
        row = people.person().row()
        if bad_share and people.rng.random() < bad_share and previous_pin:
            kind = BAD_ROW_KINDS[index % len(BAD_ROW_KINDS)]
            row = spoil(row, kind, previous_pin)
        else:
            previous_pin = row[0]
        yield row


def write_register(rows: Iterator[list[str]], path) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_COLUMNS)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
