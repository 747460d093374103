# SPDX-License-Identifier: Apache-2.0
"""The key ceremony's message checks name the place of every refusal, down to the field of the item that
failed, keep what they checked, and bound the qualified set a final signs (issue 14's survivors of ceremony.py)."""

import pytest

from shailoo.crypto import ceremony as c
from shailoo.crypto import codec
from shailoo.crypto.errors import CryptoError

from .strategies import HOLDERS
from .test_ceremony import _check_messages, _complaint, _refused, _rounds, _signed


def _refused_encoding(function, *args):
    """A schema refusal (no ceremony check code of its own): returns (what, where)."""
    with pytest.raises(CryptoError) as caught:
        function(*args)
    return caught.value.what, caught.value.where


def test_a_key_message_names_the_list_or_the_proof_that_is_malformed():
    rounds = _rounds()
    cer, message = rounds.cer, rounds.key_json[0]
    assert c.check_key_message(cer, message, "k").holder == 1
    error = _refused(
        "ceremony.schema",
        c.check_key_message,
        cer,
        _signed({**message, "commitments": message["commitments"][:2]}, 1),
        "k",
    )
    assert (error.what, error.where) == ("'commitments' must hold 3..3 items, got 2", "k")
    proofs = message["commitment_proofs"]
    assert _refused_encoding(
        c.check_key_message, cer, _signed({**message, "commitment_proofs": proofs[:2]}, 1), "k"
    ) == ("'commitment_proofs' must hold 3..3 items, got 2", "k")
    half = {"c": proofs[0]["c"]}
    assert _refused_encoding(
        c.check_key_message, cer, _signed({**message, "encryption_key_proof": half}, 1), "k"
    ) == ("missing 'v'", "k.encryption_key_proof")
    assert _refused_encoding(
        c.check_key_message,
        cer,
        _signed({**message, "commitment_proofs": [proofs[0], half, proofs[2]]}, 1),
        "k",
    ) == ("missing 'v'", "k.commitment_proofs[1]")


def test_a_shares_message_names_the_share_and_the_field_that_is_malformed():
    rounds = _rounds()
    cer, keys, message = rounds.cer, rounds.keys, rounds.shares_json[0]
    shares = message["shares"]
    assert c.check_shares_message(cer, message, keys, "s").holder == 1
    error = _refused(
        "schema.hex",
        c.check_shares_message,
        cer,
        _signed({**message, "keys_digest": "AB" * 64}, 1),
        keys,
        "s",
    )
    assert (error.what, error.where) == ("expected 128 lowercase hex digits", "s.keys_digest")
    assert _refused_encoding(
        c.check_shares_message, cer, _signed({**message, "shares": shares[:3]}, 1), keys, "s"
    ) == ("'shares' must hold 4..4 items, got 3", "s")
    no_ciphertext = {k: v for k, v in shares[2].items() if k != "ciphertext"}
    assert _refused_encoding(
        c.check_shares_message,
        cer,
        _signed({**message, "shares": [*shares[:2], no_ciphertext, shares[3]]}, 1),
        keys,
        "s",
    ) == ("missing 'ciphertext'", "s.shares[2]")
    text_recipient = {**shares[1], "recipient": "2"}
    assert _refused_encoding(
        c.check_shares_message,
        cer,
        _signed({**message, "shares": [shares[0], text_recipient, *shares[2:]]}, 1),
        keys,
        "s",
    ) == ("'recipient' must be an integer, got '2'", "s.shares[1]")


def test_a_check_message_names_the_complaint_and_the_field_that_is_malformed():
    rounds = _rounds()
    cer, keys, shares = rounds.cer, rounds.keys, rounds.shares
    message = _check_messages(rounds)[2]
    first, second = _complaint(rounds, 3, 1), _complaint(rounds, 3, 2)
    checked = c.check_check_message(
        cer, _signed({**message, "complaints": [first, second]}, 3), keys, shares, "c"
    )
    assert [(x.complainant, x.dealer) for x in checked.complaints] == [(3, 1), (3, 2)]

    def refusal(complaints):
        return _refused_encoding(
            c.check_check_message, cer, _signed({**message, "complaints": complaints}, 3), keys, shares, "c"
        )

    assert refusal([first, second] * 3) == ("'complaints' must hold 0..4 items, got 6", "c")
    assert refusal([first, "a complaint"]) == ("expected an object", "c.complaints[1]")
    assert refusal([{**first, "dealer": 5}]) == ("'dealer' must be in 1..4, got 5", "c.complaints[0]")
    assert refusal([first, {**second, "shared_point": "zz"}]) == (
        "expected 64 lowercase hex digits",
        "c.complaints[1].shared_point",
    )
    assert refusal([{**first, "proof": {"c": first["proof"]["c"]}}]) == (
        "missing 'v'",
        "c.complaints[0].proof",
    )
    error = _refused(
        "ceremony.complaint",
        c.check_check_message,
        cer,
        _signed({**message, "complaints": [first, first]}, 3),
        keys,
        shares,
        "c",
    )
    assert (error.what, error.where) == (
        "complaints name other dealers, each once, in increasing order",
        "c.complaints[1]",
    )


