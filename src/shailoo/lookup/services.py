# SPDX-License-Identifier: Apache-2.0
"""Writes of the lookup app: the call-centre lookup, which leaves its trace in the audit log."""
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.lookup.outcomes import LookupOutcome
from shailoo.lookup.selectors import lookup_voter


def lookup_for_operator(*, actor: AbstractBaseUser, pin_text: str) -> LookupOutcome:
    """A call-centre operator's lookup: the same answer as the public check, audited with who asked."""
    with transaction.atomic():
        outcome = lookup_voter(pin_text)
        record_event(
            kind=AuditKind.OPERATOR_LOOKUP, actor=actor, subject=outcome.pin_hash,
            payload={"pin_hash": outcome.pin_hash, "outcome": outcome.kind.value},
        )
    return outcome
