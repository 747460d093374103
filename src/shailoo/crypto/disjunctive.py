# SPDX-License-Identifier: Apache-2.0
"""Disjunctive Chaum-Pedersen proofs that a ciphertext encrypts one value of lo..hi (0/1 is lo=0, hi=1).

Branch j claims (A, B - jG) = (rG, rK). The prover answers the true branch and simulates the others; the
challenges of all branches sum to the Fiat-Shamir hash of every commitment.
"""
from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha512

from shailoo.crypto import native
from shailoo.crypto.elgamal import Ciphertext, encrypt
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import DOMAIN, Commitments, L, Point, Scalar, fixed_base, framed, small_multiple
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar

_RANGE = framed([(DOMAIN + "range").encode()])
#: The frames of the fixed-size parts: 8-byte bounds, 32-byte points.
_BOUNDS_KEY = (8).to_bytes(4, "big")
_POINT_PART = (32).to_bytes(4, "big")

#: Largest number of branches accepted, so that a hostile record cannot make the verifier loop for long.
MAX_BRANCHES = 256


@dataclass(frozen=True, slots=True)
class RangeProof:
    """Per branch j = lo..hi: ``challenges`` c_j and ``responses`` v_j, sum of c_j = H(...)."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]


def _digest(
    context: bytes, label: bytes, low: int, high: int, key: Point, ciphertext: Ciphertext,
    commitments: bytes | bytearray,
) -> bytes:
    """H("range", Q, label, lo, hi, K, alpha, beta, A_lo, B_lo, ..., A_hi, B_hi), ``commitments`` framed."""
    digest = sha512(_RANGE)
    digest.update(framed((context, label)))
    digest.update(_BOUNDS_KEY + low.to_bytes(8, "big") + _BOUNDS_KEY + high.to_bytes(8, "big") + _POINT_PART
                  + key.data + _POINT_PART + ciphertext.pad.data + _POINT_PART + ciphertext.data.data)
    digest.update(commitments)
    return digest.digest()


def _challenge(
    context: bytes, label: bytes, low: int, high: int, key: Point, ciphertext: Ciphertext,
    commitments: bytes | bytearray,
) -> int:
    """The range hash reduced mod l."""
    return int.from_bytes(_digest(context, label, low, high, key, ciphertext, commitments), "little") % L


def _scalars(encoded: bytes | bytearray) -> tuple[Scalar, ...]:
    """Scalars from libdecaf's 32-byte encodings (reduced: native.c wrote them)."""
    return tuple(Scalar(int.from_bytes(encoded[start : start + 32], "little")) for start in range(0, len(encoded), 32))


def prove_range(
    ciphertext: Ciphertext,
    value: int,
    nonce: Scalar,
    public_key: Point,
    low: int,
    high: int,
    context: bytes,
    label: bytes,
    rng: Randomness = SYSTEM,
) -> RangeProof:
    """Prove that ``ciphertext`` = Enc(value; nonce) with low <= value <= high.

    Draw t_j and c_j for every branch; A_j = t_j G, B_j = t_j K + (c_j (j - m)) G; then v_j = t_j + c_j r.
    The true branch m only differs in its c_j, zero before hashing and c - sum(others) after (so its B_m is
    t_m K). The group operations do not depend on m (Commitments.disjunctive: the n - 1 shifted G terms,
    then per branch the same table multiplications, constant-time selections and addition)."""
    if not low <= value <= high:
        raise ValueError(f"value {value} is outside {low}..{high}: no honest proof exists")
    branches = high - low + 1
    if native.lib is not None:
        return _prove_native(ciphertext, value - low, nonce, public_key, low, high, context, label, rng)
    commitments = Commitments(2 * branches)
    drawn = rng.bytes(128 * branches)  # t_j then c_j for each branch: 64 bytes each, in order
    blinds = [int.from_bytes(drawn[128 * offset : 128 * offset + 64], "little") % L for offset in range(branches)]
    challenges = [int.from_bytes(drawn[128 * offset + 64 : 128 * offset + 128], "little") % L * (low + offset != value)
                  for offset in range(branches)]
    commitments.disjunctive(fixed_base(public_key), blinds, [
        challenge * (low + offset - value) for offset, challenge in enumerate(challenges)], value - low)
    total = _challenge(context, label, low, high, public_key, ciphertext, commitments.framed())
    challenges[value - low] = (total - sum(challenges)) % L
    secret = nonce.value
    responses = tuple(Scalar((blind + challenge * secret) % L) for blind, challenge in zip(blinds, challenges, strict=True))
    return RangeProof(tuple(Scalar(challenge) for challenge in challenges), responses)


