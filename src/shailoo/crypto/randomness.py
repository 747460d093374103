# SPDX-License-Identifier: Apache-2.0
"""Where every nonce and secret comes from: an explicit source passed down to each function that draws.

Production code uses ``SYSTEM`` (the operating system's CSPRNG through ``secrets``), the default of every
function. ``SeededRandomness`` replays a fixed stream so that docs/vectors/ can be recomputed byte for byte;
it exists only as an object that code must construct and pass on purpose (no environment variable, no
global switch), and it announces itself in its repr.
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Protocol

from shailoo.crypto.group import Scalar


class Randomness(Protocol):
    """A source of uniform bytes. Scalars are drawn as 64 bytes reduced mod l (docs/protocol.md 2)."""

    def bytes(self, count: int) -> bytes: ...


class SystemRandomness:
    """The operating system's CSPRNG (``secrets.token_bytes``)."""

    def bytes(self, count: int) -> bytes:
        return secrets.token_bytes(count)

    def __repr__(self) -> str:
        return "SystemRandomness()"


class SeededRandomness:
    """A deterministic stream for known-answer vectors ONLY: block i of the stream is
    SHA-512("shailoo/v2/vector-randomness" ‖ seed ‖ i as 8 bytes big-endian), consumed in order.
    Anyone who knows the seed knows every secret drawn from it."""

    def __init__(self, seed: bytes) -> None:
        if not seed:
            raise ValueError("a seeded stream needs a seed")
        self.seed = seed
        self._counter = 0
        self._buffer = b""

    def bytes(self, count: int) -> bytes:
        while len(self._buffer) < count:
            block = hashlib.sha512(
                b"shailoo/v2/vector-randomness" + self.seed + self._counter.to_bytes(8, "big")
            ).digest()
            self._buffer += block
            self._counter += 1
        out, self._buffer = self._buffer[:count], self._buffer[count:]
        return out

    def __repr__(self) -> str:
        return f"SeededRandomness(seed={self.seed.hex()}) - NOT RANDOM, for known-answer vectors only"


SYSTEM: Randomness = SystemRandomness()


def random_scalar(rng: Randomness) -> Scalar:
    """A uniform scalar: 64 bytes from ``rng`` reduced mod l."""
    return Scalar.from_uniform(rng.bytes(64))
