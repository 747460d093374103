# SPDX-License-Identifier: Apache-2.0
"""Schnorr, Chaum-Pedersen and disjunctive range proofs accept honest transcripts and reject tampered ones."""
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto.chaum_pedersen import prove_equal_logs, verify_equal_logs
from shailoo.crypto.disjunctive import prove_range, verify_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import GENERATOR, Scalar, base_mul
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.schnorr import prove_knowledge, verify_knowledge
from shailoo.crypto.signature import generate_signing_key

from .strategies import examples, labels, nonzero_scalars, scalars

# Each test runs on both paths of the range proofs (tests/crypto/conftest.py).
pytestmark = pytest.mark.usefixtures("range_path")


CONTEXT = b"Q" * 64
KEYS = generate_signing_key()  # an ElGamal key pair is the same kind of pair: secret s, public sG


def _bump(value: Scalar) -> Scalar:
    return value + Scalar(1)


@settings(max_examples=examples(10), deadline=None)
@given(nonzero_scalars, labels)
def test_schnorr_proof_accepts_the_prover_and_rejects_any_changed_part(secret, label):
    public = base_mul(secret)
    proof = prove_knowledge(secret, public, CONTEXT, label)
    verify_knowledge(proof, public, CONTEXT, label, "here")
    for forged in (dataclasses.replace(proof, challenge=_bump(proof.challenge)),
                   dataclasses.replace(proof, response=_bump(proof.response))):
        with pytest.raises(InvalidProof):
            verify_knowledge(forged, public, CONTEXT, label, "here")
    with pytest.raises(InvalidProof):
        verify_knowledge(proof, public + GENERATOR, CONTEXT, label, "here")
    with pytest.raises(InvalidProof):
        verify_knowledge(proof, public, CONTEXT, label + b"!", "here")
    with pytest.raises(InvalidProof):
        verify_knowledge(proof, public, b"other election", label, "here")


@settings(max_examples=examples(10), deadline=None)
@given(nonzero_scalars, nonzero_scalars)
def test_chaum_pedersen_proves_equal_logs_and_nothing_else(secret, other_base_log):
    base2 = base_mul(other_base_log)
    public1, public2, proof = prove_equal_logs(secret, GENERATOR, base2, CONTEXT, b"cp")
    verify_equal_logs(proof, GENERATOR, public1, base2, public2, CONTEXT, b"cp", "here")
    with pytest.raises(InvalidProof) as caught:
        verify_equal_logs(proof, GENERATOR, public1, base2, public2 + GENERATOR, CONTEXT, b"cp", "here")
    assert caught.value.where == "here"
    with pytest.raises(InvalidProof):
        verify_equal_logs(dataclasses.replace(proof, response=_bump(proof.response)),
                          GENERATOR, public1, base2, public2, CONTEXT, b"cp", "here")


def test_chaum_pedersen_for_different_logs_does_not_verify():
    secret, base2 = random_scalar(SYSTEM), base_mul(random_scalar(SYSTEM))
    public1, _, proof = prove_equal_logs(secret, GENERATOR, base2, CONTEXT, b"cp")
    with pytest.raises(InvalidProof):
        verify_equal_logs(proof, GENERATOR, public1, base2, base2 * (secret + Scalar(1)), CONTEXT, b"cp", "x")


@settings(max_examples=examples(10), deadline=None)
@given(st.data())
def test_range_proof_accepts_every_value_in_range(data):
    low = data.draw(st.integers(0, 3))
    high = data.draw(st.integers(low, low + 3))
    value = data.draw(st.integers(low, high))
    nonce = data.draw(scalars)
    ciphertext = encrypt(value, KEYS.public, nonce)
    proof = prove_range(ciphertext, value, nonce, KEYS.public, low, high, CONTEXT, b"r")
    verify_range(proof, ciphertext, KEYS.public, low, high, CONTEXT, b"r", "here")


@settings(max_examples=examples(10), deadline=None)
@given(st.integers(0, 1), st.integers(0, 3), st.sampled_from(["challenges", "responses"]))
def test_zero_one_proof_rejects_any_tampered_scalar(value, position, part):
    nonce = random_scalar(SYSTEM)
    ciphertext = encrypt(value, KEYS.public, nonce)
    proof = prove_range(ciphertext, value, nonce, KEYS.public, 0, 1, CONTEXT, b"r")
    scalars_ = list(getattr(proof, part))
    scalars_[position % 2] = _bump(scalars_[position % 2])
    with pytest.raises(InvalidProof):
        verify_range(dataclasses.replace(proof, **{part: tuple(scalars_)}), ciphertext, KEYS.public, 0, 1,
                     CONTEXT, b"r", "here")


def test_zero_one_proof_does_not_transfer_to_an_encryption_of_two():
    nonce = random_scalar(SYSTEM)
    honest = encrypt(1, KEYS.public, nonce)
    proof = prove_range(honest, 1, nonce, KEYS.public, 0, 1, CONTEXT, b"r")
    with pytest.raises(InvalidProof):
        verify_range(proof, encrypt(2, KEYS.public, nonce), KEYS.public, 0, 1, CONTEXT, b"r", "here")


def test_range_proof_is_bound_to_its_label_and_range():
    nonce = random_scalar(SYSTEM)
    ciphertext = encrypt(2, KEYS.public, nonce)
    proof = prove_range(ciphertext, 2, nonce, KEYS.public, 1, 3, CONTEXT, b"r")
    with pytest.raises(InvalidProof):
        verify_range(proof, ciphertext, KEYS.public, 1, 3, CONTEXT, b"other", "here")
    with pytest.raises(InvalidProof):
        verify_range(proof, ciphertext, KEYS.public, 0, 2, CONTEXT, b"r", "here")


def test_an_honest_prover_refuses_a_value_outside_the_range():
    nonce = random_scalar(SYSTEM)
    with pytest.raises(ValueError, match=r"^value 2 is outside 0\.\.1: no honest proof exists$"):
        prove_range(encrypt(2, KEYS.public, nonce), 2, nonce, KEYS.public, 0, 1, CONTEXT, b"r")
    with pytest.raises(ValueError, match=r"^value 0 is outside 1\.\.3: no honest proof exists$"):
        prove_range(encrypt(0, KEYS.public, nonce), 0, nonce, KEYS.public, 1, 3, CONTEXT, b"r")
