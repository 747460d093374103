# SPDX-License-Identifier: Apache-2.0
"""ceremony.json: the whole ceremony transcript (every round's signed messages, QUAL, K and the final
signatures), checked message by message as a holder or the server would have, and a whole ceremony run
in one process for simulations, tests and vectors."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import ceremony as c
from shailoo.crypto import codec
from shailoo.crypto.errors import InvalidRecord
from shailoo.crypto.group import Point, Scalar
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey

KIND = "ceremony"


@dataclass(frozen=True, slots=True)
class CeremonyResult:
    """A checked ceremony: who qualified, the joint key K, and every dealer's commitments (for X_j)."""

    ceremony: c.Ceremony
    keys: tuple[c.KeyMessage, ...]
    qualified: tuple[int, ...]
    joint_public_key: Point

    def verification_key(self, holder: int) -> Point:
        return c.verification_key(self.keys, self.qualified, holder)


def transcript_json(ceremony: c.Ceremony, keys: list[dict[str, Any]], shares: list[dict[str, Any]],
                    checks: list[dict[str, Any]], qualified: tuple[int, ...], joint_key: Point,
                    finals: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": codec.VERSION, "kind": KIND, "manifest_hash": ceremony.manifest.digest.hex(),
        "attempt": ceremony.attempt, "keys": keys, "shares": shares, "checks": checks,
        "qualified": list(qualified), "joint_public_key": joint_key.hex(), "finals": finals,
    }


def check_transcript(manifest: Any, data: Any, where: str = "ceremony.json") -> CeremonyResult:
    """Check ceremony.json completely; raise CryptoError with the failed check's code."""
    codec.header(data, where, KIND, ("manifest_hash", "attempt", "keys", "shares", "checks", "qualified",
                                     "joint_public_key", "finals"))
    if codec.hex_field(data, "manifest_hash", 64, where) != manifest.digest:
        raise InvalidRecord("manifest_hash is not the hash of manifest.json", where, "ceremony.manifest-hash")
    ceremony = c.Ceremony(manifest, codec.integer(data, "attempt", where, 1))
    n = ceremony.holders
    keys = tuple(c.check_key_message(ceremony, m, f"{where} keys[{i}]")
                 for i, m in enumerate(codec.items(data, "keys", where, n, n)))
    c.check_round(ceremony, keys, c.KEY)
    shares = tuple(c.check_shares_message(ceremony, m, keys, f"{where} shares[{i}]")
                   for i, m in enumerate(codec.items(data, "shares", where, n, n)))
    c.check_round(ceremony, shares, c.SHARES)
    checks = tuple(c.check_check_message(ceremony, m, keys, shares, f"{where} checks[{i}]")
                   for i, m in enumerate(codec.items(data, "checks", where, n, n)))
    c.check_round(ceremony, checks, c.CHECK)
    qualified, joint_key = c.outcome(ceremony, keys, shares, checks)
    stated = codec.integers(data, "qualified", where, 1, n, 0, n)
    # [true, 2, 3] equals [1, 2, 3] in Python (True == 1): the record's dealers must be integers too.
    if stated != list(qualified):
        raise InvalidRecord(f"qualified dealers are {list(qualified)}, the record says {stated}", where,
                            "ceremony.qualified")
    if codec.point(data, "joint_public_key", where) != joint_key:
        raise InvalidRecord("joint public key is not the sum of the qualified dealers' commitments", where,
                            "ceremony.joint-key")
    finals = codec.items(data, "finals", where, len(qualified), len(qualified))
    for position, (holder, final) in enumerate(zip(qualified, finals, strict=True)):
        here = f"{where} finals[{position}]"
        if c.check_final(ceremony, final, checks, qualified, joint_key, here) != holder:
            raise InvalidRecord("finals come from every qualified holder, in order", here, "ceremony.final")
    return CeremonyResult(ceremony, keys, qualified, joint_key)


@dataclass(frozen=True, slots=True)
class CeremonyRun:
    """A whole ceremony run in one process: its transcript, its result, and each holder's secret share."""

    transcript: dict[str, Any]
    result: CeremonyResult
    secret_shares: dict[int, Scalar]


def run_ceremony(manifest: Any, holder_keys: Mapping[int, SigningKey], rng: Randomness = SYSTEM,
                 cheats: Mapping[int, frozenset[int]] | None = None, attempt: int = 1) -> CeremonyRun:
    """Every holder in turn, round by round, as shailoo-keyholder would; every message is checked by the
    same functions the holders and the server use. Draws: each holder's secrets (holder order), then round
    by round each holder's message in holder order."""
    ceremony = c.Ceremony(manifest, attempt)
    n = ceremony.holders
    cheats = cheats or {}
    secrets = {i: c.start_holder(ceremony, i, rng) for i in range(1, n + 1)}
    key_json = [c.make_key_message(ceremony, secrets[i], holder_keys[i], rng) for i in secrets]
    keys = tuple(c.check_key_message(ceremony, m, f"keys[{i}]") for i, m in enumerate(key_json))
    shares_json = [c.make_shares_message(ceremony, secrets[i], keys, holder_keys[i], rng, cheats.get(i, frozenset()))
                   for i in secrets]
    shares = tuple(c.check_shares_message(ceremony, m, keys, f"shares[{i}]") for i, m in enumerate(shares_json))
    checks_json, received = [], {}
    for i in secrets:
        message, received[i] = c.make_check_message(ceremony, secrets[i], keys, shares, holder_keys[i], rng)
        checks_json.append(message)
    checks = tuple(c.check_check_message(ceremony, m, keys, shares, f"checks[{i}]") for i, m in enumerate(checks_json))
    qualified, joint_key = c.outcome(ceremony, keys, shares, checks)
    finals = [c.make_final(ceremony, j, checks, qualified, joint_key, holder_keys[j], rng) for j in qualified]
    transcript = transcript_json(ceremony, key_json, shares_json, checks_json, qualified, joint_key, finals)
    shares_of = {j: c.secret_share(received[j], qualified) for j in secrets
                 if set(qualified) <= set(received[j])}
    return CeremonyRun(transcript, CeremonyResult(ceremony, keys, qualified, joint_key), shares_of)
