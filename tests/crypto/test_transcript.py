# SPDX-License-Identifier: Apache-2.0
"""A whole ceremony run in one process (transcript.run_ceremony): the attempt it runs as, the checks it
makes of every message as the holders would, and the result it hands back."""
import pytest

from shailoo.crypto import ceremony as c
from shailoo.crypto import jcs, signature, transcript
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import Scalar, base_mul
from shailoo.crypto.randomness import SeededRandomness

from .strategies import HOLDERS, manifest_with

MANIFEST = manifest_with(holders=3, quorum=2)


@pytest.fixture(scope="module")
def second_attempt():
    return transcript.run_ceremony(MANIFEST, HOLDERS, attempt=2)


def test_a_ceremony_started_again_runs_every_message_as_its_attempt(second_attempt):
    data = second_attempt.transcript
    assert data["attempt"] == 2
    for round_ in ("keys", "shares", "checks", "finals"):
        assert [m["attempt"] for m in data[round_]] == [2, 2, 2], round_


def test_the_run_hands_back_the_result_the_transcript_checks_to(second_attempt):
    result = second_attempt.result
    assert result.ceremony == c.Ceremony(MANIFEST, 2)
    assert result == transcript.check_transcript(MANIFEST, second_attempt.transcript)
    assert result.qualified == (1, 2, 3)


def test_a_first_attempt_hands_back_its_ceremony_with_the_result():
    # Run here, not in a fixture: mutmut runs against a mutant only the tests that reached its function in
    # the clean run, and a module-scoped fixture's run is counted for the first test that asked for it.
    run = transcript.run_ceremony(MANIFEST, HOLDERS)
    assert run.result.ceremony == c.Ceremony(MANIFEST, 1)
    assert run.result == transcript.check_transcript(MANIFEST, run.transcript)


def test_a_holder_signing_with_a_key_other_than_its_registered_one_stops_the_run_at_its_key_message():
    with pytest.raises(CryptoError) as caught:
        transcript.run_ceremony(MANIFEST, {**HOLDERS, 2: HOLDERS[4]})
    assert (caught.value.check, caught.value.where) == ("ceremony.signature", "keys[1]")


# check_transcript: each refusal, with its code, message and place ----------------------------------------

def _refusal(data):
    with pytest.raises(CryptoError) as caught:
        transcript.check_transcript(MANIFEST, data)
    return caught.value.check, caught.value.what, caught.value.where


def _resigned(body, holder):
    """Holder ``holder`` signs the message as it now stands."""
    body = {k: v for k, v in body.items() if k != "signature"}
    return {**body, "signature": signature.sign(HOLDERS[holder], "ceremony",
                                                [MANIFEST.digest, jcs.canonical(body)]).hex()}


def test_a_transcript_of_another_version_is_refused_at_the_transcript(second_attempt):
    assert _refusal({**second_attempt.transcript, "version": 1}) == (
        "schema.version", '"version" must be the integer 2, got 1', "ceremony.json")


def test_a_transcript_of_attempt_zero_is_refused_at_its_attempt_before_any_message(second_attempt):
    assert _refusal({**second_attempt.transcript, "attempt": 0}) == (
        None, "'attempt' must be in 1..9007199254740991, got 0", "ceremony.json")


@pytest.mark.parametrize("key", ["keys", "shares", "checks", "finals"])
def test_a_round_short_of_a_message_is_refused_at_the_transcript(second_attempt, key):
    data = second_attempt.transcript
    assert _refusal({**data, key: data[key][:2]}) == (None, f"{key!r} must hold 3..3 items, got 2", "ceremony.json")


@pytest.mark.parametrize(("key", "kind"), [("keys", c.KEY), ("shares", c.SHARES), ("checks", c.CHECK)])
def test_a_round_whose_messages_are_out_of_holder_order_is_refused(second_attempt, key, kind):
    data = second_attempt.transcript
    swapped = [data[key][1], data[key][0], data[key][2]]
    assert _refusal({**data, key: swapped}) == (
        "ceremony.schema", f"expected one {kind} message per holder 1..n, in order", "ceremony")


