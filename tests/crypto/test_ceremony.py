# SPDX-License-Identifier: Apache-2.0
"""The authenticated k-of-n key ceremony: any k holders can decrypt, k-1 cannot; every message is checked
on its own as it arrives; a cheating dealer is caught; nobody can speak for a holder."""
import copy
import dataclasses
import itertools

import pytest

from shailoo.crypto import ceremony as c
from shailoo.crypto import codec, jcs, signature, transcript
from shailoo.crypto.chaum_pedersen import prove_equal_logs
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Scalar, base_mul
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


# Each round's checks, message by message ------------------------------------------------------------

def _signed(body, holder):
    """Holder ``holder`` signs the message as it now stands."""
    body = {k: v for k, v in body.items() if k != "signature"}
    return {**body, "signature": signature.sign(HOLDERS[holder], "ceremony",
                                                [SMALL_MANIFEST.digest, jcs.canonical(body)]).hex()}


@dataclasses.dataclass
class Rounds:
    cer: c.Ceremony
    secrets: dict
    key_json: list
    keys: list
    shares_json: list
    shares: list


def _rounds(secrets=None, cheats=None):
    cer = c.Ceremony(SMALL_MANIFEST)
    secrets = secrets or {i: c.start_holder(cer, i) for i in range(1, 5)}
    key_json = [c.make_key_message(cer, secrets[i], HOLDERS[i]) for i in secrets]
    keys = [c.check_key_message(cer, m, f"keys[{i}]") for i, m in enumerate(key_json)]
    shares_json = [c.make_shares_message(cer, secrets[i], keys, HOLDERS[i], cheat_on=(cheats or {}).get(i, frozenset()))
                   for i in secrets]
    shares = [c.check_shares_message(cer, m, keys, "s") for m in shares_json]
    return Rounds(cer, secrets, key_json, keys, shares_json, shares)


@pytest.fixture(scope="module")
def rounds():
    return _rounds()


def test_holders_are_numbered_1_to_n_and_each_draws_k_coefficients():
    cer = c.Ceremony(SMALL_MANIFEST)
    assert [len(c.start_holder(cer, i).coefficients) for i in (1, 4)] == [3, 3]
    assert c.start_holder(cer, 1).index == 1
    for index in (0, 5):
        with pytest.raises(ValueError, match="^holder indices run from 1 to n$"):
            c.start_holder(cer, index)
    secrets = c.HolderSecrets(2, Scalar(5), (Scalar(7),))
    assert c.HolderSecrets.from_json(secrets.to_json()) == secrets
    for changes, what in (({"index": 0}, "'index' must be in 1..9007199254740991, got 0"),
                          ({"coefficients": []}, "'coefficients' must hold 1..64 items, got 0")):
        with pytest.raises(CryptoError) as caught:
            c.HolderSecrets.from_json({**secrets.to_json(), **changes})
        assert caught.value.what == what


def test_a_polynomial_and_its_commitments_agree_at_every_point():
    coefficients = (Scalar(3), Scalar(5), Scalar(7))
    assert [c.evaluate(coefficients, x) for x in (0, 1, 2)] == [Scalar(3), Scalar(15), Scalar(41)]
    assert c.evaluate((Scalar(L - 1), Scalar(1)), 1) == Scalar(0)
    assert c.evaluate((Scalar(L - 1), Scalar(L - 1)), 2) == Scalar(L - 3)
    commitments = [base_mul(a) for a in coefficients]
    assert [c.commitment_at(commitments, x) for x in (0, 1, 2)] == [base_mul(Scalar(v)) for v in (3, 15, 41)]
    big = [base_mul(Scalar(L - 1))] * 3
    assert c.commitment_at(big, 2**200) == base_mul(c.evaluate((Scalar(L - 1),) * 3, 2**200))


