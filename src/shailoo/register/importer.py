# SPDX-License-Identifier: Apache-2.0
"""Import of the population register from CSV (format: docs/register-format.md).

The pipeline: read and check each row in Python (streaming, constant memory) → load the good rows
into a staging table (COPY on PostgreSQL, batched executemany on SQLite) → reject PINs repeated inside
the file → count new/changed/unchanged rows → one set-based upsert into the register (PostgreSQL: one
statement in one transaction; SQLite: batches, each in its own transaction, so an interruption leaves
a consistent register and a re-run finishes the job). A file that cannot be read at all (encoding,
header) writes nothing.
"""
import csv
import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.register.bulk import without_secondary_structures
from shailoo.register.models import Citizen
from shailoo.rules.addresses import house_number, settlement_key, street_key
from shailoo.rules.pin import Gender, InvalidPin, check_pin_agrees, parse_pin, pin_matches

COLUMNS = (
    "pin", "surname", "name", "patronymic", "birth_date", "gender",
    "region", "district", "settlement", "street", "house", "apartment", "biometric",
)
OPTIONAL = frozenset({"patronymic", "apartment"})
MAX_LENGTH = {f.name: f.max_length for f in Citizen._meta.get_fields() if getattr(f, "max_length", None)}
GENDERS = {"F": Gender.FEMALE, "M": Gender.MALE}
REQUIRED_INDEXES = tuple(index for index, name in enumerate(COLUMNS) if name not in OPTIONAL)
# Below this length no free-text field can be too long (PIN, gender and flags are checked on their own).
SHORTEST_LIMIT = min(MAX_LENGTH[name] for name in COLUMNS if name in MAX_LENGTH and name not in {"pin", "gender"})
BIOMETRIC = {"1": True, "0": False}

# Staging columns: the register's columns as read, then what the importer derives.
STAGING_COLUMNS = (
    "line", "pin", "surname", "name", "patronymic", "birth_date", "gender", "region", "district",
    "settlement", "street", "house", "apartment", "biometric", "settlement_key", "street_key",
    "house_number", "row_hash",
)
CITIZEN_COLUMNS = STAGING_COLUMNS[1:]


class RegisterUnreadable(Exception):
    """The file as a whole cannot be imported (encoding, header): nothing was written."""


