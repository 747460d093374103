# SPDX-License-Identifier: Apache-2.0
"""Schnorr signatures over ristretto255 (docs/protocol.md 3.4): the commission, the board, the key holders
and every voter's credential sign with them. A signature is R ‖ s (64 bytes); the nonce is derived from the
secret key, the message and 32 fresh random bytes (hedged: deterministic under a seeded source, still
unpredictable if the random source fails)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shailoo.crypto.errors import InvalidEncoding, InvalidSignature
from shailoo.crypto.group import Point, Scalar, base_mul, hash_to_scalar, public_combination
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar

SIGNATURE_BYTES = 64


@dataclass(frozen=True, slots=True, repr=False)
class SigningKey:
    """A long-term key pair: secret a, public A = aG (a is never zero, A never the identity)."""

    secret: Scalar
    public: Point

    @staticmethod
    def from_secret(secret: Scalar) -> SigningKey:
        if secret.value == 0:
            raise ValueError("a signing key's secret is never zero")
        return SigningKey(secret, base_mul(secret))

    def __repr__(self) -> str:
        return f"SigningKey(public={self.public.hex()})"


def generate_signing_key(rng: Randomness = SYSTEM) -> SigningKey:
    while True:
        secret = random_scalar(rng)
        if secret.value:
            return SigningKey.from_secret(secret)


def _challenge(public: Point, commitment: bytes, purpose: str, parts: Sequence[bytes]) -> Scalar:
    return hash_to_scalar("signature", public.data, commitment, purpose.encode(), *parts)


def sign(key: SigningKey, purpose: str, parts: Sequence[bytes], rng: Randomness = SYSTEM) -> bytes:
    """Sign the message (purpose, parts): R = rG, c = Hs("signature", A, R, purpose, parts...), s = r + ca."""
    nonce = hash_to_scalar("signature-nonce", key.secret.to_bytes(), rng.bytes(32), purpose.encode(), *parts)
    commitment = base_mul(nonce).data
    challenge = _challenge(key.public, commitment, purpose, parts)
    return commitment + (nonce + challenge * key.secret).to_bytes()


def verify(public: Point, purpose: str, parts: Sequence[bytes], signature: bytes, where: str) -> None:
    """Raise InvalidSignature unless ``signature`` is public's signature on (purpose, parts).

    The check is sG - cA = R, compared as canonical encodings (one variable-time double multiplication:
    everything here is public)."""
    if len(signature) != SIGNATURE_BYTES:
        raise InvalidEncoding("a signature is 64 bytes", where)
    if public.is_identity():
        raise InvalidSignature("the identity is not a signing key", where, "identity")
    commitment = signature[:32]
    try:
        response = Scalar.from_bytes(signature[32:], where)
        Point.from_bytes(commitment, where)
    except InvalidEncoding as error:
        raise InvalidSignature(f"malformed signature: {error.what}", where) from error
    challenge = _challenge(public, commitment, purpose, parts)
    if public_combination(response, public, -challenge).data != commitment:
        raise InvalidSignature(f"{purpose} signature does not verify", where)
