# SPDX-License-Identifier: Apache-2.0
"""The commission's and the board's signing keys (docs/protocol.md 3.4): secrets read from the files that
settings.EVOTING_COMMISSION_KEY_FILE and settings.EVOTING_BOARD_KEY_FILE name (one line: the 32-byte secret
scalar in hex). Outside production a missing file is generated once, with mode 0600 (several processes may
start at once: the first to link its file in place wins, everyone reads that one); production refuses to
start without both files (settings.py)."""
from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import Scalar
from shailoo.crypto.signature import SigningKey, generate_signing_key


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_signing_key()
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, prefix=".evoting-key-") as draft:
        draft.write(key.secret.hex() + "\n")
    os.chmod(draft.name, 0o600)
    try:
        os.link(draft.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft.name)


def load_key(path: Path, *, generate: bool) -> SigningKey:
    """The signing key in ``path``; generated first when missing and ``generate``."""
    if not path.exists():
        if not generate:
            raise ImproperlyConfigured(f"the e-voting key file {path} does not exist")
        _generate(path)
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(f"the e-voting key file {path} is readable by others: chmod 600 it")
    try:
        return SigningKey.from_secret(Scalar.from_hex(path.read_text().strip(), str(path)))
    except (CryptoError, ValueError) as error:
        raise ImproperlyConfigured(f"the e-voting key file {path} does not hold a key: {error}") from error


@functools.cache
def commission_key() -> SigningKey:
    """The key that signs the credential lists."""
    return load_key(Path(settings.EVOTING_COMMISSION_KEY_FILE), generate=not settings.PRODUCTION)


@functools.cache
def board_key() -> SigningKey:
    """The key that signs receipts and close entries."""
    return load_key(Path(settings.EVOTING_BOARD_KEY_FILE), generate=not settings.PRODUCTION)
