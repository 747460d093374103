# SPDX-License-Identifier: Apache-2.0
"""Tally and the guarded decryption: any k holders decrypt the verified sums, never fewer; a holder's program
decrypts nothing but what the verifier itself added up; the server checks each posted share."""
import dataclasses
import itertools

import pytest

from shailoo.crypto import decryption, tally, verify
from shailoo.crypto.errors import CryptoError, InvalidProof
from shailoo.crypto.group import GENERATOR, Scalar, base_mul

from .election import new_election, write_before_decryption
from .strategies import HOLDERS

VOTES = [
    {"mayor": frozenset({"m0"}), "council": frozenset({"k1", "k2"}), "referendum": frozenset({"yes"})},
    {"mayor": frozenset({"m0"}), "council": frozenset(), "referendum": frozenset({"against"})},
    {"mayor": frozenset({"m2"}), "council": frozenset({"k1"}), "referendum": frozenset({"no"})},
]
EXPECTED = ((2, 0, 1), (0, 2, 1, 0), (1, 1, 1))


@pytest.fixture(scope="module")
def election(tmp_path_factory):
    e = new_election(3)
    for voter, vote in enumerate(VOTES):
        e.cast(voter, vote)
    e.close()
    path = tmp_path_factory.mktemp("closed") / "record"
    write_before_decryption(e, path)
    code, report, verified = verify.verify_record(path, before_decryption=True)
    assert code == 0, report.render()
    return e, verified


def _shares(e, verified, holders):
    return [decryption.check_share(verified, decryption.decrypt_share(verified, j, e.ceremony.secret_shares[j],
                                                                      HOLDERS[j])) for j in holders]


def test_any_k_holders_decrypt_the_totals(election):
    e, verified = election
    for holders in itertools.combinations(range(1, 5), 3):
        _, _, results = decryption.combine_shares(verified, _shares(e, verified, holders))
        totals = tuple(tuple(o["total"] for o in c["options"]) for c in results["contests"])
        assert totals == EXPECTED and results["ballots_counted"] == 3


def test_more_than_k_holders_decrypt_the_same_totals(election):
    e, verified = election
    points = tally.combine(verified.tally, _shares(e, verified, (1, 2, 3, 4)), 3)
    tally.check_totals(points, EXPECTED)
    assert points[0][0] == base_mul(Scalar(2))


def test_fewer_than_k_holders_or_one_holder_twice_are_refused(election):
    e, verified = election
    partials = _shares(e, verified, (1, 2))
    for wrong in (partials, [*partials, partials[0]]):
        with pytest.raises(CryptoError) as caught:
            tally.combine(verified.tally, wrong, 3)
        assert caught.value.check in {"decryption.quorum", "decryption.holders"}


def test_k_minus_one_shares_with_the_weights_of_another_holder_do_not_give_the_totals(election):
    e, verified = election
    partials = _shares(e, verified, (1, 2, 3))
    wrong_holder = dataclasses.replace(partials[2], holder=4)  # share of 3 presented as 4's
    with pytest.raises(InvalidProof):
        tally.check_totals(tally.combine(verified.tally, [*partials[:2], wrong_holder], 3), EXPECTED)


def test_the_decrypting_function_takes_only_the_verifiers_result(election):
    e, verified = election
    share = e.ceremony.secret_shares[1]
    for not_verified in (verified.tally, {"sums": verified.tally.sums}, None):
        with pytest.raises(decryption.DecryptionRefused):
            decryption.decrypt_share(not_verified, 1, share, HOLDERS[1])
    with pytest.raises(TypeError):
        verify.VerifiedRecord(verified.manifest, verified.ceremony, 3, verified.tally, object())


def test_the_decrypting_function_refuses_another_share_or_another_holders_key(election):
    e, verified = election
    with pytest.raises(decryption.DecryptionRefused):
        decryption.decrypt_share(verified, 1, e.ceremony.secret_shares[2], HOLDERS[1])
    with pytest.raises(decryption.DecryptionRefused):
        decryption.decrypt_share(verified, 1, e.ceremony.secret_shares[1], HOLDERS[2])
    with pytest.raises(decryption.DecryptionRefused):
        decryption.decrypt_share(verified, 5, e.ceremony.secret_shares[1], HOLDERS[1])


def test_the_server_refuses_a_share_for_sums_that_are_not_the_verified_boards(election):
    """A holder (or anyone) posting a decryption of other sums: the proofs are against the verified sums."""
    e, verified = election
    other_sums = tally.EncryptedTally(
        tuple(tuple(dataclasses.replace(cell, pad=cell.pad + GENERATOR) for cell in row) for row in verified.tally.sums),
        verified.tally.ballots_counted, verified.tally.head)
    posted = tally.make_partial(verified.manifest, other_sums, 2, e.ceremony.secret_shares[2], HOLDERS[2])
    with pytest.raises(CryptoError) as caught:
        decryption.check_share(verified, posted)
    assert caught.value.check == "decryption.proof"
    stale = tally.make_partial(verified.manifest, dataclasses.replace(verified.tally, head=bytes(64)), 2,
                               e.ceremony.secret_shares[2], HOLDERS[2])
    with pytest.raises(CryptoError) as caught:
        decryption.check_share(verified, stale)
    assert caught.value.check == "decryption.head"
