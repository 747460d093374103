# SPDX-License-Identifier: Apache-2.0
"""The ristretto255 group (RFC 9496) through libsodium: scalars mod l, points with canonical 32-byte encodings.

libsodium's ristretto255 scalar multiplication does not clamp (it only clears bit 255, which every reduced
scalar already has clear) and is constant time; we call it directly through the ctypes handle that rbcl loads
to avoid rbcl's per-call argument checks, falling back on rbcl's public functions for validation.
"""
from __future__ import annotations

import ctypes
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import rbcl
from rbcl._sodium import _sodium as _libsodium

from shailoo.crypto.errors import InvalidEncoding

_lib: Any = _libsodium

#: Order of the ristretto255 group (RFC 9496, section 4.4).
L = 2**252 + 27742317777372353535851937790883648493
POINT_BYTES = 32
SCALAR_BYTES = 32


@dataclass(frozen=True, slots=True)
class Scalar:
    """An element of Z/lZ, always reduced."""

    value: int

    def __post_init__(self) -> None:
        if not 0 <= self.value < L:
            object.__setattr__(self, "value", self.value % L)

    def to_bytes(self) -> bytes:
        """Canonical encoding: 32 bytes little-endian, value < l."""
        return self.value.to_bytes(32, "little")

    @staticmethod
    def from_bytes(data: bytes, where: str = "") -> Scalar:
        """Decode a canonical scalar; values >= l are rejected."""
        if len(data) != SCALAR_BYTES:
            raise InvalidEncoding(f"scalar must be 32 bytes, got {len(data)}", where)
        value = int.from_bytes(data, "little")
        if value >= L:
            raise InvalidEncoding("non-canonical scalar (>= group order)", where)
        return Scalar(value)

    @staticmethod
    def from_hex(text: str, where: str = "") -> Scalar:
        return Scalar.from_bytes(_unhex(text, where), where)

    def hex(self) -> str:
        return self.to_bytes().hex()

    @staticmethod
    def random() -> Scalar:
        """A uniformly random scalar from the operating system's CSPRNG (64 bytes reduced mod l)."""
        return Scalar(int.from_bytes(secrets.token_bytes(64), "little") % L)

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar((self.value + other.value) % L)

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar((self.value - other.value) % L)

    def __neg__(self) -> Scalar:
        return Scalar((-self.value) % L)

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar((self.value * other.value) % L)

    def inverse(self) -> Scalar:
        if self.value == 0:
            raise ZeroDivisionError("zero has no inverse mod l")
        return Scalar(pow(self.value, -1, L))


@dataclass(frozen=True, slots=True)
class Point:
    """A ristretto255 element held as its canonical 32-byte encoding (validated on decode)."""

    data: bytes

    def hex(self) -> str:
        return self.data.hex()

    @staticmethod
    def from_bytes(data: bytes, where: str = "") -> Point:
        """Decode; rejects wrong lengths and every non-canonical or invalid encoding (RFC 9496 4.3.1)."""
        if len(data) != POINT_BYTES:
            raise InvalidEncoding(f"point must be 32 bytes, got {len(data)}", where)
        if data != bytes(32) and _lib.crypto_core_ristretto255_is_valid_point(data) != 1:
            raise InvalidEncoding("invalid or non-canonical ristretto255 encoding", where)
        return Point(bytes(data))

    @staticmethod
    def from_hex(text: str, where: str = "") -> Point:
        return Point.from_bytes(_unhex(text, where), where)

    def __add__(self, other: Point) -> Point:
        out = ctypes.create_string_buffer(32)
        _lib.crypto_core_ristretto255_add(out, self.data, other.data)
        return Point(out.raw)

    def __sub__(self, other: Point) -> Point:
        out = ctypes.create_string_buffer(32)
        _lib.crypto_core_ristretto255_sub(out, self.data, other.data)
        return Point(out.raw)

    def __neg__(self) -> Point:
        return IDENTITY - self

    def __mul__(self, scalar: Scalar) -> Point:
        """Constant-time scalar multiplication (no clamping); the identity when the product is zero."""
        out = ctypes.create_string_buffer(32)
        # libsodium returns -1 and leaves zeros (the identity's encoding) when the result is the identity.
        _lib.crypto_scalarmult_ristretto255(out, scalar.to_bytes(), self.data)
        return Point(out.raw)

    def is_identity(self) -> bool:
        return self.data == bytes(32)


def add_encodings(left: bytes, right: bytes, where: str = "") -> bytes:
    """Add two encoded points, letting libsodium's decoder reject invalid or non-canonical input (one call
    instead of validate-then-add: what counting a large board needs)."""
    out = ctypes.create_string_buffer(32)
    if len(left) != 32 or len(right) != 32 or _lib.crypto_core_ristretto255_add(out, left, right) != 0:
        raise InvalidEncoding("invalid or non-canonical ristretto255 encoding", where)
    return out.raw


def base_mul(scalar: Scalar) -> Point:
    """scalar * G with libsodium's fixed-base table (constant time)."""
    out = ctypes.create_string_buffer(32)
    _lib.crypto_scalarmult_ristretto255_base(out, scalar.to_bytes())
    return Point(out.raw)


@lru_cache(maxsize=4096)
def small_multiple(count: int) -> Point:
    """count * G for small public counts (cached: ballots and proofs use 0..max marks over and over)."""
    return base_mul(Scalar(count))


def _unhex(text: str, where: str) -> bytes:
    if not isinstance(text, str) or len(text) % 2 or text != text.lower():
        raise InvalidEncoding("expected lowercase hex text", where)
    try:
        return bytes.fromhex(text)
    except ValueError as error:
        raise InvalidEncoding("expected lowercase hex text", where) from error


def point_from_uniform(data: bytes) -> Point:
    """RFC 9496 one-way map from 64 uniform bytes to a group element."""
    if len(data) != 64:
        raise ValueError("the one-way map takes 64 bytes")
    return Point(rbcl.crypto_core_ristretto255_from_hash(data))


IDENTITY = Point(bytes(32))
GENERATOR = Point(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))
ZERO = Scalar(0)
ONE = Scalar(1)


def hash_bytes(tag: str, *parts: bytes) -> bytes:
    """SHA-512 over a domain tag and length-prefixed parts (docs/protocol.md, "Hashing")."""
    digest = hashlib.sha512()
    label = ("shailoo/v1/" + tag).encode()
    digest.update(len(label).to_bytes(4, "big") + label)
    for part in parts:
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.digest()


def hash_to_scalar(tag: str, *parts: bytes) -> Scalar:
    """Domain-separated hash reduced mod l from 512 bits (bias < 2^-259)."""
    return Scalar(int.from_bytes(hash_bytes(tag, *parts), "little") % L)


def hash_to_point(tag: str, *parts: bytes) -> Point:
    """Domain-separated hash to a group element: the one-way map on 64 bytes of SHA-512."""
    return point_from_uniform(hash_bytes(tag, *parts))


def encode_int(value: int) -> bytes:
    """A non-negative integer as 8 bytes big-endian, for hashing."""
    return value.to_bytes(8, "big")


def encode_text(text: str) -> bytes:
    return text.encode("utf-8")
