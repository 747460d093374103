# SPDX-License-Identifier: Apache-2.0
"""Tally: homomorphic sums, partial decryptions with proofs by any k holders, never fewer."""
import dataclasses
import itertools

import pytest

from shailoo.crypto import ceremony, tally
from shailoo.crypto.ballot import encrypt_ballot
from shailoo.crypto.errors import InvalidProof, InvalidRecord
from shailoo.crypto.group import GENERATOR, Scalar, base_mul

from .strategies import SMALL_MANIFEST

CONTEXT = SMALL_MANIFEST.digest
VOTES = [
    {"mayor": frozenset({"m0"}), "council": frozenset({"k1", "k2"}), "referendum": frozenset({"yes"})},
    {"mayor": frozenset({"m0"}), "council": frozenset(), "referendum": frozenset({"against"})},
    {"mayor": frozenset({"m2"}), "council": frozenset({"k1"}), "referendum": frozenset({"no"})},
]
EXPECTED = ((2, 0, 1), (0, 2, 1, 0), (1, 1, 1))


@pytest.fixture(scope="module")
def election():
    outcome = ceremony.run_ceremony(4, 3, CONTEXT)
    ballots = [encrypt_ballot(SMALL_MANIFEST, outcome.joint_public_key, v, f"voter-{i}")[0]
               for i, v in enumerate(VOTES)]
    return outcome, tally.accumulate(SMALL_MANIFEST, ballots)


def _partials(outcome, encrypted, holders):
    return [tally.partially_decrypt(SMALL_MANIFEST, encrypted, j, outcome.secret_shares[j], CONTEXT) for j in holders]


def test_any_k_holders_decrypt_the_totals(election):
    outcome, encrypted = election
    for holders in itertools.combinations(range(1, 5), 3):
        points = tally.combine(encrypted, _partials(outcome, encrypted, holders), 3)
        assert tally.totals_from_points(points, 1000) == EXPECTED


def test_more_than_k_holders_decrypt_the_same_totals(election):
    outcome, encrypted = election
    points = tally.combine(encrypted, _partials(outcome, encrypted, (1, 2, 3, 4)), 3)
    tally.check_totals(points, EXPECTED)


def test_fewer_than_k_holders_are_refused(election):
    outcome, encrypted = election
    with pytest.raises(InvalidRecord):
        tally.combine(encrypted, _partials(outcome, encrypted, (1, 2)), 3)


def test_a_holder_counted_twice_is_refused(election):
    outcome, encrypted = election
    partials = _partials(outcome, encrypted, (1, 2))
    with pytest.raises(InvalidRecord):
        tally.combine(encrypted, [*partials, partials[0]], 3)


def test_k_minus_one_honest_shares_with_lagrange_weights_for_k_do_not_give_the_totals(election):
    outcome, encrypted = election
    partials = _partials(outcome, encrypted, (1, 2, 3))
    wrong_holder = dataclasses.replace(partials[2], holder=4)  # share of 3 presented as 4's
    points = tally.combine(encrypted, [*partials[:2], wrong_holder], 3)
    with pytest.raises(InvalidProof):
        tally.check_totals(points, EXPECTED)


def test_partial_decryption_proofs_verify_and_catch_a_wrong_share(election):
    outcome, encrypted = election
    partial = _partials(outcome, encrypted, (2,))[0]
    key = ceremony.verification_key(outcome.dealers, outcome.qualified, 2)
    tally.verify_partial(SMALL_MANIFEST, encrypted, partial, key, CONTEXT)
    (share, proof), *rest = partial.shares[0]
    bad = dataclasses.replace(partial, shares=(((share + GENERATOR, proof), *rest), *partial.shares[1:]))
    with pytest.raises(InvalidProof):
        tally.verify_partial(SMALL_MANIFEST, encrypted, bad, key, CONTEXT)


def test_published_totals_that_differ_from_the_decryption_are_caught(election):
    outcome, encrypted = election
    points = tally.combine(encrypted, _partials(outcome, encrypted, (1, 3, 4)), 3)
    wrong = ((2, 0, 1), (0, 2, 1, 0), (1, 2, 0))
    with pytest.raises(InvalidProof):
        tally.check_totals(points, wrong)
    assert points[0][0] == base_mul(Scalar(2))
