# SPDX-License-Identifier: Apache-2.0
"""Finding 4 of issue 13, played as the attacker: someone who can write the database (but has neither the
audit key nor the checkpoint file) deletes the last entries, or all of them, or rewrites an entry and
recomputes every later hash with the public formula. Each is caught, with the entry and how to investigate."""
import hashlib
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shailoo.audit import checkpoints
from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import GENESIS, record_event, verify_chain

pytestmark = pytest.mark.django_db


def _entries(count: int, start: int = 0):
    for number in range(start, start + count):
        record_event(kind=AuditKind.OPERATOR_LOOKUP, actor=None, payload={"pin_hash": f"h{number}", "outcome": "listed"})


def _checkpointed(count: int):
    _entries(count)
    return checkpoints.checkpoint_head()


def _verify_fails() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    assert raised.value.returncode == 1
    return str(raised.value)


def _unkeyed_rechain(from_seq: int) -> None:
    """What an attacker with database access does: change an entry and recompute every later link with the
    formula of the old, unkeyed chain (SHA-256 over the previous hash and the entry's canonical JSON)."""
    prev = AuditEntry.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        body = json.dumps({"seq": entry.seq, "created_at": entry.created_at.isoformat(), "actor": entry.actor_label,
                           "kind": entry.kind, "subject": entry.subject, "payload": entry.payload},
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=digest)
        prev = digest


