# SPDX-License-Identifier: Apache-2.0
"""Typed failures of the e-voting core: each says what failed and where."""


class CryptoError(Exception):
    """Base of every failure raised by shailoo.crypto."""

    def __init__(self, what: str, where: str = "") -> None:
        self.what = what
        self.where = where
        super().__init__(f"{where}: {what}" if where else what)


class InvalidEncoding(CryptoError):
    """Bytes or JSON that are not a canonical encoding of the expected value."""


class InvalidProof(CryptoError):
    """A zero-knowledge proof that does not verify."""


class InvalidRecord(CryptoError):
    """An election record whose content is inconsistent (counts, duplicates, missing parts)."""
