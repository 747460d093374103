# SPDX-License-Identifier: Apache-2.0
import csv

import pytest
from django.core.management import call_command
from django.db import connection

from shailoo.audit.models import AuditEntry
from shailoo.register.importer import RegisterImport, RegisterUnreadable
from shailoo.register.models import Citizen

from .conftest import GOOD_ROWS

pytestmark = pytest.mark.django_db(transaction=True)


def run_command(*args):
    """The command's exit code (0 when it returns normally)."""
    try:
        call_command("import_register", *map(str, args))
    except SystemExit as exit:
        return exit.code
    return 0


def read_rejects(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_clean_file_is_imported_and_summarised(register_file, capsys):
    assert run_command(register_file(GOOD_ROWS)) == 0
    assert "imported 3, updated 0, unchanged 0, rejected 0" in capsys.readouterr().out
    citizen = Citizen.objects.get(pin="21705199000002")
    assert (citizen.surname, citizen.street, citizen.house, citizen.house_number, citizen.biometric) == (
        "Асанов", "ул. Манас", "14А", 14, True)
    assert citizen.street_key == "манас" and citizen.settlement_key == "баткен облусу/баткен району/самаркандек"
    assert AuditEntry.objects.get().payload["imported"] == 3


def test_rerunning_the_same_file_changes_nothing(register_file, capsys):
    path = register_file(GOOD_ROWS)
    run_command(path)
    before = {c.pin: c.updated_at for c in Citizen.objects.all()}
    assert run_command(path) == 0
    assert "imported 0, updated 0, unchanged 3, rejected 0" in capsys.readouterr().out
    assert {c.pin: c.updated_at for c in Citizen.objects.all()} == before


def test_a_changed_row_updates_the_citizen(register_file, capsys):
    run_command(register_file(GOOD_ROWS))
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][9], changed[0][12] = "Жеңиш", "1"
    changed[2][12] = "1"
    run_command(register_file(changed))
    assert "imported 0, updated 2, unchanged 1" in capsys.readouterr().out
    assert Citizen.objects.get(pin="11705199000001").street == "Жеңиш"
    assert Citizen.objects.get(pin="10101200800003").biometric is True


BAD_ROWS = [
    (["31705199000009", *GOOD_ROWS[0][1:]], "first digit"),
    (["13102199000009", *GOOD_ROWS[0][1:4], "1990-02-31", *GOOD_ROWS[0][5:]], "not a date"),
    (["13102199000009", *GOOD_ROWS[0][1:]], "date of birth DDMMYYYY"),
    (["11705199000009", *GOOD_ROWS[0][1:4], "1990-05-18", *GOOD_ROWS[0][5:]], "date of birth"),
    (["11705199000009", *GOOD_ROWS[0][1:5], "M", *GOOD_ROWS[0][6:]], "gender"),
    (["11705199000009", *GOOD_ROWS[0][1:5], "X", *GOOD_ROWS[0][6:]], "neither F nor M"),
    (["11705199000009", "", *GOOD_ROWS[0][2:]], "surname is empty"),
    (["11705199000009", *GOOD_ROWS[0][1:12], "yes"], "neither 1 nor 0"),
    (GOOD_ROWS[0][:10], "expected 13 columns, found 10"),
    ([*GOOD_ROWS[0], "extra"], "found 14"),
    (["1170519900000", *GOOD_ROWS[0][1:]], "14 digits"),
    (["11705199000009", "Ф" * 101, *GOOD_ROWS[0][2:]], "longer than 100"),
    # PIN and date agree, but 1879 is before any PIN (the public check would refuse this PIN)
    (["13112187900009", *GOOD_ROWS[0][1:4], "1879-12-31", *GOOD_ROWS[0][5:]], "PIN: digits 2 to 9"),
]


@pytest.mark.parametrize(("bad_row", "reason"), BAD_ROWS)
def test_a_bad_row_is_rejected_with_line_and_reason_and_the_rest_is_imported(register_file, tmp_path, bad_row, reason):
    rejects = tmp_path / "rejects.csv"
    code = run_command(register_file([GOOD_ROWS[0], bad_row, *GOOD_ROWS[1:]]), "--rejects", rejects)
    assert code == 1
    [rejected] = read_rejects(rejects)
    assert rejected["line"] == "3" and reason in rejected["reason"]
    assert rejected["pin"] == bad_row[0]
    assert Citizen.objects.count() == 3


def test_a_pin_repeated_in_the_file_is_rejected_after_its_first_line(register_file, tmp_path):
    rejects = tmp_path / "rejects.csv"
    repeat = list(GOOD_ROWS[0])
    repeat[1] = "Другая"
    assert run_command(register_file([*GOOD_ROWS, repeat]), "--rejects", rejects) == 1
    [rejected] = read_rejects(rejects)
    assert rejected["line"] == "5" and "first on line 2" in rejected["reason"] and rejected["surname"] == "Другая"
    assert Citizen.objects.get(pin=GOOD_ROWS[0][0]).surname == "Абдыкадырова"


