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
from shailoo.crypto.group import Scalar
from shailoo.crypto.manifest import Contest, Option
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.signature import generate_signing_key

from .strategies import SMALL_MANIFEST, allowed_choices, examples, manifest_with

# Each test runs on both paths of the range proofs (tests/crypto/conftest.py).
pytestmark = pytest.mark.usefixtures("range_path")


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


@settings(max_examples=examples(6), deadline=None)
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


def test_the_refusal_names_the_marks_and_the_contest_and_a_contest_left_out_is_encrypted_unmarked():
    with pytest.raises(ValueError) as caught:
        ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, {**CHOICES, "mayor": frozenset({"m1", "m0"})})
    assert str(caught.value) == "marks ['m0', 'm1'] break the rules of contest mayor"
    without_council = {"mayor": CHOICES["mayor"], "referendum": CHOICES["referendum"]}
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, without_council)
    ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, ballot, "ballot")
    assert ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, opening, "ballot") == {
        **without_council, "council": frozenset()}
    with pytest.raises(ValueError) as caught:  # mayor wants one mark: leaving it out is no mark at all
        ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, {"council": frozenset(), "referendum": frozenset({"no"})})
    assert str(caught.value) == "marks [] break the rules of contest mayor"


def test_an_opening_never_answers_for_a_ballot_of_another_shape_than_the_manifest():
    """verify_opening is given a ballot already shape-checked (board.accept_challenge); given one with a
    contest fewer, consistent with its own opening, it refuses instead of opening the contests it has."""
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    short = dataclasses.replace(ballot, contests=ballot.contests[:2])
    short_opening = dataclasses.replace(opening, marks=opening.marks[:2])
    with pytest.raises(ValueError):
        ballots.verify_opening(SMALL_MANIFEST, KEYS.public, short, short_opening, "b")


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


# Against all, openings and the JSON forms at their limits -------------------------------------------

WEIGHTED = manifest_with(contests=(Contest("c", "", tuple(Option(f"o{i}", "") for i in range(4)), 0, 2, "o3"),))


def _forged(manifest, ballot, opening, option_index, value):
    """A cheating device's ballot: option ``option_index`` of the first contest encrypts ``value`` with an
    honest 0/1 proof; returns the ballot and its matching opening."""
    contest, marks = ballot.contests[0], list(opening.marks[0][1])
    selection = contest.selections[option_index]
    nonce = random_scalar(SYSTEM)
    ciphertext = encrypt(value, KEYS.public, nonce)
    label = ballots.selection_label(ballot.ballot_id, contest.contest_id, selection.option_id)
    proof = prove_range(ciphertext, value, nonce, KEYS.public, 0, 1, manifest.digest, label)
    selections = list(contest.selections)
    selections[option_index] = ballots.EncryptedSelection(selection.option_id, ciphertext, proof)
    marks[option_index] = (selection.option_id, value, nonce)
    forged = dataclasses.replace(ballot, contests=(dataclasses.replace(contest, selections=tuple(selections)),
                                                   *ballot.contests[1:]))
    return forged, dataclasses.replace(opening, marks=((contest.contest_id, tuple(marks)), *opening.marks[1:]))


def test_against_all_weighs_the_maximum_number_of_marks():
    ballot, opening = ballots.encrypt_ballot(WEIGHTED, KEYS.public, {"c": frozenset({"o3"})})
    ballots.verify_ballot(WEIGHTED, KEYS.public, ballot, "b")
    assert ballots.verify_opening(WEIGHTED, KEYS.public, ballot, opening, "b") == {"c": frozenset({"o3"})}
    contest = WEIGHTED.contests[0]
    assert ballots.contest_sum(contest, ballot.contests[0].selections) == encrypt(
        2, KEYS.public, sum((n for _, _, n in opening.marks[0][1][:3]), opening.marks[0][1][3][2] * Scalar(2)))
    two, _ = ballots.encrypt_ballot(WEIGHTED, KEYS.public, {"c": frozenset({"o0", "o2"})})
    ballots.verify_ballot(WEIGHTED, KEYS.public, two, "b")
    forged, forged_opening = _forged(WEIGHTED, ballot, opening, 1, 1)  # against all and o1: weighs 3
    with pytest.raises(InvalidProof) as caught:
        ballots.verify_ballot(WEIGHTED, KEYS.public, forged, "b")
    assert (caught.value.where, caught.value.what) == ("b c (number of marks)", "range proof for 0..2 does not verify")
    with pytest.raises(InvalidRecord) as caught:
        ballots.verify_opening(WEIGHTED, KEYS.public, forged, forged_opening, "b")
    assert (caught.value.check, caught.value.what) == ("board.opening", "opened marks break the rules of c")


