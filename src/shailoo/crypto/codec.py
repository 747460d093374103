# SPDX-License-Identifier: Apache-2.0
"""JSON forms of group elements, ciphertexts and proofs: lowercase hex, strict parsing with locations."""
from __future__ import annotations

from typing import Any

from shailoo.crypto.chaum_pedersen import ChaumPedersenProof
from shailoo.crypto.disjunctive import MAX_BRANCHES, RangeProof
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import Point, Scalar
from shailoo.crypto.schnorr import SchnorrProof


def field(data: Any, key: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise InvalidEncoding("expected an object", where)
    if key not in data:
        raise InvalidEncoding(f"missing {key!r}", where)
    return data[key]


def text(data: Any, key: str, where: str) -> str:
    value = field(data, key, where)
    if not isinstance(value, str):
        raise InvalidEncoding(f"{key!r} must be a string", where)
    return value


def integer(data: Any, key: str, where: str) -> int:
    value = field(data, key, where)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidEncoding(f"{key!r} must be a non-negative integer", where)
    return value


def items(data: Any, key: str, where: str) -> list[Any]:
    value = field(data, key, where)
    if not isinstance(value, list):
        raise InvalidEncoding(f"{key!r} must be a list", where)
    return value


def check_version(data: Any, where: str) -> None:
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InvalidEncoding('expected an object with "version": 1', where)


def point(data: Any, key: str, where: str) -> Point:
    return Point.from_hex(text(data, key, where), f"{where}.{key}")


def scalar(data: Any, key: str, where: str) -> Scalar:
    return Scalar.from_hex(text(data, key, where), f"{where}.{key}")


def ciphertext_to_json(value: Ciphertext) -> dict[str, str]:
    return {"pad": value.pad.hex(), "data": value.data.hex()}


def ciphertext_from_json(data: Any, where: str) -> Ciphertext:
    return Ciphertext(point(data, "pad", where), point(data, "data", where))


def range_proof_to_json(proof: RangeProof) -> dict[str, list[str]]:
    return {"c": [c.hex() for c in proof.challenges], "v": [v.hex() for v in proof.responses]}


def range_proof_from_json(data: Any, where: str) -> RangeProof:
    challenges, responses = items(data, "c", where), items(data, "v", where)
    if len(challenges) > MAX_BRANCHES or len(responses) > MAX_BRANCHES:
        raise InvalidEncoding("range proof has too many branches", where)
    return RangeProof(
        tuple(Scalar.from_hex(c, f"{where}.c[{i}]") for i, c in enumerate(challenges)),
        tuple(Scalar.from_hex(v, f"{where}.v[{i}]") for i, v in enumerate(responses)),
    )


def proof_to_json(proof: SchnorrProof | ChaumPedersenProof) -> dict[str, str]:
    return {"c": proof.challenge.hex(), "v": proof.response.hex()}


def schnorr_from_json(data: Any, where: str) -> SchnorrProof:
    return SchnorrProof(scalar(data, "c", where), scalar(data, "v", where))


def chaum_pedersen_from_json(data: Any, where: str) -> ChaumPedersenProof:
    return ChaumPedersenProof(scalar(data, "c", where), scalar(data, "v", where))


def label(*parts: str) -> bytes:
    """Length-prefixed UTF-8 parts: the label that places a proof in the record."""
    out = bytearray()
    for part in parts:
        encoded = part.encode("utf-8")
        out += len(encoded).to_bytes(4, "big") + encoded
    return bytes(out)
