# SPDX-License-Identifier: Apache-2.0
"""The ristretto255 group (RFC 9496) through libdecaf: scalars mod l, points with canonical 32-byte encodings.

Multiplications are constant time (libdecaf's ladder and precomputed tables) except ``public_combination``,
the variable-time double multiplication that verifiers use on public scalars.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shailoo.crypto import decaf
from shailoo.crypto.errors import InvalidEncoding

_lib: Any = decaf.lib

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
    def from_uniform(data: bytes) -> Scalar:
        """64 uniform bytes reduced mod l (bias < 2^-259): how every nonce and secret is drawn."""
        if len(data) != 64:
            raise ValueError("a uniform scalar is drawn from 64 bytes")
        return Scalar(int.from_bytes(data, "little") % L)

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar((self.value + other.value) % L)

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar((self.value - other.value) % L)

    def __neg__(self) -> Scalar:
        return Scalar((-self.value) % L)

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar((self.value * other.value) % L)


class Point:
    """A ristretto255 element: an immutable value, equal to another iff their canonical encodings are equal.

    It holds its 32-byte encoding, its decoded form (libdecaf's extended coordinates), or both, and computes
    the missing one once, when first needed: arithmetic works on decoded points, hashing and JSON on
    encodings, and each conversion costs an inverse square root (about 4 us). So a verifier decodes each
    ballot point once and encodes each recomputed commitment once. ``Point(data)`` trusts ``data`` (our
    constants); ``Point.from_bytes`` validates.
    """

    __slots__ = ("_encoding", "_owner", "_decoded")

    def __init__(self, data: bytes) -> None:
        self._encoding: bytes | None = data
        self._owner: Any = None
        self._decoded: Any = None

    @staticmethod
    def _wrap(owner: Any, decoded: Any) -> Point:
        # A point without the buffer's owner would read freed memory once the owner is collected: a wrong
        # value, silently, or a secret's bytes. Refuse it loudly instead.
        if owner is None:
            raise ValueError("a computed point needs the owner of its buffer")
        point = Point.__new__(Point)
        point._encoding, point._owner, point._decoded = None, owner, decoded
        return point

    @staticmethod
    def wrap(owner: Any, decoded: Any, encoding: bytes) -> Point:
        """A point computed elsewhere (shailoo.crypto.native) in both forms: libdecaf's buffer (kept alive by
        ``owner``) and its canonical encoding, which the caller vouches for."""
        point = Point._wrap(owner, decoded)
        point._encoding = encoding
        return point

    @property
    def data(self) -> bytes:
        """The canonical encoding (RFC 9496 4.3.2)."""
        if self._encoding is None:
            self._encoding = decaf.encode(self._decoded)
        return self._encoding

    def decoded(self) -> Any:
        """libdecaf's form of the point (for group and decaf only)."""
        if self._decoded is None:
            self._owner, self._decoded = _decode(self.data, "")
        return self._decoded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"Point({self.data.hex()})"

    def __reduce__(self) -> tuple[type[Point], tuple[bytes]]:
        """Pickled as the encoding (worker processes send sums back): libdecaf's buffers cannot be."""
        return (Point, (self.data,))

    def hex(self) -> str:
        return self.data.hex()

    @staticmethod
    def from_bytes(data: bytes, where: str = "") -> Point:
        """Decode; rejects wrong lengths and every non-canonical or invalid encoding (RFC 9496 4.3.1)."""
        if len(data) != POINT_BYTES:
            raise InvalidEncoding(f"point must be 32 bytes, got {len(data)}", where)
        point = Point(data if type(data) is bytes else bytes(data))
        point._owner, point._decoded = _decode(point._encoding, where)  # type: ignore[arg-type]
        return point

    @staticmethod
    def from_hex(text: str, where: str = "") -> Point:
        return Point.from_bytes(_unhex(text, where), where)

    def __add__(self, other: Point) -> Point:
        owner, out = decaf.allocate(decaf.POINT_SIZE)
        _lib.decaf_255_point_add(out, self.decoded(), other.decoded())
        return Point._wrap(owner, out)

    def __sub__(self, other: Point) -> Point:
        owner, out = decaf.allocate(decaf.POINT_SIZE)
        _lib.decaf_255_point_sub(out, self.decoded(), other.decoded())
        return Point._wrap(owner, out)

    def __neg__(self) -> Point:
        return IDENTITY - self

    def __mul__(self, scalar: Scalar) -> Point:
        """Constant-time scalar multiplication (secrets may be the scalar)."""
        owner, out = decaf.allocate(decaf.POINT_SIZE)
        _lib.decaf_255_point_scalarmul(out, self.decoded(), scalar.to_bytes())
        return Point._wrap(owner, out)

    def is_identity(self) -> bool:
        return self.data == bytes(32)


