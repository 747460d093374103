# SPDX-License-Identifier: Apache-2.0
import csv

import pytest
from django.core.management import call_command

from shailoo.geography.importer import COLUMNS
from shailoo.geography.models import AddressRange, Municipality, Precinct, Settlement

pytestmark = pytest.mark.django_db

PLACE = ["Баткен облусу", "Баткен району", "Самаркандек айыл аймагы", "aiyl_aimak", "Самаркандек"]


def row(number, street, houses, *, name_ky=None, latitude="39.94", **overrides):
    values = [number, *PLACE, street, houses, name_ky or f"№{number} участок", f"Участок №{number}",
              "Самаркандек айылы, Мектеп көчөсү, 1", "с. Самаркандек, ул. Мектеп, 1", "+996 3622 51111", latitude, "70.74"]
    for name, value in overrides.items():
        values[COLUMNS.index(name)] = value
    return values


def import_rows(tmp_path, rows, *extra):
    path = tmp_path / "precincts.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    try:
        call_command("import_precincts", str(path), *extra)
    except SystemExit as exit:
        return exit.code
    return 0


def test_precincts_places_and_ranges_are_created(tmp_path):
    code = import_rows(tmp_path, [row("8101", "Мектеп", "1-45,47,50-*"), row("8101", "Манас", "*"), row("8102", "*", "")])
    assert code == 0
    assert Municipality.objects.get().kind == "aiyl_aimak"
    assert Settlement.objects.get().key == "баткен облусу/баткен району/самаркандек"
    ranges = AddressRange.objects.filter(precinct__number="8101", street="Мектеп").order_by("first_house")
    assert [(r.first_house, r.last_house) for r in ranges] == [(1, 45), (47, 47), (50, None)]
    assert AddressRange.objects.get(precinct__number="8102").street_key == "*"


def test_reimporting_replaces_a_precincts_ranges_without_duplicates(tmp_path):
    import_rows(tmp_path, [row("8101", "Мектеп", "1-45")])
    code = import_rows(tmp_path, [row("8101", "Мектеп", "1-45", name_ky="Жаңы аты"),
                                  row("8101", "Манас", "*", name_ky="Жаңы аты")])
    assert code == 0
    assert Precinct.objects.get().name_ky == "Жаңы аты"
    assert AddressRange.objects.count() == 2


@pytest.mark.parametrize(("bad", "reason"), [
    (row("810", "Мектеп", "1-5"), "4 digits"),
    (row("8103", "Мектеп", "5-1"), "ends before"),
    (row("8103", "Мектеп", "1-3,x"), "'x'"),
    (row("8103", "Мектеп", "1-3", municipality_kind="town"), "neither aiyl_aimak nor city"),
    (row("8103", "Мектеп", "1-3", latitude="north"), "coordinates"),
    (row("8103", "", "1-3"), "street is empty"),
    (row("8103", "*", "1-3"), "whole settlement"),
    (row("8101", "Манас", "*", name_ky="Башка"), "described differently on line 2: name_ky"),
    (row("8103", "Мектеп", "40-60"), "already served by precinct 8101 (line 2)"),
    (row("8103", "Мектеп", "46"), ""),  # not a bad row: house 46 is free
])
def test_a_bad_row_is_rejected_and_the_rest_imported(tmp_path, bad, reason):
    rejects = tmp_path / "rejects.csv"
    code = import_rows(tmp_path, [row("8101", "Мектеп", "1-45,47,50-*"), bad, row("8102", "Жеңиш", "*")],
                       "--rejects", str(rejects))
    found = list(csv.DictReader(open(rejects, encoding="utf-8")))
    if not reason:
        assert code == 0 and found == []
        return
    assert code == 1
    [rejected] = found
    assert rejected["line"] == "3" and reason in rejected["reason"]
    assert set(Precinct.objects.values_list("number", flat=True)) >= {"8101", "8102"}


def test_a_range_overlapping_one_in_the_database_is_rejected(tmp_path):
    import_rows(tmp_path, [row("8101", "Мектеп", "1-45")])
    assert import_rows(tmp_path, [row("8102", "ул. Мектеп", "40-50")]) == 1
    assert not Precinct.objects.filter(number="8102").exists()


def test_a_wrong_header_exits_2(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("number,name\n8101,x\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit:
        call_command("import_precincts", str(path))
    assert exit.value.code == 2 and not Precinct.objects.exists()
