# SPDX-License-Identifier: Apache-2.0
"""Rate limits of the public check: sliding-window counters in the Django cache.

With REDIS_URL set the cache is Redis, so every gunicorn worker (and every machine) counts together;
one hit is then one Redis round trip (a pipeline). Limits come from settings.LOOKUP_RATE_LIMITS as
"count/seconds" per scope: `ip` and `ip_day` (web page and API, every lookup), `ip_free` (lookups
without a solved proof-of-work challenge, shailoo.lookup.gate), `pin` (every channel), `sms_sender` (SMS 119, for
the messaging app), `operator` (call-centre console). A count of 0 switches a scope off.

Counters are keyed by a keyed hash of what they count, so neither PINs, phone numbers nor IP
addresses appear in the cache.

The sliding window is the usual two-bucket estimate: the previous window's count weighted by how much
of it still overlaps the last `seconds`, plus the current window's count. Refused attempts count too,
so a client that keeps hammering stays refused.
"""
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import router, transaction
from django.http import HttpRequest

DEFAULT_LIMITS = {
    "ip": "20/3600", "ip_day": "25/86400", "ip_free": "3/3600", "pin": "20/3600", "sms_sender": "10/3600",
    "operator": "600/3600",
}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        count, _, seconds = text.partition("/")
        limit = cls(int(count), int(seconds or "60"))
        if limit.count < 0 or limit.seconds <= 0:
            raise ValueError(f"a rate limit is count/seconds, got {text!r}")
        return limit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0
    """Seconds until the next attempt would be allowed (0 when allowed)."""


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"rate limit {scope} exceeded, retry after {retry_after}s")
        self.scope = scope
        self.retry_after = retry_after


def limit_for(scope: str) -> Limit:
    configured = getattr(settings, "LOOKUP_RATE_LIMITS", {}) or {}
    return Limit.parse(configured.get(scope) or DEFAULT_LIMITS[scope])


def _key_part(identity: str) -> str:
    key = settings.PIN_HASH_KEY.encode()
    return hmac.new(key, identity.encode(), sha256).hexdigest()[:20]


def hit(scope: str, identity: str, *, now: float | None = None, limit: Limit | None = None) -> Decision:
    """Count one attempt of `identity` in `scope` and say whether it is within the limit."""
    return hit_many([(scope, identity)], now=now, limits={scope: limit} if limit else None)[0]


