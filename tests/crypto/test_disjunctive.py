# SPDX-License-Identifier: Apache-2.0
"""The range proofs' verifier refuses, with its own message and place, what it must not try to check: a
range of no branches or more than 256, a proof with a challenge or a response more or fewer than its
branches; the one-call prover refuses a value outside its range as the prover does (tests/crypto/
test_proofs.py has the proofs' soundness, test_fast_paths.py and test_native_paths.py their bytes)."""
import dataclasses

import pytest

from shailoo.crypto.disjunctive import MAX_BRANCHES, encrypt_and_prove, prove_range, verify_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import Scalar, base_mul
from shailoo.crypto.randomness import SeededRandomness, random_scalar

# Each test runs on both paths of the range proofs (tests/crypto/conftest.py).
pytestmark = pytest.mark.usefixtures("range_path")

CONTEXT = b"Q" * 64
KEY = base_mul(Scalar(0xD15))


def _honest(value: int, low: int, high: int, seed: bytes = b"honest"):
    nonce = random_scalar(SeededRandomness(b"nonce " + seed))
    ciphertext = encrypt(value, KEY, nonce)
    return ciphertext, prove_range(ciphertext, value, nonce, KEY, low, high, CONTEXT, b"r", SeededRandomness(seed))


def _refusal(proof, ciphertext, low, high) -> InvalidProof:
    with pytest.raises(InvalidProof) as caught:
        verify_range(proof, ciphertext, KEY, low, high, CONTEXT, b"r", "ballot 3 c/o1")
    return caught.value


def test_a_range_of_one_to_256_branches_is_checked_and_one_of_none_or_257_is_refused_as_such():
    for value, low, high in ((5, 5, 5), (200, 0, MAX_BRANCHES - 1)):
        ciphertext, proof = _honest(value, low, high)
        verify_range(proof, ciphertext, KEY, low, high, CONTEXT, b"r", "here")
    ciphertext, proof = _honest(1, 0, 1)
    for low, high in ((1, 0), (0, MAX_BRANCHES), (3, 1)):
        error = _refusal(proof, ciphertext, low, high)
        assert (error.what, error.where) == (f"range {low}..{high} is empty or too wide", "ballot 3 c/o1")


def test_a_proof_with_a_challenge_or_a_response_more_or_fewer_than_its_branches_is_refused_as_such():
    ciphertext, proof = _honest(1, 0, 1)
    extra = Scalar(1)
    for challenges, responses in (
        (proof.challenges, (*proof.responses, extra)),
        (proof.challenges, proof.responses[:1]),
        ((*proof.challenges, extra), proof.responses),
        (proof.challenges[:1], proof.responses),
        ((*proof.challenges, extra), (*proof.responses, extra)),
    ):
        wrong = dataclasses.replace(proof, challenges=challenges, responses=responses)
        error = _refusal(wrong, ciphertext, 0, 1)
        assert (error.what, error.where) == (
            f"expected 2 branches, got {len(challenges)} challenges and {len(responses)} responses", "ballot 3 c/o1")
    verify_range(proof, ciphertext, KEY, 0, 1, CONTEXT, b"r", "here")


def test_the_one_call_prover_refuses_a_value_outside_its_range_as_the_prover_does():
    for value, low, high in ((2, 0, 1), (0, 1, 3), (4, 1, 3)):
        with pytest.raises(ValueError) as caught:
            encrypt_and_prove(value, KEY, low, high, CONTEXT, b"r", SeededRandomness(b"out"))
        assert str(caught.value) == f"value {value} is outside {low}..{high}: no honest proof exists"


@pytest.mark.parametrize(("value", "low", "high"), [(0, 0, 1), (1, 0, 1), (2, 1, 3), (3, 1, 3), (5, 5, 5), (40, 3, 43)])
def test_the_one_call_prover_draws_the_nonce_then_the_proof_s_bytes_and_nothing_more(value, low, high):
    """encrypt_and_prove is random_scalar, encrypt and prove_range with the same randomness: the same
    ciphertext, nonce and proof, a proof that verifies for low > 0 too; the nonce takes 64 bytes of the
    stream and each branch 128 (t_j, c_j), and the next draw (the next selection's nonce) starts after them."""
    branches = high - low + 1
    one_call = SeededRandomness(b"draws")
    ciphertext, nonce, proof = encrypt_and_prove(value, KEY, low, high, CONTEXT, b"r", one_call)
    by_steps = SeededRandomness(b"draws")
    expected_nonce = random_scalar(by_steps)
    expected_ciphertext = encrypt(value, KEY, expected_nonce)
    expected = prove_range(expected_ciphertext, value, expected_nonce, KEY, low, high, CONTEXT, b"r", by_steps)
    assert (ciphertext, nonce, proof) == (expected_ciphertext, expected_nonce, expected)
    stream = SeededRandomness(b"draws").bytes(64 + 128 * branches + 64)
    assert one_call.bytes(64) == by_steps.bytes(64) == stream[-64:]
    verify_range(proof, ciphertext, KEY, low, high, CONTEXT, b"r", "here")
