# SPDX-License-Identifier: Apache-2.0
"""The tally (docs/protocol.md 10): homomorphic sums of the counted ballots, partial decryptions signed by
their holders with Chaum-Pedersen proofs, Lagrange combination and the totals by bounded discrete log."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec, jcs, signature
from shailoo.crypto.ballot import EncryptedBallot
from shailoo.crypto.chaum_pedersen import ChaumPedersenProof, prove_equal_logs, verify_equal_logs
from shailoo.crypto.elgamal import ZERO_CIPHERTEXT, Ciphertext, DiscreteLog
from shailoo.crypto.errors import CryptoError, InvalidProof, InvalidRecord
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Point, Scalar, base_mul
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey

#: Sums per contest, per option, in manifest order.
Sums = tuple[tuple[Ciphertext, ...], ...]
DECRYPTION = "decryption"


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    sums: Sums
    ballots_counted: int
    head: bytes  # the board's final head: the sums are those of this board


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Holder j's M_j = x_j A for each sum A, with a proof that log_G X_j = log_A M_j."""

    holder: int
    shares: tuple[tuple[tuple[Point, ChaumPedersenProof], ...], ...]
    json: dict[str, Any]


def empty_sums(manifest: Manifest) -> Sums:
    return tuple(tuple(ZERO_CIPHERTEXT for _ in contest.options) for contest in manifest.contests)


def add_ballot(sums: Sums, ballot: EncryptedBallot) -> Sums:
    return tuple(
        tuple(total + selection.ciphertext for total, selection in zip(row, contest.selections, strict=True))
        for row, contest in zip(sums, ballot.contests, strict=True)
    )


def add_sums(left: Sums, right: Sums) -> Sums:
    return tuple(tuple(a + b for a, b in zip(x, y, strict=True)) for x, y in zip(left, right, strict=True))


def subtract_sums(left: Sums, right: Sums) -> Sums:
    return tuple(
        tuple(Ciphertext(a.pad - b.pad, a.data - b.data) for a, b in zip(x, y, strict=True))
        for x, y in zip(left, right, strict=True)
    )


def _label(holder: int, contest_id: str, option_id: str) -> bytes:
    return codec.label("decryption", str(holder), contest_id, option_id)


def make_partial(manifest: Manifest, tally: EncryptedTally, holder: int, secret_share: Scalar, key: SigningKey,
                 rng: Randomness = SYSTEM) -> dict[str, Any]:
    """Holder j's signed decryption message. Call it through decryption.decrypt_share, which only takes a
    verified record's sums."""
    contests = []
    for contest, row in zip(manifest.contests, tally.sums, strict=True):
        options = []
        for option, total in zip(contest.options, row, strict=True):
            _, share, proof = prove_equal_logs(secret_share, GENERATOR, total.pad, manifest.digest,
                                               _label(holder, contest.contest_id, option.option_id), rng)
            options.append({"option_id": option.option_id, "share": share.hex(), "proof": codec.proof_to_json(proof)})
        contests.append({"contest_id": contest.contest_id, "options": options})
    body = {"kind": DECRYPTION, "holder": holder, "head": tally.head.hex(), "contests": contests}
    signed = signature.sign(key, DECRYPTION, [manifest.digest, jcs.canonical(body)], rng)
    return {**body, "signature": signed.hex()}


def _grid(manifest: Manifest, data: Any, where: str) -> list[list[dict[str, Any]]]:
    """Rows of option objects in manifest order, checked against the manifest's ids."""
    if not isinstance(data, list) or len(data) != len(manifest.contests):
        raise InvalidRecord("contests differ from the manifest", where, "schema.shape")
    grid = []
    for contest, raw in zip(manifest.contests, data, strict=True):
        codec.fields(raw, where, ("contest_id", "options"))
        if raw["contest_id"] != contest.contest_id:
            raise InvalidRecord(f"expected contest {contest.contest_id}", where, "schema.shape")
        options = codec.items(raw, "options", where, len(contest.options), len(contest.options))
        for option, expected in zip(options, contest.option_ids, strict=True):
            if not isinstance(option, dict) or option.get("option_id") != expected:
                raise InvalidRecord(f"options of {contest.contest_id} differ from the manifest", where, "schema.shape")
        grid.append(options)
    return grid


def check_partial(manifest: Manifest, tally: EncryptedTally, verification_keys: Sequence[Point], data: Any,
                  where: str) -> PartialDecryption:
    """One holder's decryption message: signed by the holder, for this board's head, every proof valid."""
    codec.fields(data, where, ("kind", "holder", "head", "contests", "signature"))
    if data["kind"] != DECRYPTION:
        raise InvalidRecord("expected a decryption message", where, "decryption.schema")
    holder = codec.integer(data, "holder", where, 1, manifest.holders)
    here = f"{where} holder {holder}"
    body = {k: v for k, v in data.items() if k != "signature"}
    try:
        signature.verify(manifest.authorities.holder_key(holder), DECRYPTION, [manifest.digest, jcs.canonical(body)],
                         codec.hex_field(data, "signature", 64, here), here)
    except CryptoError as error:
        raise InvalidRecord(f"not signed by holder {holder}'s key ({error.what})", here, "decryption.signature") from error
    if codec.hex_field(data, "head", 64, here) != tally.head:
        raise InvalidRecord("decrypts another board (head differs)", here, "decryption.head")
    rows = []
    for contest, row, options in zip(manifest.contests, tally.sums, _grid(manifest, data["contests"], here), strict=True):
        cells = []
        for option, total, raw in zip(contest.options, row, options, strict=True):
            at = f"{here} {contest.contest_id}/{option.option_id}"
            codec.fields(raw, at, ("option_id", "share", "proof"))
            share = codec.point(raw, "share", at)
            proof = codec.chaum_pedersen_from_json(raw["proof"], f"{at}.proof")
            try:
                verify_equal_logs(proof, GENERATOR, verification_keys[holder - 1], total.pad, share, manifest.digest,
                                  _label(holder, contest.contest_id, option.option_id), at)
            except CryptoError as error:
                raise InvalidProof(error.what, at, "decryption.proof") from error
            cells.append((share, proof))
        rows.append(tuple(cells))
    return PartialDecryption(holder, tuple(rows), data)


