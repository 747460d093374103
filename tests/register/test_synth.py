# SPDX-License-Identifier: Apache-2.0
import csv

import pytest
from django.core.management import call_command

from shailoo.register.importer import RegisterImport
from shailoo.register.models import Citizen
from shailoo.rules.pin import parse_pin

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_synthetic_register_imports_with_exactly_its_bad_rows_rejected(tmp_path):
    out = tmp_path / "register.csv"
    call_command("synth_register", "--voters", "3000", "--precincts", "12", "--out", str(out), "--seed", "5",
                 "--bad-share", "0.05")
    rows = list(csv.reader(open(out, encoding="utf-8")))[1:]
    assert len(rows) == 3000
    call_command("import_precincts", str(tmp_path / "register.precincts.csv"))
    summary = RegisterImport(out, rejects_path=tmp_path / "rejects.csv").run()
    reasons = {row["reason"].split(":")[0] for row in csv.DictReader(open(tmp_path / "rejects.csv", encoding="utf-8"))}
    assert 100 < summary.rejected < 250
    assert summary.imported + summary.rejected == 3000
    assert {"PIN repeated", "PIN", "surname is empty", "gender 'X' is neither F nor M"} <= reasons
    for citizen in Citizen.objects.all()[:200]:
        assert parse_pin(citizen.pin).birth_date == citizen.birth_date


def test_the_same_seed_writes_the_same_file(tmp_path):
    for name in ("a.csv", "b.csv"):
        call_command("synth_register", "--voters", "200", "--precincts", "10", "--out", str(tmp_path / name), "--seed", "9")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
