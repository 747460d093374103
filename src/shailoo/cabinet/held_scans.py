# SPDX-License-Identifier: Apache-2.0
"""A passport scan the voter attached to a form that came back with an error, held for the next try.

A browser cannot fill a file field again, so without this the voter would have to choose the scan once
more after every mistake in another field. The held file lives beside the scans (never under the web
root), is named in the voter's session only, is checked like a scan when it is held, and is deleted when
the application is filed, when the voter attaches another file, or by `purge_scans` after a day.
"""
import secrets
import time
from pathlib import Path

from django.core.files import File
from django.http import HttpRequest

from shailoo.cabinet import scans

SESSION_KEY = "cabinet.held_scan"
MAX_AGE_SECONDS = 24 * 3600


def _root() -> Path:
    return Path(scans.scan_root()).parent / "held"


def hold(request: HttpRequest, upload, *, form_key: str) -> dict | None:
    """Keep a valid upload for the form `form_key`; None (nothing held) if it is not a valid scan."""
    try:
        data, _content_type, extension = scans.read_scan(upload)
    except scans.InvalidScan:
        return None
    release(request)
    root = _root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_hex(16) + extension
    path = root / token
    with open(path, "xb") as handle:
        handle.write(data)
    path.chmod(0o600)
    held = {"token": token, "form": form_key, "name": str(getattr(upload, "name", ""))[-100:],
            "size": len(data), "at": int(time.time())}
    request.session[SESSION_KEY] = held
    return held


def held_for(request: HttpRequest, *, form_key: str) -> dict | None:
    held = request.session.get(SESSION_KEY)
    if not held or held.get("form") != form_key or time.time() - held.get("at", 0) > MAX_AGE_SECONDS:
        return None
    if not (_root() / held["token"]).exists():
        return None
    return held


def open_held(held: dict) -> File:
    path = _root() / Path(held["token"]).name
    return File(open(path, "rb"), name=held.get("name") or path.name)  # noqa: SIM115 (the caller closes it)


def release(request: HttpRequest) -> None:
    held = request.session.pop(SESSION_KEY, None)
    if held:
        (_root() / Path(held["token"]).name).unlink(missing_ok=True)


def purge_stale(*, now: float | None = None) -> int:
    """Delete held scans older than a day (the voter went away); returns how many."""
    root = _root()
    if not root.exists():
        return 0
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    deleted = 0
    for path in root.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


__all__ = ["hold", "held_for", "open_held", "release", "purge_stale", "MAX_AGE_SECONDS"]