def test_a_qualified_set_longer_than_the_holders_is_refused_as_malformed(second_attempt):
    assert _refusal({**second_attempt.transcript, "qualified": [1, 2, 3, 3]}) == (
        None, "'qualified' must hold 0..3 items, got 4", "ceremony.json")


def test_an_empty_qualified_set_is_refused_as_not_the_qualified_dealers(second_attempt):
    assert _refusal({**second_attempt.transcript, "qualified": []}) == (
        "ceremony.qualified", "qualified dealers are [1, 2, 3], the record says []", "ceremony.json")


def test_a_qualified_set_missing_a_dealer_is_refused_at_the_transcript(second_attempt):
    assert _refusal({**second_attempt.transcript, "qualified": [1, 2]}) == (
        "ceremony.qualified", "qualified dealers are [1, 2, 3], the record says [1, 2]", "ceremony.json")


def test_a_qualified_set_naming_a_dealer_as_true_is_refused(second_attempt):
    assert _refusal({**second_attempt.transcript, "qualified": [True, 2, 3]}) == (
        None, "'qualified'[0] must be an integer in 1..3, got True", "ceremony.json")


def test_a_qualified_set_naming_a_dealer_beyond_the_holders_is_refused_at_its_item(second_attempt):
    assert _refusal({**second_attempt.transcript, "qualified": [1, 2, 4]}) == (
        None, "'qualified'[2] must be an integer in 1..3, got 4", "ceremony.json")


def test_a_joint_key_that_is_not_a_point_encoding_is_refused_at_its_field(second_attempt):
    assert _refusal({**second_attempt.transcript, "joint_public_key": "zz" * 32}) == (
        "schema.hex", "expected 64 lowercase hex digits", "ceremony.json.joint_public_key")


def test_a_joint_key_other_than_the_qualified_dealers_sum_is_refused_even_when_every_holder_signed_it(
        second_attempt):
    data = second_attempt.transcript
    other = base_mul(Scalar(7)).hex()
    assert other != data["joint_public_key"]
    finals = [_resigned({**final, "joint_public_key": other}, final["holder"]) for final in data["finals"]]
    assert _refusal({**data, "joint_public_key": other, "finals": finals}) == (
        "ceremony.joint-key", "joint public key is not the sum of the qualified dealers' commitments", "ceremony.json")


def test_a_final_signed_over_another_checks_digest_is_refused_at_that_final(second_attempt):
    data = second_attempt.transcript
    finals = [_resigned({**data["finals"][0], "checks_digest": "00" * 64}, 1), *data["finals"][1:]]
    assert _refusal({**data, "finals": finals}) == (
        "ceremony.final", "checks_digest differs from the transcript", "ceremony.json finals[0]")


def test_a_final_signed_over_a_qualified_set_naming_a_dealer_as_true_is_refused(second_attempt):
    data = second_attempt.transcript
    finals = [data["finals"][0], _resigned({**data["finals"][1], "qualified": [True, 2, 3]}, 2), data["finals"][2]]
    assert _refusal({**data, "finals": finals}) == (
        None, "'qualified'[0] must be an integer in 1..3, got True", "ceremony.json finals[1]")


def test_a_final_signed_over_another_qualified_set_of_integers_is_refused(second_attempt):
    data = second_attempt.transcript
    finals = [data["finals"][0], _resigned({**data["finals"][1], "qualified": [1, 2]}, 2), data["finals"][2]]
    assert _refusal({**data, "finals": finals}) == (
        "ceremony.final", "the holder signed another qualified set or joint key", "ceremony.json finals[1]")


def test_finals_out_of_holder_order_are_refused_at_the_first_misplaced_one(second_attempt):
    data = second_attempt.transcript
    finals = [data["finals"][1], data["finals"][0], data["finals"][2]]
    assert _refusal({**data, "finals": finals}) == (
        "ceremony.final", "finals come from every qualified holder, in order", "ceremony.json finals[0]")


