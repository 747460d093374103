# SPDX-License-Identifier: Apache-2.0
"""Tally and the guarded decryption: any k holders decrypt the verified sums, never fewer; a holder's program
decrypts nothing but what the verifier itself added up; the server checks each posted share."""
import dataclasses
import itertools

import pytest

from shailoo.crypto import decryption, jcs, signature, tally, verify
from shailoo.crypto.ballot import encrypt_ballot
from shailoo.crypto.errors import CryptoError, InvalidProof
from shailoo.crypto.group import GENERATOR, IDENTITY, Scalar, base_mul
from shailoo.crypto.randomness import SeededRandomness

from .election import new_election, write_before_decryption
from .strategies import HOLDERS, SMALL_MANIFEST

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
    with pytest.raises(TypeError, match="^only the verifier makes a VerifiedRecord$"):
        verify.VerifiedRecord(verified.manifest, verified.ceremony, 3, verified.tally, object())


def test_a_holders_partial_decryption_draws_its_proofs_and_signature_from_the_given_random_source(election):
    # Known-answer vectors rely on it: the same seed gives the same message; another seed other proofs and
    # another signature over the same shares.
    e, verified = election
    share = e.ceremony.secret_shares[2]

    def made(seed):
        return decryption.decrypt_share(verified, 2, share, HOLDERS[2], SeededRandomness(seed))
    first, again, other = made(b"seed"), made(b"seed"), made(b"another seed")
    assert first == again
    assert first["signature"] != other["signature"]
    shares = [[o["share"] for o in c["options"]] for c in first["contests"]]
    assert shares == [[o["share"] for o in c["options"]] for c in other["contests"]]
    assert [o["proof"] for o in first["contests"][0]["options"]] != [o["proof"] for o in other["contests"][0]["options"]]
    assert decryption.check_share(verified, other).holder == 2


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


# Each check of a partial decryption and of the published files --------------------------------------

def _posted(e, verified, holder=2):
    return decryption.decrypt_share(verified, holder, e.ceremony.secret_shares[holder], HOLDERS[holder])


def _check_refused(verified, data, check):
    with pytest.raises(CryptoError) as caught:
        decryption.check_share(verified, data, "d")
    assert caught.value.check == check, caught.value
    return caught.value


def test_a_partial_decryption_is_checked_field_by_field(election):
    e, verified = election
    good = _posted(e, verified)
    checked = decryption.check_share(verified, good, "d")
    assert checked.holder == 2 and checked.json is good and len(checked.shares) == 3
    assert [len(row) for row in checked.shares] == [3, 4, 3]
    assert _check_refused(verified, {**good, "kind": "decryptions"}, "decryption.schema").what == \
        "expected a decryption message"
    error = _check_refused(verified, {**good, "holder": 3}, "decryption.signature")
    assert error.where == "d holder 3" and error.what.startswith("not signed by holder 3's key (")
    for holder in (0, 5):
        with pytest.raises(CryptoError) as caught:
            decryption.check_share(verified, {**good, "holder": holder}, "d")
        assert caught.value.what == f"'holder' must be in 1..4, got {holder}"
    contests = good["contests"]
    def resigned(**changes):
        body = {k: v for k, v in good.items() if k != "signature"} | changes
        return {**body, "signature": signature.sign(HOLDERS[2], "decryption", [
            verified.manifest.digest, jcs.canonical(body)]).hex()}

    for changed, what in (
        (contests[:2], "contests differ from the manifest"),
        ({"mayor": 1}, "contests differ from the manifest"),
        ([contests[1], contests[0], contests[2]], "expected contest mayor"),
        ([{**contests[0], "options": contests[0]["options"][::-1]}, *contests[1:]],
         "options of mayor differ from the manifest"),
        ([{**contests[0], "options": [contests[0]["options"][0], "m1", contests[0]["options"][2]]}, *contests[1:]],
         "options of mayor differ from the manifest"),
    ):
        error = _check_refused(verified, resigned(contests=changed), "schema.shape")
        assert (error.what, error.where) == (what, "d holder 2")
    with pytest.raises(CryptoError) as caught:
        decryption.check_share(verified, resigned(contests=[{**contests[0], "options": contests[0]["options"][:2]},
                                                            *contests[1:]]), "d")
    assert (caught.value.what, caught.value.where) == ("'options' must hold 3..3 items, got 2", "d holder 2")
    error = _check_refused(verified, resigned(head="AB" * 64), "schema.hex")
    assert (error.where, error.what) == ("d holder 2.head", "expected 128 lowercase hex digits")
    keys = [verified.ceremony.verification_key(j) for j in range(1, 5)]
    for sums in (verified.tally.sums[:2], (verified.tally.sums[0][:2], *verified.tally.sums[1:])):
        with pytest.raises(ValueError):  # sums of another shape than the manifest's: never checked in part
            tally.check_partial(verified.manifest, dataclasses.replace(verified.tally, sums=sums), keys, good, "d")
    cell = contests[1]["options"][3]
    error = _check_refused(verified, resigned(contests=[contests[0], {**contests[1], "options": [
        *contests[1]["options"][:3], {**cell, "proof": contests[1]["options"][2]["proof"]}]}, contests[2]]),
        "decryption.proof")
    assert (error.where, error.what) == ("d holder 2 council/k3", "Chaum-Pedersen proof does not verify")
    error = _check_refused(verified, resigned(head="00" * 64), "decryption.head")
    assert (error.where, error.what) == ("d holder 2", "decrypts another board (head differs)")


