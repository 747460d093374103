# SPDX-License-Identifier: Apache-2.0
"""The fast paths of the prover and the verifier (group.Commitments, in-place sums, batched draws) give
exactly what the textbook formulas give through Point arithmetic, for every range and every true branch;
nothing in them lets a different point through."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto import codec
from shailoo.crypto.ballot import EncryptedSelection, contest_sum
from shailoo.crypto.disjunctive import RangeProof, prove_range, verify_range
from shailoo.crypto.elgamal import Ciphertext, encrypt
from shailoo.crypto.errors import InvalidProof
from shailoo.crypto.group import (
    IDENTITY,
    ZERO,
    Commitments,
    L,
    Point,
    PointSum,
    Scalar,
    base_mul,
    fixed_base,
    hash_to_scalar,
    public_combination,
)
from shailoo.crypto.randomness import SeededRandomness, random_scalar

from .strategies import CONTESTS, examples, scalars

# Each test runs on both paths of the range proofs (tests/crypto/conftest.py).
pytestmark = pytest.mark.usefixtures("range_path")


KEY = base_mul(Scalar(0x5EED))
CONTEXT = b"Q" * 64


def _slots(commitments: Commitments, count: int) -> list[Point]:
    return [Point.from_bytes(data) for data in commitments.encodings()[:count]]


@settings(max_examples=examples(20), deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(scalars, min_size=n, max_size=n), st.lists(scalars, min_size=n, max_size=n), st.integers(0, n - 1))))
def test_disjunctive_commitments_are_the_textbook_ones_for_every_true_branch(drawn):
    blinds, shifts, true = drawn
    shifts[true] = ZERO  # the true branch's c_j is zero before hashing
    commitments = Commitments(2 * len(blinds))
    commitments.disjunctive(fixed_base(KEY), [b.value for b in blinds], [s.value for s in shifts], true)
    expected = []
    for blind, shift in zip(blinds, shifts, strict=True):
        expected += [base_mul(blind), KEY * blind + base_mul(shift)]
    assert _slots(commitments, len(expected)) == expected


def test_each_simulated_shift_lands_in_its_own_branch():
    # Distinct shifts: a selection that picked a neighbour's e_j G (or none) would show here.
    blinds = [Scalar(10 + j) for j in range(4)]
    for true in range(4):
        shifts = [Scalar(0 if j == true else 100 + j) for j in range(4)]
        commitments = Commitments(8)
        commitments.disjunctive(fixed_base(KEY), [b.value for b in blinds], [s.value for s in shifts], true)
        assert _slots(commitments, 8)[1::2] == [KEY * b + base_mul(s) for b, s in zip(blinds, shifts, strict=True)]


@settings(max_examples=examples(20), deadline=None)
@given(st.integers(0, 3), st.lists(st.tuples(scalars, scalars), min_size=1, max_size=4), scalars, scalars)
def test_the_verifier_recomputes_the_textbook_commitments(low, branches, pad_log, data_log):
    pad, data = base_mul(pad_log), base_mul(data_log)
    challenges, responses = [c for c, _ in branches], [v for _, v in branches]
    challenges[0] = ZERO  # libdecaf drops G's part of a G + 0 P: the zero challenge takes the other path
    commitments = Commitments(2 * len(branches))
    commitments.verify_branches(fixed_base(KEY), pad, data, low, [c.value for c in challenges],
                                [v.value for v in responses])
    expected = []
    for j, (c, v) in enumerate(zip(challenges, responses, strict=True), start=low):
        expected += [base_mul(v) - pad * c, KEY * v - (data - base_mul(Scalar(j))) * c]
    assert _slots(commitments, len(expected)) == expected
    framed = commitments.framed()
    assert framed == b"".join(len(p.data).to_bytes(4, "big") + p.data for p in expected)
    assert public_combination(v, pad, ZERO) == base_mul(v)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 7, 8, 16, 255])
def test_adding_a_small_multiple_is_repeated_addition(count):
    point = base_mul(Scalar(123456789))
    total = PointSum()
    total.add(base_mul(Scalar(5)))
    total.add_multiple(point, count)
    assert total.point() == base_mul(Scalar(5)) + point * Scalar(count)
    with pytest.raises(ValueError):
        PointSum().add_multiple(point, -1)


def test_a_finished_sum_hands_over_its_point():
    total = PointSum()
    assert total.total() == IDENTITY
    total.add(base_mul(Scalar(2)))
    assert total.total() == base_mul(Scalar(2))  # the sum goes on after total()
    total.add(base_mul(Scalar(3)))
    assert total.point() == base_mul(Scalar(5))


def _textbook_proof(ciphertext, value, nonce, low, high, label, rng):
    """docs/protocol.md 3.3 as written, one Point operation at a time."""
    draws = [(random_scalar(rng), random_scalar(rng)) for _ in range(low, high + 1)]
    challenges = [Scalar(c.value * (j != value)) for j, (_, c) in zip(range(low, high + 1), draws, strict=True)]
    commitments = []
    for j, (t, _), c in zip(range(low, high + 1), draws, challenges, strict=True):
        commitments += [base_mul(t), KEY * t + base_mul(c * Scalar(j - value))]
    total = hash_to_scalar("range", CONTEXT, label, low.to_bytes(8, "big"), high.to_bytes(8, "big"), KEY.data,
                           ciphertext.pad.data, ciphertext.data.data, *(p.data for p in commitments))
    challenges[value - low] = total - Scalar(sum(c.value for c in challenges))
    return [c.hex() for c in challenges], [(t + c * nonce).hex() for (t, _), c in zip(draws, challenges, strict=True)]


@settings(max_examples=examples(15), deadline=None)
@given(st.integers(0, 3).flatmap(lambda low: st.integers(low, low + 4).flatmap(
    lambda high: st.tuples(st.just(low), st.just(high), st.integers(low, high)))), st.binary(min_size=1, max_size=8))
def test_the_prover_gives_the_textbook_proof_byte_for_byte(bounds, seed):
    low, high, value = bounds
    nonce = random_scalar(SeededRandomness(b"nonce" + seed))
    ciphertext = encrypt(value, KEY, nonce)
    proof = prove_range(ciphertext, value, nonce, KEY, low, high, CONTEXT, b"label", SeededRandomness(seed))
    assert codec.range_proof_to_json(proof) == dict(zip(("c", "v"), _textbook_proof(
        ciphertext, value, nonce, low, high, b"label", SeededRandomness(seed)), strict=True))
    verify_range(proof, ciphertext, KEY, low, high, CONTEXT, b"label", "here")


def test_a_proof_for_another_ciphertext_or_key_is_refused():
    nonce = random_scalar(SeededRandomness(b"n"))
    ciphertext = encrypt(1, KEY, nonce)
    proof = prove_range(ciphertext, 1, nonce, KEY, 0, 1, CONTEXT, b"l", SeededRandomness(b"p"))
    other = Ciphertext(ciphertext.pad, ciphertext.data + base_mul(Scalar(L - 1)))  # an encryption of 0
    for bad, key in ((other, KEY), (ciphertext, KEY + base_mul(Scalar(1)))):
        with pytest.raises(InvalidProof):
            verify_range(proof, bad, key, 0, 1, CONTEXT, b"l", "here")


def test_contest_sums_weigh_against_all_by_the_maximum():
    referendum = CONTESTS[2]
    rng = SeededRandomness(b"sum")
    nonces = [random_scalar(rng) for _ in referendum.options]
    marks = {"yes": 0, "no": 0, "against": 1}
    selections = tuple(EncryptedSelection(o.option_id, encrypt(marks[o.option_id], KEY, r), RangeProof((), ()))
                       for o, r in zip(referendum.options, nonces, strict=True))
    weight = referendum.max_marks
    expected = encrypt(weight, KEY, nonces[0] + nonces[1] + nonces[2] * Scalar(weight))
    assert contest_sum(referendum, selections) == expected


def test_a_negative_multiple_is_refused_saying_why():
    with pytest.raises(ValueError) as caught:
        PointSum().add_multiple(base_mul(Scalar(7)), -3)
    assert str(caught.value) == "the count is not negative"
