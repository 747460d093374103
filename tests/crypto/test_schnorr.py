# SPDX-License-Identifier: Apache-2.0
"""The Schnorr proof of knowledge (docs/protocol.md 3.1): the challenge hashes everything the proof claims,
and a refused proof names itself and its place."""
import dataclasses

import pytest

from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import Scalar, base_mul, hash_to_scalar
from shailoo.crypto.randomness import SeededRandomness
from shailoo.crypto.schnorr import prove_knowledge, verify_knowledge

CONTEXT = b"Q" * 64
SECRET = Scalar(0x5EED)
PUBLIC = base_mul(SECRET)


def test_the_challenge_is_the_hash_of_the_context_label_public_key_and_commitment():
    proof = prove_knowledge(SECRET, PUBLIC, CONTEXT, b"label", SeededRandomness(b"schnorr"))
    commitment = base_mul(proof.response) - PUBLIC * proof.challenge  # a = vG - cX
    assert proof.challenge == hash_to_scalar("schnorr", CONTEXT, b"label", PUBLIC.data, commitment.data)


def test_a_refused_proof_says_so_and_where():
    proof = prove_knowledge(SECRET, PUBLIC, CONTEXT, b"label")
    forged = dataclasses.replace(proof, response=proof.response + Scalar(1))
    with pytest.raises(InvalidProof) as caught:
        verify_knowledge(forged, PUBLIC, CONTEXT, b"label", "ceremony.json keys[2]")
    error = caught.value
    assert (error.what, error.where, error.check) == ("Schnorr proof does not verify", "ceremony.json keys[2]", None)