def test_a_check_message_checked_against_round_two_out_of_order_names_that_round():
    rounds = _rounds()
    message = _check_messages(rounds)[2]
    swapped = [rounds.shares[1], rounds.shares[0], *rounds.shares[2:]]
    error = _refused("ceremony.schema", c.check_check_message, rounds.cer, message, rounds.keys, swapped, "c")
    assert (error.what, error.where) == (
        "expected one ceremony-shares message per holder 1..n, in order",
        "ceremony",
    )


def test_a_checked_complaint_keeps_the_revealed_point_and_its_proof():
    rounds = _rounds()
    complaint = _complaint(rounds, 3, 1)
    message = _signed({**_check_messages(rounds)[2], "complaints": [complaint]}, 3)
    checked = c.check_check_message(rounds.cer, message, rounds.keys, rounds.shares, "c")
    assert checked.complaints == (
        c.Complaint(
            3,
            1,
            codec.point_of(complaint["shared_point"], "d"),
            codec.chaum_pedersen_from_json(complaint["proof"], "p"),
        ),
    )


def _final_and_checks(rounds):
    checks = [
        c.check_check_message(rounds.cer, m, rounds.keys, rounds.shares, "c") for m in _check_messages(rounds)
    ]
    qualified = (1, 2, 3, 4)
    joint_key = c.joint_public_key(rounds.keys, qualified)
    return c.make_final(rounds.cer, 2, checks, qualified, joint_key, HOLDERS[2]), checks, qualified, joint_key


def test_a_final_names_its_malformed_digest_and_signs_at_most_n_qualified_holders():
    rounds = _rounds()
    final, checks, qualified, joint_key = _final_and_checks(rounds)
    assert c.check_final(rounds.cer, final, checks, qualified, joint_key, "f") == 2
    error = _refused(
        "schema.hex",
        c.check_final,
        rounds.cer,
        _signed({**final, "checks_digest": "AB" * 64}, 2),
        checks,
        qualified,
        joint_key,
        "f",
    )
    assert (error.what, error.where) == ("expected 128 lowercase hex digits", "f.checks_digest")
    with pytest.raises(CryptoError) as caught:
        c.check_final(
            rounds.cer, _signed({**final, "qualified": [1, 2, 3, 4, 1]}, 2), checks, qualified, joint_key, "f"
        )
    assert (caught.value.check, caught.value.what, caught.value.where) == (
        None,
        "'qualified' must hold 0..4 items, got 5",
        "f",
    )


def test_a_final_over_an_empty_qualified_set_is_read_and_refused_as_another_set():
    rounds = _rounds()
    final, checks, qualified, joint_key = _final_and_checks(rounds)
    error = _refused(
        "ceremony.final",
        c.check_final,
        rounds.cer,
        _signed({**final, "qualified": []}, 2),
        checks,
        qualified,
        joint_key,
        "f",
    )
    assert (error.what, error.where) == ("the holder signed another qualified set or joint key", "f")


def test_fewer_qualified_dealers_than_the_quorum_are_refused_at_the_ceremonys_place():
    cheated = _rounds(cheats={1: frozenset({2}), 2: frozenset({3})})
    checks = [
        c.check_check_message(cheated.cer, m, cheated.keys, cheated.shares, "c")
        for m in _check_messages(cheated)
    ]
    error = _refused("ceremony.quorum", c.outcome, cheated.cer, cheated.keys, cheated.shares, checks)
    assert (error.what, error.where) == ("2 qualified dealers, fewer than the quorum 3", "ceremony")