def _decode(data: bytes, where: str) -> tuple[Any, Any]:
    owner, out = decaf.allocate(decaf.POINT_SIZE)
    _decode_into(out, data, where)
    return owner, out


def _decode_into(buffer: Any, data: bytes, where: str) -> None:
    """Decode into libdecaf's buffer, rejecting wrong lengths and invalid or non-canonical encodings."""
    if len(data) != POINT_BYTES or _lib.decaf_255_point_decode(buffer, data, decaf.TRUE) != decaf.SUCCESS:
        raise InvalidEncoding("invalid or non-canonical ristretto255 encoding", where)


class PointSum:
    """A running sum of points, added in place in one buffer (no Point per addend): for counting a board,
    each addend is decoded (and so validated) into one scratch buffer; for a contest's weighted sum, Points
    are added, with small public weights."""

    __slots__ = ("_owner", "_sum", "_scratch_owner", "_scratch")

    def __init__(self) -> None:
        self._owner, self._sum = decaf.allocate(decaf.POINT_SIZE)
        decaf.ffi.memmove(self._sum, IDENTITY.decoded(), decaf.POINT_SIZE)
        self._scratch_owner, self._scratch = decaf.allocate(decaf.POINT_SIZE)

    def add(self, point: Point) -> None:
        _lib.decaf_255_point_add(self._sum, self._sum, point.decoded())

    def add_multiple(self, point: Point, count: int) -> None:
        """Add count * point for a small PUBLIC count >= 0 (double and add, in VARIABLE time)."""
        if count < 0:
            raise ValueError("the count is not negative")
        if count == 1:
            self.add(point)
            return
        decaf.ffi.memmove(self._scratch, point.decoded(), decaf.POINT_SIZE)
        while count:
            if count & 1:
                _lib.decaf_255_point_add(self._sum, self._sum, self._scratch)
            count >>= 1
            if count:
                _lib.decaf_255_point_double(self._scratch, self._scratch)

    def add_encoding(self, data: bytes, where: str = "") -> None:
        _decode_into(self._scratch, data, where)
        _lib.decaf_255_point_add(self._sum, self._sum, self._scratch)

    def total(self) -> Point:
        """The sum so far, encoded (the sum goes on)."""
        return Point(decaf.encode(self._sum))

    def point(self) -> Point:
        """The sum as a Point that takes over the buffer: the sum is finished, use it no more."""
        point = Point._wrap(self._owner, self._sum)
        self._owner = self._sum = None
        return point


def base_mul(scalar: Scalar) -> Point:
    """scalar * G with libdecaf's precomputed table for G (constant time)."""
    owner, out = decaf.allocate(decaf.POINT_SIZE)
    _lib.decaf_255_precomputed_scalarmul(out, decaf.BASE_TABLE, scalar.to_bytes())
    return Point._wrap(owner, out)


class FixedBase:
    """A point used as the base of many multiplications (the election key K), with libdecaf's precomputed
    table: a constant-time multiplication then costs about what one by G does, a third of a generic one."""

    __slots__ = ("point", "_owner", "_table")

    def __init__(self, point: Point) -> None:
        self.point = point
        self._owner, self._table = decaf.allocate(decaf.TABLE_SIZE)
        _lib.decaf_255_precompute(self._table, point.decoded())

    @property
    def table(self) -> Any:
        """libdecaf's table (for shailoo.crypto.native)."""
        return self._table

    def mul(self, scalar: Scalar) -> Point:
        """scalar * point (constant time)."""
        owner, out = decaf.allocate(decaf.POINT_SIZE)
        _lib.decaf_255_precomputed_scalarmul(out, self._table, scalar.to_bytes())
        return Point._wrap(owner, out)

    def encrypt(self, scalar: Scalar, addend: Point) -> tuple[Point, Point]:
        """(scalar * G, scalar * point + addend): an ElGamal encryption under this key, constant time, both
        points in one allocation."""
        owner, first = decaf.allocate(2 * decaf.POINT_SIZE)
        second, encoded = first + decaf.POINT_SIZE, scalar.to_bytes()
        _lib.decaf_255_precomputed_scalarmul(first, decaf.BASE_TABLE, encoded)
        _lib.decaf_255_precomputed_scalarmul(second, self._table, encoded)
        _lib.decaf_255_point_add(second, second, addend.decoded())
        return Point._wrap(owner, first), Point._wrap(owner, second)