def test_the_lagrange_weights_recombine_any_k_shares_at_zero():
    assert tally.lagrange_at_zero(1, [1, 2]) == Scalar(2)  # 2 / (2 - 1)
    assert tally.lagrange_at_zero(2, [1, 2]) == -Scalar(1)  # 1 / (1 - 2)
    assert tally.lagrange_at_zero(3, [3]) == Scalar(1)
    weights = [tally.lagrange_at_zero(j, [1, 3, 4]) for j in (1, 3, 4)]
    assert sum(weights, Scalar(0)) == Scalar(1)  # they interpolate the constant polynomial 1
    assert sum((w * Scalar(j) for w, j in zip(weights, (1, 3, 4), strict=True)), Scalar(0)) == Scalar(0)


def test_exactly_k_distinct_holders_in_increasing_order_combine(election):
    e, verified = election
    partials = _shares(e, verified, (1, 2, 4))
    points = tally.combine(verified.tally, partials, 3)
    tally.check_totals(points, EXPECTED)
    for wrong, check, what in (
        (partials[:2], "decryption.quorum", "2 partial decryptions, the quorum is 3"),
        ([partials[1], partials[0], partials[2]], "decryption.holders",
         "partial decryptions come from distinct holders in increasing order"),
        ([partials[0], partials[1], partials[1]], "decryption.holders",
         "partial decryptions come from distinct holders in increasing order"),
    ):
        with pytest.raises(CryptoError) as caught:
            tally.combine(verified.tally, wrong, 3)
        assert (caught.value.check, caught.value.what, caught.value.where) == (check, what, "decryptions.json")
    assert tally.totals_from_points(points, 3) == tally.totals_from_points(points, 2) == EXPECTED
    with pytest.raises(CryptoError, match=r"no discrete log within \[0, 1\]"):
        tally.totals_from_points(points, 1)  # 2 is the largest total
    assert tally.totals_from_points(((IDENTITY, IDENTITY),), 0) == ((0, 0),)  # nobody voted


def test_a_total_that_does_not_match_names_its_place(election):
    e, verified = election
    points = tally.combine(verified.tally, _shares(e, verified, (1, 2, 3)), 3)
    wrong = (EXPECTED[0], (0, 2, 1, 1), EXPECTED[2])
    with pytest.raises(InvalidProof) as caught:
        tally.check_totals(points, wrong)
    assert (caught.value.check, caught.value.where, caught.value.what) == (
        "results.total", "results.json [1][3]", "total 1 does not match the decryption")
    for short in (EXPECTED[:2], (EXPECTED[0], EXPECTED[1][:3], EXPECTED[2])):  # never checked in part
        with pytest.raises(ValueError):
            tally.check_totals(points, short)