def test_the_hash_is_keyed_the_public_formula_does_not_give_it():
    _entries(2)
    first = AuditEntry.objects.get(seq=1)
    body = json.dumps({"seq": 1, "created_at": first.created_at.isoformat(), "actor": first.actor_label,
                       "kind": first.kind, "subject": first.subject, "payload": first.payload},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert first.hash != hashlib.sha256((GENESIS + body).encode()).hexdigest()
    assert verify_chain().intact


def test_a_rewrite_with_recomputed_hashes_is_caught_at_the_changed_entry():
    _checkpointed(6)
    AuditEntry.objects.filter(seq=3).update(payload={"pin_hash": "forged", "outcome": "listed"})
    _unkeyed_rechain(3)
    message = _verify_fails()
    assert "broken at entry #3" in message and "keyed hash" in message
    assert "--hash-at" in message and "bisect" in message


def test_deleting_the_last_entries_is_caught_by_the_checkpoint():
    _checkpointed(5)
    AuditEntry.objects.filter(seq__gte=4).delete()
    report = verify_chain()
    assert report.broken_at == 4 and "entries #4 to #5" in report.problem and report.checked == 3
    message = _verify_fails()
    assert "the log ends at #3" in message and "saw #5" in message


def test_deleting_every_entry_is_caught_by_the_checkpoint():
    _checkpointed(4)
    AuditEntry.objects.all().delete()
    message = _verify_fails()
    assert "broken at entry #1" in message and "the log ends at #0" in message and "saw #4" in message


def test_without_a_checkpoint_the_truncation_would_pass():
    """The control: the same deletion with no checkpoint file reads as intact, so the checkpoint is what catches it."""
    _entries(5)
    AuditEntry.objects.filter(seq__gte=4).delete()
    assert verify_chain().intact


def test_a_rewrite_by_someone_with_the_key_is_caught_by_the_checkpoints_and_bounded_between_them(settings):
    _checkpointed(4)  # checkpoint at #4
    _entries(4, start=4)
    checkpoints.checkpoint_head()  # checkpoint at #8
    # An insider with the key (or the old code) rewrites #6 and rechains everything after it, keyed.
    AuditEntry.objects.filter(seq=6).update(payload={"pin_hash": "forged", "outcome": "listed"})
    from shailoo.audit.services import entry_hash

    prev = AuditEntry.objects.get(seq=5).hash
    for entry in AuditEntry.objects.filter(seq__gte=6).order_by("seq"):
        digest = entry_hash(prev_hash=prev, seq=entry.seq, created_at=entry.created_at.isoformat(),
                            actor_label=entry.actor_label, kind=entry.kind, subject=entry.subject, payload=entry.payload)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    report = verify_chain()
    assert report.broken_at == 8 and "differs from the checkpoint" in report.problem
    assert report.agreeing.seq == 4 and report.disagreeing.seq == 8  # the change lies in #5..#8


def test_hash_at_bisects_between_two_copies(capsys):
    _entries(3)
    call_command("audit_verify", hash_at=2)
    assert capsys.readouterr().out.strip() == f"#2 {AuditEntry.objects.get(seq=2).hash}"


def test_upto_checks_a_prefix_only():
    _checkpointed(5)
    AuditEntry.objects.filter(seq=5).update(subject="changed")
    assert verify_chain(upto=4).intact and verify_chain(upto=4).checked == 4
    assert verify_chain().broken_at == 5


def test_checkpoints_are_written_every_n_entries_after_commit(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 3
    settings.AUDIT_CHECKPOINT_SECONDS = 3600
    checkpoints.checkpoint_head()  # this process's clock: nothing stale now
    with django_capture_on_commit_callbacks(execute=True):
        _entries(7)
    assert [point.seq for point in checkpoints.read_checkpoints()] == [3, 6]
    assert stat.S_IMODE(os.stat(settings.AUDIT_CHECKPOINT_FILE).st_mode) == 0o600


def test_a_forged_or_edited_checkpoint_line_is_refused(settings):
    _checkpointed(2)
    path = settings.AUDIT_CHECKPOINT_FILE
    line = json.loads(path.read_text().splitlines()[0])
    line["seq"] = 1
    path.write_text(json.dumps(line) + "\n")
    message = _verify_fails()
    assert "line 1" in message and "MAC does not verify" in message


def test_a_checkpoint_of_another_database_is_not_compared(settings):
    checkpoints.write_checkpoint(seq=50, hash="f" * 64)
    lines = settings.AUDIT_CHECKPOINT_FILE.read_text()
    assert checkpoints.database_identity() in lines
    assert checkpoints.read_checkpoints(db="postgresql:elsewhere") == []
    assert verify_chain().broken_at == 1  # this database's own checkpoint still counts


def test_the_key_comes_from_the_environment_and_production_refuses_to_start_without_it(tmp_path):
    import subprocess
    import sys

    code = "import shailoo.settings as s; print(len(s.AUDIT_KEY))"
    env = {**os.environ, "SHAILOO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "shailoo.settings"}
    env.pop("SHAILOO_AUDIT_KEY", None)
    made = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert made.stdout.strip() == "64" and stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600
    production = {**env, "SHAILOO_PRODUCTION": "1", "SHAILOO_SECRET_KEY": "x" * 50, "SHAILOO_DATA_DIR": str(tmp_path / "p")}
    refused = subprocess.run([sys.executable, "-c", code], env=production, capture_output=True, text=True)
    assert refused.returncode != 0 and "SHAILOO_AUDIT_KEY must be set in production" in refused.stderr
    short = subprocess.run([sys.executable, "-c", code], env={**production, "SHAILOO_AUDIT_KEY": "k" * 20},
                           capture_output=True, text=True)
    assert short.returncode != 0 and "SHAILOO_AUDIT_KEY must have at least 32 characters" in short.stderr
    given = subprocess.run([sys.executable, "-c", code], env={**env, "SHAILOO_AUDIT_KEY": "k" * 40},
                           capture_output=True, text=True, check=True)
    assert given.stdout.strip() == "40"
    assert connection.vendor in checkpoints.database_identity()


def test_the_worker_checkpoints_the_head_when_its_last_checkpoint_is_old(monkeypatch):
    from shailoo.messaging.management.commands.worker import Command

    _entries(3)
    monkeypatch.setitem(checkpoints._last_written, "at", 0.0)
    Command()._audit_checkpoint()
    assert [(point.seq, point.hash) for point in checkpoints.read_checkpoints()] == [
        (3, AuditEntry.objects.get(seq=3).hash)]
    Command()._audit_checkpoint()  # not stale now: nothing more
    monkeypatch.setitem(checkpoints._last_written, "at", 0.0)
    Command()._audit_checkpoint()  # stale, but the head did not move: nothing more
    assert len(checkpoints.read_checkpoints()) == 1