def test_an_opening_must_be_for_this_ballot_cover_it_and_re_encrypt_to_it():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    other, other_opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    assert ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, opening, "b") == CHOICES
    (mayor, marks), *rest = opening.marks
    cases = [
        (other_opening, InvalidRecord, "b", "opening is for another ballot"),
        (dataclasses.replace(opening, marks=tuple(rest)), InvalidRecord, "b",
         "opening does not cover the ballot's contests"),
        (dataclasses.replace(opening, marks=((mayor, marks[:2]), *rest)), InvalidRecord, "b",
         "opening of mayor does not cover its options"),
        (dataclasses.replace(opening, marks=((mayor, (marks[0], (marks[1][0], 2, marks[1][2]), marks[2])), *rest)),
         InvalidProof, "b m1", "opening does not re-encrypt to the ciphertext"),
        (dataclasses.replace(opening, marks=((mayor, (marks[0], (marks[1][0], 1, marks[0][2]), marks[2])), *rest)),
         InvalidProof, "b m1", "opening does not re-encrypt to the ciphertext"),
    ]
    for wrong, kind, where, what in cases:
        with pytest.raises(kind) as caught:
            ballots.verify_opening(SMALL_MANIFEST, KEYS.public, ballot, wrong, "b")
        assert (caught.value.check, caught.value.where, caught.value.what) == ("board.opening", where, what)
    forged, forged_opening = _forged(SMALL_MANIFEST, ballot, opening, 0, 1)  # m0 and m1 in a one-mark contest
    with pytest.raises(InvalidRecord) as caught:
        ballots.verify_opening(SMALL_MANIFEST, KEYS.public, forged, forged_opening, "b")
    assert (caught.value.where, caught.value.what) == ("b", "opened marks break the rules of mayor")
    del other


def test_a_ballot_must_have_the_manifests_contests_and_options_in_order():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    mayor, council, referendum = ballot.contests
    for contests, what in (((council, mayor, referendum), "contests differ from the manifest"),
                           ((mayor, council), "contests differ from the manifest"),
                           ((mayor, dataclasses.replace(council, selections=council.selections[::-1]), referendum),
                            "options of contest council differ from the manifest")):
        with pytest.raises(InvalidRecord) as caught:
            ballots.check_shape(SMALL_MANIFEST, dataclasses.replace(ballot, contests=contests), "b")
        assert (caught.value.check, caught.value.where, caught.value.what) == ("board.ballot-shape", "b", what)
    selection = mayor.selections[1]
    broken = dataclasses.replace(selection, proof=dataclasses.replace(selection.proof,
                                                                      responses=selection.proof.responses[::-1]))
    forged = dataclasses.replace(ballot, contests=(dataclasses.replace(
        mayor, selections=(mayor.selections[0], broken, mayor.selections[2])), council, referendum))
    with pytest.raises(InvalidProof) as caught:
        ballots.verify_ballot(SMALL_MANIFEST, KEYS.public, forged, "ballot 7")
    assert (caught.value.where, caught.value.what) == ("ballot 7 mayor/m1", "range proof for 0..1 does not verify")


def _json_refusal(function, data, *args):
    with pytest.raises((InvalidEncoding, InvalidRecord)) as caught:
        function(*args, data, "b") if args else function(data, "b")
    return caught.value


