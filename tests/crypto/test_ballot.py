# SPDX-License-Identifier: Apache-2.0
"""Ballots: honest ballots verify, rule-breaking ones cannot be proven, openings and tracking codes."""
import dataclasses
import json
import re

import pytest
from hypothesis import given, settings

from shailoo.crypto import ballot as ballots
from shailoo.crypto.disjunctive import prove_range
from shailoo.crypto.elgamal import KeyPair, encrypt
from shailoo.crypto.errors import InvalidProof, InvalidRecord
from shailoo.crypto.group import Scalar

from .strategies import SMALL_MANIFEST, allowed_choices

KEYS = KeyPair.generate()
CHOICES = {"mayor": frozenset({"m1"}), "council": frozenset({"k0", "k3"}), "referendum": frozenset({"yes"})}


def _replace_selection(ballot, contest_index, option_index, value):
    """What a cheating device could do: swap in an honestly proven 0/1 ciphertext for one option."""
    contest = ballot.contests[contest_index]
    selection = contest.selections[option_index]
    nonce = Scalar.random()
    ciphertext = encrypt(value, KEYS.public, nonce)
    label = ballots.selection_label(ballot.ballot_id, ballot.credential, contest.contest_id, selection.option_id)
    proof = prove_range(ciphertext, value, nonce, KEYS.public, 0, 1, SMALL_MANIFEST.digest, label)
    selections = list(contest.selections)
    selections[option_index] = ballots.EncryptedSelection(selection.option_id, ciphertext, proof)
    contests = list(ballot.contests)
    contests[contest_index] = dataclasses.replace(contest, selections=tuple(selections))
    return dataclasses.replace(ballot, contests=tuple(contests))


@settings(max_examples=6, deadline=None)
@given(allowed_choices())
def test_every_allowed_choice_encrypts_to_a_verifiable_ballot_that_opens_to_it(choices):
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, choices, "voter-1")
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
        ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, choices, "voter-1")


def test_a_ballot_with_two_marks_in_a_one_mark_contest_fails_its_range_proof():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    forged = _replace_selection(ballot, 0, 2, 1)  # m1 and now m2
    with pytest.raises(InvalidProof) as caught:
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, forged, "ballot 7")
    assert "mayor" in caught.value.where and "number of marks" in caught.value.where


def test_against_all_with_another_mark_fails_its_range_proof():
    ballot, _ = ballots.encrypt_ballot(
        SMALL_MANIFEST, KEYS.public, {**CHOICES, "referendum": frozenset({"against"})}, "voter-1"
    )
    forged = _replace_selection(ballot, 2, 0, 1)  # against all and yes
    with pytest.raises(InvalidProof):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, forged, "ballot")


def test_proofs_are_bound_to_the_credential_so_a_copied_ballot_does_not_verify():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    with pytest.raises(InvalidProof):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, dataclasses.replace(ballot, credential="voter-2"), "b")


def test_a_ballot_missing_an_option_is_rejected():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    contest = ballot.contests[1]
    short = dataclasses.replace(ballot, contests=(ballot.contests[0], dataclasses.replace(
        contest, selections=contest.selections[:-1]), ballot.contests[2]))
    with pytest.raises(InvalidRecord):
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, short, "ballot")


def test_an_opening_with_a_flipped_mark_does_not_match_the_ballot():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    contest_id, marks = opening.marks[0]
    option_id, value, nonce = marks[0]
    flipped = dataclasses.replace(
        opening, marks=((contest_id, ((option_id, 1 - value, nonce), *marks[1:])), *opening.marks[1:])
    )
    with pytest.raises(InvalidProof):
        ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, flipped, "ballot")


def test_tracking_code_is_five_groups_of_four_letters_and_changes_with_the_ballot():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    code = ballots.tracking_code(SMALL_MANIFEST.digest, ballot)
    assert re.fullmatch(r"([ACDEFHJKLMNPRTWX]{4}-){4}[ACDEFHJKLMNPRTWX]{4}", code)
    assert ballots.tracking_code(SMALL_MANIFEST.digest, _replace_selection(ballot, 1, 0, 0)) != code
    assert ballots.tracking_code(b"another election", ballot) != code


def test_ballot_and_opening_survive_a_json_round_trip():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES, "voter-1")
    text = json.dumps(ballots.ballot_to_json(ballot))
    assert ballots.ballot_from_json(json.loads(text), "b") == ballot
    assert ballots.opening_from_json(json.loads(json.dumps(ballots.opening_to_json(opening))), "o") == opening
