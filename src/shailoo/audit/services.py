# SPDX-License-Identifier: Apache-2.0
"""Writing to the audit log, and checking its chain.

Each entry's hash is SHA-256 over the previous hash and the canonical JSON of the entry, so changing,
removing or reordering any entry breaks every link after it. Appends are serialised: on PostgreSQL
with a transaction-scoped advisory lock, on SQLite by its single writer.
"""
import hashlib
import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from shailoo.audit.events import check_payload
from shailoo.audit.models import AuditEntry, AuditKind

GENESIS = "0" * 64
_ADVISORY_LOCK = 0x5A1_100


def entry_hash(*, prev_hash: str, seq: int, created_at: str, actor_label: str, kind: str, subject: str, payload: dict) -> str:
    body = json.dumps(
        {"seq": seq, "created_at": created_at, "actor": actor_label, "kind": kind, "subject": subject, "payload": payload},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def actor_label_of(actor: AbstractBaseUser | None, fallback: str = "system") -> str:
    if actor is None:
        return fallback
    return f"user:{actor.pk}:{actor.get_username()}"


def record_event(
    *, kind: AuditKind, actor: AbstractBaseUser | None, subject: str = "", payload: dict, actor_label: str = ""
) -> AuditEntry:
    """Append one entry; call inside the transaction of the change it records."""
    check_payload(kind, payload)
    payload = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        seq = last.seq + 1 if last else 1
        prev_hash = last.hash if last else GENESIS
        created_at = timezone.now()
        label = actor_label or actor_label_of(actor)
        digest = entry_hash(
            prev_hash=prev_hash, seq=seq, created_at=created_at.isoformat(), actor_label=label,
            kind=str(kind), subject=subject, payload=payload,
        )
        return AuditEntry.objects.create(
            seq=seq, created_at=created_at, actor=actor if actor is not None and actor.pk else None,
            actor_label=label, kind=kind, subject=subject, payload=payload, prev_hash=prev_hash, hash=digest,
        )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # seq of the first entry whose link does not hold
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Walk the whole log in order and report the first broken link."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(checked, entry.seq, f"expected entry #{expected_seq}, found #{entry.seq}")
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, entry.seq, "does not point to the entry before it")
        digest = entry_hash(
            prev_hash=prev_hash, seq=entry.seq, created_at=entry.created_at.isoformat(),
            actor_label=entry.actor_label, kind=entry.kind, subject=entry.subject, payload=entry.payload,
        )
        if digest != entry.hash:
            return ChainReport(checked, entry.seq, "its content does not match its hash")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(checked, None)