def hit_many(
    attempts: list[tuple[str, str]], *, now: float | None = None, limits: dict[str, Limit] | None = None
) -> list[Decision]:
    """Count one attempt in each (scope, identity) at once (one Redis round trip), a Decision for each."""
    moment = time.time() if now is None else now
    plans = []
    for scope, identity in attempts:
        limit = (limits or {}).get(scope) or limit_for(scope)
        if limit.count == 0:
            plans.append((limit, None, 0.0))
            continue
        window = int(moment // limit.seconds)
        elapsed = (moment - window * limit.seconds) / limit.seconds
        base = f"rl:{scope}:{_key_part(identity)}:"
        plans.append((limit, (base + str(window), base + str(window - 1), 2 * limit.seconds), elapsed))
    counts = _incr_and_get_previous([keys for _, keys, _ in plans if keys is not None])
    decisions = []
    for limit, keys, elapsed in plans:
        if keys is None:
            decisions.append(Decision(True))
            continue
        current, previous = counts.pop(0)
        if previous * (1 - elapsed) + current <= limit.count:
            decisions.append(Decision(True))
        else:
            decisions.append(Decision(False, _retry_after(limit, current=current, previous=previous, elapsed=elapsed)))
    return decisions


def check(scope: str, identity: str, *, now: float | None = None) -> None:
    """hit(), raising RateLimited when over the limit."""
    decision = hit(scope, identity, now=now)
    if not decision.allowed:
        raise RateLimited(scope, decision.retry_after)


def enforce_limits(attempts: list[tuple[str, str]], *, now: float | None = None) -> None:
    """hit_many(), raising RateLimited for the first scope over its limit."""
    for (scope, _), decision in zip(attempts, hit_many(attempts, now=now), strict=True):
        if not decision.allowed:
            raise RateLimited(scope, decision.retry_after)


def check_sms_sender(phone_number: str, *, now: float | None = None) -> Decision:
    """The per-sender-number limit of SMS 119 (for the messaging app)."""
    return hit("sms_sender", phone_number, now=now)


def _retry_after(limit: Limit, *, current: int, previous: int, elapsed: float) -> int:
    """Seconds until one more attempt would fit, if none is made meanwhile."""
    remaining_in_window = (1 - elapsed) * limit.seconds
    if current + 1 <= limit.count and previous > 0:
        # Still in this window: previous * (1 - elapsed - t/seconds) + current + 1 <= count.
        wait = limit.seconds * (1 - elapsed - (limit.count - current - 1) / previous)
        return max(1, math.ceil(min(wait, remaining_in_window)))
    # In the next window this window's count weighs (1 - elapsed'): current * (1 - e') + 1 <= count.
    decay = max(0.0, 1 - (limit.count - 1) / current) if current else 0.0
    return max(1, math.ceil(remaining_in_window + limit.seconds * decay))


# Increment each current-window counter (setting its expiry when new) and read each previous one, in
# one round trip. KEYS: current1, previous1, current2, ...; ARGV: the expiry of each pair.
_COUNTERS_LUA = """
local out = {}
for i = 1, #KEYS, 2 do
  local current = redis.call('INCR', KEYS[i])
  if current == 1 then redis.call('EXPIRE', KEYS[i], ARGV[(i + 1) / 2]) end
  out[#out + 1] = current
  out[#out + 1] = tonumber(redis.call('GET', KEYS[i + 1]) or '0') or 0
end
return out
"""
_scripts: dict[int, object] = {}


def _redis_script(backend: RedisCache):
    """The counters script on a client of the cache's write pool, made once per process and pool."""
    pool = backend._cache._get_connection_pool(write=True)
    script = _scripts.get(id(pool))
    if script is None:
        script = _scripts[id(pool)] = backend._cache._client(connection_pool=pool).register_script(_COUNTERS_LUA)
    return script


def _incr_and_get_previous(keys: list[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """For each (current key, previous key, timeout): increment the current counter, read the previous."""
    if not keys:
        return []
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        flat_keys, timeouts = [], []
        # make_key, not make_and_validate_key: our keys are short ASCII (scope and hex digest), and the
        # validation walks every character of every key on the hottest path.
        for current_key, previous_key, timeout in keys:
            flat_keys += [backend.make_key(current_key), backend.make_key(previous_key)]
            timeouts.append(timeout)
        replies = _redis_script(backend)(keys=flat_keys, args=timeouts)
        return [(int(replies[i]), int(replies[i + 1])) for i in range(0, len(replies), 2)]
    # The database cache (`make run` without Redis): incr is a read and a write, so the counting runs in
    # one transaction, which SQLite's IMMEDIATE mode serialises across the web workers. Local memory:
    # add-then-incr is atomic within the one process that sees it.
    if isinstance(backend, DatabaseCache):
        with transaction.atomic(using=router.db_for_write(backend.cache_model_class)):
            return _count_in_cache(keys)
    return _count_in_cache(keys)


def _count_in_cache(keys: list[tuple[str, str, int]]) -> list[tuple[int, int]]:
    counts = []
    for current_key, previous_key, timeout in keys:
        cache.add(current_key, 0, timeout)
        try:
            current = cache.incr(current_key)
        except ValueError:  # expired between add and incr
            cache.add(current_key, 1, timeout)
            current = 1
        counts.append((int(current), int(cache.get(previous_key) or 0)))
    return counts


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind LOOKUP_PROXY_HOPS trusted proxies, from X-Forwarded-For.

    IPv6 clients are counted per /64, the block one subscriber usually holds.
    """
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = getattr(settings, "LOOKUP_PROXY_HOPS", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
