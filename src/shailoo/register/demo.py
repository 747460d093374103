# SPDX-License-Identifier: Apache-2.0
"""The Samarkandek demo: the 2023 e-voting pilot's aiyl kenesh (Batken district, Batken region).

7,524 voters on the list, 1,568 of them living away from the territory (notice A), plus citizens who
may not vote (under 18, no biometrics), a few whose street no precinct serves yet, and the neighbouring
Ak-Sai aiyl aimak whose people are not on this list. The register and the precincts go through the
real importers, from CSV files written into the data directory. Villages and streets are illustrative.
"""
import csv
import datetime as dt
import random

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from shailoo.elections.models import Candidate, Constituency, Election, Kenesh
from shailoo.geography.importer import PrecinctImport
from shailoo.geography.models import District, Municipality, Precinct, Region
from shailoo.register.compilation import compile_voter_list
from shailoo.register.importer import RegisterImport
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.register.synth import (
    FEMALE_NAMES,
    MALE_NAMES,
    PRECINCT_COLUMNS,
    SURNAME_ROOTS,
    Country,
    People,
    Settlement,
    patronymic,
    surname,
    write_register,
)
from shailoo.register.synth import Precinct as SynthPrecinct
from shailoo.rules.pin import Gender

SLUG = "samarkandek"
LISTED = 7_524
LIVING_AWAY = 1_568
UNDER_AGE, NO_BIOMETRICS, UNSERVED, NEIGHBOURS = 140, 65, 4, 400
REGION, DISTRICT = "Баткен облусу", "Баткен району"
TERRITORY = "Самаркандек айыл аймагы"
RESIDENCES = (
    "Россия, Москва", "Россия, Санкт-Петербург", "Россия, Екатеринбург", "Казакстан, Алматы", "Бишкек шаары",
    "Түркия, Стамбул", "Ош шаары", "Россия, Новосибирск",
)
# (village, streets, [(precinct number, streets served or "*" with houses)])
VILLAGES = (
    ("Самаркандек", ("Мектеп", "Манас", "Токтогул", "Жеңиш", "Достук", "Бейшеналиева"),
     [("8101", "Мектеп", "1-60"), ("8102", "Мектеп", "61-*"), ("8101", "Манас", "*"), ("8101", "Токтогул", "*"),
      ("8102", "Жеңиш", "*"), ("8102", "Достук", "*"), ("8103", "Бейшеналиева", "*")]),
    ("Кок-Таш", ("Борбордук", "Ынтымак", "Тынчтык"),
     [("8104", "*", "")]),
    ("Кызыл-Бел", ("Ала-Тоо", "Жаштык", "Курманжан Датка"),
     [("8105", "Ала-Тоо", "*"), ("8105", "Жаштык", "*"), ("8105", "Курманжан Датка", "*")]),
    ("Арка", ("Айтматов", "Саякбай"),
     [("8106", "*", "")]),
)
PRECINCT_SITES = {
    "8101": ("№1 орто мектеп", "средняя школа №1", 39.9417, 70.7436),
    "8102": ("Маданият үйү", "Дом культуры", 39.9389, 70.7481),
    "8103": ("№2 орто мектеп", "средняя школа №2", 39.9452, 70.7390),
    "8104": ("Кок-Таш орто мектеби", "средняя школа Кок-Таш", 39.9211, 70.7702),
    "8105": ("Кызыл-Бел клубу", "клуб Кызыл-Бел", 39.9630, 70.7155),
    "8106": ("Арка айыл өкмөтү", "айыльная управа Арка", 39.9080, 70.7950),
}
NEIGHBOUR = ("Ак-Сай", ("Ак-Сай", "Чек ара"), [("8110", "*", "")])
CONSTITUENCIES = (
    (1, "Самаркандек", "Самаркандек", 7, ["8101", "8102", "8103"]),
    (2, "Кок-Таш — Арка", "Кок-Таш — Арка", 7, ["8104", "8106"]),
    (3, "Кызыл-Бел", "Кызыл-Бел", 7, ["8105"]),
)


