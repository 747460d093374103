# SPDX-License-Identifier: Apache-2.0
"""Who may look up a PIN now: the rate limits and the proof of work of the web page and the API, in one place.

Every lookup counts against the per-address limits (`ip`, `ip_day`) and, for a well-formed PIN, the
per-PIN limit, whether or not it brought a solved challenge: solving never lifts a limit. A lookup
without a challenge also counts against `ip_free`, the few an address may make without one (a browser
without JavaScript); past it, each lookup needs a solved challenge, and each challenge pays for one.
A payload that is not a valid, unexpired, unused solution of our challenge is refused outright
(no free lookup, no fresh challenge in its place).
"""
from dataclasses import dataclass
from enum import StrEnum

from shailoo.lookup import challenge
from shailoo.lookup.ratelimit import hit_many


class Verdict(StrEnum):
    ADMITTED = "admitted"
    CHALLENGE_INVALID = "challenge_invalid"
    CHALLENGE_REQUIRED = "challenge_required"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Admission:
    verdict: Verdict
    scope: str = ""
    """The limit that refused (rate_limited, challenge_required)."""
    retry_after: int = 0
    reason: challenge.Refusal | None = None
    """Why the payload was refused (challenge_invalid)."""


def admit(*, address: str, pin: str | None, payload: str) -> Admission:
    """Decide on one lookup from `address` for `pin` (None when malformed) with a challenge `payload` ("" for none)."""
    if payload:
        refusal = challenge.spend(payload)
        if refusal is not None:
            return Admission(Verdict.CHALLENGE_INVALID, reason=refusal)
    attempts = [("ip", address), ("ip_day", address)] + ([("pin", pin)] if pin else [])
    if not payload:
        attempts.append(("ip_free", address))
    for (scope, _), decision in zip(attempts, hit_many(attempts), strict=True):
        if not decision.allowed:
            verdict = Verdict.CHALLENGE_REQUIRED if scope == "ip_free" else Verdict.RATE_LIMITED
            return Admission(verdict, scope=scope, retry_after=decision.retry_after)
    return Admission(Verdict.ADMITTED)
