# SPDX-License-Identifier: Apache-2.0
"""Reading the record's JSON values exactly as the spec writes them (docs/protocol.md 8.1): objects with
exactly the listed keys, lowercase hex of the exact length, integers (never booleans) in range, bounded
texts and lists; and the JSON forms of ciphertexts and proofs. Every failure names its place."""
from __future__ import annotations

from typing import Any, cast

from shailoo.crypto.chaum_pedersen import ChaumPedersenProof
from shailoo.crypto.disjunctive import MAX_BRANCHES, RangeProof
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import Point, Scalar
from shailoo.crypto.schnorr import SchnorrProof

VERSION = 2
#: Longest id (election, contest, option) and title, in UTF-8 bytes.
MAX_ID_BYTES = 128
MAX_TITLE_BYTES = 1024


def fields(data: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """``data`` as an object with every required key, optional ones allowed, and no other key."""
    if not isinstance(data, dict):
        raise InvalidEncoding("expected an object", where)
    missing = [key for key in required if key not in data]
    if missing:
        raise InvalidEncoding(f"missing {missing[0]!r}", where)
    if len(data) > len(required):
        extra = sorted(set(data) - set(required) - set(optional))
        if extra:
            raise InvalidEncoding(f"unexpected key {extra[0]!r}", where)
    return cast(dict[str, Any], data)


def header(data: Any, where: str, kind: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object carrying ``"version": 2`` (an integer, not true or 2.0) and ``"kind"``."""
    value = fields(data, where, ("version", "kind", *required))
    version = value["version"]
    if type(version) is not int or version != VERSION:
        raise InvalidEncoding(f'"version" must be the integer {VERSION}, got {version!r}', where, "schema.version")
    if value["kind"] != kind:
        raise InvalidEncoding(f'"kind" must be {kind!r}, got {value["kind"]!r}', where, "schema.kind")
    return value


def text(data: dict[str, Any], key: str, where: str, max_bytes: int = MAX_ID_BYTES, empty: bool = False) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise InvalidEncoding(f"{key!r} must be a string", where)
    if (not value and not empty) or len(value.encode()) > max_bytes:
        raise InvalidEncoding(f"{key!r} must be {'' if empty else 'non-empty and '}at most {max_bytes} bytes", where)
    return value


def integer(data: dict[str, Any], key: str, where: str, low: int = 0, high: int = 2**53 - 1) -> int:
    value = data[key]
    if type(value) is not int:
        raise InvalidEncoding(f"{key!r} must be an integer, got {value!r}", where)
    if not low <= value <= high:
        raise InvalidEncoding(f"{key!r} must be in {low}..{high}, got {value}", where)
    return value


def items(data: dict[str, Any], key: str, where: str, low: int = 0, high: int = 1_000_000) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise InvalidEncoding(f"{key!r} must be a list", where)
    if not low <= len(value) <= high:
        raise InvalidEncoding(f"{key!r} must hold {low}..{high} items, got {len(value)}", where)
    return value


def integers(data: dict[str, Any], key: str, where: str, low: int, high: int, count_low: int = 0,
             count_high: int = 1_000_000) -> list[int]:
    """A list of ``count_low``..``count_high`` integers (never booleans: ``[true, 2]`` equals ``[1, 2]`` in
    Python), each in ``low``..``high``: holder numbers, for one."""
    value = items(data, key, where, count_low, count_high)
    for index, item in enumerate(value):
        if type(item) is not int or not low <= item <= high:
            raise InvalidEncoding(f"{key!r}[{index}] must be an integer in {low}..{high}, got {item!r}", where)
    return cast(list[int], value)


def unhex(value: Any, size: int, where: str) -> bytes:
    """Lowercase hex of exactly ``size`` bytes."""
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) and len(value) == 2 * size else b""
    except ValueError:
        raw = b""
    # fromhex also reads uppercase and skips spaces: the round trip admits exactly one spelling.
    if len(raw) != size or raw.hex() != value:
        raise InvalidEncoding(f"expected {2 * size} lowercase hex digits", where, "schema.hex")
    return raw


def hex_field(data: dict[str, Any], key: str, size: int, where: str) -> bytes:
    return unhex(data[key], size, f"{where}.{key}")


def point_of(value: Any, where: str, identity: bool = True) -> Point:
    point = Point.from_bytes(unhex(value, 32, where), where)
    if not identity and point.is_identity():
        raise InvalidEncoding("the identity element is refused here", where, "identity")
    return point


def point(data: dict[str, Any], key: str, where: str, identity: bool = True) -> Point:
    return point_of(data[key], f"{where}.{key}", identity)


def scalar_of(value: Any, where: str) -> Scalar:
    return Scalar.from_bytes(unhex(value, 32, where), where)


def scalar(data: dict[str, Any], key: str, where: str) -> Scalar:
    return scalar_of(data[key], f"{where}.{key}")


def ciphertext_to_json(value: Ciphertext) -> dict[str, str]:
    return {"pad": value.pad.hex(), "data": value.data.hex()}


def ciphertext_from_json(data: Any, where: str) -> Ciphertext:
    fields(data, where, ("pad", "data"))
    return Ciphertext(point(data, "pad", where), point(data, "data", where))


def range_proof_to_json(proof: RangeProof) -> dict[str, list[str]]:
    return {"c": [c.hex() for c in proof.challenges], "v": [v.hex() for v in proof.responses]}


def range_proof_from_json(data: Any, where: str) -> RangeProof:
    fields(data, where, ("c", "v"))
    challenges = items(data, "c", where, 1, MAX_BRANCHES)
    responses = items(data, "v", where, 1, MAX_BRANCHES)
    return RangeProof(
        tuple(scalar_of(c, f"{where}.c[{i}]") for i, c in enumerate(challenges)),
        tuple(scalar_of(v, f"{where}.v[{i}]") for i, v in enumerate(responses)),
    )


def proof_to_json(proof: SchnorrProof | ChaumPedersenProof) -> dict[str, str]:
    return {"c": proof.challenge.hex(), "v": proof.response.hex()}


def schnorr_from_json(data: Any, where: str) -> SchnorrProof:
    fields(data, where, ("c", "v"))
    return SchnorrProof(scalar(data, "c", where), scalar(data, "v", where))


def chaum_pedersen_from_json(data: Any, where: str) -> ChaumPedersenProof:
    fields(data, where, ("c", "v"))
    return ChaumPedersenProof(scalar(data, "c", where), scalar(data, "v", where))


def label(*parts: str) -> bytes:
    """Length-prefixed UTF-8 texts: the label that places a proof in the record. It enters a hash as ONE
    part (so it carries its own outer length prefix there, like any part)."""
    out = bytearray()
    for part in parts:
        encoded = part.encode("utf-8")
        out += len(encoded).to_bytes(4, "big") + encoded
    return bytes(out)
