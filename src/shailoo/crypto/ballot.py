# SPDX-License-Identifier: Apache-2.0
"""Encrypted ballots: a 0/1-proven ciphertext per option, a range proof per contest, a tracking code,
and Benaloh openings of challenged ballots."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec
from shailoo.crypto.disjunctive import RangeProof, prove_range, verify_range
from shailoo.crypto.elgamal import Ciphertext, encrypt
from shailoo.crypto.errors import InvalidEncoding, InvalidProof, InvalidRecord
from shailoo.crypto.group import Point, Scalar, hash_bytes
from shailoo.crypto.manifest import Contest, Manifest

#: 16 Latin capitals, 4 bits each; tracking codes are 5 groups of 4 letters (80 bits).
TRACKING_ALPHABET = "ACDEFHJKLMNPRTWX"


@dataclass(frozen=True, slots=True)
class EncryptedSelection:
    option_id: str
    ciphertext: Ciphertext
    proof: RangeProof  # 0/1


@dataclass(frozen=True, slots=True)
class EncryptedContest:
    contest_id: str
    selections: tuple[EncryptedSelection, ...]
    proof: RangeProof  # weighted number of marks in min..max


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    ballot_id: str
    credential: str
    contests: tuple[EncryptedContest, ...]


@dataclass(frozen=True, slots=True)
class BallotOpening:
    """What a Benaloh challenge reveals: for each contest and option, the plaintext mark and the nonce."""

    ballot_id: str
    marks: tuple[tuple[str, tuple[tuple[str, int, Scalar], ...]], ...]


def selection_label(ballot_id: str, credential: str, contest_id: str, option_id: str) -> bytes:
    return codec.label("selection", ballot_id, credential, contest_id, option_id)


def contest_label(ballot_id: str, credential: str, contest_id: str) -> bytes:
    return codec.label("contest", ballot_id, credential, contest_id)


def contest_sum(contest: Contest, selections: tuple[EncryptedSelection, ...]) -> Ciphertext:
    """The weighted homomorphic sum whose plaintext must lie in min..max (against-all weighs max)."""
    total: Ciphertext | None = None
    for selection in selections:
        term = selection.ciphertext.scale(contest.weight(selection.option_id))
        total = term if total is None else total + term
    assert total is not None
    return total


def encrypt_ballot(
    manifest: Manifest,
    public_key: Point,
    choices: Mapping[str, frozenset[str]],
    credential: str,
    ballot_id: str | None = None,
) -> tuple[EncryptedBallot, BallotOpening]:
    """Encrypt a voter's marks; the opening is kept by the device and revealed only if challenged."""
    ballot_id = ballot_id or secrets.token_hex(16)
    context = manifest.digest
    contests: list[EncryptedContest] = []
    opened: list[tuple[str, tuple[tuple[str, int, Scalar], ...]]] = []
    for contest in manifest.contests:
        marked = choices.get(contest.contest_id, frozenset())
        if not contest.allows(marked):
            raise ValueError(f"marks {sorted(marked)} break the rules of contest {contest.contest_id}")
        selections: list[EncryptedSelection] = []
        marks: list[tuple[str, int, Scalar]] = []
        weighted_nonce, weighted_value = Scalar(0), 0
        for option_id in contest.option_ids:
            value, nonce = int(option_id in marked), Scalar.random()
            ciphertext = encrypt(value, public_key, nonce)
            label = selection_label(ballot_id, credential, contest.contest_id, option_id)
            proof = prove_range(ciphertext, value, nonce, public_key, 0, 1, context, label)
            selections.append(EncryptedSelection(option_id, ciphertext, proof))
            marks.append((option_id, value, nonce))
            weight = contest.weight(option_id)
            weighted_nonce = weighted_nonce + nonce * Scalar(weight)
            weighted_value += weight * value
        # The proof needs the sum's nonce anyway; encrypting with it gives the same ciphertext as contest_sum().
        total = encrypt(weighted_value, public_key, weighted_nonce)
        proof = prove_range(
            total, weighted_value, weighted_nonce, public_key, contest.min_marks, contest.max_marks, context,
            contest_label(ballot_id, credential, contest.contest_id),
        )
        contests.append(EncryptedContest(contest.contest_id, tuple(selections), proof))
        opened.append((contest.contest_id, tuple(marks)))
    return EncryptedBallot(ballot_id, credential, tuple(contests)), BallotOpening(ballot_id, tuple(opened))


def check_shape(manifest: Manifest, ballot: EncryptedBallot, where: str) -> None:
    """The ballot has exactly the manifest's contests and options, in order."""
    if [c.contest_id for c in ballot.contests] != [c.contest_id for c in manifest.contests]:
        raise InvalidRecord("contests differ from the manifest", where)
    for contest, encrypted in zip(manifest.contests, ballot.contests, strict=True):
        if tuple(s.option_id for s in encrypted.selections) != contest.option_ids:
            raise InvalidRecord(f"options of contest {contest.contest_id} differ from the manifest", where)


