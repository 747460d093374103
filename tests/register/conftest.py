# SPDX-License-Identifier: Apache-2.0
import csv

import pytest

from shailoo.register.importer import COLUMNS

GOOD_ROWS = [
    ["11705199000001", "Абдыкадырова", "Бермет", "Асан кызы", "1990-05-17", "F", "Баткен облусу", "Баткен району",
     "Самаркандек", "Мектеп", "12", "", "1"],
    ["21705199000002", "Асанов", "Бакыт", "", "1990-05-17", "M", "Баткен облусу", "Баткен району", "Самаркандек",
     "ул. Манас", "14А", "3", "1"],
    ["10101200800003", "Токтогулова", "Айпери", "", "2008-01-01", "F", "Баткен облусу", "Баткен району",
     "Самаркандек", "Мектеп", "70", "", "0"],
]


def write_csv(path, rows, *, header=COLUMNS, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def register_file(tmp_path):
    def make(rows, **options):
        return write_csv(tmp_path / "register.csv", rows, **options)
    return make
