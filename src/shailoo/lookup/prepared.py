# SPDX-License-Identifier: Apache-2.0
"""The statements of the busiest paths (the voter lookup, SMS 119, casting a ballot) as server-side prepared
statements.

On PostgreSQL, planning a statement can cost more than running it: the lookup's four-table join runs at
~3,600/s in the simple protocol and ~36,000/s prepared (bench/lookup_api.py), and an SMS answer's
INSERT at about twice the rate prepared. The parameters are bound on the server too, not quoted into the
statement's text by psycopg (a cast's 6 kB entry line costs 0.1 ms of CPU to quote). Elsewhere (SQLite), or
with settings.LOOKUP_PREPARED_STATEMENTS off (PgBouncer in transaction mode before 1.21), Django's cursor.
Prepared statements live per connection: keep SHAILOO_DB_CONN_MAX_AGE above 0.

When Django logs queries (DEBUG, or a test's CaptureQueriesContext), a prepared statement is logged as its
own cursor would log it, so that a pinned number of queries counts these too.
"""
import time
from typing import Any

from django.conf import settings
from django.db import connections


def run(sql: str, params: tuple | list, *, rows: bool = True, using: str = "default") -> list[tuple]:
    """Execute one statement with %s placeholders on database `using`; its rows, or [] with `rows=False` (a
    statement that returns none: asking psycopg whether there are any costs as much as the lookup's own Python).

    Database errors come out as Django's (IntegrityError, …), as from a Django cursor.
    """
    connection = connections[using]
    if connection.vendor == "postgresql" and settings.LOOKUP_PREPARED_STATEMENTS:
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        # Django opens connections with prepare_threshold=None (nothing prepared); allow explicit
        # preparation, never automatic: Django's own cursors bind on the client and are unaffected.
        if raw.prepare_threshold is None:
            raw.prepare_threshold = 2**31 - 1
        started = time.monotonic() if connection.queries_logged else 0.0
        try:
            with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchall() if rows else []
        finally:
            if connection.queries_logged:
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall() if rows else []


def insert(objects: list[Any], *, ignore_conflicts: bool = False, using: str = "default") -> None:
    """bulk_create's INSERT of model instances of one model (their defaults and auto_now_add filled as by
    save(), values prepared by each field) as one statement through run(), without the ORM's compiler; no
    primary keys read back. With ``ignore_conflicts``, a row that breaks a unique constraint is skipped
    (ON CONFLICT DO NOTHING, as bulk_create's)."""
    if not objects:
        return
    connection = connections[using]
    meta = objects[0]._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - names from the model
           f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) VALUES {', '.join([row] * len(objects))}"
           f"{' ON CONFLICT DO NOTHING' if ignore_conflicts else ''}")
    run(sql, [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objects for field in fields],
        rows=False, using=using)