class RowRejected(ValueError):
    pass


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)  # the first few, for the report
    seconds: dict[str, float] = field(default_factory=dict)  # how long each phase took

    def __str__(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"


def _row_hash(values: tuple[str, ...]) -> int:
    """64 bits of BLAKE2b over the row as imported: equal hashes mean an unchanged citizen."""
    digest = hashlib.blake2b("\x1f".join(values).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class RowChecker:
    """Turns one CSV row into a staging tuple, or raises RowRejected with the reason."""

    def __init__(self) -> None:
        # Few distinct places and streets: their normalised keys are computed once.
        self._settlement_keys: dict[tuple[str, str, str], str] = {}
        self._street_keys: dict[str, str] = {}
        self._house_numbers: dict[str, int | None] = {}

    def check(self, line: int, row: list[str]) -> tuple:
        if len(row) != len(COLUMNS):
            raise RowRejected(f"expected {len(COLUMNS)} columns, found {len(row)}")
        values = [value.strip() for value in row]
        # Fast path for the common, valid row; anything unusual is looked at field by field.
        if not (all(values[index] for index in REQUIRED_INDEXES) and max(map(len, values)) <= SHORTEST_LIMIT):
            self._check_fields(values)
        (pin, surname, name, patronymic, birth_text, gender_text, region, district, settlement,
         street, house, apartment, biometric_text) = values
        gender = GENDERS.get(gender_text) or GENDERS.get(gender_text.upper())
        if gender is None:
            raise RowRejected(f"gender '{gender_text}' is neither F nor M")
        biometric = BIOMETRIC.get(biometric_text)
        if biometric is None:
            raise RowRejected(f"biometric '{biometric_text}' is neither 1 nor 0")
        try:
            if len(birth_text) != 10:
                raise ValueError
            dt.date.fromisoformat(birth_text)
        except ValueError:
            raise RowRejected(f"birth_date '{birth_text}' is not a date YYYY-MM-DD") from None
        if not pin_matches(pin, birth_date_iso=birth_text, gender=gender):
            pin = self._explain_pin(pin, birth_text, gender)
        place = (region, district, settlement)
        place_key = self._settlement_keys.get(place)
        if place_key is None:
            place_key = self._settlement_keys[place] = settlement_key(*place)
        street_norm = self._street_keys.get(street)
        if street_norm is None:
            street_norm = self._street_keys[street] = street_key(street)
        as_imported = (pin, surname, name, patronymic, birth_text, gender.value, region,
                       district, settlement, street, house, apartment, biometric_text)
        number = self._house_numbers.get(house, -1)
        if number == -1:
            number = house_number(house)
            if len(self._house_numbers) < 100_000:
                self._house_numbers[house] = number
        return (line, *as_imported[:-1], biometric, place_key, street_norm, number, _row_hash(as_imported))

    @staticmethod
    def _check_fields(values: list[str]) -> None:
        for name, value in zip(COLUMNS, values, strict=True):
            if not value and name not in OPTIONAL:
                raise RowRejected(f"{name} is empty")
            if len(value) > MAX_LENGTH.get(name, 10**6):
                raise RowRejected(f"{name} is longer than {MAX_LENGTH[name]} characters")

    @staticmethod
    def _explain_pin(pin_text: str, birth_text: str, gender: Gender) -> str:
        """The normalised PIN when only its spacing was unusual; otherwise RowRejected saying why."""
        try:
            info = parse_pin(pin_text)
            check_pin_agrees(info, birth_date=dt.date.fromisoformat(birth_text), gender=gender)
        except InvalidPin as error:
            raise RowRejected(f"PIN: {error.message}") from None
        return info.pin


class RejectsWriter:
    """The rejects file: the line number, the reason, then the row as it was."""

    def __init__(self, path: Path | None) -> None:
        self._file = open(path, "w", newline="", encoding="utf-8") if path else None  # noqa: SIM115
        self._writer = csv.writer(self._file) if self._file else None
        if self._writer:
            self._writer.writerow(["line", "reason", *COLUMNS])

    def write(self, line: int, reason: str, row: list[str]) -> None:
        if self._writer:
            self._writer.writerow([line, reason, *row])

    def close(self) -> None:
        if self._file:
            self._file.close()


class RegisterImport:
    """One import run of a register file. `run()` returns the summary or raises RegisterUnreadable."""

    KEEP_REJECTS_IN_SUMMARY = 20

    def __init__(self, path: str | os.PathLike, *, encoding: str = "utf-8", rejects_path: str | os.PathLike | None = None,
                 batch_size: int | None = None, actor=None, bulk: bool | None = None) -> None:
        self.path = Path(path)
        self.encoding = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.batch_size = batch_size or settings.REGISTER_IMPORT_BATCH
        self.actor = actor
        self.bulk = bulk  # None or True: the bulk load if the register is empty (PostgreSQL); False: always merge
        self.summary = ImportSummary()
        self.staging = Staging.for_connection()

    def run(self) -> ImportSummary:
        rejects = RejectsWriter(self.rejects_path)
        try:
            started = time.perf_counter()

            def phase(name: str) -> None:
                nonlocal started
                now = time.perf_counter()
                self.summary.seconds[name] = now - started
                started = now

            self.staging.create()
            self.staging.load(self._good_rows(rejects))
            phase("read, check and stage")
            for line, pin_row, first_line in self.staging.repeated_pins():
                self._reject(rejects, line, f"PIN repeated: first on line {first_line}", pin_row)
            phase("repeated PINs")
            self.summary.imported, self.summary.updated, self.summary.unchanged = self.staging.count_changes()
            phase("count changes")
            self.staging.merge(self.batch_size, bulk=self.bulk)
            phase("merge")
            with transaction.atomic():
                record_event(
                    kind=AuditKind.REGISTER_IMPORTED, actor=self.actor, subject=self.path.name,
                    payload={"file": self.path.name, "imported": self.summary.imported, "updated": self.summary.updated,
                             "unchanged": self.summary.unchanged, "rejected": self.summary.rejected},
                )
        except RegisterUnreadable:
            rejects.close()
            if self.rejects_path:
                self.rejects_path.unlink(missing_ok=True)
            raise
        finally:
            rejects.close()
            self.staging.drop()
        return self.summary

    def _reject(self, rejects: RejectsWriter, line: int, reason: str, row: list[str]) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejects) < self.KEEP_REJECTS_IN_SUMMARY:
            self.summary.rejects.append((line, reason))
        rejects.write(line, reason, row)

    def _good_rows(self, rejects: RejectsWriter) -> Iterator[tuple]:
        try:
            handle = open(self.path, encoding=self.encoding, newline="")  # noqa: SIM115
        except (OSError, LookupError) as error:
            raise RegisterUnreadable(f"cannot open {self.path}: {error}") from error
        checker = RowChecker()
        with handle:
            reader = csv.reader(handle)
            try:
                header = next(reader, None)
                if header is None:
                    raise RegisterUnreadable("the file is empty: a header row is expected")
                header = [name.strip().lower() for name in header]
                if tuple(header) != COLUMNS:
                    raise RegisterUnreadable(
                        f"the header must be {','.join(COLUMNS)}; found {','.join(header)[:300]}"
                    )
                line = reader.line_num
                for row in reader:
                    if not row:  # blank line
                        line = reader.line_num
                        continue
                    try:
                        yield checker.check(line + 1, row)
                    except RowRejected as error:
                        self._reject(rejects, line + 1, str(error), row)
                    line = reader.line_num
            except UnicodeDecodeError as error:
                raise RegisterUnreadable(
                    f"the file is not valid {self.encoding.removesuffix('-sig')} near line {reader.line_num + 1}: "
                    f"{error.reason}; try --encoding cp1251"
                ) from error
            except csv.Error as error:
                raise RegisterUnreadable(f"the CSV is malformed at line {reader.line_num}: {error}") from error


class Staging:
    """A temporary table holding the checked rows of one import."""

    TABLE = "register_import_staging"

    @staticmethod
    def for_connection() -> "Staging":
        return PostgresStaging() if connection.vendor == "postgresql" else SqliteStaging()

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(self.create_sql())

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")

    def create_sql(self) -> str:
        raise NotImplementedError

    def load(self, rows: Iterator[tuple]) -> None:
        raise NotImplementedError

    def repeated_pins(self) -> list[tuple[int, list[str], int]]:
        """Rows whose PIN came earlier in the file: removed from staging, returned for the rejects."""
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {self.TABLE}_pin ON {self.TABLE} (pin, line)")
            cursor.execute(
                f"SELECT s.line, {', '.join('s.' + c for c in COLUMNS)}, f.first_line "
                f"FROM {self.TABLE} s JOIN (SELECT pin, MIN(line) AS first_line FROM {self.TABLE} "
                f"GROUP BY pin HAVING COUNT(*) > 1) f ON f.pin = s.pin WHERE s.line > f.first_line ORDER BY s.line"
            )
            repeated = [(row[0], [self._as_text(v) for v in row[1:-1]], row[-1]) for row in cursor.fetchall()]
            lines = [line for line, _, _ in repeated]
            for start in range(0, len(lines), 500):
                batch = lines[start:start + 500]
                cursor.execute(f"DELETE FROM {self.TABLE} WHERE line IN ({', '.join(['%s'] * len(batch))})", batch)
        return repeated

    @staticmethod
    def _as_text(value) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return "" if value is None else str(value)

    def count_changes(self) -> tuple[int, int, int]:
        """(new, changed, unchanged) rows of staging against the register."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) - COUNT(c.pin), "
                f"COUNT(CASE WHEN c.row_hash <> s.row_hash THEN 1 END), "
                f"COUNT(CASE WHEN c.row_hash = s.row_hash THEN 1 END) "
                f"FROM {self.TABLE} s LEFT JOIN {Citizen._meta.db_table} c ON c.pin = s.pin"
            )
            new, changed, unchanged = cursor.fetchone()
        return int(new), int(changed), int(unchanged)

    def merge_sql(self, where: str) -> list[str]:
        """Insert the new citizens, update the changed ones; unchanged rows are not touched at all."""
        table = Citizen._meta.db_table
        columns = ", ".join((*CITIZEN_COLUMNS, "residence", "updated_at"))
        assignments = ", ".join(f"{c} = s.{c}" for c in CITIZEN_COLUMNS[1:])
        return [
            f"INSERT INTO {table} ({columns}) SELECT {', '.join('s.' + c for c in CITIZEN_COLUMNS)}, '', %s "
            # In PIN order: the unique index on pin then grows at its right edge instead of everywhere.
            f"FROM {self.TABLE} s WHERE {where} AND NOT EXISTS (SELECT 1 FROM {table} c WHERE c.pin = s.pin) "
            f"ORDER BY s.pin",
            f"UPDATE {table} SET {assignments}, updated_at = %s FROM {self.TABLE} s "
            f"WHERE {table}.pin = s.pin AND {table}.row_hash <> s.row_hash AND {where}",
        ]

    def merge(self, batch_size: int, *, bulk: bool | None = None) -> None:
        raise NotImplementedError


_COPY_SPECIAL = re.compile(r"[\\\n\r]")


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line(row: tuple) -> str:
    """One staging row in PostgreSQL's COPY text format (tab-separated, backslash-N for NULL)."""
    register, keys = "\t".join(row[1:13]), f"{row[14]}\t{row[15]}"
    if register.count("\t") != 11 or keys.count("\t") != 1 or _COPY_SPECIAL.search(register + keys):
        register = "\t".join(map(_copy_escape, row[1:13]))
        keys = f"{_copy_escape(row[14])}\t{_copy_escape(row[15])}"
    number = "\\N" if row[16] is None else row[16]
    return f"{row[0]}\t{register}\t{'t' if row[13] else 'f'}\t{keys}\t{number}\t{row[17]}\n"


class PostgresStaging(Staging):
    # Session settings for one big set-based merge on a server with stock settings: the staging table
    # stays in memory and the anti-join hashes in memory instead of spilling to disk in batches.
    SESSION_SETTINGS = {"temp_buffers": "512MB", "work_mem": "256MB", "maintenance_work_mem": "256MB"}

    def create(self) -> None:
        for name, value in self.SESSION_SETTINGS.items():
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
            except DatabaseError:
                pass  # temp_buffers cannot change once this session has used temporary tables: keep it
        super().create()

    def create_sql(self) -> str:
        return (
            f"CREATE TEMPORARY TABLE {self.TABLE} (line integer, pin varchar(14), surname text, name text, "
            "patronymic text, birth_date date, gender varchar(1), region text, district text, settlement text, "
            "street text, house text, apartment text, biometric boolean, settlement_key text, street_key text, "
            "house_number integer, row_hash bigint)"
        )

    def load(self, rows: Iterator[tuple]) -> None:
        # COPY text lines formatted here and written in chunks: psycopg's per-field write_row costs
        # more than the whole row check.
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {self.TABLE} ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
                chunk: list[str] = []
                for row in rows:
                    chunk.append(copy_line(row))
                    if len(chunk) >= 10_000:
                        copy.write("".join(chunk))
                        chunk.clear()
                if chunk:
                    copy.write("".join(chunk))
            cursor.execute(f"ANALYZE {self.TABLE}")

    def repeated_pins(self) -> list[tuple[int, list[str], int]]:
        # One hash aggregate over the PINs finds the few repeated ones, and one pass deletes their later
        # rows: no index on 4 M staging rows, no sort.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.TABLE} s USING (SELECT pin, MIN(line) AS first_line FROM {self.TABLE} "
                f"GROUP BY pin HAVING COUNT(*) > 1) f WHERE s.pin = f.pin AND s.line > f.first_line "
                f"RETURNING s.line, {', '.join('s.' + c for c in COLUMNS)}, f.first_line"
            )
            rows = sorted(cursor.fetchall())
        return [(row[0], [self._as_text(v) for v in row[1:-1]], row[-1]) for row in rows]

    def merge(self, batch_size: int, *, bulk: bool | None = None) -> None:
        """One transaction: all or nothing, and PostgreSQL plans the whole merge.

        Into an empty register (found out here, under a lock; `bulk` False merges all the same) the
        rows are inserted without the secondary indexes, which are rebuilt afterwards: a sort per index
        instead of millions of insertions into B-trees larger than the server's buffers.
        """
        now = timezone.now()
        table = Citizen._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            if bulk is None or bulk:
                # Self-conflicting: a concurrent import waits here, and the register stays empty until we commit.
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
                bulk = cursor.fetchone()[0]
            if bulk:
                columns = ", ".join((*CITIZEN_COLUMNS, "residence", "updated_at"))
                with without_secondary_structures(cursor, table):
                    cursor.execute(
                        f"INSERT INTO {table} ({columns}) SELECT {', '.join(CITIZEN_COLUMNS)}, '', %s FROM {self.TABLE}",
                        [now],
                    )
            else:
                for sql in self.merge_sql("true"):
                    cursor.execute(sql, [now])
            # Fresh statistics, so that compiling the lists plans hash joins over the register.
            cursor.execute(f"ANALYZE {table}")


