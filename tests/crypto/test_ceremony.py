# SPDX-License-Identifier: Apache-2.0
"""The k-of-n key ceremony: any k holders can decrypt, k-1 cannot, a cheating dealer is caught."""
import dataclasses
import itertools

import pytest

from shailoo.crypto import ceremony
from shailoo.crypto.chaum_pedersen import prove_equal_logs
from shailoo.crypto.errors import InvalidProof, InvalidRecord
from shailoo.crypto.group import GENERATOR, Scalar, base_mul
from shailoo.crypto.tally import lagrange_at_zero

CONTEXT = b"C" * 64


@pytest.fixture(scope="module")
def honest():
    return ceremony.run_ceremony(4, 3, CONTEXT)


def _secret_from(shares, holders):
    return sum((shares[j] * lagrange_at_zero(j, holders) for j in holders), Scalar(0))


def test_every_set_of_k_holders_reconstructs_the_joint_secret(honest):
    for holders in itertools.combinations(range(1, 5), 3):
        assert base_mul(_secret_from(honest.secret_shares, holders)) == honest.joint_public_key


def test_k_minus_one_holders_do_not_reconstruct_the_joint_secret(honest):
    for holders in itertools.combinations(range(1, 5), 2):
        assert base_mul(_secret_from(honest.secret_shares, holders)) != honest.joint_public_key


def test_verification_keys_match_the_holders_shares(honest):
    for holder, share in honest.secret_shares.items():
        assert ceremony.verification_key(honest.dealers, honest.qualified, holder) == base_mul(share)


def test_every_honest_dealer_passes_the_public_checks(honest):
    for dealer in honest.dealers:
        ceremony.verify_dealer(dealer, 3, [1, 2, 3, 4], CONTEXT)
    assert honest.complaints == () and honest.qualified == (1, 2, 3, 4)


def test_a_tampered_coefficient_commitment_fails_its_schnorr_proof(honest):
    dealer = honest.dealers[0]
    forged = dataclasses.replace(dealer, commitments=(dealer.commitments[0] + GENERATOR, *dealer.commitments[1:]))
    with pytest.raises(InvalidProof):
        ceremony.verify_dealer(forged, 3, [1, 2, 3, 4], CONTEXT)


def test_a_dealer_sending_a_bad_share_is_caught_by_a_publicly_checkable_complaint():
    outcome = ceremony.run_ceremony(4, 2, CONTEXT, cheats={2: frozenset({3})})
    assert [(c.complainant, c.dealer) for c in outcome.complaints] == [(3, 2)]
    assert outcome.qualified == (1, 3, 4)
    by_index = {d.index: d for d in outcome.dealers}
    assert ceremony.complaint_upheld(outcome.complaints[0], by_index[2], by_index[3], CONTEXT)
    # The ceremony still works without the cheat: any 2 holders rebuild the key of the qualified dealers.
    assert base_mul(_secret_from(outcome.secret_shares, (1, 4))) == outcome.joint_public_key


def test_a_false_complaint_against_an_honest_dealer_is_rejected(honest):
    holder = ceremony.start_holder(3, 3)
    by_index = {d.index: d for d in honest.dealers}
    share = next(s for s in by_index[1].shares if s.recipient == 2)
    # Holder 2 complains with a point that is not its Diffie-Hellman value: the proof fails.
    shared, _, proof = prove_equal_logs(holder.encryption_secret, share.ephemeral, GENERATOR, CONTEXT, b"x")
    lying = ceremony.Complaint(2, 1, shared, proof)
    with pytest.raises(InvalidProof):
        ceremony.complaint_upheld(lying, by_index[1], by_index[2], CONTEXT)


def test_a_quorum_larger_than_the_holders_is_refused():
    with pytest.raises(ValueError):
        ceremony.run_ceremony(2, 3, CONTEXT)


def test_too_many_cheating_dealers_leave_no_quorum():
    with pytest.raises(InvalidRecord):
        ceremony.run_ceremony(3, 3, CONTEXT, cheats={1: frozenset({2})})
