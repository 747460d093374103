# SPDX-License-Identifier: Apache-2.0
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shailoo.audit.events import InvalidAuditPayload
from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db


def _three_entries():
    for pin_hash in ("a1", "b2", "c3"):
        record_event(kind=AuditKind.OPERATOR_LOOKUP, actor=None, payload={"pin_hash": pin_hash, "outcome": "listed"})


def test_entries_link_to_the_one_before():
    _three_entries()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert verify_chain().intact and verify_chain().checked == 3


def test_a_tampered_payload_is_caught_at_its_entry():
    _three_entries()
    AuditEntry.objects.filter(seq=2).update(payload={"pin_hash": "zz", "outcome": "listed"})
    report = verify_chain()
    assert report.broken_at == 2 and "hash" in report.problem


def test_a_deleted_entry_is_caught():
    _three_entries()
    AuditEntry.objects.filter(seq=2).delete()
    assert verify_chain().broken_at == 3


def test_audit_verify_command_exits_1_on_a_broken_chain(capsys):
    _three_entries()
    call_command("audit_verify")
    assert "3 entries checked" in capsys.readouterr().out
    AuditEntry.objects.filter(seq=3).update(actor_label="someone else")
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    assert raised.value.returncode == 1 and "#3" in str(raised.value)


def test_a_payload_must_have_exactly_its_kinds_fields():
    with pytest.raises(InvalidAuditPayload):
        record_event(kind=AuditKind.OPERATOR_LOOKUP, actor=None, payload={"pin_hash": "a"})
    assert not AuditEntry.objects.exists()
