# SPDX-License-Identifier: Apache-2.0
"""Public reads from PostgreSQL streaming replicas (SHAILOO_REPLICA_URLS), falling back to the primary.

The public check (web page, JSON API, SMS 119 answers, the call centre) and the precinct pages read data
that changes rarely and is read by millions: `public_read` marks such a read (decorator or context manager),
and while it runs `PublicReadRouter` sends the ORM's reads, and `read_alias()` the lookup's prepared
statements, to a replica. Everything else, and every write, goes to the primary ("default").

A replica is used only while it is up and no further behind the primary than REPLICA_MAX_LAG_SECONDS: each
process asks each replica for its replay lag at most every REPLICA_CHECK_SECONDS. A read that fails on a
replica (stopped, restarted, connection cut) is marked down for that long and the read runs again on the
primary, so a replica going away mid-request costs one retry, never an error page. Reads marked public are
read-only, so running one again is safe.

In tests, each replica alias mirrors "default" (Django's TEST MIRROR) unless the run points at a real
replica of the test database (tests/replica, started by .ci/run).
"""
import contextvars
import functools
import itertools
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger("shailoo.replicas")

T = TypeVar("T")

# The alias the current public read uses (None: not in a public read, or no replica usable).
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("shailoo_public_read", default=None)
_state: dict[str, tuple[float, bool, float | None]] = {}  # alias -> (checked at, usable, lag seconds)
_turn = itertools.count()

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def mark_down(alias: str) -> None:
    _state[alias] = (time.monotonic(), False, None)
    _close(alias)


def replay_lag(alias: str) -> float:
    """Seconds the replica's replay is behind the primary (0 when it has replayed all it received and is
    streaming); raises a DatabaseError when it cannot be asked."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def usable(alias: str) -> bool:
    checked_at, ok, _lag = _state.get(alias, (float("-inf"), False, None))
    if time.monotonic() - checked_at < settings.REPLICA_CHECK_SECONDS:
        return ok
    try:
        lag = replay_lag(alias)
    except DatabaseError as error:
        if ok or alias not in _state:
            logger.warning("replica %s is down (%s): public reads go to the primary", alias, type(error).__name__)
        mark_down(alias)
        return False
    fresh = lag <= settings.REPLICA_MAX_LAG_SECONDS
    if ok and not fresh:
        logger.warning("replica %s lags %.1f s (bound %s s): public reads go to the primary", alias, lag,
                       settings.REPLICA_MAX_LAG_SECONDS)
    _state[alias] = (time.monotonic(), fresh, lag)
    return fresh


def choose() -> str | None:
    """A usable replica, in turn; None when there is none."""
    aliases = replica_aliases()
    if not aliases:
        return None
    start = next(_turn)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if usable(alias):
            return alias
    return None


def read_alias() -> str:
    """Where a read should go now: the current public read's replica, else the primary."""
    return _current.get() or "default"


@contextmanager
def _reading(alias: str | None):
    token = _current.set(alias)
    try:
        yield
    finally:
        _current.reset(token)


def run_public_read(function: Callable[..., T], *args, **kwargs) -> T:
    """Run a read-only function on a replica if one is usable, again on the primary if the replica fails."""
    if _current.get() is not None:  # nested: already on a replica
        return function(*args, **kwargs)
    alias = choose()
    if alias is None:
        return function(*args, **kwargs)
    try:
        with _reading(alias):
            return function(*args, **kwargs)
    except (OperationalError, InterfaceError) as error:
        logger.warning("public read failed on replica %s (%s): again on the primary", alias, type(error).__name__)
        mark_down(alias)
    return function(*args, **kwargs)


def public_read(function: Callable[..., T]) -> Callable[..., T]:
    """Mark a read-only function of the public pages: it reads from a replica when one is usable."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return run_public_read(function, *args, **kwargs)

    return wrapper


class PublicReadRouter:
    """Reads inside `public_read` go to its replica; all other reads and every write to the primary."""

    def db_for_read(self, model, **hints):
        # Outside a public read, the primary, even for an object read from a replica earlier (whose related
        # rows Django would otherwise fetch from where it came).
        return _current.get() or "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
