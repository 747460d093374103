# SPDX-License-Identifier: Apache-2.0
"""Typed failures of the e-voting core: each says what failed, where, and (when it knows) which check of
docs/protocol.md section 9 failed, as a stable code such as ``board.signature``."""
from __future__ import annotations


class CryptoError(Exception):
    """Base of every failure raised by shailoo.crypto."""

    def __init__(self, what: str, where: str = "", check: str | None = None) -> None:
        self.what = what
        self.where = where
        self.check = check
        super().__init__(f"{where}: {what}" if where else what)


class InvalidEncoding(CryptoError):
    """Bytes or JSON that are not a canonical encoding of the expected value."""


class InvalidProof(CryptoError):
    """A zero-knowledge proof that does not verify."""


class InvalidSignature(CryptoError):
    """A signature that does not verify under the key it names."""


class InvalidRecord(CryptoError):
    """An election record whose content is inconsistent (counts, duplicates, missing parts)."""


def check_code(error: CryptoError, default: str) -> str:
    """The check code of a failure: the error's own, with generic codes ("schema.hex", "identity") placed
    in the default's area ("board.hex", "board.identity"), else the default of where it happened."""
    area, check = default.split(".")[0], error.check
    if check is None:
        return default
    if check.startswith("schema."):
        return f"{area}.{check.removeprefix('schema.')}"
    if "." not in check:
        return f"{area}.{check}"
    return check


def placed(error: CryptoError, default: str) -> CryptoError:
    """The same error with its check code placed (see check_code); for re-raising."""
    error.check = check_code(error, default)
    return error