def test_a_message_names_its_round_attempt_and_holder_and_is_signed_by_that_holder(rounds):
    cer, message = rounds.cer, rounds.key_json[1]
    assert c.check_key_message(cer, message, "k").holder == 2
    for changed, check, what in (
        ({**message, "kind": "ceremony-shares"}, "ceremony.schema", "expected a ceremony-key message"),
        (_signed({**message, "attempt": 2}, 2), "ceremony.attempt", "message of attempt 2, this is attempt 1"),
        (_signed({**message, "holder": 3}, 3), "ceremony.key-proof", "Schnorr proof does not verify"),
        ({**message, "holder": 3}, "ceremony.signature",
         "not signed by holder 3's registered key (ceremony signature does not verify)"),
    ):
        error = _refused(check, c.check_key_message, cer, changed, "k")
        assert error.what == what
    for changes, what in (({"holder": 0}, "'holder' must be in 1..4, got 0"), ({"holder": 5}, "'holder' must be in 1..4, got 5"),
                          ({"attempt": 0}, "'attempt' must be in 1..9007199254740991, got 0"),
                          ({"extra": 1}, "unexpected key 'extra'")):
        with pytest.raises(CryptoError) as caught:
            c.check_key_message(cer, {**message, **changes}, "k")
        assert (caught.value.what, caught.value.where) == (what, "k")


def test_a_key_message_has_k_commitments_each_proven_and_none_the_identity(rounds):
    cer, message = rounds.cer, rounds.key_json[0]
    for key, count in (("commitments", 2), ("commitments", 4), ("commitment_proofs", 2), ("commitment_proofs", 4)):
        items = (message[key] * 2)[:count]
        with pytest.raises(CryptoError) as caught:
            c.check_key_message(cer, _signed({**message, key: items}, 1), "k")
        assert caught.value.what == f"{key!r} must hold 3..3 items, got {count}"
    proofs = message["commitment_proofs"]
    error = _refused("ceremony.key-proof", c.check_key_message, cer,
                     _signed({**message, "commitment_proofs": [proofs[0], proofs[2], proofs[1]]}, 1), "k")
    assert error.where == "k C1"
    error = _refused("ceremony.key-proof", c.check_key_message, cer,
                     _signed({**message, "encryption_key_proof": proofs[0]}, 1), "k")
    assert error.where == "k"
    error = _refused("ceremony.identity", c.check_key_message, cer,
                     _signed({**message, "encryption_key": IDENTITY.hex()}, 1), "k")
    assert error.where == "k.encryption_key"
    error = _refused("ceremony.identity", c.check_key_message, cer,
                     _signed({**message, "commitments": [*message["commitments"][:2], IDENTITY.hex()]}, 1), "k")
    assert error.where == "k.commitments[2]"
    error = _refused("ceremony.schema", c.check_key_message, cer,
                     _signed({**message, "commitments": ["ff" * 32, *message["commitments"][1:]]}, 1), "k")
    assert error.where == "k.commitments[0]"
    with pytest.raises(CryptoError) as caught:
        c.check_key_message(cer, _signed({**message, "encryption_key_proof": {"c": "00" * 32}}, 1), "k")
    assert caught.value.what == "missing 'v'"


def test_a_shares_message_sends_one_share_to_each_holder_in_order(rounds):
    cer, keys, message = rounds.cer, rounds.keys, rounds.shares_json[0]
    shares = message["shares"]
    assert [s.recipient for s in c.check_shares_message(cer, message, keys, "s").shares] == [1, 2, 3, 4]
    for count in (3, 5):
        with pytest.raises(CryptoError) as caught:
            c.check_shares_message(cer, _signed({**message, "shares": (shares * 2)[:count]}, 1), keys, "s")
        assert caught.value.what == f"'shares' must hold 4..4 items, got {count}"
    error = _refused("ceremony.schema", c.check_shares_message, cer,
                     _signed({**message, "shares": [shares[1], shares[0], *shares[2:]]}, 1), keys, "s")
    assert (error.what, error.where) == ("shares go to holders 1..n in order", "s.shares[0]")
    error = _refused("identity", c.check_shares_message, cer,
                     _signed({**message, "shares": [*shares[:3], {**shares[3], "ephemeral": IDENTITY.hex()}]}, 1), keys, "s")
    assert error.where == "s.shares[3].ephemeral"
    error = _refused("schema.hex", c.check_shares_message, cer,
                     _signed({**message, "shares": [{**shares[0], "ciphertext": shares[0]["ciphertext"][2:]}, *shares[1:]]}, 1),
                     keys, "s")
    assert error.where == "s.shares[0].ciphertext"
    error = _refused("ceremony.schema", c.check_shares_message, cer, message, keys[::-1], "s")
    assert error.what == "expected one ceremony-key message per holder 1..n, in order"


