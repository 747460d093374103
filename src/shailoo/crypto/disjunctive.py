# SPDX-License-Identifier: Apache-2.0
"""Disjunctive Chaum-Pedersen proofs that a ciphertext encrypts one value of lo..hi (0/1 is lo=0, hi=1).

Branch j claims (A, B - jG) = (rG, rK). The prover answers the true branch and simulates the others; the
challenges of all branches sum to the Fiat-Shamir hash of every commitment.
"""
from __future__ import annotations

from dataclasses import dataclass

from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import (
    Point,
    Scalar,
    base_mul,
    encode_int,
    fixed_base,
    hash_to_scalar,
    public_combination,
)
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar

#: Largest number of branches accepted, so that a hostile record cannot make the verifier loop for long.
MAX_BRANCHES = 256


@dataclass(frozen=True, slots=True)
class RangeProof:
    """Per branch j = lo..hi: ``challenges`` c_j and ``responses`` v_j, sum of c_j = H(...)."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]


def _challenge(
    context: bytes, label: bytes, low: int, high: int, key: Point, ciphertext: Ciphertext, commitments: list[Point]
) -> Scalar:
    return hash_to_scalar(
        "range",
        context,
        label,
        encode_int(low),
        encode_int(high),
        key.data,
        ciphertext.pad.data,
        ciphertext.data.data,
        *(point.data for point in commitments),
    )


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

    Every branch j does the same group operations, in the same order: draw t_j and c_j, A_j = t_j G,
    B_j = t_j K + (c_j (j - m)) G, then v_j = t_j + c_j r. The true branch m only differs in its c_j, set
    to zero before and to c - sum(others) after hashing (so its B_m is t_m K + 0 G)."""
    if not low <= value <= high:
        raise ValueError(f"value {value} is outside {low}..{high}: no honest proof exists")
    commitments: list[Point] = []
    blinds: list[Scalar] = []
    challenges: list[Scalar] = []
    key = fixed_base(public_key)
    for branch in range(low, high + 1):
        blind, drawn = random_scalar(rng), random_scalar(rng)
        challenge = Scalar(drawn.value * (branch != value))
        commitments.append(base_mul(blind))
        commitments.append(key.mul(blind) + base_mul(challenge * Scalar(branch - value)))
        blinds.append(blind)
        challenges.append(challenge)
    total = _challenge(context, label, low, high, public_key, ciphertext, commitments)
    challenges[value - low] = total - Scalar(sum(c.value for c in challenges))
    responses = tuple(blind + challenge * nonce for blind, challenge in zip(blinds, challenges, strict=True))
    return RangeProof(tuple(challenges), responses)


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
        raise InvalidProof(f"expected {branches} branches, got {len(proof.challenges)}", where)
    commitments: list[Point] = []
    key = fixed_base(public_key)
    for offset in range(branches):
        challenge, response = proof.challenges[offset], proof.responses[offset]
        # a = v G - c alpha; b = v K - c (beta - j G) = v K + (c j) G - c beta. All public: the G-and-point
        # parts are one variable-time double multiplication each, v K uses the key's table.
        commitments.append(public_combination(response, ciphertext.pad, -challenge))
        shift = public_combination(challenge * Scalar(low + offset), ciphertext.data, -challenge)
        commitments.append(key.mul(response) + shift)
    total = _challenge(context, label, low, high, public_key, ciphertext, commitments)
    if Scalar(sum(c.value for c in proof.challenges)) != total:
        raise InvalidProof(f"range proof for {low}..{high} does not verify", where)
