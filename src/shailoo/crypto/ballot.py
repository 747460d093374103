# SPDX-License-Identifier: Apache-2.0
"""Encrypted ballots (docs/protocol.md 7): a 0/1-proven ciphertext per option and a range proof per
contest, none of it depending on the voter's credential; the tracking hash and its displayed code; the
cast ballot (ballot + credential + signature); Benaloh openings of challenged ballots."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec, jcs, signature
from shailoo.crypto.credential import base32, group
from shailoo.crypto.disjunctive import RangeProof, encrypt_and_prove, prove_range, verify_range
from shailoo.crypto.elgamal import Ciphertext, encrypt, weighted_sum
from shailoo.crypto.errors import InvalidEncoding, InvalidProof, InvalidRecord
from shailoo.crypto.group import Point, Scalar, hash_bytes
from shailoo.crypto.manifest import Contest, Manifest
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey

BALLOT_ID_BYTES = 16
#: Displayed tracking code: the first 130 bits of the tracking hash as 26 base32 letters.
CODE_LETTERS = 26


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
    """The ballot body: nothing in it depends on who will cast it."""

    ballot_id: str
    contests: tuple[EncryptedContest, ...]


@dataclass(frozen=True, slots=True)
class BallotOpening:
    """What a Benaloh challenge reveals: for each contest and option, the plaintext mark and the nonce."""

    ballot_id: str
    marks: tuple[tuple[str, tuple[tuple[str, int, Scalar], ...]], ...]


@dataclass(frozen=True, slots=True)
class CastBallot:
    """A ballot cast with a credential: the credential's signature on (Q, tracking hash, credential)."""

    ballot: EncryptedBallot
    tracking: bytes  # the tracking hash of ``ballot``
    credential: Point
    signature: bytes


def selection_label(ballot_id: str, contest_id: str, option_id: str) -> bytes:
    return codec.label("selection", ballot_id, contest_id, option_id)


def contest_label(ballot_id: str, contest_id: str) -> bytes:
    return codec.label("contest", ballot_id, contest_id)


def contest_sum(contest: Contest, selections: tuple[EncryptedSelection, ...]) -> Ciphertext:
    """The weighted homomorphic sum whose plaintext must lie in min..max (against-all weighs max)."""
    return weighted_sum((s.ciphertext for s in selections), (contest.weight(s.option_id) for s in selections))


def encrypt_ballot(
    manifest: Manifest, public_key: Point, choices: Mapping[str, frozenset[str]], rng: Randomness = SYSTEM
) -> tuple[EncryptedBallot, BallotOpening]:
    """Encrypt a voter's marks; the opening stays on the device and is revealed only if challenged.

    Draws from ``rng``, in this order: the ballot id (16 bytes); then per contest, per option, the nonce r
    and the 0/1 proof's (t_j, c_j) for j = 0, 1; then the contest proof's (t_j, c_j) for j = min..max."""
    ballot_id = rng.bytes(BALLOT_ID_BYTES).hex()
    context = manifest.digest
    contests: list[EncryptedContest] = []
    opened: list[tuple[str, tuple[tuple[str, int, Scalar], ...]]] = []
    for contest in manifest.contests:
        marked = choices.get(contest.contest_id, frozenset())
        if not contest.allows(marked):
            raise ValueError(f"marks {sorted(marked)} break the rules of contest {contest.contest_id}")
        selections: list[EncryptedSelection] = []
        marks: list[tuple[str, int, Scalar]] = []
        weighted_nonce, weighted_value = 0, 0
        for option_id in contest.option_ids:
            value = int(option_id in marked)
            label = selection_label(ballot_id, contest.contest_id, option_id)
            ciphertext, nonce, proof = encrypt_and_prove(value, public_key, 0, 1, context, label, rng)
            selections.append(EncryptedSelection(option_id, ciphertext, proof))
            marks.append((option_id, value, nonce))
            weight = contest.weight(option_id)
            weighted_nonce += nonce.value * weight
            weighted_value += weight * value
        # The homomorphic sum is Enc(weighted_value; weighted_nonce): additions instead of an encryption.
        proof = prove_range(
            contest_sum(contest, tuple(selections)), weighted_value, Scalar(weighted_nonce), public_key,
            contest.min_marks, contest.max_marks, context, contest_label(ballot_id, contest.contest_id), rng,
        )
        contests.append(EncryptedContest(contest.contest_id, tuple(selections), proof))
        opened.append((contest.contest_id, tuple(marks)))
    return EncryptedBallot(ballot_id, tuple(contests)), BallotOpening(ballot_id, tuple(opened))


