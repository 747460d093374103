# SPDX-License-Identifier: Apache-2.0
"""The guarded decryption (docs/protocol.md 10.2): a key holder's partial decryption is made only from a
record the verifier itself checked and added up, and the results from partial decryptions that check."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shailoo.crypto import tally
from shailoo.crypto.group import Scalar, base_mul
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey
from shailoo.crypto.verify import VerifiedRecord


class DecryptionRefused(Exception):
    """The holder's program must not decrypt what it was given."""


def decrypt_share(verified: VerifiedRecord, holder: int, secret_share: Scalar, key: SigningKey,
                  rng: Randomness = SYSTEM) -> dict[str, Any]:
    """Holder j's signed partial decryption of the sums the verifier recomputed from the closed board.

    Refuses anything but a VerifiedRecord (the result of ``verify.verify_record``), a holder outside QUAL's
    share holders, a share whose x_j G is not the X_j the ceremony fixed, or a key not registered for j."""
    if not isinstance(verified, VerifiedRecord):
        raise DecryptionRefused("decrypt only what the verifier returned for a valid record")
    manifest = verified.manifest
    if not 1 <= holder <= manifest.holders:
        raise DecryptionRefused(f"holder {holder} is not a key holder of this election")
    if key.public != manifest.authorities.holder_key(holder):
        raise DecryptionRefused("this signing key is not the one registered for the holder")
    if base_mul(secret_share) != verified.ceremony.verification_key(holder):
        raise DecryptionRefused("this share is not the holder's share of the election key")
    return tally.make_partial(manifest, verified.tally, holder, secret_share, key, rng)


def check_share(verified: VerifiedRecord, data: Any, where: str = "decryption") -> tally.PartialDecryption:
    """The server's check of one posted partial decryption, as it arrives."""
    keys = [verified.ceremony.verification_key(j) for j in range(1, verified.manifest.holders + 1)]
    return tally.check_partial(verified.manifest, verified.tally, keys, data, where)


def combine_shares(verified: VerifiedRecord, partials: Sequence[tally.PartialDecryption]
                   ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """tally.json, decryptions.json and results.json from at least k checked partial decryptions."""
    manifest, counted = verified.manifest, verified.tally
    ordered = sorted(partials, key=lambda p: p.holder)
    points = tally.combine(counted, ordered, manifest.quorum)
    totals = tally.totals_from_points(points, counted.ballots_counted)
    return (tally.tally_json(manifest, counted), tally.decryptions_json(manifest, [p.json for p in ordered]),
            tally.results_json(manifest, counted.ballots_counted, totals))
