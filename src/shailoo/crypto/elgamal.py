# SPDX-License-Identifier: Apache-2.0
"""Exponential ElGamal over ristretto255: (alpha, beta) = (rG, rK + mG), added component-wise."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import (
    GENERATOR,
    IDENTITY,
    Point,
    PointSum,
    Scalar,
    base_mul,
    fixed_base,
    small_multiple,
)


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An encryption of g^m: ``pad`` is alpha = rG, ``data`` is beta = rK + mG."""

    pad: Point
    data: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.pad + other.pad, self.data + other.data)

    def scale(self, factor: int) -> Ciphertext:
        """An encryption of factor * m, for a small public factor >= 0."""
        return weighted_sum((self,), (factor,))


ZERO_CIPHERTEXT = Ciphertext(IDENTITY, IDENTITY)


def encrypt(message: int, public_key: Point, nonce: Scalar) -> Ciphertext:
    """Encrypt the small non-negative integer ``message`` with the given nonce r (the key's precomputed table
    makes r K as cheap as r G)."""
    if message < 0:
        raise ValueError("exponential ElGamal encrypts non-negative integers")
    # No branch on the message (a vote): adding 0 G costs one cheap addition.
    return Ciphertext(*fixed_base(public_key).encrypt(nonce, small_multiple(message)))


def weighted_sum(ciphertexts: Iterable[Ciphertext], weights: Iterable[int]) -> Ciphertext:
    """Sum of weight * ciphertext for small public weights >= 0 (an "against all" mark weighs max): point
    additions in place, doubling and adding for a weight above 1, in variable time (all public)."""
    pads, datas = PointSum(), PointSum()
    for ciphertext, weight in zip(ciphertexts, weights, strict=True):
        pads.add_multiple(ciphertext.pad, weight)
        datas.add_multiple(ciphertext.data, weight)
    return Ciphertext(pads.point(), datas.point())


def decrypt_to_point(ciphertext: Ciphertext, secret: Scalar) -> Point:
    """mG = beta - s * alpha."""
    return ciphertext.data - ciphertext.pad * secret


class DiscreteLogNotFound(CryptoError):
    """The point is not mG for any m in the searched range."""


class DiscreteLog:
    """Baby-step giant-step for m in [0, bound]: about 2*sqrt(bound) group additions per search."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.step = max(1, math.isqrt(bound) + 1)
        self._baby: dict[bytes, int] = {}
        point = IDENTITY
        for index in range(self.step):
            self._baby[point.data] = index
            point = point + GENERATOR
        self._giant = small_multiple(self.step) if self.step < 4096 else base_mul(Scalar(self.step))

    def find(self, point: Point) -> int:
        current = point
        for giant in range(self.step + 1):
            found = self._baby.get(current.data)
            if found is not None:
                value = giant * self.step + found
                if value <= self.bound:
                    return value
                break
            current = current - self._giant
        raise DiscreteLogNotFound(f"no discrete log within [0, {self.bound}]")