def test_ballot_opening_and_cast_json_at_their_limits():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    body = ballots.ballot_to_json(ballot)
    contest = body["contests"][0]
    assert len(ballots.ballot_from_json({**body, "contests": [contest] * 64}, "b").contests) == 64
    assert _json_refusal(ballots.ballot_from_json, {**body, "contests": [contest] * 65}).what == \
        "'contests' must hold 1..64 items, got 65"
    assert _json_refusal(ballots.ballot_from_json, {**body, "contests": []}).what == "'contests' must hold 1..64 items, got 0"
    selections = contest["selections"]
    many = {**contest, "selections": selections * 333 + selections[:1]}  # 1000
    assert len(ballots.ballot_from_json({**body, "contests": [many]}, "b").contests[0].selections) == 1000
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [{**many, "selections": [*many["selections"],
                                                                                                   selections[0]]}]})
    assert (error.what, error.where) == ("'selections' must hold 1..1000 items, got 1001", "b contests[0]")
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [{**contest, "selections": []}]})
    assert error.what == "'selections' must hold 1..1000 items, got 0"
    error = _json_refusal(ballots.ballot_from_json, {**body, "ballot_id": body["ballot_id"][:30]})
    assert (error.where, error.check) == ("b.ballot_id", "schema.hex")
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [{**contest, "contest_id": ""}]})
    assert error.where == "b contests[0]"
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [
        {**contest, "selections": [{**selections[0], "option_id": 5}]}]})
    assert (error.what, error.where) == ("'option_id' must be a string", "b contests[0].selections[0]")
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [
        {**contest, "selections": [{**selections[0], "extra": 1}]}]})
    assert (error.what, error.where) == ("unexpected key 'extra'", "b contests[0].selections[0]")
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [
        {**contest, "selections": [{**selections[0], "proof": {"c": [], "v": []}}]}]})
    assert error.where == "b contests[0].selections[0].proof"
    error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [{**contest, "proof": {}}]})
    assert (error.what, error.where) == ("missing 'c'", "b contests[0].proof")

    opened = ballots.opening_to_json(opening)
    mark = opened["contests"][0]["marks"][0]
    for value, what in ((2, "'value' must be in 0..1, got 2"), (-1, "'value' must be in 0..1, got -1"),
                        (True, "'value' must be an integer, got True")):
        error = _json_refusal(ballots.opening_from_json, {**opened, "contests": [
            {**opened["contests"][0], "marks": [{**mark, "value": value}]}]})
        assert (error.what, error.where) == (what, "b contests[0].marks[0]")
    assert _json_refusal(ballots.opening_from_json, {**opened, "contests": []}).what == \
        "'contests' must hold 1..64 items, got 0"
    error = _json_refusal(ballots.opening_from_json, {**opened, "contests": [{**opened["contests"][0], "marks": []}]})
    assert (error.what, error.where) == ("'marks' must hold 1..1000 items, got 0", "b contests[0]")
    assert _json_refusal(ballots.opening_from_json, {**opened, "ballot_id": "x"}).where == "b.ballot_id"

    cast = ballots.cast_to_json(ballots.cast_ballot(SMALL_MANIFEST, ballot, KEYS))
    assert cast == {"ballot": body, "credential": KEYS.public.hex(), "signature": cast["signature"]}
    parsed = ballots.cast_from_json(SMALL_MANIFEST, cast, "b")
    assert parsed.tracking == ballots.tracking_hash(SMALL_MANIFEST.digest, body) and parsed.credential == KEYS.public
    error = _json_refusal(ballots.cast_from_json, {**cast, "credential": "00" * 32}, SMALL_MANIFEST)
    assert (type(error), error.check, error.where) == (InvalidRecord, "identity", "b.credential")
    error = _json_refusal(ballots.cast_from_json, {**cast, "credential": cast["credential"].upper()}, SMALL_MANIFEST)
    assert (type(error), error.check) == (InvalidRecord, "schema.hex")
    error = _json_refusal(ballots.cast_from_json, {**cast, "credential": "ff" * 32}, SMALL_MANIFEST)
    assert (type(error), error.check) == (InvalidRecord, "board.credential")
    error = _json_refusal(ballots.cast_from_json, {**cast, "signature": cast["signature"][:126]}, SMALL_MANIFEST)
    assert (error.check, error.where) == ("schema.hex", "b.signature")


def test_a_contest_of_a_ballot_with_a_field_missing_or_too_many_is_refused_where_it_is():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    body = ballots.ballot_to_json(ballot)
    first, *others = body["contests"]
    without_proof = {k: v for k, v in first.items() if k != "proof"}
    for contest in (without_proof, {**first, "extra": 1}):
        error = _json_refusal(ballots.ballot_from_json, {**body, "contests": [*others, contest]})
        assert error.where == f"b contests[{len(others)}]"


