# SPDX-License-Identifier: Apache-2.0
"""Checkpoints of the audit chain's head, kept outside the database.

A checkpoint is one line appended to settings.AUDIT_CHECKPOINT_FILE (a file on another disk or a mount that
the database's operators cannot write, ideally shipped off the machine by the log collector):

    {"at": "...", "db": "postgresql:shailoo", "hash": "<entry hash>", "mac": "<HMAC>", "seq": 1234}

`mac` is HMAC-SHA256 under the audit key over the other fields, so a line cannot be forged or edited without
the key. `audit_verify` compares the log with every checkpoint of its database: an entry a checkpoint saw that
is gone (rows deleted at the end, or all of them) or whose hash differs (a rewrite) is reported, with the
latest checkpoint that still agrees and the earliest that does not, which bound where the change lies.

Written after every AUDIT_CHECKPOINT_EVERY entries, and by any process whose last checkpoint is older than
AUDIT_CHECKPOINT_SECONDS when it records an entry; the worker writes one on that period too. Lines are
appended with one write() each (O_APPEND), so processes writing at once do not interleave them.
"""
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

_last_written: dict = {"at": 0.0, "seq": None}


@dataclass(frozen=True)
class Checkpoint:
    at: str
    db: str
    seq: int
    hash: str


class CheckpointFileDamaged(ValueError):
    """A line of the checkpoint file that does not parse or whose MAC does not verify."""


def database_identity(alias: str = "default") -> str:
    """Which database a checkpoint is about: one file may serve a development machine's several databases."""
    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    return f"{connection.vendor}:{Path(str(name)).name if connection.vendor == 'sqlite' else name}"


def _mac(*, at: str, db: str, seq: int, hash: str) -> str:
    body = json.dumps({"at": at, "db": db, "hash": hash, "seq": seq}, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.AUDIT_KEY, b"checkpoint\n" + body.encode(), hashlib.sha256).hexdigest()


def write_checkpoint(*, seq: int, hash: str, path: Path | None = None) -> Checkpoint:
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    point = Checkpoint(at=timezone.now().isoformat(), db=database_identity(), seq=seq, hash=hash)
    line = json.dumps({**point.__dict__, "mac": _mac(**point.__dict__)}, sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    _last_written.update(at=time.monotonic(), seq=seq)
    return point


def checkpoint_head(*, if_changed: bool = False) -> Checkpoint | None:
    """A checkpoint of the log's last committed entry (none for an empty log, nor, with `if_changed`, when
    this process's last checkpoint already has this head)."""
    from shailoo.audit.models import AuditEntry

    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is None or (if_changed and head[0] == _last_written["seq"]):
        _last_written["at"] = time.monotonic()
        return None
    return write_checkpoint(seq=head[0], hash=head[1])


def stale() -> bool:
    """This process wrote no checkpoint for AUDIT_CHECKPOINT_SECONDS."""
    return time.monotonic() - _last_written["at"] >= settings.AUDIT_CHECKPOINT_SECONDS


def due(seq: int) -> bool:
    every = settings.AUDIT_CHECKPOINT_EVERY
    return (every > 0 and seq % every == 0) or stale()


def read_checkpoints(path: Path | None = None, *, db: str | None = None) -> list[Checkpoint]:
    """This database's checkpoints, oldest first; CheckpointFileDamaged names the first bad line."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    db = db or database_identity()
    if not path.exists():
        return []
    points = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line)
                point = Checkpoint(at=str(fields["at"]), db=str(fields["db"]), seq=int(fields["seq"]),
                                   hash=str(fields["hash"]))
                mac = str(fields["mac"])
            except (ValueError, KeyError, TypeError):
                raise CheckpointFileDamaged(f"{path}, line {number}: not a checkpoint") from None
            if not hmac.compare_digest(mac, _mac(**point.__dict__)):
                raise CheckpointFileDamaged(f"{path}, line {number}: its MAC does not verify under the audit key")
            if point.db == db:
                points.append(point)
    return points
