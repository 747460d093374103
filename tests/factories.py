# SPDX-License-Identifier: Apache-2.0
"""Small builders of domain objects for tests, through the models' public constructors.

`make_territory()` builds region → district → aiyl aimak → settlement with one precinct serving
the whole settlement, a kenesh and an election 30 days ahead; `make_citizen()` adds a register entry
with a valid PIN; `list_voter()` puts a citizen on an election's list.
"""
import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from shailoo.elections.models import Election, Kenesh
from shailoo.geography.models import AddressRange, District, Municipality, Precinct, Region, Settlement
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.addresses import house_number, settlement_key, street_key
from shailoo.rules.pin import Gender, make_pin

_serials = itertools.count(1)
# Precinct numbers have 4 digits (a check constraint): cycle through 9001-9999, which stays unique within a
# test (each test's data is rolled back) however many tests the whole suite runs.
_precinct_numbers = itertools.cycle(range(9001, 10000))


@dataclass
class Territory:
    region: Region
    district: District
    municipality: Municipality
    settlement: Settlement
    precinct: Precinct
    kenesh: Kenesh
    election: Election


def make_precinct(municipality: Municipality, settlement: Settlement, *, number: str | None = None,
                  street: str = "*", first_house: int = 0, last_house: int | None = None) -> Precinct:
    number = number or f"{next(_precinct_numbers):04d}"
    precinct = Precinct.objects.create(
        number=number, municipality=municipality,
        name_ky=f"№{number} шайлоо участогу", name_ru=f"Избирательный участок №{number}",
        address_ky=f"{settlement.name} айылы, Мектеп көчөсү, {number[-2:]}",
        address_ru=f"с. {settlement.name}, ул. Мектеп, {number[-2:]}",
        phone="+996 3622 5 00 00",
    )
    AddressRange.objects.create(
        precinct=precinct, settlement=settlement, street=street, first_house=first_house, last_house=last_house
    )
    return precinct


def make_territory(*, name: str = "Самаркандек", election_day: dt.date | None = None, evoting: bool = True) -> Territory:
    region, _ = Region.objects.get_or_create(name="Баткен облусу", defaults={"name_ru": "Баткенская область"})
    district, _ = District.objects.get_or_create(region=region, name="Баткен району", defaults={"name_ru": "Баткенский район"})
    municipality = Municipality.objects.create(district=district, name=f"{name} айыл аймагы", kind=Municipality.Kind.AIYL_AIMAK)
    settlement = Settlement.objects.create(municipality=municipality, name=name)
    precinct = make_precinct(municipality, settlement)
    kenesh = Kenesh.objects.create(
        kind=Kenesh.Kind.AIYL, name_ky=f"{name} айылдык кеңеши", name_ru=f"{name}ский айылный кенеш",
        territory=municipality, seats=11,
    )
    election = Election.objects.create(
        kenesh=kenesh, name_ky=f"{name} айылдык кеңешинин шайлоосу", name_ru=f"Выборы в {name}ский айылный кенеш",
        slug=f"{settlement.pk}-{name.lower()}"[:50].encode("ascii", "ignore").decode() or f"e{settlement.pk}",
        election_day=election_day or timezone.localdate() + dt.timedelta(days=30), evoting=evoting,
    )
    return Territory(region, district, municipality, settlement, precinct, kenesh, election)


def make_citizen(settlement: Settlement | None = None, *, gender: Gender = Gender.FEMALE,
                 birth_date: dt.date = dt.date(1990, 5, 17), biometric: bool = True, street: str = "Мектеп",
                 house: str = "12", surname: str = "Абдыкадырова", name: str = "Бермет", **fields) -> Citizen:
    region = settlement.municipality.district.region.name if settlement else "Чүй облусу"
    district = settlement.municipality.district.name if settlement else "Аламүдүн району"
    settlement_name = settlement.name if settlement else "Лебединовка"
    return Citizen.objects.create(
        pin=fields.pop("pin", None) or make_pin(gender=gender, birth_date=birth_date, serial=next(_serials)),
        surname=surname, name=name, patronymic=fields.pop("patronymic", ""), birth_date=birth_date,
        gender=gender.value, region=region, district=district, settlement=settlement_name, street=street,
        house=house, apartment=fields.pop("apartment", ""), biometric=biometric,
        settlement_key=settlement_key(region, district, settlement_name), street_key=street_key(street),
        house_number=house_number(house), row_hash=0, **fields,
    )


def list_voter(citizen: Citizen, election: Election, precinct: Precinct, **fields) -> VoterListEntry:
    return VoterListEntry.objects.create(
        election=election, citizen=citizen, precinct=precinct, status=VoterListEntry.Status.LISTED, **fields
    )