def check_shape(manifest: Manifest, ballot: EncryptedBallot, where: str) -> None:
    """The ballot has exactly the manifest's contests and options, in order."""
    if [c.contest_id for c in ballot.contests] != [c.contest_id for c in manifest.contests]:
        raise InvalidRecord("contests differ from the manifest", where, "board.ballot-shape")
    for contest, encrypted in zip(manifest.contests, ballot.contests, strict=True):
        if tuple(s.option_id for s in encrypted.selections) != contest.option_ids:
            raise InvalidRecord(f"options of contest {contest.contest_id} differ from the manifest", where,
                                "board.ballot-shape")


def verify_ballot(manifest: Manifest, public_key: Point, ballot: EncryptedBallot, where: str) -> None:
    """Check the ballot's shape, every 0/1 proof and every contest range proof; raise on the first failure."""
    check_shape(manifest, ballot, where)
    context = manifest.digest
    for contest, encrypted in zip(manifest.contests, ballot.contests, strict=True):
        for selection in encrypted.selections:
            here = f"{where} {contest.contest_id}/{selection.option_id}"
            label = selection_label(ballot.ballot_id, contest.contest_id, selection.option_id)
            verify_range(selection.proof, selection.ciphertext, public_key, 0, 1, context, label, here)
        verify_range(
            encrypted.proof, contest_sum(contest, encrypted.selections), public_key, contest.min_marks,
            contest.max_marks, context, contest_label(ballot.ballot_id, contest.contest_id),
            f"{where} {contest.contest_id} (number of marks)",
        )


def verify_opening(
    manifest: Manifest, public_key: Point, ballot: EncryptedBallot, opening: BallotOpening, where: str
) -> dict[str, frozenset[str]]:
    """Check that the opening re-encrypts to the ballot and is an allowed choice; return the choices."""
    if opening.ballot_id != ballot.ballot_id:
        raise InvalidRecord("opening is for another ballot", where, "board.opening")
    if [c for c, _ in opening.marks] != [c.contest_id for c in ballot.contests]:
        raise InvalidRecord("opening does not cover the ballot's contests", where, "board.opening")
    choices: dict[str, frozenset[str]] = {}
    for contest, encrypted, (_, marks) in zip(manifest.contests, ballot.contests, opening.marks, strict=True):
        if [m[0] for m in marks] != [s.option_id for s in encrypted.selections]:
            raise InvalidRecord(f"opening of {contest.contest_id} does not cover its options", where, "board.opening")
        for selection, (option_id, value, nonce) in zip(encrypted.selections, marks, strict=True):
            if value not in (0, 1) or encrypt(value, public_key, nonce) != selection.ciphertext:
                raise InvalidProof("opening does not re-encrypt to the ciphertext", f"{where} {option_id}",
                                   "board.opening")
        marked = frozenset(option_id for option_id, value, _ in marks if value)
        if not contest.allows(marked):
            raise InvalidRecord(f"opened marks break the rules of {contest.contest_id}", where, "board.opening")
        choices[contest.contest_id] = marked
    return choices


def tracking_hash(context: bytes, ballot_json: dict[str, Any]) -> bytes:
    """Hb = H("ballot", Q, JCS(ballot)): names the ballot on the board and in receipts (64 bytes)."""
    return hash_bytes("ballot", context, jcs.canonical_known(ballot_json))


def display_code(tracking: bytes) -> str:
    """The code a person reads: the first 130 bits of Hb as 26 base32 letters, in groups of four."""
    return group(base32(tracking[:17], CODE_LETTERS))


def cast_parts(context: bytes, tracking: bytes, credential: Point) -> list[bytes]:
    return [context, tracking, credential.data]