class SqliteStaging(Staging):
    def create_sql(self) -> str:
        return (
            f"CREATE TEMPORARY TABLE {self.TABLE} (line INTEGER PRIMARY KEY, pin TEXT, surname TEXT, name TEXT, "
            "patronymic TEXT, birth_date TEXT, gender TEXT, region TEXT, district TEXT, settlement TEXT, "
            "street TEXT, house TEXT, apartment TEXT, biometric INTEGER, settlement_key TEXT, street_key TEXT, "
            "house_number INTEGER, row_hash INTEGER)"
        )

    def load(self, rows: Iterator[tuple]) -> None:
        sql = f"INSERT INTO {self.TABLE} ({', '.join(STAGING_COLUMNS)}) VALUES ({', '.join('?' * len(STAGING_COLUMNS))})"
        connection.ensure_connection()
        raw = connection.connection  # the sqlite3 connection: executemany without Django's per-row overhead
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 20_000:
                with transaction.atomic():
                    raw.executemany(sql, batch)
                batch.clear()
        if batch:
            with transaction.atomic():
                raw.executemany(sql, batch)

    def merge(self, batch_size: int, *, bulk: bool | None = None) -> None:
        # Batches of consecutive PINs, not of consecutive lines: a batch's new citizens then extend the
        # register's PIN index at one place instead of touching (and writing to the WAL at each
        # commit) every page of it.
        bounds = self._pin_bounds(batch_size)
        now = timezone.now()
        for start, end in zip(bounds, [*bounds[1:], None], strict=True):
            where, params = ("s.pin >= %s", [start]) if end is None else ("s.pin >= %s AND s.pin < %s", [start, end])
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in self.merge_sql(where):
                    cursor.execute(sql, [now, *params])

    def _pin_bounds(self, batch_size: int) -> list[str]:
        """The first PIN of each batch, in PIN order (staging's PINs are unique by now)."""
        connection.ensure_connection()
        raw = connection.connection
        bounds: list[str] = []
        # The (pin, line) index made for the repeated PINs covers this: no sort, no table read.
        for index, (pin,) in enumerate(raw.execute(f"SELECT pin FROM {self.TABLE} ORDER BY pin")):
            if index % batch_size == 0:
                bounds.append(pin)
        return bounds
