# SPDX-License-Identifier: Apache-2.0
"""The fields each kind of audit event carries. A payload must have exactly these."""
from shailoo.audit.models import AuditKind

PAYLOAD_FIELDS: dict[str, frozenset[str]] = {
    AuditKind.REGISTER_IMPORTED: frozenset({"file", "imported", "updated", "unchanged", "rejected"}),
    AuditKind.PRECINCTS_IMPORTED: frozenset({"file", "precincts", "ranges", "rejected"}),
    AuditKind.LIST_COMPILED: frozenset({"election", "listed", "ineligible", "unassigned", "kept"}),
    AuditKind.LIST_ENTRY_CHANGED: frozenset({"election", "pin_hash", "before", "after", "reason"}),
    AuditKind.APPLICATION_FILED: frozenset({"application", "kind", "election", "pin_hash", "channel"}),
    AuditKind.APPLICATION_WITHDRAWN: frozenset({"application"}),
    AuditKind.APPLICATION_DECIDED: frozenset({"application", "decision", "reason"}),
    AuditKind.BIOMETRIC_RECORDED: frozenset({"application", "result"}),
    AuditKind.OPERATOR_LOOKUP: frozenset({"pin_hash", "outcome"}),
    AuditKind.STAFF_CHANGED: frozenset({"user", "role", "scope"}),
    AuditKind.DOCUMENTS_PURGED: frozenset({"election", "documents"}),
    AuditKind.STAFF_TOTP_ENABLED: frozenset({"user"}),
    AuditKind.SCAN_VIEWED: frozenset({"application"}),
    AuditKind.CEREMONY_HOLDERS: frozenset({"election", "holders", "quorum"}),
    AuditKind.CEREMONY_CODE: frozenset({"election", "holder"}),
    AuditKind.CEREMONY_REGISTERED: frozenset({"election", "holder", "public_key"}),
    AuditKind.CEREMONY_OPENED: frozenset({"board", "attempt", "manifest_hash"}),
    AuditKind.CEREMONY_MESSAGE: frozenset({"board", "attempt", "kind", "holder", "digest"}),
    AuditKind.CEREMONY_FINISHED: frozenset({"board", "attempt", "qualified", "joint_public_key"}),
    AuditKind.EVOTING_STEP: frozenset({"board", "step", "detail"}),
    AuditKind.PROTOCOL_ENTERED: frozenset({"protocol", "entry", "figures"}),
    AuditKind.PROTOCOL_ACCEPTED: frozenset({"protocol", "entries", "figures"}),
    AuditKind.PROTOCOL_CHANGED: frozenset({"protocol", "decision", "reason", "before", "after"}),
    AuditKind.PROTOCOL_SCAN: frozenset({"protocol", "sha256", "content_type"}),
    AuditKind.LOT_RECORDED: frozenset({"election", "constituency", "between", "order", "drawn_by", "drawn_at"}),
    AuditKind.EVOTE_COUNTED: frozenset({"election", "constituency", "ballots", "source", "sha256"}),
}


class InvalidAuditPayload(ValueError):
    pass


def check_payload(kind: str, payload: dict) -> None:
    expected = PAYLOAD_FIELDS[kind]
    if set(payload) != expected:
        missing, extra = sorted(expected - set(payload)), sorted(set(payload) - expected)
        raise InvalidAuditPayload(f"audit payload of {kind}: missing {missing}, unexpected {extra}")