@lru_cache(maxsize=16)
def fixed_base(point: Point) -> FixedBase:
    """The table of a point used over and over (9 KB each; an election has one key)."""
    return FixedBase(point)


def public_combination(base_scalar: Scalar, point: Point, point_scalar: Scalar) -> Point:
    """base_scalar * G + point_scalar * point in VARIABLE time: only for public scalars (verification),
    never for a nonce or a key share. One double multiplication costs about one single one."""
    if point_scalar.value == 0:
        # libdecaf 1.0.2 returns the identity whenever the point's scalar is zero, ignoring G's part: a
        # proof with a zero challenge would otherwise be checked against the wrong commitment.
        return base_mul(base_scalar)
    owner, out = decaf.allocate(decaf.POINT_SIZE)
    _lib.decaf_255_base_double_scalarmul_non_secret(
        out, base_scalar.to_bytes(), point.decoded(), point_scalar.to_bytes()
    )
    return Point._wrap(owner, out)


_FRAME = POINT_BYTES + 4
_EMPTY_SLOT = POINT_BYTES.to_bytes(4, "big") + bytes(POINT_BYTES)
_UINT8S = "uint8_t[]"


class Commitments:
    """A proof's commitments, computed only to be hashed: each is computed in a scratch buffer and encoded
    straight into its slot of one buffer of framed encodings (a slot is the 4-byte length, then the 32
    bytes: a part as ``framed`` gives it), so ``framed()`` is every commitment as hash parts in
    one copy, with no Point object or allocation per commitment.

    Scalars are passed as integers (reduced here). One instance per proof: never share it between
    threads (libdecaf runs without the GIL)."""

    __slots__ = ("_owner", "_first", "_second", "_framed", "_slots", "_count")

    def __init__(self, count: int) -> None:
        # Two scratch points, then room for the prover's count / 2 shifted terms (one allocation).
        self._owner, self._first = decaf.allocate((2 + (count + 1) // 2) * decaf.POINT_SIZE)
        self._second = self._first + decaf.POINT_SIZE
        # The slots live in a bytearray that libdecaf writes through a cffi view (no copy in, one copy out).
        self._framed = bytearray(_EMPTY_SLOT * count)
        self._slots = decaf.ffi.from_buffer(_UINT8S, self._framed, require_writable=True) + 4
        self._count = count

    def disjunctive(self, table: FixedBase, blinds: list[int], shifts: list[int], true: int) -> None:
        """A disjunctive proof's commitments, into slots 2j and 2j + 1: A_j = t_j G and
        B_j = t_j P + s_j G, for P = ``table``'s point, t_j = ``blinds[j]``, s_j = ``shifts[j]``, where
        s_true = 0 (the true branch's).

        The sequence of group operations does not depend on ``true``: first e_i G for the n - 1 shifts of
        the other branches, in order (table multiplications); then for each branch j: t_j G, t_j P (table
        multiplications), two constant-time selections that pick e_j G if j < true, e_(j-1) G if j > true,
        and the identity if j = true, and one addition (a single branch has no shift: its B is t P)."""
        count = len(blinds)
        size = decaf.POINT_SIZE
        multiply, select, add, encode = (_lib.decaf_255_precomputed_scalarmul, _lib.decaf_255_point_cond_sel,
                                         _lib.decaf_255_point_add, _lib.decaf_255_point_encode)
        base, key, first, slots = decaf.BASE_TABLE, table._table, self._first, self._slots
        if 2 * count > self._count:
            raise ValueError(f"{count} branches need {2 * count} slots, there are {self._count}")
        shifted = self._second + size
        others = shifts[:true] + shifts[true + 1 :]
        for index, shift in enumerate(others):
            multiply(shifted + index * size, base, (shift % L).to_bytes(32, "little"))
        chosen = shifted + (count - 1) * size
        identity = _IDENTITY_DECODED
        memmove = decaf.ffi.memmove
        for branch, blind in enumerate(blinds):
            scalar = (blind % L).to_bytes(32, "little")
            multiply(first, base, scalar)
            encode(slots + 2 * _FRAME * branch, first)
            multiply(first, key, scalar)
            memmove(chosen, identity, size)
            if branch < count - 1:
                select(chosen, chosen, shifted + branch * size, branch < true)
            if branch > 0:
                select(chosen, chosen, shifted + (branch - 1) * size, branch > true)
            add(first, first, chosen)
            encode(slots + (2 * branch + 1) * _FRAME, first)

    def verify_branches(self, table: FixedBase, pad: Point, data: Point, low: int, challenges: Iterable[int],
                        responses: Iterable[int]) -> None:
        """A disjunctive proof's commitments as the verifier recomputes them, into slots 2j and 2j + 1:
        A_j = v_j G - c_j pad and B_j = v_j P + (c_j j) G - c_j data for j = low, low + 1, ... (P =
        ``table``'s point), in VARIABLE time: public values only. ``challenges`` and ``responses`` are
        reduced (below l)."""
        first, second, slots = self._first, self._second, self._slots
        combine, multiply, add, encode = (_lib.decaf_255_base_double_scalarmul_non_secret,
                                          _lib.decaf_255_precomputed_scalarmul, _lib.decaf_255_point_add,
                                          _lib.decaf_255_point_encode)
        base, key = decaf.BASE_TABLE, table._table
        alpha, beta = pad.decoded(), data.decoded()
        for offset, (challenge, response) in enumerate(zip(challenges, responses, strict=True)):
            slot = slots + 2 * _FRAME * offset
            response_bytes = response.to_bytes(32, "little")
            if challenge:
                minus = (L - challenge).to_bytes(32, "little")
                combine(first, response_bytes, alpha, minus)
                encode(slot, first)
                combine(first, (challenge * (low + offset) % L).to_bytes(32, "little"), beta, minus)
            else:  # libdecaf 1.0.2 drops G's part when the point's scalar is zero (see public_combination)
                multiply(first, base, response_bytes)
                encode(slot, first)
                multiply(first, base, bytes(32))
            multiply(second, key, response_bytes)
            add(first, second, first)
            encode(slot + _FRAME, first)

    def framed(self) -> bytes:
        """Every slot, in order, as framed hash parts (slots never computed are 32 zero bytes)."""
        return bytes(self._framed)

    def encodings(self) -> list[bytes]:
        """Every slot's 32-byte encoding, in order."""
        framed = self._framed
        return [bytes(framed[_FRAME * slot + 4 : _FRAME * (slot + 1)]) for slot in range(self._count)]


@lru_cache(maxsize=4096)
def small_multiple(count: int) -> Point:
    """count * G for small public counts (cached: ballots and proofs use 0..max marks over and over)."""
    point = base_mul(Scalar(count))
    point.data  # noqa: B018 - encoded once, while cached
    return point


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
    owner, out = decaf.allocate(decaf.POINT_SIZE)
    _lib.decaf_255_point_from_hash_uniform(out, data)
    return Point._wrap(owner, out)


IDENTITY = Point(bytes(32))
_IDENTITY_DECODED = IDENTITY.decoded()
GENERATOR = Point(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))
ZERO = Scalar(0)
ONE = Scalar(1)


#: Prefix of every domain tag (docs/protocol.md section 2): version 2 hashes never equal version 1's.
DOMAIN = "shailoo/v2/"


class Hasher:
    """H(tag, p1, ..., pn) fed one part at a time (a credential list is hashed as it streams)."""

    __slots__ = ("_digest",)

    def __init__(self, tag: str) -> None:
        self._digest = hashlib.sha512()
        self.update(DOMAIN.encode() + tag.encode())

    def update(self, part: bytes) -> None:
        self._digest.update(len(part).to_bytes(4, "big"))
        self._digest.update(part)

    def digest(self) -> bytes:
        return self._digest.digest()


def framed(parts: Iterable[bytes]) -> bytes:
    """Parts as a hash takes them: each its 4-byte big-endian length, then its bytes."""
    return b"".join([piece for part in parts for piece in (len(part).to_bytes(4, "big"), part)])


def hash_bytes(tag: str, *parts: bytes) -> bytes:
    """SHA-512 over a domain tag and length-prefixed parts (docs/protocol.md, "Hashing")."""
    prefix = (DOMAIN + tag).encode()
    return hashlib.sha512(len(prefix).to_bytes(4, "big") + prefix + framed(parts)).digest()


def hash_to_scalar(tag: str, *parts: bytes) -> Scalar:
    """Domain-separated hash reduced mod l from 512 bits (bias < 2^-259)."""
    return Scalar(int.from_bytes(hash_bytes(tag, *parts), "little") % L)


def hash_to_point(tag: str, *parts: bytes) -> Point:
    """Domain-separated hash to a group element: the one-way map on 64 bytes of SHA-512."""
    return point_from_uniform(hash_bytes(tag, *parts))


def encode_int(value: int) -> bytes:
    """A non-negative integer as 8 bytes big-endian, for hashing."""
    return value.to_bytes(8, "big")
