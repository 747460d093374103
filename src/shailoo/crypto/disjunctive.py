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
) -> RangeProof:
    """Prove that ``ciphertext`` = Enc(value; nonce) with low <= value <= high."""
    if not low <= value <= high:
        raise ValueError(f"value {value} is outside {low}..{high}: no honest proof exists")
    commitments: list[Point] = []
    challenges: list[Scalar] = []
    responses: list[Scalar] = []
    real_nonce = Scalar.random()
    key = fixed_base(public_key)
    for branch in range(low, high + 1):
        if branch == value:
            commitments += [base_mul(real_nonce), key.mul(real_nonce)]
            challenges.append(Scalar(0))
            responses.append(Scalar(0))
            continue
        # Simulated branch: with t random and v = t + c r, the verifier recomputes a = tG and
        # b = tK + c (j - m) G; knowing r lets us build them without the four generic multiplications.
        challenge, blind = Scalar.random(), Scalar.random()
        shift = base_mul(challenge * Scalar(branch - value))
        commitments += [base_mul(blind), key.mul(blind) + shift]
        challenges.append(challenge)
        responses.append(blind + challenge * nonce)
    total = _challenge(context, label, low, high, public_key, ciphertext, commitments)
    index = value - low
    others = Scalar(sum(c.value for c in challenges))
    challenges[index] = total - others
    responses[index] = real_nonce + challenges[index] * nonce
    return RangeProof(tuple(challenges), tuple(responses))


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
