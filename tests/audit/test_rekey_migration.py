# SPDX-License-Identifier: Apache-2.0
"""The upgrade path: a log written with the unkeyed SHA-256 chain is re-keyed by audit 0005 and then verifies
under the key; a log already broken is not laundered into a valid keyed chain, the migration stops."""
import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shailoo.audit.services import GENESIS, verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0004_evoting_step")]
AFTER = [("audit", "0005_rekey_chain")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "audit"]
    return executor.loader.project_state(others + targets).apps


def _unkeyed_entries(apps, count: int):
    entry_model = apps.get_model("audit", "AuditEntry")
    prev = GENESIS
    for seq in range(1, count + 1):
        created = dt.datetime(2026, 11, 1, 12, seq, tzinfo=dt.UTC)
        payload = {"pin_hash": f"h{seq}", "outcome": "listed"}
        body = json.dumps({"seq": seq, "created_at": created.isoformat(), "actor": "system", "kind": "lookup.operator",
                           "subject": "", "payload": payload}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        entry_model.objects.create(seq=seq, created_at=created, actor_label="system", kind="lookup.operator",
                                   subject="", payload=payload, prev_hash=prev, hash=digest)
        prev = digest
    return entry_model


def test_an_unkeyed_log_is_rekeyed_and_verifies_under_the_key():
    try:
        old = _migrate(BEFORE)
        entry_model = _unkeyed_entries(old, 5)
        unkeyed = list(entry_model.objects.order_by("seq").values_list("hash", flat=True))
        assert verify_chain().broken_at == 1  # the new code does not accept the unkeyed hashes
        _migrate(AFTER)
        report = verify_chain()
        assert report.intact and report.checked == 5
        assert set(entry_model.objects.values_list("hash", flat=True)).isdisjoint(unkeyed)
        _migrate(AFTER)  # applied already: nothing to do, still intact
        assert verify_chain().intact
    finally:
        _migrate(AFTER)
        connection.cursor().execute("DELETE FROM audit_auditentry")


def test_a_broken_unkeyed_log_stops_the_migration_and_names_the_entry():
    try:
        old = _migrate(BEFORE)
        entry_model = _unkeyed_entries(old, 4)
        entry_model.objects.filter(seq=3).update(subject="rewritten")
        before = list(entry_model.objects.order_by("seq").values_list("prev_hash", "hash"))
        with pytest.raises(RuntimeError, match="broken at entry #3"):
            _migrate(AFTER)
        assert list(entry_model.objects.order_by("seq").values_list("prev_hash", "hash")) == before  # as it was
    finally:
        connection.cursor().execute("DELETE FROM audit_auditentry")
        _migrate(AFTER)