def test_the_published_tally_and_results_read_back_and_name_their_shape(election):
    e, verified = election
    tally_json, _, results = decryption.combine_shares(verified, _shares(e, verified, (2, 3, 4)))
    assert tally.tally_from_json(verified.manifest, tally_json, "t") == verified.tally
    assert tally.totals_from_json(verified.manifest, results, "r") == (3, EXPECTED)
    assert results["contests"][2] == {"contest_id": "referendum", "options": [
        {"option_id": "yes", "total": 1}, {"option_id": "no", "total": 1}, {"option_id": "against", "total": 1}]}
    option = tally_json["contests"][0]["options"][0]
    with pytest.raises(CryptoError) as caught:
        tally.tally_from_json(verified.manifest, {**tally_json, "contests": [
            {**tally_json["contests"][0], "options": [{**option, "pad": "00"}, *tally_json["contests"][0]["options"][1:]]},
            *tally_json["contests"][1:]]}, "t")
    assert (caught.value.check, caught.value.where) == ("schema.hex", "t.pad")
    row = results["contests"][0]
    for total, what in ((-1, "'total' must be in 0..9007199254740991, got -1"), (True, "'total' must be an integer, got True")):
        with pytest.raises(CryptoError) as caught:
            tally.totals_from_json(verified.manifest, {**results, "contests": [
                {**row, "options": [{**row["options"][0], "total": total}, *row["options"][1:]]}, *results["contests"][1:]]}, "r")
        assert (caught.value.what, caught.value.where) == (what, "r")
    with pytest.raises(CryptoError) as caught:
        tally.totals_from_json(verified.manifest, {**results, "ballots_counted": -1}, "r")
    assert caught.value.what == "'ballots_counted' must be in 0..9007199254740991, got -1"
    with pytest.raises(CryptoError) as caught:
        tally.totals_from_json(verified.manifest, {**results, "contests": [
            {**row, "options": [{**row["options"][0], "extra": 1}, *row["options"][1:]]}, *results["contests"][1:]]}, "r")
    assert caught.value.what == "unexpected key 'extra'"


def test_sums_add_only_ballots_and_sums_of_their_own_shape():
    """A ballot or sums of another shape (a contest or an option fewer) are refused, never added in part."""
    sums = tally.empty_sums(SMALL_MANIFEST)
    encrypted, _ = encrypt_ballot(SMALL_MANIFEST, base_mul(Scalar(5)), VOTES[0])
    added = tally.add_ballot(sums, encrypted)
    assert [len(row) for row in added] == [3, 4, 3]
    short = dataclasses.replace(encrypted, contests=encrypted.contests[:2])
    narrow = dataclasses.replace(encrypted, contests=(
        dataclasses.replace(encrypted.contests[0], selections=encrypted.contests[0].selections[:2]),
        *encrypted.contests[1:]))
    for other in (short, narrow):
        with pytest.raises(ValueError):
            tally.add_ballot(sums, other)
    for other in (added[:2], (added[0][:2], *added[1:])):
        for left, right in ((sums, other), (other, sums)):
            with pytest.raises(ValueError):
                tally.add_sums(left, right)
            with pytest.raises(ValueError):
                tally.subtract_sums(left, right)


def test_a_holder_never_signs_a_decryption_of_sums_of_another_shape(election):
    e, verified = election
    sums = verified.tally.sums
    for other in (sums[:2], (sums[0][:2], *sums[1:])):
        wrong = dataclasses.replace(verified.tally, sums=other)
        with pytest.raises(ValueError):
            tally.make_partial(SMALL_MANIFEST, wrong, 1, e.ceremony.secret_shares[1], HOLDERS[1])