def test_a_share_opens_only_to_a_canonical_scalar_on_the_dealers_polynomial(rounds):
    cer, secrets, keys = rounds.cer, rounds.secrets, rounds.keys
    share = rounds.shares[0].shares[1]  # dealer 1 to holder 2
    shared = share.ephemeral * secrets[2].encryption_secret
    value = c.open_share(cer, share, 1, shared)
    assert value == c.evaluate(secrets[1].coefficients, 2)
    assert c.share_is_valid(value, keys[0].commitments, 2)
    assert not c.share_is_valid(value, keys[0].commitments, 3)
    assert not c.share_is_valid(value + Scalar(1), keys[0].commitments, 2)
    assert not c.share_is_valid(None, keys[0].commitments, 2)
    pad = c._pad(cer, 1, 2, share.ephemeral, shared)
    for plaintext, opened in ((L, None), (L - 1, Scalar(L - 1)), (2**256 - 1, None)):
        raw = bytes(a ^ b for a, b in zip(plaintext.to_bytes(32, "little"), pad, strict=True))
        assert c.open_share(cer, dataclasses.replace(share, ciphertext=raw), 1, shared) == opened


def test_a_dealer_cheating_on_its_own_share_draws_no_complaint():
    run = transcript.run_ceremony(SMALL_MANIFEST, HOLDERS, cheats={2: frozenset({2})})
    assert [m["complaints"] for m in run.transcript["checks"]] == [[], [], [], []]
    assert run.result.qualified == (1, 2, 3, 4) and set(run.secret_shares) == {1, 3, 4}


def _check_messages(rounds):
    out = []
    for i in range(1, 5):
        message, _ = c.make_check_message(rounds.cer, rounds.secrets[i], rounds.keys, rounds.shares, HOLDERS[i])
        out.append(message)
    return out


def _complaint(rounds, holder, dealer):
    """Holder ``holder`` reveals the true D = e_j R of dealer's share to it, with a valid proof."""
    share = rounds.shares[dealer - 1].shares[holder - 1]
    shared, _, proof = prove_equal_logs(rounds.secrets[holder].encryption_secret, share.ephemeral, GENERATOR,
                                        SMALL_MANIFEST.digest, rounds.cer.label("complaint", holder, dealer))
    return {"dealer": dealer, "shared_point": shared.hex(), "proof": codec.proof_to_json(proof)}


def test_complaints_name_other_dealers_once_in_increasing_order(rounds):
    cer, keys, shares = rounds.cer, rounds.keys, rounds.shares
    message = _check_messages(rounds)[2]
    complaints = [_complaint(rounds, 3, 1), _complaint(rounds, 3, 2), _complaint(rounds, 3, 4)]
    checked = c.check_check_message(cer, _signed({**message, "complaints": complaints}, 3), keys, shares, "c")
    assert [(x.complainant, x.dealer) for x in checked.complaints] == [(3, 1), (3, 2), (3, 4)]
    for wrong in ([complaints[1], complaints[0]], [complaints[0], complaints[0]], [_complaint(rounds, 3, 3)]):
        error = _refused("ceremony.complaint", c.check_check_message, cer, _signed({**message, "complaints": wrong}, 3),
                         keys, shares, "c")
        assert error.what == "complaints name other dealers, each once, in increasing order"
    with pytest.raises(CryptoError) as caught:
        c.check_check_message(cer, _signed({**message, "complaints": complaints * 2}, 3), keys, shares, "c")
    assert caught.value.what == "'complaints' must hold 0..4 items, got 6"
    with pytest.raises(CryptoError) as caught:
        c.check_check_message(cer, _signed({**message, "complaints": [{**complaints[0], "dealer": 5}]}, 3),
                              keys, shares, "c")
    assert caught.value.what == "'dealer' must be in 1..4, got 5"
    error = _refused("ceremony.transcript", c.check_check_message, cer,
                     _signed({**message, "shares_digest": "00" * 64}, 3), keys, shares, "c")
    assert (error.what, error.where) == ("shares_digest differs: the holder received other round-2 messages", "c")
    with pytest.raises(CryptoError) as caught:
        c.check_check_message(cer, _signed({**message, "shares_digest": "AB" * 64}, 3), keys, shares, "c")
    assert (caught.value.check, caught.value.where) == ("schema.hex", "c.shares_digest")
    wrong_label = {**complaints[0], "proof": _complaint(rounds, 3, 2)["proof"]}
    error = _refused("ceremony.complaint", c.check_check_message, cer,
                     _signed({**message, "complaints": [wrong_label]}, 3), keys, shares, "c")
    assert error.where == "c.complaints[0]"


