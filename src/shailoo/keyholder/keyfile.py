# SPDX-License-Identifier: Apache-2.0
"""The key holder's file: every secret (the long-term signing key, each ceremony's polynomial and
share-decryption key, the shares received, the final secret share) in one JSON document encrypted under
a passphrase.

Key derivation: Argon2id (RFC 9106), memory-hard, from pyca/cryptography (maintained, already a
dependency of the platform through authlib, binary wheels with OpenSSL for every platform a holder may
use). RFC 9106's second recommended setting by default: 3 passes, 4 lanes, 64 MiB; the parameters are
stored in the file (and authenticated), so a file made with other ones still opens. Encryption:
AES-256-GCM with a fresh 96-bit nonce at every save; the header (format and KDF parameters) is its
associated data. A wrong passphrase and an altered file are both refused (the tag does not verify).

Writes are atomic (a temporary file in the same folder, flushed to disk, then renamed), so a crash
mid-save leaves the previous file intact; the file is readable by its owner only."""
from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from shailoo.crypto import jcs

FORMAT = "shailoo-keyholder/1"
DEFAULT_MEMORY_MIB = 64
MIN_MEMORY_MIB = 8
PASSES, LANES = 3, 4


class KeyFileError(Exception):
    """The file cannot be opened: absent, not a key holder's file, or the passphrase is wrong."""


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    return Argon2id(salt=bytes.fromhex(kdf["salt"]), length=32, iterations=kdf["iterations"], lanes=kdf["lanes"],
                    memory_cost=kdf["memory_kib"]).derive(passphrase.encode())


@dataclass
class KeyFile:
    """An opened file: ``data`` is the plaintext document; ``save()`` encrypts it again under the same key."""

    path: Path
    data: dict[str, Any]
    _header: dict[str, Any] = field(repr=False)
    _key: bytes = field(repr=False)

    @staticmethod
    def create(path: Path, passphrase: str, data: dict[str, Any], memory_mib: int = DEFAULT_MEMORY_MIB) -> KeyFile:
        if path.exists():
            raise KeyFileError(f"{path} exists: choose another file (this one holds a key)")
        if len(passphrase) < 12:
            raise KeyFileError("the passphrase must have at least 12 characters")
        if memory_mib < MIN_MEMORY_MIB:
            raise KeyFileError(f"the key derivation needs at least {MIN_MEMORY_MIB} MiB")
        header: dict[str, Any] = {"format": FORMAT, "cipher": "aes-256-gcm",
                  "kdf": {"name": "argon2id", "salt": secrets.token_bytes(16).hex(), "iterations": PASSES,
                          "lanes": LANES, "memory_kib": memory_mib * 1024}}
        opened = KeyFile(path, data, header, _derive(passphrase, header["kdf"]))
        opened.save()
        return opened

    @staticmethod
    def open(path: Path, passphrase: str) -> KeyFile:
        try:
            document = jcs.loads(path.read_bytes(), str(path), 16 * 1024 * 1024)
        except FileNotFoundError as error:
            raise KeyFileError(f"{path} does not exist: run `shailoo-keyholder init` first") from error
        except (OSError, jcs.UnreadableInput) as error:
            raise KeyFileError(f"{path} is not a key holder's file ({error})") from error
        try:
            header = {k: document[k] for k in ("format", "cipher", "kdf")}
            kdf = header["kdf"]
            if header["format"] != FORMAT or header["cipher"] != "aes-256-gcm" or kdf["name"] != "argon2id":
                raise KeyFileError(f"{path} is not a {FORMAT} file")
            if kdf["memory_kib"] < MIN_MEMORY_MIB * 1024 or not 1 <= kdf["iterations"] <= 64 or not 1 <= kdf["lanes"] <= 64:
                raise KeyFileError(f"{path}: key derivation parameters out of range")
            nonce, ciphertext = bytes.fromhex(document["nonce"]), bytes.fromhex(document["ciphertext"])
        except (KeyError, TypeError, ValueError) as error:
            raise KeyFileError(f"{path} is not a key holder's file") from error
        key = _derive(passphrase, kdf)
        try:
            plaintext = AESGCM(key).decrypt(nonce, ciphertext, jcs.canonical(header))
        except InvalidTag as error:
            raise KeyFileError("wrong passphrase, or the file was altered") from error
        return KeyFile(path, json.loads(plaintext), header, key)

    def save(self) -> None:
        nonce = secrets.token_bytes(12)
        ciphertext = AESGCM(self._key).encrypt(nonce, jcs.canonical(self.data), jcs.canonical(self._header))
        document = {**self._header, "nonce": nonce.hex(), "ciphertext": ciphertext.hex()}
        folder = self.path.resolve().parent
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(json.dumps(document, indent=1).encode() + b"\n")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        try:
            directory = os.open(folder, os.O_RDONLY)
        except OSError:  # pragma: no cover - platforms without directory handles
            return
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
