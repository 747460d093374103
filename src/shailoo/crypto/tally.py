# SPDX-License-Identifier: Apache-2.0
"""The tally: homomorphic sums of counted ballots, partial decryptions with Chaum-Pedersen proofs by any
k holders, Lagrange combination and the totals by bounded discrete log."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec
from shailoo.crypto.ballot import EncryptedBallot
from shailoo.crypto.chaum_pedersen import ChaumPedersenProof, prove_equal_logs, verify_equal_logs
from shailoo.crypto.elgamal import ZERO_CIPHERTEXT, Ciphertext, DiscreteLog
from shailoo.crypto.errors import InvalidProof, InvalidRecord
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Point, Scalar, base_mul
from shailoo.crypto.manifest import Manifest

#: Sums per contest, per option, in manifest order.
Sums = tuple[tuple[Ciphertext, ...], ...]


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    sums: Sums
    ballots_counted: int


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Holder j's M_j = x_j A for each sum A, with a proof that log_G X_j = log_A M_j."""

    holder: int
    shares: tuple[tuple[tuple[Point, ChaumPedersenProof], ...], ...]


def empty_sums(manifest: Manifest) -> Sums:
    return tuple(tuple(ZERO_CIPHERTEXT for _ in contest.options) for contest in manifest.contests)


def add_ballot(sums: Sums, ballot: EncryptedBallot) -> Sums:
    return tuple(
        tuple(total + selection.ciphertext for total, selection in zip(row, contest.selections, strict=True))
        for row, contest in zip(sums, ballot.contests, strict=True)
    )


def add_sums(left: Sums, right: Sums) -> Sums:
    return tuple(tuple(a + b for a, b in zip(x, y, strict=True)) for x, y in zip(left, right, strict=True))


def accumulate(manifest: Manifest, ballots: Iterable[EncryptedBallot]) -> EncryptedTally:
    sums, count = empty_sums(manifest), 0
    for ballot in ballots:
        sums, count = add_ballot(sums, ballot), count + 1
    return EncryptedTally(sums, count)


def _label(holder: int, contest_id: str, option_id: str) -> bytes:
    return codec.label("decryption", str(holder), contest_id, option_id)


def partially_decrypt(
    manifest: Manifest, tally: EncryptedTally, holder: int, secret_share: Scalar, context: bytes
) -> PartialDecryption:
    rows = []
    for contest, row in zip(manifest.contests, tally.sums, strict=True):
        cells = []
        for option, total in zip(contest.options, row, strict=True):
            _, share, proof = prove_equal_logs(
                secret_share, GENERATOR, total.pad, context, _label(holder, contest.contest_id, option.option_id)
            )
            cells.append((share, proof))
        rows.append(tuple(cells))
    return PartialDecryption(holder, tuple(rows))


def verify_partial(
    manifest: Manifest, tally: EncryptedTally, partial: PartialDecryption, verification_key: Point, context: bytes
) -> None:
    where = f"decryptions.json holder {partial.holder}"
    if len(partial.shares) != len(manifest.contests):
        raise InvalidRecord("partial decryption does not cover every contest", where)
    for contest, row, cells in zip(manifest.contests, tally.sums, partial.shares, strict=True):
        if len(cells) != len(contest.options):
            raise InvalidRecord(f"partial decryption does not cover contest {contest.contest_id}", where)
        for option, total, (share, proof) in zip(contest.options, row, cells, strict=True):
            verify_equal_logs(
                proof, GENERATOR, verification_key, total.pad, share, context,
                _label(partial.holder, contest.contest_id, option.option_id),
                f"{where} {contest.contest_id}/{option.option_id}",
            )


def lagrange_at_zero(holder: int, holders: Sequence[int]) -> Scalar:
    numerator, denominator = 1, 1
    for other in holders:
        if other != holder:
            numerator = numerator * other % L
            denominator = denominator * (other - holder) % L
    return Scalar(numerator * pow(denominator, -1, L) % L)