def cast_ballot(
    manifest: Manifest, ballot: EncryptedBallot, credential: SigningKey, rng: Randomness = SYSTEM
) -> CastBallot:
    """Sign a ballot with the voter's credential (on the device, after the voter chose "cast")."""
    tracking = tracking_hash(manifest.digest, ballot_to_json(ballot))
    signed = signature.sign(credential, "cast", cast_parts(manifest.digest, tracking, credential.public), rng)
    return CastBallot(ballot, tracking, credential.public, signed)


def verify_cast_signature(manifest: Manifest, cast: CastBallot, where: str) -> None:
    signature.verify(cast.credential, "cast", cast_parts(manifest.digest, cast.tracking, cast.credential),
                     cast.signature, where)


def ballot_to_json(ballot: EncryptedBallot) -> dict[str, Any]:
    return {
        "ballot_id": ballot.ballot_id,
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
    codec.fields(data, where, ("ballot_id", "contests"))
    ballot_id = codec.unhex(data["ballot_id"], BALLOT_ID_BYTES, f"{where}.ballot_id").hex()
    contests: list[EncryptedContest] = []
    for position, raw in enumerate(codec.items(data, "contests", where, 1, 64)):
        here = f"{where} contests[{position}]"
        codec.fields(raw, here, ("contest_id", "selections", "proof"))
        selections = []
        for i, s in enumerate(codec.items(raw, "selections", here, 1, 1000)):
            at = f"{here}.selections[{i}]"
            codec.fields(s, at, ("option_id", "ciphertext", "proof"))
            selections.append(EncryptedSelection(
                codec.text(s, "option_id", at), codec.ciphertext_from_json(s["ciphertext"], f"{at}.ciphertext"),
                codec.range_proof_from_json(s["proof"], f"{at}.proof"),
            ))
        proof = codec.range_proof_from_json(raw["proof"], f"{here}.proof")
        contests.append(EncryptedContest(codec.text(raw, "contest_id", here), tuple(selections), proof))
    return EncryptedBallot(ballot_id, tuple(contests))


def cast_to_json(cast: CastBallot) -> dict[str, Any]:
    return {"ballot": ballot_to_json(cast.ballot), "credential": cast.credential.hex(),
            "signature": cast.signature.hex()}


def cast_from_json(manifest: Manifest, data: Any, where: str) -> CastBallot:
    """Parse a cast ballot (its tracking hash is computed here, from the canonical form of its body)."""
    codec.fields(data, where, ("ballot", "credential", "signature"))
    ballot = ballot_from_json(data["ballot"], f"{where}.ballot")
    try:
        credential = codec.point(data, "credential", where, identity=False)
    except InvalidEncoding as error:
        raise InvalidRecord(error.what, error.where, error.check or "board.credential") from error
    return CastBallot(ballot, tracking_hash(manifest.digest, data["ballot"]), credential,
                      codec.hex_field(data, "signature", 64, where))


def opening_to_json(opening: BallotOpening) -> dict[str, Any]:
    return {
        "ballot_id": opening.ballot_id,
        "contests": [
            {"contest_id": contest_id, "marks": [{"option_id": o, "value": v, "nonce": n.hex()} for o, v, n in marks]}
            for contest_id, marks in opening.marks
        ],
    }


def opening_from_json(data: Any, where: str) -> BallotOpening:
    codec.fields(data, where, ("ballot_id", "contests"))
    contests = []
    for position, raw in enumerate(codec.items(data, "contests", where, 1, 64)):
        here = f"{where} contests[{position}]"
        codec.fields(raw, here, ("contest_id", "marks"))
        marks = []
        for i, m in enumerate(codec.items(raw, "marks", here, 1, 1000)):
            at = f"{here}.marks[{i}]"
            codec.fields(m, at, ("option_id", "value", "nonce"))
            marks.append((codec.text(m, "option_id", at), codec.integer(m, "value", at, 0, 1), codec.scalar(m, "nonce", at)))
        contests.append((codec.text(raw, "contest_id", here), tuple(marks)))
    ballot_id = codec.unhex(data["ballot_id"], BALLOT_ID_BYTES, f"{where}.ballot_id").hex()
    return BallotOpening(ballot_id, tuple(contests))