def test_a_transcript_of_another_manifest_is_refused_at_its_manifest_hash(second_attempt):
    data = second_attempt.transcript
    assert _refusal({**data, "manifest_hash": "00" * 64}) == (
        "ceremony.manifest-hash", "manifest_hash is not the hash of manifest.json", "ceremony.json")
    with pytest.raises(CryptoError) as caught:  # checked against another election's manifest, under another name
        transcript.check_transcript(manifest_with(holders=3, quorum=3), data, "board/ceremony.json")
    assert (caught.value.check, caught.value.what, caught.value.where) == (
        "ceremony.manifest-hash", "manifest_hash is not the hash of manifest.json", "board/ceremony.json")
    assert _refusal({**data, "manifest_hash": "zz" * 64}) == (
        "schema.hex", "expected 128 lowercase hex digits", "ceremony.json.manifest_hash")


def test_a_shares_message_over_other_round_one_messages_is_refused_at_that_message(second_attempt):
    data = second_attempt.transcript
    shares = [data["shares"][0], _resigned({**data["shares"][1], "keys_digest": "00" * 64}, 2), data["shares"][2]]
    assert _refusal({**data, "shares": shares}) == (
        "ceremony.transcript", "keys_digest differs: the dealer saw other round-1 messages", "ceremony.json shares[1]")


def test_a_check_message_over_other_round_two_messages_is_refused_at_that_message(second_attempt):
    data = second_attempt.transcript
    checks = [*data["checks"][:2], _resigned({**data["checks"][2], "shares_digest": "00" * 64}, 3)]
    assert _refusal({**data, "checks": checks}) == (
        "ceremony.transcript", "shares_digest differs: the holder received other round-2 messages",
        "ceremony.json checks[2]")


def test_a_run_draws_every_secret_nonce_and_signature_from_the_source_it_is_given():
    """Two runs from the same seeded source are the same run, byte for byte, also with a complaint's proof
    (dealer 2 cheats holder 3): nothing is drawn from the system's source behind the caller's back."""
    runs = [transcript.run_ceremony(MANIFEST, HOLDERS, SeededRandomness(b"ceremony"), {2: frozenset({3})})
            for _ in range(2)]
    assert runs[0].transcript["checks"][2]["complaints"] != []
    assert runs[0].transcript == runs[1].transcript and runs[0].secret_shares == runs[1].secret_shares
    other = transcript.run_ceremony(MANIFEST, HOLDERS, SeededRandomness(b"other"), {2: frozenset({3})})
    assert other.transcript["joint_public_key"] != runs[0].transcript["joint_public_key"]


@pytest.mark.parametrize(("key", "index", "kind", "other"), [
    ("keys", 0, c.KEY, c.SHARES), ("shares", 1, c.SHARES, c.CHECK), ("checks", 2, c.CHECK, c.FINAL),
    ("finals", 0, c.FINAL, c.KEY)])
def test_a_message_of_another_kind_in_a_round_is_refused_at_that_message(second_attempt, key, index, kind, other):
    data = second_attempt.transcript
    messages = list(data[key])
    messages[index] = {**messages[index], "kind": other}
    assert _refusal({**data, key: messages}) == (
        "ceremony.schema", f"expected a {kind} message", f"ceremony.json {key}[{index}]")


def test_a_final_from_a_disqualified_dealer_is_refused_at_that_final():
    run = transcript.run_ceremony(MANIFEST, HOLDERS, cheats={2: frozenset({3})})  # dealer 2 is disqualified
    data = run.transcript
    assert data["qualified"] == [1, 3]
    finals = [data["finals"][0], _resigned({**data["finals"][1], "holder": 2}, 2)]
    assert _refusal({**data, "finals": finals}) == (
        "ceremony.schema", "holder 2 has no message to send here", "ceremony.json finals[1]")
