# SPDX-License-Identifier: Apache-2.0
"""Writing to the audit log, and checking its chain.

Each entry's hash is HMAC-SHA256, under the audit key (settings.AUDIT_KEY, from SHAILOO_AUDIT_KEY, never in
the database), over the previous hash and the canonical JSON of the entry: changing, removing or reordering
any entry breaks every link after it, and whoever can write the database but lacks the key cannot recompute
the chain after a rewrite. The head is checkpointed outside the database (shailoo.audit.checkpoints), which
catches entries deleted at the end. Appends are serialised: on PostgreSQL with a transaction-scoped advisory
lock, on SQLite by its single writer.
"""
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from shailoo.audit import checkpoints
from shailoo.audit.checkpoints import Checkpoint
from shailoo.audit.events import check_payload
from shailoo.audit.models import AuditEntry, AuditKind

logger = logging.getLogger("shailoo.audit")

GENESIS = "0" * 64
_ADVISORY_LOCK = 0x5A1_100


def entry_hash(
    *, prev_hash: str, seq: int, created_at: str, actor_label: str, kind: str, subject: str, payload: dict,
    key: bytes | None = None,
) -> str:
    body = json.dumps(
        {"seq": seq, "created_at": created_at, "actor": actor_label, "kind": kind, "subject": subject, "payload": payload},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hmac.new(key or settings.AUDIT_KEY, (prev_hash + body).encode(), hashlib.sha256).hexdigest()


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
        entry = AuditEntry.objects.create(
            seq=seq, created_at=created_at, actor=actor if actor is not None and actor.pk else None,
            actor_label=label, kind=kind, subject=subject, payload=payload, prev_hash=prev_hash, hash=digest,
        )
        if checkpoints.due(seq):
            transaction.on_commit(lambda: _checkpoint_quietly(seq, digest))
        return entry


def _checkpoint_quietly(seq: int, digest: str) -> None:
    """A checkpoint after the entry is committed; failing to write one never undoes the change it records."""
    try:
        checkpoints.write_checkpoint(seq=seq, hash=digest)
    except OSError:
        logger.exception("audit checkpoint #%s not written to %s", seq, settings.AUDIT_CHECKPOINT_FILE)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # seq of the first entry whose link does not hold (or the first one missing)
    problem: str = ""
    checkpoints: int = 0  # checkpoints of this database compared with the log
    agreeing: Checkpoint | None = None  # the latest checkpoint the log still agrees with
    disagreeing: Checkpoint | None = None  # the earliest one it does not

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(*, upto: int | None = None, with_checkpoints: bool = True) -> ChainReport:
    """Walk the log in order (up to entry `upto`), check every link under the audit key, then compare the
    log with every checkpoint of this database; report the first problem."""
    points = checkpoints.read_checkpoints() if with_checkpoints else []
    if upto is not None:
        points = [point for point in points if point.seq <= upto]
    wanted = {point.seq for point in points}
    seen: dict[int, str] = {}
    prev_hash, expected_seq, checked, broken = GENESIS, 1, 0, None
    entries = AuditEntry.objects.order_by("seq")
    if upto is not None:
        entries = entries.filter(seq__lte=upto)
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            broken = (entry.seq, f"expected entry #{expected_seq}, found #{entry.seq}")
        elif entry.prev_hash != prev_hash:
            broken = (entry.seq, "does not point to the entry before it")
        elif entry.hash != entry_hash(
            prev_hash=prev_hash, seq=entry.seq, created_at=entry.created_at.isoformat(),
            actor_label=entry.actor_label, kind=entry.kind, subject=entry.subject, payload=entry.payload,
        ):
            broken = (entry.seq, "its content does not match its keyed hash (changed, or rehashed without the key)")
        if broken:
            break
        if entry.seq in wanted:
            seen[entry.seq] = entry.hash
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    agreeing = disagreeing = None
    for point in points:
        if broken and point.seq >= broken[0]:
            break
        if seen.get(point.seq) == point.hash:
            agreeing = agreeing if disagreeing else point
            continue
        disagreeing = disagreeing or point
        if point.seq not in seen and broken is None:
            broken = (checked + 1, f"the log ends at #{checked} but the checkpoint of {point.at} saw #{point.seq}: "
                                   f"entries #{checked + 1} to #{point.seq} at least were deleted")
        elif broken is None:
            broken = (point.seq, f"entry #{point.seq} differs from the checkpoint of {point.at}: the log was "
                                 "rewritten from there or before")
    if broken is None:
        return ChainReport(checked, None, checkpoints=len(points), agreeing=agreeing)
    return ChainReport(checked, broken[0], broken[1], checkpoints=len(points), agreeing=agreeing,
                       disagreeing=disagreeing)


def hash_at(seq: int) -> str | None:
    """Entry `seq`'s hash: equal in two copies of the log (this one and a backup) exactly when the entries up
    to it are equal, so comparing it bisects to the first entry that differs."""
    return AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
