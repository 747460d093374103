# SPDX-License-Identifier: Apache-2.0
"""The statements of the busiest paths (the voter lookup, SMS 119) as server-side prepared statements.

On PostgreSQL, planning a statement can cost more than running it: the lookup's four-table join runs at
~3,600/s in the simple protocol and ~36,000/s prepared (bench/lookup_api.py), and an SMS answer's
INSERT at about twice the rate prepared. Elsewhere (SQLite), or with
settings.LOOKUP_PREPARED_STATEMENTS off (PgBouncer in transaction mode before 1.21), Django's cursor.
Prepared statements live per connection: keep SHAILOO_DB_CONN_MAX_AGE above 0.
"""
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
        with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall() if rows else []
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall() if rows else []
