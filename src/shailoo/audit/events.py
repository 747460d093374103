# SPDX-License-Identifier: Apache-2.0
"""The fields each kind of audit event carries (a payload must have exactly these), and the names of the
e-voting board's steps as people read them where entries are shown."""
from django.utils.translation import gettext_lazy as _

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


# The `step` of an evoting.step entry (shailoo.evoting.services.audit) -> its name.
EVOTING_STEPS = {
    "created": _("board created"),
    "polls-set": _("polls set"),
    "manifest-fixed": _("manifest fixed"),
    "ceremony-adopted": _("key ceremony adopted"),
    "credentials-frozen": _("credential list signed"),
    "closed": _("board closed"),
    "verified": _("record verified by the server"),
    "decryption": _("partial decryption accepted"),
    "tallied": _("totals combined"),
}


def describe(kind: str, payload: dict) -> str:
    """What an entry records, in the current language: the kind's label, and the step of an e-voting entry."""
    try:
        label = str(AuditKind(kind).label)
    except ValueError:
        return kind
    if kind == AuditKind.EVOTING_STEP:
        step = payload.get("step", "")
        return f"{label}: {EVOTING_STEPS.get(step, step)}"
    return label


class InvalidAuditPayload(ValueError):
    pass


def check_payload(kind: str, payload: dict) -> None:
    expected = PAYLOAD_FIELDS[kind]
    if set(payload) != expected:
        missing, extra = sorted(expected - set(payload)), sorted(set(payload) - expected)
        raise InvalidAuditPayload(f"audit payload of {kind}: missing {missing}, unexpected {extra}")