def test_a_pin_typed_with_spaces_or_dashes_is_stored_as_14_digits(register_file):
    row = list(GOOD_ROWS[0])
    row[0] = "1-1705-1990 00001"
    assert run_command(register_file([row])) == 0
    assert Citizen.objects.get().pin == "11705199000001"


def test_a_bom_and_blank_lines_are_fine(register_file, tmp_path):
    path = register_file(GOOD_ROWS, encoding="utf-8-sig")
    path.write_text(path.read_text(encoding="utf-8-sig") + "\n\n", encoding="utf-8-sig")
    assert run_command(path) == 0 and Citizen.objects.count() == 3


def test_cp1251_with_the_encoding_option(register_file):
    path = register_file(GOOD_ROWS[1:2], encoding="cp1251")
    assert run_command(path, "--encoding", "cp1251") == 0
    assert Citizen.objects.get().surname == "Асанов"


def test_a_file_in_the_wrong_encoding_writes_nothing_and_exits_2(register_file, tmp_path, capsys):
    path = register_file(GOOD_ROWS, encoding="cp1251")
    rejects = tmp_path / "rejects.csv"
    assert run_command(path, "--rejects", rejects) == 2
    error = capsys.readouterr().err
    assert "not valid utf-8" in error and "--encoding cp1251" in error and "nothing was written" in error
    assert not Citizen.objects.exists() and not AuditEntry.objects.exists() and not rejects.exists()


def test_a_wrong_encoding_late_in_the_file_still_writes_nothing(register_file, tmp_path):
    path = register_file(GOOD_ROWS)
    with open(path, "ab") as handle:
        handle.write("21705199000077,Асанов,Бакыт,,1990-05-17,M,Баткен,Баткен,Самаркандек,Мектеп,1,,1\n".encode("cp1251"))
    assert run_command(path) == 2
    assert not Citizen.objects.exists()


@pytest.mark.parametrize("header", [None, ("pin", "surname", "name")])
def test_a_missing_or_wrong_header_writes_nothing_and_exits_2(register_file, header, capsys):
    path = register_file(GOOD_ROWS, header=header)
    assert run_command(path) == 2
    assert "header" in capsys.readouterr().err
    assert not Citizen.objects.exists()


def test_an_empty_file_and_a_missing_file_exit_2(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert run_command(empty) == 2
    assert run_command(tmp_path / "nowhere.csv") == 2


def test_an_import_interrupted_mid_merge_leaves_a_consistent_register_and_a_rerun_finishes(register_file):
    """A failure inside the merge (here: the database refuses one PIN) keeps every citizen whole."""
    rows = [list(GOOD_ROWS[0]) for _ in range(6)]
    for index, row in enumerate(rows):
        row[0] = f"117051990{index:05d}"
    path = register_file(rows)
    blocked = rows[4][0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION refuse_pin() RETURNS trigger AS $$ BEGIN IF NEW.pin = '{blocked}' THEN "
                "RAISE EXCEPTION 'power cut'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute("CREATE TRIGGER refuse BEFORE INSERT ON register_citizen FOR EACH ROW EXECUTE FUNCTION refuse_pin()")
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse BEFORE INSERT ON register_citizen WHEN NEW.pin = '{blocked}' "
                "BEGIN SELECT RAISE(ABORT, 'power cut'); END"
            )
    with pytest.raises(Exception, match="power cut"):
        RegisterImport(path, batch_size=2).run()
    imported = set(Citizen.objects.values_list("pin", flat=True))
    # PostgreSQL merges in one transaction (nothing), SQLite in committed batches (the batches before).
    assert imported in (set(), {rows[0][0], rows[1][0], rows[2][0], rows[3][0]})
    assert all(c.surname == GOOD_ROWS[0][1] and c.row_hash for c in Citizen.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse" + (" ON register_citizen" if connection.vendor == "postgresql" else ""))
    summary = RegisterImport(path, batch_size=2).run()
    assert (summary.imported, summary.unchanged) == (6 - len(imported), len(imported))
    assert Citizen.objects.count() == 6


def test_unreadable_is_raised_by_the_pipeline(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RegisterUnreadable):
        RegisterImport(path).run()


def test_tabs_backslashes_and_line_breaks_inside_fields_survive_the_import(register_file):
    row = list(GOOD_ROWS[0])
    row[1], row[9], row[11] = "Абды\\кадырова", "Мектеп\tкөчөсү", "3\nБ"
    assert run_command(register_file([row])) == 0
    citizen = Citizen.objects.get()
    assert (citizen.surname, citizen.street, citizen.apartment) == ("Абды\\кадырова", "Мектеп\tкөчөсү", "3\nБ")