def _country() -> tuple[Country, list[Settlement], Settlement]:
    settlements, precincts = [], []
    for village, streets, served in (*VILLAGES, NEIGHBOUR):
        municipality = "Ак-Сай айыл аймагы" if village == "Ак-Сай" else TERRITORY
        settlement = Settlement(REGION, DISTRICT, municipality, "aiyl_aimak", village, list(streets), list(served))
        settlements.append(settlement)
        for number in dict.fromkeys(number for number, _, _ in served):
            latitude, longitude = PRECINCT_SITES.get(number, ("", "", 39.87, 70.82))[2:]
            precincts.append(SynthPrecinct(number, settlement, latitude, longitude))
    return Country(settlements, precincts), settlements[:-1], settlements[-1]


def _write_precincts(country: Country, path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PRECINCT_COLUMNS)
        for precinct in country.precincts:
            settlement = precinct.settlement
            site_ky, site_ru = PRECINCT_SITES.get(precinct.number, ("Ак-Сай мектеби", "школа Ак-Сай"))[:2]
            for number, street, houses in settlement.served:
                if number != precinct.number:
                    continue
                writer.writerow([
                    number, settlement.region, settlement.district, settlement.municipality,
                    settlement.municipality_kind, settlement.name, street, houses,
                    f"№{number} шайлоо участогу ({site_ky})", f"Избирательный участок №{number} ({site_ru})",
                    f"{settlement.name} айылы, {site_ky}", f"с. {settlement.name}, {site_ru}",
                    f"+996 3622 5{number[1:]}", precinct.latitude, precinct.longitude,
                ])


def _people(territory: list[Settlement], neighbour: Settlement, election_day: dt.date, seed: int):
    people = People(Country(territory, []), seed=seed, reference_day=election_day)
    rng = random.Random(seed)

    def served_in(settlement_list):
        return people.person(rng.choice(settlement_list), adult=True, biometric=True, served=True)

    for _ in range(LISTED):
        yield served_in(territory)
    for _ in range(UNDER_AGE):
        yield people.person(rng.choice(territory), adult=False, biometric=True, served=True)
    for _ in range(NO_BIOMETRICS):
        yield people.person(rng.choice(territory), adult=True, biometric=False, served=True)
    for _ in range(UNSERVED):
        # In Samarkandek village, where precincts serve named streets: a new street nobody serves yet.
        yield people.person(territory[0], adult=True, biometric=True, served=False)
    for _ in range(NEIGHBOURS):
        yield people.person(neighbour, adult=True, biometric=True, served=True)