def test_an_opening_s_json_at_its_limits_and_every_refusal_where_it_is():
    ballot, opening = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    opened = ballots.opening_to_json(opening)
    contest, *others = opened["contests"]
    mark = contest["marks"][0]
    assert len(ballots.opening_from_json({**opened, "contests": [contest] * 64}, "b").marks) == 64
    assert len(ballots.opening_from_json({**opened, "contests": [{**contest, "marks": [mark] * 1000}]}, "b").marks[0][1]) == 1000
    cases = [
        ({**opened, "contests": [contest] * 65}, "'contests' must hold 1..64 items, got 65", "b"),
        ({**opened, "contests": []}, "'contests' must hold 1..64 items, got 0", "b"),
        ({"ballot_id": opened["ballot_id"]}, "missing 'contests'", "b"),
        ({**opened, "tracking": "x"}, "unexpected key 'tracking'", "b"),
        ({**opened, "contests": [*others, {**contest, "marks": [mark] * 1001}]},
         "'marks' must hold 1..1000 items, got 1001", f"b contests[{len(others)}]"),
        ({**opened, "contests": [*others, {"contest_id": "mayor"}]}, "missing 'marks'", f"b contests[{len(others)}]"),
        ({**opened, "contests": [*others, {**contest, "extra": 1}]}, "unexpected key 'extra'", f"b contests[{len(others)}]"),
        ({**opened, "contests": [*others, {**contest, "contest_id": 7}]}, "'contest_id' must be a string",
         f"b contests[{len(others)}]"),
        ({**opened, "contests": [{**contest, "marks": [mark, {**mark, "extra": 1}]}]}, "unexpected key 'extra'",
         "b contests[0].marks[1]"),
        ({**opened, "contests": [{**contest, "marks": [mark, {**mark, "option_id": 7}]}]},
         "'option_id' must be a string", "b contests[0].marks[1]"),
        ({**opened, "contests": [{**contest, "marks": [mark, {**mark, "nonce": "ff" * 32}]}]},
         "non-canonical scalar (>= group order)", "b contests[0].marks[1].nonce"),
    ]
    for data, what, where in cases:
        error = _json_refusal(ballots.opening_from_json, data)
        assert (error.what, error.where) == (what, where)
    del ballot


def test_a_ballot_s_and_a_cast_ballot_s_json_refusals_are_placed_where_they_are():
    ballot, _ = ballots.encrypt_ballot(SMALL_MANIFEST, KEYS.public, CHOICES)
    body = ballots.ballot_to_json(ballot)
    contest = body["contests"][0]
    selection = contest["selections"][0]
    pad = selection["ciphertext"]["pad"]
    cases = [
        (ballots.ballot_from_json, {**body, "contests": [contest] * 65}, "'contests' must hold 1..64 items, got 65", "b"),
        (ballots.ballot_from_json, {"ballot_id": body["ballot_id"]}, "missing 'contests'", "b"),
        (ballots.ballot_from_json, {**body, "extra": 1}, "unexpected key 'extra'", "b"),
        (ballots.ballot_from_json, {**body, "contests": [{**contest, "selections": [selection, {
            **selection, "ciphertext": {**selection["ciphertext"], "pad": pad.upper()}}]}]},
         "expected 64 lowercase hex digits", "b contests[0].selections[1].ciphertext.pad"),
    ]
    cast = ballots.cast_to_json(ballots.cast_ballot(SMALL_MANIFEST, ballot, KEYS))
    cases += [
        (lambda data, where: ballots.cast_from_json(SMALL_MANIFEST, data, where), data, what, where)
        for data, what, where in (
            ({**cast, "extra": 1}, "unexpected key 'extra'", "b"),
            ({"ballot": body, "credential": cast["credential"]}, "missing 'signature'", "b"),
            ({**cast, "ballot": {**body, "contests": []}}, "'contests' must hold 1..64 items, got 0", "b.ballot"),
            ({**cast, "credential": "ff" * 32}, "invalid or non-canonical ristretto255 encoding", "b.credential"),
        )
    ]
    for function, data, what, where in cases:
        error = _json_refusal(function, data)
        assert (error.what, error.where) == (what, where)
