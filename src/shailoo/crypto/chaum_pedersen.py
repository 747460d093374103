# SPDX-License-Identifier: Apache-2.0
"""Chaum-Pedersen proof that log_{g1}(h1) = log_{g2}(h2), made non-interactive (Fiat-Shamir)."""
from __future__ import annotations

from dataclasses import dataclass

from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import GENERATOR, Point, Scalar, base_mul, hash_to_scalar, public_combination
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar


@dataclass(frozen=True, slots=True)
class ChaumPedersenProof:
    """``challenge`` c = H(context, label, g1, h1, g2, h2, a1, a2); ``response`` v = u + c x."""

    challenge: Scalar
    response: Scalar


def _times(base: Point, scalar: Scalar) -> Point:
    return base_mul(scalar) if base == GENERATOR else base * scalar


def _recomputed_commitment(base: Point, public: Point, proof: ChaumPedersenProof) -> Point:
    """v base - c public, in one variable-time double multiplication when the base is G (all public)."""
    if base == GENERATOR:
        return public_combination(proof.response, public, -proof.challenge)
    return base * proof.response - public * proof.challenge


def _challenge(context: bytes, label: bytes, points: tuple[Point, ...]) -> Scalar:
    return hash_to_scalar("chaum-pedersen", context, label, *(point.data for point in points))


def prove_equal_logs(
    secret: Scalar, base1: Point, base2: Point, context: bytes, label: bytes, rng: Randomness = SYSTEM
) -> tuple[Point, Point, ChaumPedersenProof]:
    """Return (h1, h2, proof) with h1 = x*base1, h2 = x*base2."""
    public1, public2 = _times(base1, secret), _times(base2, secret)
    nonce = random_scalar(rng)
    commitments = (_times(base1, nonce), _times(base2, nonce))
    challenge = _challenge(context, label, (base1, public1, base2, public2, *commitments))
    return public1, public2, ChaumPedersenProof(challenge, nonce + challenge * secret)


def verify_equal_logs(
    proof: ChaumPedersenProof,
    base1: Point,
    public1: Point,
    base2: Point,
    public2: Point,
    context: bytes,
    label: bytes,
    where: str,
) -> None:
    """Raise InvalidProof unless log_{base1}(public1) = log_{base2}(public2) is proven."""
    commitment1 = _recomputed_commitment(base1, public1, proof)
    commitment2 = _recomputed_commitment(base2, public2, proof)
    expected = _challenge(context, label, (base1, public1, base2, public2, commitment1, commitment2))
    if expected != proof.challenge:
        raise InvalidProof("Chaum-Pedersen proof does not verify", where)
