# SPDX-License-Identifier: Apache-2.0
"""Schnorr proof of knowledge of x with X = xG, made non-interactive with a domain-separated hash."""
from __future__ import annotations

from dataclasses import dataclass

from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import Point, Scalar, base_mul, hash_to_scalar, public_combination
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar


@dataclass(frozen=True, slots=True)
class SchnorrProof:
    """``challenge`` c = H(context, label, X, a); ``response`` v = u + c x, with a = uG."""

    challenge: Scalar
    response: Scalar


def _challenge(context: bytes, label: bytes, public: Point, commitment: Point) -> Scalar:
    return hash_to_scalar("schnorr", context, label, public.data, commitment.data)


def prove_knowledge(
    secret: Scalar, public: Point, context: bytes, label: bytes, rng: Randomness = SYSTEM
) -> SchnorrProof:
    nonce = random_scalar(rng)
    challenge = _challenge(context, label, public, base_mul(nonce))
    return SchnorrProof(challenge, nonce + challenge * secret)


def verify_knowledge(proof: SchnorrProof, public: Point, context: bytes, label: bytes, where: str) -> None:
    """Raise InvalidProof unless the proof shows knowledge of log_G(public) for this context and label."""
    commitment = public_combination(proof.response, public, -proof.challenge)
    if _challenge(context, label, public, commitment) != proof.challenge:
        raise InvalidProof("Schnorr proof does not verify", where)