def _prove_native(ciphertext: Ciphertext, true: int, nonce: Scalar, public_key: Point, low: int, high: int,
                  context: bytes, label: bytes, rng: Randomness) -> RangeProof:
    """prove_range's work in two calls of native.c: the same draws, group operations and bytes."""
    slots, blinds, challenges = native.prove_commit(fixed_base(public_key).table, rng.bytes(128 * (high - low + 1)),
                                                    true)
    total = _digest(context, label, low, high, public_key, ciphertext, slots)
    responses = native.prove_respond(total, nonce.to_bytes(), true, blinds, challenges)
    return RangeProof(_scalars(challenges), _scalars(responses))


def encrypt_and_prove(value: int, public_key: Point, low: int, high: int, context: bytes, label: bytes,
                      rng: Randomness = SYSTEM) -> tuple[Ciphertext, Scalar, RangeProof]:
    """Encrypt ``value`` and prove it lies in low..high: (ciphertext, nonce, proof), exactly what
    ``random_scalar`` then ``encrypt`` and ``prove_range`` give with the same ``rng`` (the nonce's 64 bytes are
    drawn first), in one call of native.c where it is built."""
    if native.lib is None or not 0 <= low <= value <= high:
        nonce = random_scalar(rng)
        ciphertext = encrypt(value, public_key, nonce)
        return ciphertext, nonce, prove_range(ciphertext, value, nonce, public_key, low, high, context, label, rng)
    true = value - low
    pad, data, drawn_nonce, slots, blinds, challenges = native.encrypt_commit(
        fixed_base(public_key).table, small_multiple(value), rng.bytes(64 + 128 * (high - low + 1)), true)
    ciphertext = Ciphertext(pad, data)
    total = _digest(context, label, low, high, public_key, ciphertext, slots)
    responses = native.prove_respond(total, drawn_nonce, true, blinds, challenges)
    return ciphertext, Scalar(int.from_bytes(drawn_nonce, "little")), RangeProof(_scalars(challenges), _scalars(responses))


def verify_range(
    proof: RangeProof,
    ciphertext: Ciphertext,
    public_key: Point,
    low: int,
    high: int,
    context: bytes,
    label: bytes,
    where: str,
) -> None:
    """Raise InvalidProof unless ``ciphertext`` provably encrypts a value in low..high."""
    branches = high - low + 1
    if not 1 <= branches <= MAX_BRANCHES:
        raise InvalidProof(f"range {low}..{high} is empty or too wide", where)
    if len(proof.challenges) != branches or len(proof.responses) != branches:
        raise InvalidProof(f"expected {branches} branches, got {len(proof.challenges)} challenges and "
                           f"{len(proof.responses)} responses", where)
    if native.lib is not None:
        _verify_native(proof, ciphertext, public_key, low, high, context, label, where)
        return
    challenges = [c.value for c in proof.challenges]
    commitments = Commitments(2 * branches)
    # a = v G - c alpha; b = v K - c (beta - j G) = (c j) G - c beta + v K. All public: the G-and-point parts
    # are one variable-time double multiplication each, v K uses the key's table.
    commitments.verify_branches(fixed_base(public_key), ciphertext.pad, ciphertext.data, low, challenges,
                                [v.value for v in proof.responses])
    total = _challenge(context, label, low, high, public_key, ciphertext, commitments.framed())
    if sum(challenges) % L != total:
        raise InvalidProof(f"range proof for {low}..{high} does not verify", where)


def _verify_native(proof: RangeProof, ciphertext: Ciphertext, public_key: Point, low: int, high: int,
                   context: bytes, label: bytes, where: str) -> None:
    """verify_range's commitments in one call of native.c: the same group operations and bytes."""
    slots, total = native.verify_commit(
        public_key, ciphertext.pad.decoded(), ciphertext.data.decoded(), low,
        b"".join([c.value.to_bytes(32, "little") for c in proof.challenges]),
        b"".join([v.value.to_bytes(32, "little") for v in proof.responses]))
    if total != _challenge(context, label, low, high, public_key, ciphertext, slots):
        raise InvalidProof(f"range proof for {low}..{high} does not verify", where)