def test_the_holders_program_says_why_it_refuses_to_decrypt(election):
    e, verified = election
    shares = e.ceremony.secret_shares
    refusals = [
        ((verified.tally, 1, shares[1], HOLDERS[1]), "decrypt only what the verifier returned for a valid record"),
        ((verified, 0, shares[1], HOLDERS[1]), "holder 0 is not a key holder of this election"),
        ((verified, 5, shares[1], HOLDERS[1]), "holder 5 is not a key holder of this election"),
        ((verified, 1, shares[1], HOLDERS[2]), "this signing key is not the one registered for the holder"),
        ((verified, 1, shares[2], HOLDERS[1]), "this share is not the holder's share of the election key"),
    ]
    for arguments, message in refusals:
        with pytest.raises(decryption.DecryptionRefused) as caught:
            decryption.decrypt_share(*arguments)
        assert str(caught.value) == message
    # The first and the last holder of the four decrypt.
    for holder in (1, 4):
        assert decryption.decrypt_share(verified, holder, shares[holder], HOLDERS[holder])["holder"] == holder


def test_the_servers_check_of_a_share_names_the_decryption_by_default(election):
    e, verified = election
    with pytest.raises(CryptoError) as caught:
        decryption.check_share(verified, {**_posted(e, verified), "signature": "00" * 64})
    assert (caught.value.check, caught.value.where) == ("decryption.signature", "decryption holder 2")


def test_the_published_files_list_the_shares_in_holder_order_whatever_order_they_arrived_in(election):
    e, verified = election
    partials = _shares(e, verified, (4, 1, 3))
    tally_json, decryptions_json, results_json = decryption.combine_shares(verified, partials)
    in_order = decryption.combine_shares(verified, sorted(partials, key=lambda p: p.holder))
    assert (tally_json, decryptions_json, results_json) == in_order
    assert [d["holder"] for d in decryptions_json["partial_decryptions"]] == [1, 3, 4]
    assert results_json["ballots_counted"] == tally_json["ballots_counted"] == 3


def _first_option_changed(message, **changes):
    """``message`` (tally.json, results.json or one decryption message) with its first option changed."""
    row = message["contests"][0]
    return {**message, "contests": [{**row, "options": [{**row["options"][0], **changes}, *row["options"][1:]]},
                                    *message["contests"][1:]]}


def test_every_refusal_of_a_published_tally_or_result_names_the_file_or_its_field(election):
    # tally.json and results.json place a malformed option, count or head at the file ("t", "r") or at the
    # field ("t.data", "t.head"), as codec does for every file: an observer finds what to fix.
    e, verified = election
    tally_json, _, results = decryption.combine_shares(verified, _shares(e, verified, (1, 2, 3)))
    for data, where, what in (
        (_first_option_changed(tally_json, extra=1), "t", "unexpected key 'extra'"),
        (_first_option_changed(tally_json, data="00"), "t.data", "expected 64 lowercase hex digits"),
        ({**tally_json, "ballots_counted": -1}, "t", "'ballots_counted' must be in 0..9007199254740991, got -1"),
        ({**tally_json, "head": "AB" * 64}, "t.head", "expected 128 lowercase hex digits"),
    ):
        with pytest.raises(CryptoError) as caught:
            tally.tally_from_json(verified.manifest, data, "t")
        assert (caught.value.where, caught.value.what) == (where, what)
    for data, where, what in (
        (_first_option_changed(results, extra=1), "r", "unexpected key 'extra'"),
        ({**results, "ballots_counted": True}, "r", "'ballots_counted' must be an integer, got True"),
    ):
        with pytest.raises(CryptoError) as caught:
            tally.totals_from_json(verified.manifest, data, "r")
        assert (caught.value.where, caught.value.what) == (where, what)