def _make_election(election_day: dt.date) -> Election:
    territory = Municipality.objects.get(name=TERRITORY)
    Region.objects.filter(name=REGION).update(name_ky=REGION, name_ru="Баткенская область")
    District.objects.filter(name=DISTRICT).update(name_ky=DISTRICT, name_ru="Баткенский район")
    Municipality.objects.filter(pk=territory.pk).update(name_ky=TERRITORY, name_ru="Самаркандекский айылный аймак")
    kenesh, _ = Kenesh.objects.get_or_create(
        territory=territory, kind=Kenesh.Kind.AIYL,
        defaults={"name_ky": "Самаркандек айылдык кеңеши", "name_ru": "Самаркандекский айылный кенеш", "seats": 21},
    )
    election = Election.objects.create(
        kenesh=kenesh, slug=SLUG, election_day=election_day, evoting=True,
        name_ky="Самаркандек айылдык кеңешинин депутаттарын шайлоо",
        name_ru="Выборы депутатов Самаркандекского айылного кенеша",
    )
    rng = random.Random(7)
    for number, name_ky, name_ru, seats, precinct_numbers in CONSTITUENCIES:
        constituency = Constituency.objects.create(
            # The proper name only, shown as "№1 Самаркандек" (__str__); a page says "constituency" itself.
            election=election, number=number, name_ky=name_ky,
            name_ru=name_ru, seats=seats, women_seats=-(-seats * 3 // 10),
        )
        constituency.precincts.set(Precinct.objects.filter(number__in=precinct_numbers))
        for order in range(1, seats + 5):
            female = order % 3 != 0 if order <= 6 else order % 2 == 0
            gender = Gender.FEMALE if female else Gender.MALE
            Candidate.objects.create(
                election=election, constituency=constituency, ballot_order=order, gender=gender.value,
                surname=surname(rng.choice(SURNAME_ROOTS), gender),
                name=rng.choice(FEMALE_NAMES if female else MALE_NAMES),
                patronymic=patronymic(rng.choice(MALE_NAMES), gender),
            )
    return election


def _sample_pins(election: Election) -> dict[str, str]:
    entries = VoterListEntry.objects.filter(election=election).select_related("citizen")
    samples = {
        # Someone who lives at home: the ones living away are the Cabinet's e-voting examples (tunduk.demo).
        "on the list, votes on paper": entries.filter(status="listed", voting_mode="paper", citizen__residence="")
        .order_by("citizen__pin").first(),
        "not eligible (no biometric registration)": entries.filter(reasons__contains="no_biometrics").order_by("citizen__pin").first(),
        "address served by no precinct": entries.filter(status="unassigned").order_by("citizen__pin").first(),
    }
    result = {label: entry.citizen.pin for label, entry in samples.items() if entry}
    outsider = Citizen.objects.filter(~Q(list_entries__election=election)).order_by("pin").first()
    if outsider:
        result["lives in Ak-Sai: not on this list"] = outsider.pin
    return result


def load_demo(*, election_day: dt.date | None, out) -> Election:
    existing = Election.objects.filter(slug=SLUG).first()
    if existing:
        out.write(f"The Samarkandek demo is already loaded (election day {existing.election_day}).")
        _print_samples(existing, out)
        return existing
    election_day = election_day or timezone.localdate() + dt.timedelta(days=30)
    folder = settings.DATA_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    country, territory, neighbour = _country()
    precincts_csv, register_csv = folder / "precincts.csv", folder / "register.csv"
    _write_precincts(country, precincts_csv)
    write_register((person.row() for person in _people(territory, neighbour, election_day, seed=2023)), register_csv)
    precinct_summary = PrecinctImport(precincts_csv).run()
    register_summary = RegisterImport(register_csv).run()
    if precinct_summary.rejected or register_summary.rejected:
        raise ValueError(f"the demo data were rejected: {precinct_summary.rejects[:3]} {register_summary.rejects[:3]}")
    election = _make_election(election_day)
    summary = compile_voter_list(election=election)
    # Notice A: 1,568 of the 7,524 live away from the territory (labour migrants, students).
    rng = random.Random(1568)
    listed_ids = list(
        VoterListEntry.objects.filter(election=election, status="listed").order_by("citizen__pin").values_list("citizen_id", flat=True)
    )
    away = sorted(rng.sample(listed_ids, LIVING_AWAY))
    for index, start in enumerate(range(0, len(away), 500)):
        Citizen.objects.filter(pk__in=away[start:start + 500]).update(residence=RESIDENCES[index % len(RESIDENCES)])
    out.write(
        f"Loaded the Samarkandek demo: {register_summary.imported} citizens in the register, "
        f"{summary.listed} voters on the list ({LIVING_AWAY} living away), {summary.ineligible} not eligible, "
        f"{summary.unassigned} at addresses no precinct serves; election day {election_day}."
    )
    _print_samples(election, out)
    return election


def _print_samples(election: Election, out) -> None:
    out.write("Demo PINs to try in the voter-list check:")
    for label, pin in _sample_pins(election).items():
        out.write(f"  {pin}  {label}")
