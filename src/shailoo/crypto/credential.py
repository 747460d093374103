# SPDX-License-Identifier: Apache-2.0
"""Voters' credentials (docs/protocol.md 5): a signing key pair made on the voter's device at enrolment,
its recovery code, and the credential list the commission signs when enrolment closes."""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec, signature
from shailoo.crypto.errors import CryptoError, InvalidEncoding, InvalidRecord
from shailoo.crypto.group import Hasher, Point, encode_int, hash_bytes, hash_to_scalar
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey

#: Crockford's base32 alphabet (no I, L, O, U): recovery codes and displayed tracking codes.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ = {**{c: i for i, c in enumerate(ALPHABET)}, "O": 0, "I": 1, "L": 1}
SEED_BYTES = 32
_CHECK_BYTES = 3
CREDENTIALS_KIND = "credentials"


def base32(data: bytes, letters: int) -> str:
    """The first ``letters`` 5-bit groups of ``data`` (most significant bit first) in ALPHABET."""
    value = int.from_bytes(data, "big")
    bits = 8 * len(data)
    if letters * 5 > bits + 4:
        raise ValueError("not enough bits")
    padded = value << (5 * letters - bits) if 5 * letters > bits else value >> (bits - 5 * letters)
    return "".join(ALPHABET[(padded >> (5 * (letters - 1 - i))) & 31] for i in range(letters))


def group(text: str, size: int = 4) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def credential_key(seed: bytes) -> SigningKey:
    """The credential's key pair from its 32-byte seed: a = Hs("credential", seed)."""
    if len(seed) != SEED_BYTES:
        raise ValueError("a credential seed is 32 bytes")
    return SigningKey.from_secret(hash_to_scalar("credential", seed))


def new_credential(rng: Randomness = SYSTEM) -> tuple[bytes, SigningKey]:
    """(seed, key pair), made on the voter's device; the seed never leaves it except as the recovery code."""
    seed = rng.bytes(SEED_BYTES)
    return seed, credential_key(seed)


def recovery_code(seed: bytes) -> str:
    """The seed and 3 check bytes (first bytes of H("recovery-code", seed)) as 56 base32 letters in groups
    of 4: shown once at enrolment, typed in on another device to vote from there."""
    check = hash_bytes("recovery-code", seed)[:_CHECK_BYTES]
    return group(base32(seed + check, 56))


def seed_from_recovery_code(code: str) -> bytes:
    """The seed back from a recovery code (case, spaces and hyphens ignored; O read as 0, I and L as 1)."""
    letters = [c for c in code.upper() if c not in "- \t\n"]
    if len(letters) != 56 or any(c not in _READ for c in letters):
        raise InvalidEncoding("a recovery code is 56 letters of the base32 alphabet")
    value = 0
    for letter in letters:
        value = value << 5 | _READ[letter]
    raw = value.to_bytes(35, "big")
    seed, check = raw[:SEED_BYTES], raw[SEED_BYTES:]
    if hash_bytes("recovery-code", seed)[:_CHECK_BYTES] != check:
        raise InvalidEncoding("the recovery code has a typing error (its check letters do not match)")
    return seed


def list_parts(context: bytes, count: int, digest: bytes) -> list[bytes]:
    """What the commission signs: Q, the number of credentials, H("credential-list", c_1, ..., c_N)."""
    return [context, encode_int(count), digest]


@dataclass(frozen=True, slots=True)
class CredentialList:
    """The signed list: encodings sorted by bytes, each once. Membership is a binary search over a
    sorted list of 32-byte strings (about 70 bytes of memory a credential)."""

    encodings: tuple[bytes, ...]
    signature: bytes

    def __len__(self) -> int:
        return len(self.encodings)

    def index(self, credential: bytes) -> int | None:
        """Position of the credential on the list, or None."""
        position = bisect.bisect_left(self.encodings, credential)
        if position < len(self.encodings) and self.encodings[position] == credential:
            return position
        return None


def digest_of(encodings: Iterable[bytes]) -> bytes:
    hasher = Hasher("credential-list")
    for encoding in encodings:
        hasher.update(encoding)
    return hasher.digest()


def sign_list(
    manifest: Manifest, credentials: Iterable[Point], commission: SigningKey, rng: Randomness = SYSTEM
) -> CredentialList:
    """Freeze the list when enrolment closes: sorted by encoding, duplicates and the identity refused."""
    encodings = sorted(credential.data for credential in credentials)
    for before, after in zip(encodings, encodings[1:], strict=False):
        if before == after:
            raise ValueError("a credential appears twice")
    if encodings and encodings[0] == bytes(32):
        raise ValueError("the identity is not a credential")
    parts = list_parts(manifest.digest, len(encodings), digest_of(encodings))
    return CredentialList(tuple(encodings), signature.sign(commission, "credential-list", parts, rng))


def list_header(manifest: Manifest, credentials: CredentialList) -> dict[str, Any]:
    return {
        "version": codec.VERSION, "kind": CREDENTIALS_KIND, "manifest_hash": manifest.digest.hex(),
        "count": len(credentials), "signature": credentials.signature.hex(),
    }


def list_lines(credentials: CredentialList) -> Iterator[dict[str, Any]]:
    for encoding in credentials.encodings:
        yield {"credential": encoding.hex()}


def read_list(manifest: Manifest, header: Any, lines: Iterable[tuple[str, Any]], where: str) -> CredentialList:
    """Check a credential list as it streams: header, one credential per line in strictly increasing byte
    order (so each once), none the identity, count as announced, the commission's signature last."""
    codec.header(header, f"{where}:1", CREDENTIALS_KIND, ("manifest_hash", "count", "signature"))
    if codec.hex_field(header, "manifest_hash", 64, f"{where}:1") != manifest.digest:
        raise InvalidRecord("manifest_hash is not the hash of manifest.json", f"{where}:1", "credentials.manifest-hash")
    count = codec.integer(header, "count", f"{where}:1")
    signed = codec.hex_field(header, "signature", 64, f"{where}:1")
    encodings: list[bytes] = []
    previous = b""
    for place, value in lines:
        codec.fields(value, place, ("credential",))
        try:
            encoding = codec.point(value, "credential", place, identity=False).data
        except InvalidEncoding as error:
            raise InvalidRecord(error.what, error.where, "credentials.key") from error
        if encoding <= previous:
            raise InvalidRecord("credentials must be in strictly increasing byte order (each once)", place,
                                "credentials.order")
        encodings.append(encoding)
        previous = encoding
    if len(encodings) != count:
        raise InvalidRecord(f"header announces {count} credentials, the file holds {len(encodings)}", where,
                            "credentials.count")
    parts = list_parts(manifest.digest, count, digest_of(encodings))
    try:
        signature.verify(manifest.authorities.commission, "credential-list", parts, signed, f"{where}:1")
    except CryptoError as error:
        raise InvalidRecord(f"the commission's signature on the list does not verify ({error.what})",
                            f"{where}:1", "credentials.signature") from error
    return CredentialList(tuple(encodings), signed)

