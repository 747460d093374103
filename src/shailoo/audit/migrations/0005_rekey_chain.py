# The audit chain becomes keyed: each entry's hash turns from SHA-256 into HMAC-SHA256 under the audit key
# (SHAILOO_AUDIT_KEY). Existing entries are re-keyed here, but only after their unkeyed chain is checked
# link by link: a log that is already broken is not laundered into a valid keyed one; the migration stops
# and names the first broken entry (docs/operations.md, "Audit log"). Entries that already carry keyed
# hashes are left as they are, so running it again is safe. The formulas are frozen here on purpose.

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64


def _body(entry) -> bytes:
    return json.dumps(
        {"seq": entry.seq, "created_at": entry.created_at.isoformat(), "actor": entry.actor_label,
         "kind": entry.kind, "subject": entry.subject, "payload": entry.payload},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    ).encode()


def _unkeyed(prev_hash: str, entry) -> str:
    return hashlib.sha256(prev_hash.encode() + _body(entry)).hexdigest()


def _keyed(prev_hash: str, entry) -> str:
    return hmac.new(settings.AUDIT_KEY, prev_hash.encode() + _body(entry), hashlib.sha256).hexdigest()


def _rechain(apps, old, new) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    old_prev = new_prev = GENESIS
    expected, batch = 1, []
    for entry in entry_model.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected:
            raise RuntimeError(f"audit log broken at entry #{entry.seq}: expected #{expected}; not re-keyed")
        if entry.prev_hash == new_prev and entry.hash == new(new_prev, entry):
            old_prev = new_prev = entry.hash  # already in the new form
        elif entry.prev_hash == old_prev and entry.hash == old(old_prev, entry):
            old_prev = entry.hash
            entry.prev_hash, entry.hash = new_prev, new(new_prev, entry)
            new_prev = entry.hash
            batch.append(entry)
        else:
            raise RuntimeError(
                f"audit log broken at entry #{entry.seq}: its hash does not verify; not re-keyed. Investigate "
                "with the previous release's `shailoo audit_verify` before upgrading (docs/operations.md)"
            )
        expected += 1
        if len(batch) >= 2000:
            entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])


def rekey(apps, schema_editor) -> None:
    _rechain(apps, _unkeyed, _keyed)


def unkey(apps, schema_editor) -> None:
    _rechain(apps, _keyed, _unkeyed)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_evoting_step'),
    ]

    operations = [
        migrations.RunPython(rekey, unkey, elidable=False),
    ]