def test_a_malformed_share_or_proof_in_a_signed_decryption_names_its_option(election):
    # The holder signed the message as it stands, so only the cell's own encoding can fail: the server
    # names the holder and the contest/option whose share or proof it cannot read.
    e, verified = election
    good = _posted(e, verified)
    cell = good["contests"][0]["options"][0]

    def resigned(**changes):
        body = {k: v for k, v in _first_option_changed(good, **changes).items() if k != "signature"}
        return {**body, "signature": signature.sign(HOLDERS[2], "decryption", [
            verified.manifest.digest, jcs.canonical(body)]).hex()}

    for changes, where, what in (
        ({"extra": 1}, "d holder 2 mayor/m0", "unexpected key 'extra'"),
        ({"share": "00"}, "d holder 2 mayor/m0.share", "expected 64 lowercase hex digits"),
        ({"proof": {"c": cell["proof"]["c"]}}, "d holder 2 mayor/m0.proof", "missing 'v'"),
    ):
        with pytest.raises(CryptoError) as caught:
            decryption.check_share(verified, resigned(**changes), "d")
        assert (caught.value.where, caught.value.what) == (where, what)


def test_the_published_sums_and_totals_are_never_written_in_part(election):
    # Sums or totals of another shape than the manifest's (a contest or an option fewer) are refused, never
    # written as a shorter tally.json or results.json.
    e, verified = election
    sums = verified.tally.sums
    for other in (sums[:2], (sums[0][:2], *sums[1:])):
        with pytest.raises(ValueError):
            tally.sums_to_json(SMALL_MANIFEST, other)
        with pytest.raises(ValueError):
            tally.tally_json(SMALL_MANIFEST, dataclasses.replace(verified.tally, sums=other))
    for other in (EXPECTED[:2], (EXPECTED[0][:2], *EXPECTED[1:])):
        with pytest.raises(ValueError):
            tally.results_json(SMALL_MANIFEST, 3, other)
    assert [[o["total"] for o in c["options"]] for c in tally.results_json(SMALL_MANIFEST, 3, EXPECTED)["contests"]] \
        == [list(row) for row in EXPECTED]


def test_a_published_contest_with_an_option_more_than_the_manifests_is_refused(election):
    e, verified = election
    tally_json, _, results = decryption.combine_shares(verified, _shares(e, verified, (1, 2, 3)))
    for data, read in ((tally_json, tally.tally_from_json), (results, tally.totals_from_json)):
        row = data["contests"][0]
        longer = {**data, "contests": [{**row, "options": [*row["options"], row["options"][0]]}, *data["contests"][1:]]}
        with pytest.raises(CryptoError) as caught:
            read(verified.manifest, longer, "f")
        assert (caught.value.where, caught.value.what) == ("f", "'options' must hold 3..3 items, got 4")


def test_a_decryption_message_that_is_no_object_lacks_a_field_or_names_no_holder_is_refused_at_the_message(election):
    # Before the holder is known the only place to name is the message itself ("d"): the server says which
    # posted message is broken, not "None".
    e, verified = election
    good = _posted(e, verified)
    without_head = {k: v for k, v in good.items() if k != "head"}
    for data, what in (([good], "expected an object"),
                       (without_head, "missing 'head'"),
                       ({**good, "holder": 0}, "'holder' must be in 1..4, got 0"),
                       ({**good, "holder": "2"}, "'holder' must be an integer, got '2'")):
        with pytest.raises(CryptoError) as caught:
            decryption.check_share(verified, data, "d")
        assert (caught.value.where, caught.value.what) == ("d", what)


def test_a_published_contest_that_is_no_object_or_lacks_its_options_is_refused_at_the_file(election):
    # tally.json's and results.json's contests are read against the manifest; a contest entry of the wrong
    # shape is named at the file given ("f"), like every other shape refusal of these files.
    e, verified = election
    tally_json, _, results = decryption.combine_shares(verified, _shares(e, verified, (1, 2, 3)))
    for data, read in ((tally_json, tally.tally_from_json), (results, tally.totals_from_json)):
        first, *rest = data["contests"]
        for contest, what in (([first], "expected an object"),
                              ({"contest_id": first["contest_id"]}, "missing 'options'")):
            with pytest.raises(CryptoError) as caught:
                read(verified.manifest, {**data, "contests": [contest, *rest]}, "f")
            assert (caught.value.where, caught.value.what) == ("f", what)
