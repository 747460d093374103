# SPDX-License-Identifier: Apache-2.0
"""The first load into an empty register (bulk on PostgreSQL) and the merge give the same register."""
import pytest
from django.db import connection

from shailoo.register.importer import RegisterImport
from shailoo.register.models import Citizen
from tests.register.conftest import GOOD_ROWS

pytestmark = pytest.mark.django_db

FIELDS = ("pin", "surname", "name", "patronymic", "birth_date", "gender", "region", "district", "settlement",
          "street", "house", "apartment", "biometric", "settlement_key", "street_key", "house_number", "row_hash",
          "residence")


def register_rows():
    rows = [list(row) for row in GOOD_ROWS]
    repeated = list(GOOD_ROWS[1])
    repeated[1] = "Асанова"  # the same PIN again, later in the file
    return [*rows, repeated, ["123", *GOOD_ROWS[0][1:]]]


def the_register():
    return sorted(Citizen.objects.values_list(*FIELDS))


def schema(table):
    with connection.cursor() as cursor:
        described = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
            described["definitions"] = cursor.fetchall()
        return described


@pytest.mark.parametrize("bulk", [True, False])
def test_an_empty_register_is_loaded_the_same_by_the_bulk_load_and_the_merge(register_file, tmp_path, bulk):
    path = register_file(register_rows())
    summary = RegisterImport(path, bulk=bulk, rejects_path=tmp_path / "rejects.csv").run()
    assert (summary.imported, summary.rejected) == (3, 2)
    assert "PIN repeated: first on line 3" in (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    loaded = the_register()
    Citizen.objects.all().delete()
    RegisterImport(path, bulk=not bulk).run()
    assert the_register() == loaded
    assert Citizen.objects.get(pin=GOOD_ROWS[1][0]).surname == GOOD_ROWS[1][1]  # the first of the repeated PINs


def test_the_bulk_load_leaves_the_registers_indexes_and_constraints_as_they_were(register_file):
    before = schema(Citizen._meta.db_table)
    RegisterImport(register_file(GOOD_ROWS)).run()
    assert schema(Citizen._meta.db_table) == before


def test_a_register_with_citizens_is_merged_not_bulk_loaded(register_file):
    RegisterImport(register_file(GOOD_ROWS[:1])).run()
    first = Citizen.objects.get()
    summary = RegisterImport(register_file(GOOD_ROWS), bulk=None).run()
    assert (summary.imported, summary.unchanged) == (2, 1)
    assert Citizen.objects.get(pin=first.pin).updated_at == first.updated_at  # an unchanged citizen is not rewritten
