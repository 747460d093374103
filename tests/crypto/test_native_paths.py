# SPDX-License-Identifier: Apache-2.0
"""shailoo.crypto.native (native.c) computes what the Python path computes, byte for byte: the prover's
commitments, blinds, challenges and responses, and the verifier's commitments and challenge sum, for every
number of branches and every true branch. The range proofs' own tests run on both paths
(tests/crypto/conftest.py); these compare the two paths' pieces directly."""
import gc
import importlib.machinery
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto import codec, native
from shailoo.crypto.disjunctive import encrypt_and_prove, prove_range, verify_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import ZERO, Commitments, L, Scalar, base_mul, fixed_base
from shailoo.crypto.randomness import SeededRandomness

from .conftest import BUILT
from .strategies import examples, scalars

KEY = base_mul(Scalar(0x5EED))


def _reduced(data: bytes) -> int:
    return int.from_bytes(data, "little") % L


@settings(max_examples=examples(25), deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.binary(min_size=128 * n, max_size=128 * n),
                                                     st.integers(0, n - 1))), scalars, st.binary(min_size=64, max_size=64))
def test_the_prover_s_pieces_are_the_python_path_s(drawn, nonce, total):
    drawn, true = drawn
    branches = len(drawn) // 128
    slots, blinds, challenges = native.prove_commit(fixed_base(KEY).table, drawn, true)
    expected_blinds = [_reduced(drawn[128 * j : 128 * j + 64]) for j in range(branches)]
    expected_challenges = [_reduced(drawn[128 * j + 64 : 128 * j + 128]) * (j != true) for j in range(branches)]
    assert blinds == b"".join(t.to_bytes(32, "little") for t in expected_blinds)
    assert challenges == b"".join(c.to_bytes(32, "little") for c in expected_challenges)
    commitments = Commitments(2 * branches)
    commitments.disjunctive(fixed_base(KEY), expected_blinds,
                            [c * (j - true) for j, c in enumerate(expected_challenges)], true)
    assert slots == commitments.framed()
    responses = native.prove_respond(total, nonce.to_bytes(), true, blinds, challenges)
    expected_challenges[true] = (_reduced(total) - sum(expected_challenges)) % L
    assert challenges == b"".join(c.to_bytes(32, "little") for c in expected_challenges)
    assert responses == b"".join(((t + c * nonce.value) % L).to_bytes(32, "little")
                                 for t, c in zip(expected_blinds, expected_challenges, strict=True))
    assert blinds == bytes(32 * branches)  # wiped


@settings(max_examples=examples(25), deadline=None)
@given(st.integers(0, 300), st.lists(st.tuples(scalars, scalars), min_size=1, max_size=5), scalars, scalars,
       st.data())
def test_the_verifier_s_commitments_are_the_python_path_s(low, branches, pad_log, data_log, data):
    pad, point = base_mul(pad_log), base_mul(data_log)
    challenges, responses = [c for c, _ in branches], [v for _, v in branches]
    zero = data.draw(st.integers(-1, len(branches) - 1))
    if zero >= 0:
        challenges[zero] = ZERO  # libdecaf's double multiplication drops G's part: the other way is taken
    slots, total = native.verify_commit(KEY, pad.decoded(), point.decoded(), low,
                                        b"".join(c.to_bytes() for c in challenges),
                                        b"".join(v.to_bytes() for v in responses))
    commitments = Commitments(2 * len(branches))
    commitments.verify_branches(fixed_base(KEY), pad, point, low, [c.value for c in challenges],
                                [v.value for v in responses])
    assert slots == commitments.framed()
    assert total == sum(c.value for c in challenges) % L


@settings(max_examples=examples(15), deadline=None)
@given(st.integers(0, 3).flatmap(lambda low: st.integers(low, low + 3).flatmap(
    lambda high: st.tuples(st.just(low), st.just(high), st.integers(low, high)))), st.binary(min_size=1, max_size=8))
def test_an_encryption_with_its_proof_is_the_python_path_s(bounds, seed):
    low, high, value = bounds
    made = {}
    for path in ("native", "python"):
        native.lib = BUILT if path == "native" else None
        try:
            made[path] = encrypt_and_prove(value, KEY, low, high, b"Q" * 64, b"label", SeededRandomness(seed))
        finally:
            native.lib = BUILT
    (ciphertext, nonce, proof), (expected_ciphertext, expected_nonce, expected_proof) = made["native"], made["python"]
    assert (ciphertext.pad.data, ciphertext.data.data) == (expected_ciphertext.pad.data, expected_ciphertext.data.data)
    assert ciphertext == expected_ciphertext and nonce == expected_nonce
    assert codec.range_proof_to_json(proof) == codec.range_proof_to_json(expected_proof)
    assert ciphertext.pad + base_mul(Scalar(0)) == base_mul(nonce)  # the decoded form agrees with the encoding
    verify_range(proof, ciphertext, KEY, low, high, b"Q" * 64, b"label", "here")