def test_a_complaint_about_a_good_share_is_rejected_and_an_upheld_one_disqualifies(rounds):
    cer, keys, shares = rounds.cer, rounds.keys, rounds.shares
    messages = _check_messages(rounds)
    messages[2] = _signed({**messages[2], "complaints": [_complaint(rounds, 3, 1)]}, 3)
    checks = [c.check_check_message(cer, m, keys, shares, "c") for m in messages]
    assert c.qualified_dealers(cer, keys, shares, checks) == (1, 2, 3, 4)
    qualified, key = c.outcome(cer, keys, shares, checks)
    assert qualified == (1, 2, 3, 4) and key == c.joint_public_key(keys, qualified)
    cheated = _rounds(rounds.secrets, cheats={4: frozenset({1})})
    checks = [c.check_check_message(cheated.cer, c.make_check_message(
        cheated.cer, cheated.secrets[i], cheated.keys, cheated.shares, HOLDERS[i])[0], cheated.keys, cheated.shares, "c")
        for i in range(1, 5)]
    assert c.qualified_dealers(cheated.cer, cheated.keys, cheated.shares, checks) == (1, 2, 3)
    assert c.joint_public_key(cheated.keys, (1, 2, 3)) == base_mul(sum(
        (rounds.secrets[i].coefficients[0] for i in (1, 2, 3)), Scalar(0)))
    assert c.verification_key(cheated.keys, (1, 2, 3), 2) == base_mul(sum(
        (c.evaluate(rounds.secrets[i].coefficients, 2) for i in (1, 2, 3)), Scalar(0)))
    with pytest.raises(CryptoError, match=r"no valid share from qualified dealers \[4\]"):
        c.secret_share({1: Scalar(1), 2: Scalar(2), 3: Scalar(3)}, (1, 2, 4))
    assert c.secret_share({1: Scalar(1), 2: Scalar(2), 3: Scalar(L - 1)}, (1, 3)) == Scalar(0)
    error = _refused("ceremony.schema", c.qualified_dealers, cer, keys, shares, checks[::-1])
    assert error.what == "expected one ceremony-check message per holder 1..n, in order"


def test_a_joint_key_that_cancels_to_the_identity_is_refused():
    cer = c.Ceremony(SMALL_MANIFEST)
    x, y = Scalar(12345), Scalar(67890)
    constants = {1: x, 2: -x, 3: y, 4: -y}
    secrets = {i: dataclasses.replace(c.start_holder(cer, i), coefficients=(constants[i], Scalar(i), Scalar(i + 1)))
               for i in range(1, 5)}
    cancelled = _rounds(secrets)
    checks = [c.check_check_message(cer, c.make_check_message(cer, secrets[i], cancelled.keys, cancelled.shares,
                                                              HOLDERS[i])[0], cancelled.keys, cancelled.shares, "c")
              for i in range(1, 5)]
    error = _refused("ceremony.identity", c.outcome, cer, cancelled.keys, cancelled.shares, checks)
    assert (error.what, error.where) == ("the joint public key is the identity", "ceremony")


def test_fewer_qualified_dealers_than_the_quorum_is_named():
    with pytest.raises(CryptoError) as caught:
        transcript.run_ceremony(SMALL_MANIFEST, HOLDERS, cheats={1: frozenset({2}), 2: frozenset({3})})
    assert (caught.value.check, caught.value.what) == ("ceremony.quorum", "2 qualified dealers, fewer than the quorum 3")


