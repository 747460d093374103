# SPDX-License-Identifier: Apache-2.0
"""The authenticated k-of-n key ceremony: any k holders can decrypt, k-1 cannot; every message is checked
on its own as it arrives; a cheating dealer is caught; nobody can speak for a holder."""
import copy
import itertools

import pytest

from shailoo.crypto import ceremony as c
from shailoo.crypto import codec, jcs, signature, transcript
from shailoo.crypto.chaum_pedersen import prove_equal_logs
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import GENERATOR, IDENTITY, Scalar, base_mul
from shailoo.crypto.signature import generate_signing_key
from shailoo.crypto.tally import lagrange_at_zero

from .strategies import HOLDERS, SMALL_MANIFEST, manifest_with


@pytest.fixture(scope="module")
def honest():
    return transcript.run_ceremony(SMALL_MANIFEST, HOLDERS)


def _secret_from(shares, holders):
    return sum((shares[j] * lagrange_at_zero(j, holders) for j in holders), Scalar(0))


def _refused(check, function, *args):
    with pytest.raises(CryptoError) as caught:
        function(*args)
    assert caught.value.check == check, caught.value
    return caught.value


def test_every_set_of_k_holders_reconstructs_the_joint_secret_and_k_minus_one_do_not(honest):
    key = honest.result.joint_public_key
    for holders in itertools.combinations(range(1, 5), 3):
        assert base_mul(_secret_from(honest.secret_shares, holders)) == key
    for holders in itertools.combinations(range(1, 5), 2):
        assert base_mul(_secret_from(honest.secret_shares, holders)) != key


def test_verification_keys_match_the_holders_shares(honest):
    for holder, share in honest.secret_shares.items():
        assert honest.result.verification_key(holder) == base_mul(share)


def test_the_whole_transcript_checks_and_names_the_qualified_holders(honest):
    result = transcript.check_transcript(SMALL_MANIFEST, honest.transcript)
    assert result.qualified == (1, 2, 3, 4) and result.joint_public_key == honest.result.joint_public_key
    assert [m["kind"] for m in honest.transcript["finals"]] == ["ceremony-final"] * 4


def test_a_key_message_signed_by_anyone_but_its_holder_is_refused(honest):
    cer = c.Ceremony(SMALL_MANIFEST)
    secrets = c.start_holder(cer, 3)
    # The coordinator replaces holder 3's share-encryption key with its own and signs with its own key.
    forged = c.make_key_message(cer, secrets, generate_signing_key())
    _refused("ceremony.signature", c.check_key_message, cer, forged, "keys[2]")


def test_a_key_message_of_another_attempt_or_election_is_refused(honest):
    message = honest.transcript["keys"][0]
    _refused("ceremony.attempt", c.check_key_message, c.Ceremony(SMALL_MANIFEST, 2), message, "keys[0]")
    _refused("ceremony.signature", c.check_key_message, c.Ceremony(manifest_with(quorum=2)), message, "keys[0]")


def test_an_identity_commitment_is_refused_even_when_its_holder_signs_it():
    cer = c.Ceremony(SMALL_MANIFEST)
    secrets = c.start_holder(cer, 1)
    zero = c.HolderSecrets(1, secrets.encryption_secret, (Scalar(0), *secrets.coefficients[1:]))
    message = c.make_key_message(cer, zero, HOLDERS[1])
    assert message["commitments"][0] == IDENTITY.hex()
    _refused("ceremony.identity", c.check_key_message, cer, message, "keys[0]")


def test_a_dealer_who_saw_other_round_one_keys_is_refused(honest):
    cer = c.Ceremony(SMALL_MANIFEST)
    keys = [c.check_key_message(cer, m, "k") for m in honest.transcript["keys"]]
    shares = honest.transcript["shares"][0]
    other = copy.deepcopy(honest.transcript["keys"])
    other[3] = c.make_key_message(cer, c.start_holder(cer, 4), HOLDERS[4])
    swapped = [c.check_key_message(cer, m, "k") for m in other]
    c.check_shares_message(cer, shares, keys, "shares[0]")
    _refused("ceremony.transcript", c.check_shares_message, cer, shares, swapped, "shares[0]")


def test_a_dealer_sending_a_bad_share_is_disqualified_by_a_publicly_checkable_complaint():
    run = transcript.run_ceremony(SMALL_MANIFEST, HOLDERS, cheats={2: frozenset({3})})
    complaints = [(m["holder"], [x["dealer"] for x in m["complaints"]]) for m in run.transcript["checks"]]
    assert complaints == [(1, []), (2, []), (3, [2]), (4, [])]
    assert run.result.qualified == (1, 3, 4)
    assert transcript.check_transcript(SMALL_MANIFEST, run.transcript).qualified == (1, 3, 4)
    assert base_mul(_secret_from(run.secret_shares, (1, 3, 4))) == run.result.joint_public_key


def test_a_complaint_filed_in_another_holders_name_is_refused(honest):
    """The coordinator cannot add a complaint to holder 3's check message: the message is signed."""
    cer = c.Ceremony(SMALL_MANIFEST)
    keys = [c.check_key_message(cer, m, "k") for m in honest.transcript["keys"]]
    shares = [c.check_shares_message(cer, m, keys, "s") for m in honest.transcript["shares"]]
    message = copy.deepcopy(honest.transcript["checks"][2])
    share = shares[0].shares[2]
    fake = c.start_holder(cer, 3)
    shared, _, proof = prove_equal_logs(fake.encryption_secret, share.ephemeral, GENERATOR, SMALL_MANIFEST.digest,
                                        cer.label("complaint", 3, 1))
    message["complaints"] = [{"dealer": 1, "shared_point": shared.hex(), "proof": codec.proof_to_json(proof)}]
    _refused("ceremony.signature", c.check_check_message, cer, message, keys, shares, "checks[2]")
    # Signed by holder 3 itself, a complaint whose revealed point is not e_3 R fails its proof.
    body = {k: v for k, v in message.items() if k != "signature"}
    signed = {**body, "signature": signature.sign(HOLDERS[3], "ceremony", [SMALL_MANIFEST.digest, jcs.canonical(body)]).hex()}
    _refused("ceremony.complaint", c.check_check_message, cer, signed, keys, shares, "checks[2]")


def test_a_final_signature_on_another_joint_key_is_refused(honest):
    cer = c.Ceremony(SMALL_MANIFEST)
    result = transcript.check_transcript(SMALL_MANIFEST, honest.transcript)
    keys = [c.check_key_message(cer, m, "k") for m in honest.transcript["keys"]]
    shares = [c.check_shares_message(cer, m, keys, "s") for m in honest.transcript["shares"]]
    checks = [c.check_check_message(cer, m, keys, shares, "c") for m in honest.transcript["checks"]]
    other = c.make_final(cer, 2, checks, result.qualified, result.joint_public_key + GENERATOR, HOLDERS[2])
    _refused("ceremony.final", c.check_final, cer, other, checks, result.qualified, result.joint_public_key, "f")


def test_too_many_cheating_dealers_leave_no_quorum():
    with pytest.raises(CryptoError) as caught:
        transcript.run_ceremony(SMALL_MANIFEST, HOLDERS, cheats={1: frozenset({2}), 2: frozenset({3})})
    assert caught.value.check == "ceremony.quorum"


def test_a_holders_secrets_survive_the_json_round_trip_of_its_own_file():
    secrets = c.start_holder(c.Ceremony(SMALL_MANIFEST), 2)
    assert c.HolderSecrets.from_json(jcs.loads(jcs.canonical(secrets.to_json()), "file")) == secrets