def test_the_module_at_its_path_loads_bound_to_the_libdecaf_loaded_and_gives_the_python_path_s_proofs(monkeypatch):
    """native.load, what the import runs: the module built for this native.c, in this venv, handed the
    libdecaf functions, G's table and the identity; proofs made and checked through what it returns are the
    Python path's."""
    assert native.module_path(sys.prefix) == native.PATH
    assert native.PATH.name == native.MODULE + importlib.machinery.EXTENSION_SUFFIXES[0]
    module_ffi, module_lib = native.load(native.PATH)
    made = {}
    for path in ("python", "native"):
        monkeypatch.setattr(native, "ffi", module_ffi if path == "native" else None)
        monkeypatch.setattr(native, "lib", module_lib if path == "native" else None)
        rng = SeededRandomness(b"load")
        ciphertext, nonce, proof = encrypt_and_prove(2, KEY, 1, 3, b"Q" * 64, b"label", rng)
        contest = prove_range(ciphertext, 2, nonce, KEY, 0, 4, b"Q" * 64, b"contest", rng)
        verify_range(proof, ciphertext, KEY, 1, 3, b"Q" * 64, b"label", "here")
        verify_range(contest, ciphertext, KEY, 0, 4, b"Q" * 64, b"contest", "here")
        with pytest.raises(InvalidProof):
            verify_range(contest, ciphertext, KEY, 1, 5, b"Q" * 64, b"contest", "here")
        made[path] = (ciphertext, nonce, codec.range_proof_to_json(proof), codec.range_proof_to_json(contest))
    assert made["native"] == made["python"]


def test_the_native_prover_refuses_a_true_branch_outside_its_branches_or_no_branch_at_all():
    """The module's functions refuse it before native.c is called, saying so (native.c would refuse it too,
    returning -1 before its buffers are touched, which reads as a failed allocation). Range proofs never ask
    it: prove_range and encrypt_and_prove refuse such a value first (test_disjunctive.py)."""
    table, message = fixed_base(KEY).table, base_mul(Scalar(1))
    for drawn, true, branches in ((bytes(128 * 2), 2, 2), (bytes(128), 5, 1), (b"", 0, 0), (bytes(128), -1, 1)):
        what = rf"^the true branch {true} is not one of the {branches} branches$"
        with pytest.raises(ValueError, match=what):
            native.prove_commit(table, drawn, true)
        with pytest.raises(ValueError, match=what):
            native.encrypt_commit(table, message, bytes(64) + drawn, true)
    assert len(native.prove_commit(table, bytes(128 * 2), 1)[2]) == 64
    assert len(native.encrypt_commit(table, message, bytes(64 + 128), 0)[5]) == 32


def test_each_point_of_a_native_encryption_keeps_its_memory_alive_on_its_own():
    """The pad and the data of encrypt_and_prove's ciphertext share one libdecaf buffer (native.encrypt_commit):
    either, kept alone after the rest is dropped and the memory handed out again, is still its point."""
    for kept in ("pad", "data"):
        ciphertext, nonce, _ = encrypt_and_prove(1, KEY, 0, 1, b"Q" * 64, b"label", SeededRandomness(kept.encode()))
        point, expected = getattr(ciphertext, kept), getattr(encrypt(1, KEY, nonce), kept)
        del ciphertext
        gc.collect()
        others = [encrypt_and_prove(0, KEY, 0, 1, b"Q" * 64, b"label", SeededRandomness(bytes([i]))) for i in range(8)]
        assert point + base_mul(Scalar(0)) == expected, kept
        del others


def test_a_native_encryption_hands_back_its_nonce_as_a_scalar_s_32_byte_encoding():
    """r, from the first 64 bytes drawn as random_scalar reads them, encoded as every scalar is; the pad is rG."""
    drawn = SeededRandomness(b"nonce").bytes(64 + 128)
    pad, _, nonce, *_ = native.encrypt_commit(fixed_base(KEY).table, base_mul(Scalar(1)), drawn, 0)
    assert nonce == Scalar.from_uniform(drawn[:64]).to_bytes() and len(nonce) == 32
    assert pad == base_mul(Scalar.from_uniform(drawn[:64]))
