# SPDX-License-Identifier: Apache-2.0
"""Bulk loads on PostgreSQL: fill a table without its secondary indexes and constraints, then rebuild them.

Maintaining a B-tree per inserted row, and checking a foreign key by a trigger per row, cost more than
the insert itself at millions of rows; building an index from a sort and checking a foreign key by one
join cost a fraction. Used by the register import into an empty register and by the first compilation
of the voter lists.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def without_secondary_structures(cursor, table: str) -> Iterator[None]:
    """Drop `table`'s unique constraints, secondary indexes and foreign keys; rebuild them on exit.

    Each is rebuilt from its own definition in the catalogue and under its own name, so the schema after
    is the schema before. The primary key (which other tables' foreign keys point at) and check
    constraints stay. Everything happens in the caller's transaction, which must hold until the end:
    a failure rolls back to the table as it was. The table is locked exclusively until commit.
    """
    quote = connection.ops.quote_name
    # PostgreSQL alters no table while foreign-key checks are still queued in this transaction (a
    # caller's earlier writes): run them now. Django's constraints are all made deferred again below.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname", [table])
    constraints = cursor.fetchall()  # unique ('u') before foreign keys ('f'): the order of rebuilding
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname", [table])
    indexes = cursor.fetchall()
    for name, _, _ in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    for name, kind, definition in constraints:
        if kind == "u":
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    for _, definition in indexes:
        cursor.execute(definition)
    # A foreign key added to a full table is checked by one join, not by a trigger per row.
    for name, kind, definition in constraints:
        if kind == "f":
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