def test_a_final_signature_covers_the_checks_digest_the_qualified_set_and_the_joint_key(honest):
    cer = c.Ceremony(SMALL_MANIFEST)
    result = honest.result
    keys = list(result.keys)
    shares = [c.check_shares_message(cer, m, keys, "s") for m in honest.transcript["shares"]]
    checks = [c.check_check_message(cer, m, keys, shares, "c") for m in honest.transcript["checks"]]
    final = honest.transcript["finals"][1]
    assert c.check_final(cer, final, checks, result.qualified, result.joint_public_key, "f") == 2
    for changed, what in (({"checks_digest": "00" * 64}, "checks_digest differs from the transcript"),
                          ({"qualified": [1, 2, 3]}, "the holder signed another qualified set or joint key")):
        error = _refused("ceremony.final", c.check_final, cer, _signed({**final, **changed}, 2), checks,
                         result.qualified, result.joint_public_key, "f")
        assert error.what == what
    error = _refused("ceremony.schema", c.check_final, cer, final, checks, (1, 3, 4), result.joint_public_key, "f")
    assert error.what == "holder 2 has no message to send here"
    assert honest.transcript["finals"][0]["qualified"] == [1, 2, 3, 4]
    assert final["checks_digest"] == c.digest(cer, "ceremony-checks", honest.transcript["checks"]).hex()


def test_the_transcript_holds_n_messages_a_round_and_a_final_from_each_qualified_holder(honest):
    data = honest.transcript
    for key in ("keys", "shares", "checks"):
        with pytest.raises(CryptoError) as caught:
            transcript.check_transcript(SMALL_MANIFEST, {**data, key: data[key][:3]})
        assert caught.value.what == f"{key!r} must hold 4..4 items, got 3"
    with pytest.raises(CryptoError) as caught:
        transcript.check_transcript(SMALL_MANIFEST, {**data, "finals": data["finals"][:3]})
    assert caught.value.what == "'finals' must hold 4..4 items, got 3"
    error = _refused("ceremony.qualified", transcript.check_transcript, SMALL_MANIFEST, {**data, "qualified": [1, 2, 3]})
    assert error.what == "qualified dealers are [1, 2, 3, 4], the record says [1, 2, 3]"
    error = _refused("ceremony.attempt", transcript.check_transcript, SMALL_MANIFEST, {**data, "attempt": 2})
    assert error.where == "ceremony.json keys[0]"
    assert transcript.check_transcript(SMALL_MANIFEST, data, "x").ceremony == c.Ceremony(SMALL_MANIFEST, 1)


def test_a_holders_saved_secrets_name_the_place_of_every_refusal():
    """The key holder reads its own secrets back between rounds (shailoo.keyholder, with the default place):
    a refusal says which file and which field, so the holder knows what was damaged."""
    good = c.HolderSecrets(2, Scalar(5), (Scalar(7),)).to_json()
    for data, where, what in (
            ([], "holder secrets", "expected an object"),  # the default place
            ({**good, "index": 0}, "holder secrets", "'index' must be in 1..9007199254740991, got 0"),
            ({**good, "encryption_secret": "zz"}, "holder secrets.encryption_secret", "expected 64 lowercase hex digits"),
            ({**good, "coefficients": ["zz"]}, "holder secrets", "expected 64 lowercase hex digits"),
            ({**good, "coefficients": []}, "holder secrets", "'coefficients' must hold 1..64 items, got 0")):
        with pytest.raises(CryptoError) as caught:
            c.HolderSecrets.from_json(data)
        assert (caught.value.where, caught.value.what) == (where, what)
        with pytest.raises(CryptoError) as caught:
            c.HolderSecrets.from_json(data, "saved.json")
        assert (caught.value.where, caught.value.what) == (where.replace("holder secrets", "saved.json"), what)


def test_a_holder_refuses_to_answer_a_round_it_did_not_see_whole_and_in_order_naming_that_round(rounds):
    cer, secrets = rounds.cer, rounds.secrets
    swapped_keys = [rounds.keys[1], rounds.keys[0], *rounds.keys[2:]]
    swapped_shares = [rounds.shares[1], rounds.shares[0], *rounds.shares[2:]]
    for make, args, kind in (
            (c.make_shares_message, (cer, secrets[1], swapped_keys, HOLDERS[1]), c.KEY),
            (c.make_check_message, (cer, secrets[1], swapped_keys, rounds.shares, HOLDERS[1]), c.KEY),
            (c.make_check_message, (cer, secrets[1], rounds.keys, swapped_shares, HOLDERS[1]), c.SHARES)):
        error = _refused("ceremony.schema", make, *args)
        assert (error.what, error.where) == (f"expected one {kind} message per holder 1..n, in order", "ceremony")
