# SPDX-License-Identifier: Apache-2.0
"""Proof of work before a lookup: ALTCHA challenges (the `altcha` library; the widget in the browser).

A challenge asks the client to find the counter (below settings.LOOKUP_CHALLENGE_MAX_NUMBER, uniform) whose
SHA-256 with the challenge's salt and nonce starts with a given prefix: about MAX_NUMBER / 2 hashes for
the client, one HMAC for the server (the challenge carries an HMAC of the expected key, ALTCHA's fast
path). Challenges are signed with a key derived from SECRET_KEY and expire after
settings.LOOKUP_CHALLENGE_MAX_AGE seconds.

A solved challenge buys one lookup, never more: it is spent on first use, atomically for every web worker
(SET NX in Redis when the cache is Redis; otherwise a row in the database, whose primary key refuses a
second insert), and the lookup it pays for still counts against every rate limit (views and api).
"""
import base64
import binascii
import datetime as dt
import hmac
import json
import secrets
import time
from enum import StrEnum
from hashlib import sha256

import altcha
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.utils import timezone

ALGORITHM = "SHA-256"
# A solved payload is about 700 characters; anything much longer is not one.
MAX_PAYLOAD_CHARS = 2000
_SPENT = "altcha-spent:"


class Refusal(StrEnum):
    """Why a payload was refused: the `details.reason` of the API's `challenge_invalid` error."""

    MALFORMED = "malformed"
    EXPIRED = "expired"
    SIGNATURE = "signature"
    SOLUTION = "solution"
    SPENT = "spent"


def _secret(purpose: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"shailoo.lookup.challenge:{purpose}".encode(), sha256).hexdigest()


def new_challenge() -> dict:
    """A fresh signed challenge, as the JSON the ALTCHA widget (and any API client) expects."""
    expires_at = int(time.time()) + settings.LOOKUP_CHALLENGE_MAX_AGE
    challenge = altcha.create_challenge(
        ALGORITHM, 1,
        counter=secrets.randbelow(max(1, settings.LOOKUP_CHALLENGE_MAX_NUMBER)),
        expires_at=expires_at,
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


def _parse(payload: str) -> altcha.Payload | None:
    if not payload or len(payload) > MAX_PAYLOAD_CHARS:
        return None
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        parsed = altcha.Payload.from_dict(data)
    except (ValueError, binascii.Error, KeyError, TypeError, AttributeError, RecursionError):
        return None
    parameters = parsed.challenge.parameters
    if not all(isinstance(value, str) for value in (parameters.nonce, parameters.salt, parameters.key_prefix)):
        return None
    if not isinstance(parsed.solution.derived_key, str) or not isinstance(parsed.challenge.signature, str | None):
        return None
    return parsed


def spend(payload: str) -> Refusal | None:
    """Check a solved challenge and use it up: None when it pays for one lookup, else why not."""
    parsed = _parse(payload)
    if parsed is None:
        return Refusal.MALFORMED
    parameters = parsed.challenge.parameters
    if not isinstance(parameters.expires_at, int) or parameters.algorithm != ALGORITHM:
        # Ours always carry both, inside the signature.
        return Refusal.SIGNATURE
    try:
        result = altcha.verify_solution(parsed, _secret("challenge"), hmac_key_secret=_secret("key"))
    except (ValueError, TypeError):
        return Refusal.MALFORMED
    if result.expired:
        return Refusal.EXPIRED
    if result.invalid_signature or not parameters.key_signature:
        return Refusal.SIGNATURE
    if not result.verified:
        return Refusal.SOLUTION
    if not _mark_spent(parameters.nonce, expires_at=parameters.expires_at):
        return Refusal.SPENT
    return None


_clients: dict[int, object] = {}


def _redis_client(backend: RedisCache):
    pool = backend._cache._get_connection_pool(write=True)
    client = _clients.get(id(pool))
    if client is None:
        client = _clients[id(pool)] = backend._cache._client(connection_pool=pool)
    return client


def _mark_spent(nonce: str, *, expires_at: int) -> bool:
    """Record the challenge as used; False if it already was (by this or any other worker)."""
    keep = max(1, expires_at - int(time.time())) + 60
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # SET NX on a client kept per connection pool: RedisCache.add builds a new client object per call,
        # which cost more CPU than the whole check of the payload.
        return bool(_redis_client(backend).set(backend.make_key(_SPENT + nonce), 1, nx=True, ex=keep))
    from shailoo.lookup.models import SpentChallenge

    until = timezone.now() + dt.timedelta(seconds=keep)
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(nonce=nonce[:64], expires_at=until)
    except IntegrityError:
        return False
    if secrets.randbelow(200) == 0:
        SpentChallenge.objects.filter(expires_at__lt=timezone.now()).delete()
    return True


def solve(challenge: dict) -> str:
    """Solve a challenge as a client does, and return the payload to send (tests, benchmarks, scripts)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    if solution is None:
        raise ValueError("no solution found in time")
    return altcha.Payload(parsed, solution).to_base64()