def verify_ballot(manifest: Manifest, public_key: Point, ballot: EncryptedBallot, where: str) -> None:
    """Check the ballot's shape, every 0/1 proof and every contest range proof; raise on the first failure."""
    check_shape(manifest, ballot, where)
    context = manifest.digest
    for contest, encrypted in zip(manifest.contests, ballot.contests, strict=True):
        for selection in encrypted.selections:
            here = f"{where} {contest.contest_id}/{selection.option_id}"
            label = selection_label(ballot.ballot_id, ballot.credential, contest.contest_id, selection.option_id)
            verify_range(selection.proof, selection.ciphertext, public_key, 0, 1, context, label, here)
        verify_range(
            encrypted.proof, contest_sum(contest, encrypted.selections), public_key, contest.min_marks,
            contest.max_marks, context, contest_label(ballot.ballot_id, ballot.credential, contest.contest_id),
            f"{where} {contest.contest_id} (number of marks)",
        )


def verify_opening(
    manifest: Manifest, public_key: Point, ballot: EncryptedBallot, opening: BallotOpening, where: str
) -> dict[str, frozenset[str]]:
    """Check that the opening re-encrypts to the ballot and is an allowed choice; return the choices."""
    if opening.ballot_id != ballot.ballot_id:
        raise InvalidRecord("opening is for another ballot", where)
    if [c for c, _ in opening.marks] != [c.contest_id for c in ballot.contests]:
        raise InvalidRecord("opening does not cover the ballot's contests", where)
    choices: dict[str, frozenset[str]] = {}
    for contest, encrypted, (_, marks) in zip(manifest.contests, ballot.contests, opening.marks, strict=True):
        if [m[0] for m in marks] != [s.option_id for s in encrypted.selections]:
            raise InvalidRecord(f"opening of {contest.contest_id} does not cover its options", where)
        for selection, (option_id, value, nonce) in zip(encrypted.selections, marks, strict=True):
            if value not in (0, 1) or encrypt(value, public_key, nonce) != selection.ciphertext:
                raise InvalidProof("opening does not re-encrypt to the ciphertext", f"{where} {option_id}")
        marked = frozenset(option_id for option_id, value, _ in marks if value)
        if not contest.allows(marked):
            raise InvalidRecord(f"opened marks break the rules of {contest.contest_id}", where)
        choices[contest.contest_id] = marked
    return choices


def ballot_bytes(ballot: EncryptedBallot) -> list[bytes]:
    parts = [ballot.ballot_id.encode(), ballot.credential.encode()]
    for contest in ballot.contests:
        parts.append(contest.contest_id.encode())
        for selection in contest.selections:
            parts += [selection.option_id.encode(), selection.ciphertext.to_bytes()]
            parts += [s.to_bytes() for s in selection.proof.challenges + selection.proof.responses]
        parts += [s.to_bytes() for s in contest.proof.challenges + contest.proof.responses]
    return parts


def tracking_code(context: bytes, ballot: EncryptedBallot) -> str:
    """H("tracking", Q, ballot) shown as 5 groups of 4 letters; it names the ballot on the board."""
    digest = hash_bytes("tracking", context, *ballot_bytes(ballot))
    letters = "".join(TRACKING_ALPHABET[byte >> 4] + TRACKING_ALPHABET[byte & 15] for byte in digest[:10])
    return "-".join(letters[i : i + 4] for i in range(0, 20, 4))


def ballot_to_json(ballot: EncryptedBallot) -> dict[str, Any]:
    return {
        "ballot_id": ballot.ballot_id,
        "credential": ballot.credential,
        "contests": [
            {
                "contest_id": contest.contest_id,
                "selections": [
                    {
                        "option_id": s.option_id,
                        "ciphertext": codec.ciphertext_to_json(s.ciphertext),
                        "proof": codec.range_proof_to_json(s.proof),
                    }
                    for s in contest.selections
                ],
                "proof": codec.range_proof_to_json(contest.proof),
            }
            for contest in ballot.contests
        ],
    }


def ballot_from_json(data: Any, where: str) -> EncryptedBallot:
    contests: list[EncryptedContest] = []
    for position, raw in enumerate(codec.items(data, "contests", where)):
        here = f"{where} contests[{position}]"
        selections = tuple(
            EncryptedSelection(
                codec.text(s, "option_id", f"{here}.selections[{i}]"),
                codec.ciphertext_from_json(codec.field(s, "ciphertext", here), f"{here}.selections[{i}]"),
                codec.range_proof_from_json(codec.field(s, "proof", here), f"{here}.selections[{i}].proof"),
            )
            for i, s in enumerate(codec.items(raw, "selections", here))
        )
        proof = codec.range_proof_from_json(codec.field(raw, "proof", here), f"{here}.proof")
        contests.append(EncryptedContest(codec.text(raw, "contest_id", here), selections, proof))
    return EncryptedBallot(codec.text(data, "ballot_id", where), codec.text(data, "credential", where), tuple(contests))


def opening_to_json(opening: BallotOpening) -> dict[str, Any]:
    return {
        "ballot_id": opening.ballot_id,
        "contests": [
            {"contest_id": contest_id, "marks": [{"option_id": o, "value": v, "nonce": n.hex()} for o, v, n in marks]}
            for contest_id, marks in opening.marks
        ],
    }


def opening_from_json(data: Any, where: str) -> BallotOpening:
    contests = []
    for position, raw in enumerate(codec.items(data, "contests", where)):
        here = f"{where} contests[{position}]"
        marks = tuple(
            (codec.text(m, "option_id", here), codec.integer(m, "value", here), codec.scalar(m, "nonce", here))
            for m in codec.items(raw, "marks", here)
        )
        contests.append((codec.text(raw, "contest_id", here), marks))
    if not contests:
        raise InvalidEncoding("opening has no contests", where)
    return BallotOpening(codec.text(data, "ballot_id", where), tuple(contests))