def lagrange_at_zero(holder: int, holders: Sequence[int]) -> Scalar:
    numerator, denominator = 1, 1
    for other in holders:
        if other != holder:
            numerator = numerator * other % L
            denominator = denominator * (other - holder) % L
    return Scalar(numerator * pow(denominator, -1, L) % L)


def combine(tally: EncryptedTally, partials: Sequence[PartialDecryption], quorum: int) -> tuple[tuple[Point, ...], ...]:
    """T G = B - sum_j lambda_j M_j for each sum, from at least ``quorum`` distinct holders."""
    holders = [p.holder for p in partials]
    if holders != sorted(set(holders)):
        raise InvalidRecord("partial decryptions come from distinct holders in increasing order", "decryptions.json",
                            "decryption.holders")
    if len(holders) < quorum:
        raise InvalidRecord(f"{len(holders)} partial decryptions, the quorum is {quorum}", "decryptions.json",
                            "decryption.quorum")
    weights = [lagrange_at_zero(h, holders) for h in holders]
    rows = []
    for c, row in enumerate(tally.sums):
        cells = []
        for o, total in enumerate(row):
            combined = IDENTITY
            for weight, partial in zip(weights, partials, strict=True):
                combined = combined + partial.shares[c][o][0] * weight
            cells.append(total.data - combined)
        rows.append(tuple(cells))
    return tuple(rows)


def totals_from_points(points: tuple[tuple[Point, ...], ...], bound: int) -> tuple[tuple[int, ...], ...]:
    search = DiscreteLog(max(bound, 1))
    return tuple(tuple(search.find(point) for point in row) for row in points)


def check_totals(points: tuple[tuple[Point, ...], ...], totals: tuple[tuple[int, ...], ...]) -> None:
    """The published totals t satisfy t G = T G (no discrete log needed to check)."""
    for c, (row, numbers) in enumerate(zip(points, totals, strict=True)):
        for o, (point, number) in enumerate(zip(row, numbers, strict=True)):
            if base_mul(Scalar(number)) != point:
                raise InvalidProof(f"total {number} does not match the decryption", f"results.json [{c}][{o}]",
                                   "results.total")


def sums_to_json(manifest: Manifest, sums: Sums) -> list[dict[str, Any]]:
    return [
        {"contest_id": contest.contest_id, "options": [
            {"option_id": option.option_id, **codec.ciphertext_to_json(total)}
            for option, total in zip(contest.options, row, strict=True)
        ]}
        for contest, row in zip(manifest.contests, sums, strict=True)
    ]


def tally_json(manifest: Manifest, tally: EncryptedTally) -> dict[str, Any]:
    return {"version": codec.VERSION, "kind": "tally", "manifest_hash": manifest.digest.hex(),
            "head": tally.head.hex(), "ballots_counted": tally.ballots_counted,
            "contests": sums_to_json(manifest, tally.sums)}


def tally_from_json(manifest: Manifest, data: Any, where: str) -> EncryptedTally:
    codec.header(data, where, "tally", ("manifest_hash", "head", "ballots_counted", "contests"))
    if codec.hex_field(data, "manifest_hash", 64, where) != manifest.digest:
        raise InvalidRecord("manifest_hash is not the hash of manifest.json", where, "tally.manifest-hash")
    sums = []
    for row in _grid(manifest, data["contests"], where):
        cells = []
        for raw in row:
            codec.fields(raw, where, ("option_id", "pad", "data"))
            cells.append(Ciphertext(codec.point(raw, "pad", where), codec.point(raw, "data", where)))
        sums.append(tuple(cells))
    return EncryptedTally(tuple(sums), codec.integer(data, "ballots_counted", where),
                          codec.hex_field(data, "head", 64, where))


def decryptions_json(manifest: Manifest, partials: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"version": codec.VERSION, "kind": "decryptions", "manifest_hash": manifest.digest.hex(),
            "partial_decryptions": list(partials)}


def results_json(manifest: Manifest, ballots_counted: int, totals: tuple[tuple[int, ...], ...]) -> dict[str, Any]:
    return {
        "version": codec.VERSION, "kind": "results", "manifest_hash": manifest.digest.hex(),
        "ballots_counted": ballots_counted,
        "contests": [
            {"contest_id": contest.contest_id, "options": [
                {"option_id": option.option_id, "total": total} for option, total in zip(contest.options, row, strict=True)
            ]}
            for contest, row in zip(manifest.contests, totals, strict=True)
        ],
    }


def totals_from_json(manifest: Manifest, data: Any, where: str) -> tuple[int, tuple[tuple[int, ...], ...]]:
    codec.header(data, where, "results", ("manifest_hash", "ballots_counted", "contests"))
    if codec.hex_field(data, "manifest_hash", 64, where) != manifest.digest:
        raise InvalidRecord("manifest_hash is not the hash of manifest.json", where, "results.manifest-hash")
    rows = []
    for row in _grid(manifest, data["contests"], where):
        numbers = []
        for raw in row:
            codec.fields(raw, where, ("option_id", "total"))
            numbers.append(codec.integer(raw, "total", where))
        rows.append(tuple(numbers))
    return codec.integer(data, "ballots_counted", where), tuple(rows)