def combine(
    tally: EncryptedTally, partials: Sequence[PartialDecryption], quorum: int
) -> tuple[tuple[Point, ...], ...]:
    """T G = B - sum_j lambda_j M_j for each sum, from at least ``quorum`` distinct holders."""
    holders = [p.holder for p in partials]
    if len(set(holders)) != len(holders):
        raise InvalidRecord("a holder decrypted twice", "decryptions.json")
    if len(holders) < quorum:
        raise InvalidRecord(f"{len(holders)} partial decryptions, the quorum is {quorum}", "decryptions.json")
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
    search = DiscreteLog(bound)
    return tuple(tuple(search.find(point) for point in row) for row in points)


def check_totals(points: tuple[tuple[Point, ...], ...], totals: tuple[tuple[int, ...], ...]) -> None:
    """The published totals t satisfy t G = T G (no discrete log needed to check)."""
    for c, (row, numbers) in enumerate(zip(points, totals, strict=True)):
        for o, (point, number) in enumerate(zip(row, numbers, strict=True)):
            if base_mul(Scalar(number)) != point:
                raise InvalidProof(f"total {number} does not match the decryption", f"results.json [{c}][{o}]")


def sums_to_json(manifest: Manifest, sums: Sums) -> list[dict[str, Any]]:
    return [
        {
            "contest_id": contest.contest_id,
            "options": [
                {"option_id": option.option_id, **codec.ciphertext_to_json(total)}
                for option, total in zip(contest.options, row, strict=True)
            ],
        }
        for contest, row in zip(manifest.contests, sums, strict=True)
    ]


def _grid(manifest: Manifest, data: Any, where: str) -> list[list[Any]]:
    """Rows of option objects in manifest order, checked against the manifest's ids."""
    rows = data if isinstance(data, list) else None
    if rows is None or len(rows) != len(manifest.contests):
        raise InvalidRecord("contests differ from the manifest", where)
    grid = []
    for contest, raw in zip(manifest.contests, rows, strict=True):
        if codec.text(raw, "contest_id", where) != contest.contest_id:
            raise InvalidRecord(f"expected contest {contest.contest_id}", where)
        options = codec.items(raw, "options", where)
        if [codec.text(o, "option_id", where) for o in options] != list(contest.option_ids):
            raise InvalidRecord(f"options of {contest.contest_id} differ from the manifest", where)
        grid.append(options)
    return grid


def sums_from_json(manifest: Manifest, data: Any, where: str) -> Sums:
    return tuple(
        tuple(codec.ciphertext_from_json(o, f"{where} {o['option_id']}") for o in row)
        for row in _grid(manifest, data, where)
    )


def partial_to_json(manifest: Manifest, partial: PartialDecryption) -> dict[str, Any]:
    return {
        "holder": partial.holder,
        "contests": [
            {
                "contest_id": contest.contest_id,
                "options": [
                    {"option_id": option.option_id, "share": share.hex(), "proof": codec.proof_to_json(proof)}
                    for option, (share, proof) in zip(contest.options, row, strict=True)
                ],
            }
            for contest, row in zip(manifest.contests, partial.shares, strict=True)
        ],
    }


def partial_from_json(manifest: Manifest, data: Any, where: str) -> PartialDecryption:
    holder = codec.integer(data, "holder", where)
    here = f"{where} holder {holder}"
    shares = tuple(
        tuple(
            (codec.point(o, "share", here), codec.chaum_pedersen_from_json(codec.field(o, "proof", here), here))
            for o in row
        )
        for row in _grid(manifest, codec.field(data, "contests", here), here)
    )
    return PartialDecryption(holder, shares)


def totals_to_json(manifest: Manifest, totals: tuple[tuple[int, ...], ...]) -> list[dict[str, Any]]:
    return [
        {"contest_id": contest.contest_id, "options": [
            {"option_id": option.option_id, "total": total} for option, total in zip(contest.options, row, strict=True)
        ]}
        for contest, row in zip(manifest.contests, totals, strict=True)
    ]


def totals_from_json(manifest: Manifest, data: Any, where: str) -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(codec.integer(o, "total", where) for o in row) for row in _grid(manifest, data, where)
    )
