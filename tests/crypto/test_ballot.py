# SPDX-License-Identifier: Apache-2.0
"""Ballots: honest ballots verify, rule-breaking ones cannot be proven, openings, tracking codes and the
credential's signature on a cast ballot."""
import dataclasses
import json
import re

import pytest
from hypothesis import given, settings

from shailoo.crypto import ballot as ballots
from shailoo.crypto import credential
from shailoo.crypto.disjunctive import prove_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.errors import InvalidEncoding, InvalidProof, InvalidRecord, InvalidSignature
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.signature import generate_signing_key

from .strategies import SMALL_MANIFEST, allowed_choices

KEYS = generate_signing_key()
CHOICES = {"mayor": frozenset({"m1"}), "council": frozenset({"k0", "k3"}), "referendum": frozenset({"yes"})}


def _replace_selection(ballot, contest_index, option_index, value):
    """What a cheating device could do: swap in an honestly proven 0/1 ciphertext for one option."""
    contest = ballot.contests[contest_index]
    selection = contest.selections[option_index]
    nonce = random_scalar(SYSTEM)
    ciphertext = encrypt(value, KEYS.public, nonce)
    label = ballots.selection_label(ballot.ballot_id, contest.contest_id, selection.option_id)
    proof = prove_range(ciphertext, value, nonce, KEYS.public, 0, 1, SMALL_MANIFEST.digest, label)
    selections = list(contest.selections)
    selections[option_index] = ballots.EncryptedSelection(selection.option_id, ciphertext, proof)
    contests = list(ballot.contests)
    contests[contest_index] = dataclasses.replace(contest, selections=tuple(selections))
    return dataclasses.replace(ballot, contests=tuple(contests))


@settings(max_examples=6, deadline=None)
@given(allowed_choices())
def test_every_allowed_choice_encrypts_to_a_verifiable_ballot_that_opens_to_it(choices):
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, choices)
    ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, ballot, "ballot")
    assert ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, opening, "ballot") == choices


@pytest.mark.parametrize(
    "choices",
    [
        {**CHOICES, "mayor": frozenset({"m0", "m1"})},
        {**CHOICES, "mayor": frozenset()},
        {**CHOICES, "council": frozenset({"k0", "k1", "k2"})},
        {**CHOICES, "referendum": frozenset({"against", "yes"})},
        {**CHOICES, "mayor": frozenset({"nobody"})},
    ],
)
def test_a_device_refuses_to_encrypt_marks_that_break_the_rules(choices):
    with pytest.raises(ValueError):
        ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, choices)


def test_a_ballot_with_two_marks_in_a_one_mark_contest_fails_its_range_proof():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    forged = _replace_selection(ballot, 0, 2, 1)  # m1 and now m2
    with pytest.raises(InvalidProof) as caught:
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, forged, "ballot 7")
    assert "mayor" in caught.value.where and "number of marks" in caught.value.where


def test_against_all_with_another_mark_fails_its_range_proof():
    ballot, _ = ballots.encrypt_ballot(
        SMALL_MANIFEST, KEYS.public, {**CHOICES, "referendum": frozenset({"against"})}
    )
    forged = _replace_selection(ballot, 2, 0, 1)  # against all and yes
    with pytest.raises(InvalidProof):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, forged, "ballot")


def test_proofs_are_bound_to_the_ballot_id_so_a_copy_under_another_id_does_not_verify():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    with pytest.raises(InvalidProof):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, dataclasses.replace(ballot, ballot_id="00" * 16), "b")


def test_the_ballot_body_names_no_credential_and_its_tracking_hash_is_the_same_whoever_casts_it():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    body = ballots.ballot_to_json(ballot)
    assert set(body) == {"ballot_id", "contests"}
    first = ballots.cast_ballot(SMALL_MANIFEST, ballot, credential.new_credential()[1])
    second = ballots.cast_ballot(SMALL_MANIFEST, ballot, credential.new_credential()[1])
    assert first.tracking == second.tracking == ballots.tracking_hash(SMALL_MANIFEST.digest, body)
    assert first.credential != second.credential


def test_a_cast_signature_verifies_only_for_its_credential_and_ballot():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    other, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    cast = ballots.cast_ballot(SMALL_MANIFEST, ballot, credential.new_credential()[1])
    ballots.verify_cast_signature(SMALL_MANIFEST, cast, "cast")
    for forged in (
        dataclasses.replace(cast, credential=credential.new_credential()[1].public),
        dataclasses.replace(cast, tracking=ballots.tracking_hash(SMALL_MANIFEST.digest, ballots.ballot_to_json(other))),
    ):
        with pytest.raises(InvalidSignature):
            ballots.verify_cast_signature(SMALL_MANIFEST, forged, "cast")


def test_a_ballot_missing_an_option_is_rejected():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    contest = ballot.contests[1]
    short = dataclasses.replace(ballot, contests=(ballot.contests[0], dataclasses.replace(
        contest, selections=contest.selections[:-1]), ballot.contests[2]))
    with pytest.raises(InvalidRecord):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, short, "ballot")


def test_an_opening_with_a_flipped_mark_does_not_match_the_ballot():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    contest_id, marks = opening.marks[0]
    option_id, value, nonce = marks[0]
    flipped = dataclasses.replace(
        opening, marks=((contest_id, ((option_id, 1 - value, nonce), *marks[1:])), *opening.marks[1:])
    )
    with pytest.raises(InvalidProof):
        ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, flipped, "ballot")


def test_the_displayed_code_is_26_base32_letters_of_the_full_hash_and_changes_with_the_ballot():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    tracking = ballots.tracking_hash(SMALL_MANIFEST.digest, ballots.ballot_to_json(ballot))
    code = ballots.display_code(tracking)
    assert len(tracking) == 64
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}", code)
    # 130 bits: the first 16 bytes and the top 2 bits of the 17th.
    value = 0
    for letter in code.replace("-", ""):
        value = value << 5 | credential.ALPHABET.index(letter)
    assert value == int.from_bytes(tracking[:17], "big") >> 6
    changed = ballots.ballot_to_json(_replace_selection(ballot, 1, 0, 0))
    assert ballots.display_code(ballots.tracking_hash(SMALL_MANIFEST.digest, changed)) != code
    assert ballots.tracking_hash(b"another election", ballots.ballot_to_json(ballot)) != tracking


def test_a_recovery_code_gives_back_the_seed_and_catches_a_typing_error():
    seed, key = credential.new_credential()
    code = credential.recovery_code(seed)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}", code)
    assert credential.credential_key(credential.seed_from_recovery_code(code.lower().replace("-", " "))).public == key.public
    typo = ("1" if code[0] != "1" else "2") + code[1:]
    with pytest.raises(InvalidEncoding):
        credential.seed_from_recovery_code(typo)


def test_ballot_and_opening_survive_a_json_round_trip():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    text = json.dumps(ballots.ballot_to_json(ballot))
    assert ballots.ballot_from_json(json.loads(text), "b") == ballot
    assert ballots.opening_from_json(json.loads(json.dumps(ballots.opening_to_json(opening))), "o") == opening
