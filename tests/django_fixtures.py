# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the tests that run with Django (loaded by tests/conftest.py when pytest-django is on)."""
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _cache_in_memory_without_redis():
    """Without REDIS_URL the platform's cache is a database table, shared by its web workers; most tests
    use no database, so they get local memory instead (tests/web/test_shared_limits.py runs the real one)."""
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        yield
        return
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Passport scans go to a fresh directory of each test, never into the developer's data directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff accounts are made in many tests: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test's audit checkpoints go to a file of its own: the database is emptied between tests, and a
    checkpoint left by an earlier test would (rightly) read as a truncated log."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture(autouse=True)
def _evoting_records(settings, tmp_path):
    """Each test's cached record pieces and closed records go to a folder of its own (the database is emptied
    between tests; a board of a later test must not find an earlier one's files)."""
    settings.EVOTING_RECORD_DIR = tmp_path / "records"
    return settings.EVOTING_RECORD_DIR


@pytest.fixture(autouse=True)
def _small_proof_of_work(settings):
    """The public check's challenges, solved by tests and their browser many times: a small counter range."""
    settings.LOOKUP_CHALLENGE_MAX_NUMBER = 2000
