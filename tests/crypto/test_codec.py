# SPDX-License-Identifier: Apache-2.0
"""The record's value readers (docs/protocol.md 8.1) at their boundaries: exact key sets, the integer
version, lowercase hex of the exact length, integers (never booleans) within inclusive bounds, bounded
texts and lists; every refusal names its place and, where the spec gives one, its check code."""
import pytest

from shailoo.crypto import codec
from shailoo.crypto.chaum_pedersen import ChaumPedersenProof
from shailoo.crypto.disjunctive import MAX_BRANCHES, RangeProof
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Scalar
from shailoo.crypto.schnorr import SchnorrProof


def _refused(function, *args, **kwargs):
    with pytest.raises(InvalidEncoding) as caught:
        function(*args, **kwargs)
    return caught.value


# Objects and headers --------------------------------------------------------------------------------

def test_an_object_needs_every_required_key_and_no_unknown_one():
    data = {"a": 1, "b": 2}
    assert codec.fields(data, "here", ("a", "b")) is data
    assert codec.fields({"a": 1, "o": 2}, "here", ("a",), ("o", "p")) == {"a": 1, "o": 2}
    assert codec.fields({"a": 1}, "here", ("a",), ("o",)) == {"a": 1}
    error = _refused(codec.fields, {"b": 2}, "here", ("a", "b", "c"))
    assert (error.what, error.where, error.check) == ("missing 'a'", "here", None)
    assert _refused(codec.fields, {"a": 1}, "here", ("a", "b", "c")).what == "missing 'b'"
    error = _refused(codec.fields, {"a": 1, "b": 2, "z": 3, "y": 4}, "here", ("a", "b"))
    assert (error.what, error.where) == ("unexpected key 'y'", "here")
    assert _refused(codec.fields, {"a": 1, "p": 2, "q": 3}, "here", ("a",), ("p",)).what == "unexpected key 'q'"
    for not_an_object in ([], "a", None, 1):
        error = _refused(codec.fields, not_an_object, "here", ())
        assert (error.what, error.where) == ("expected an object", "here")


def test_a_header_carries_the_integer_version_2_and_its_kind():
    good = {"version": 2, "kind": "board", "count": 1}
    assert codec.header(good, "board.jsonl:1", "board", ("count",)) is good
    for version in (True, 2.0, "2", 1, 3, None):
        error = _refused(codec.header, {**good, "version": version}, "board.jsonl:1", "board", ("count",))
        assert error.check == "schema.version" and error.where == "board.jsonl:1"
        assert error.what == f'"version" must be the integer 2, got {version!r}'
    error = _refused(codec.header, {**good, "kind": "Board"}, "board.jsonl:1", "board", ("count",))
    assert (error.check, error.what) == ("schema.kind", "\"kind\" must be 'board', got 'Board'")
    assert _refused(codec.header, {"version": 2, "kind": "board"}, "h", "board", ("count",)).what == "missing 'count'"
    assert _refused(codec.header, {**good, "extra": 1}, "h", "board", ("count",)).what == "unexpected key 'extra'"


# Texts, integers, lists -----------------------------------------------------------------------------

def test_a_text_is_a_non_empty_string_of_at_most_its_size_in_utf8_bytes():
    assert codec.text({"id": "x" * codec.MAX_ID_BYTES}, "id", "here") == "x" * 128
    assert codec.text({"id": "é" * 64}, "id", "here") == "é" * 64  # 128 bytes
    for too_long in ("x" * 129, "é" * 64 + "x"):
        error = _refused(codec.text, {"id": too_long}, "id", "here")
        assert (error.what, error.where) == ("'id' must be non-empty and at most 128 bytes", "here")
    assert _refused(codec.text, {"id": ""}, "id", "here").what == "'id' must be non-empty and at most 128 bytes"
    assert codec.text({"t": ""}, "t", "here", 4, empty=True) == ""
    assert codec.text({"t": "abcd"}, "t", "here", 4, empty=True) == "abcd"
    assert _refused(codec.text, {"t": "abcde"}, "t", "here", 4, empty=True).what == "'t' must be at most 4 bytes"
    for not_text in (1, None, ["x"], b"x"):
        error = _refused(codec.text, {"id": not_text}, "id", "here")
        assert (error.what, error.where) == ("'id' must be a string", "here")


def test_an_integer_is_a_json_integer_never_a_boolean_or_a_float_within_inclusive_bounds():
    assert codec.integer({"n": 0}, "n", "here") == 0
    assert codec.integer({"n": 2**53 - 1}, "n", "here") == 2**53 - 1
    for value, what in ((-1, "'n' must be in 0..9007199254740991, got -1"),
                        (2**53, "'n' must be in 0..9007199254740991, got 9007199254740992")):
        error = _refused(codec.integer, {"n": value}, "n", "here")
        assert (error.what, error.where) == (what, "here")
    assert codec.integer({"n": 3}, "n", "here", 3, 5) == 3
    assert codec.integer({"n": 5}, "n", "here", 3, 5) == 5
    assert _refused(codec.integer, {"n": 2}, "n", "here", 3, 5).what == "'n' must be in 3..5, got 2"
    assert _refused(codec.integer, {"n": 6}, "n", "here", 3, 5).what == "'n' must be in 3..5, got 6"
    for not_integer in (True, False, 1.0, "1", None):
        error = _refused(codec.integer, {"n": not_integer}, "n", "here")
        assert error.what == f"'n' must be an integer, got {not_integer!r}" and error.where == "here"


def test_a_list_holds_between_its_bounds_of_items_inclusive():
    assert codec.items({"x": []}, "x", "here") == []
    assert codec.items({"x": [0] * 1_000_000}, "x", "here") == [0] * 1_000_000
    assert _refused(codec.items, {"x": [0] * 1_000_001}, "x", "here").what == \
        "'x' must hold 0..1000000 items, got 1000001"
    assert codec.items({"x": [1, 2]}, "x", "here", 2, 3) == [1, 2]
    assert codec.items({"x": [1, 2, 3]}, "x", "here", 2, 3) == [1, 2, 3]
    assert _refused(codec.items, {"x": [1]}, "x", "here", 2, 3).what == "'x' must hold 2..3 items, got 1"
    assert _refused(codec.items, {"x": [1] * 4}, "x", "here", 2, 3).what == "'x' must hold 2..3 items, got 4"
    for not_list in ({}, "ab", None, (1,)):
        error = _refused(codec.items, {"x": not_list}, "x", "here")
        assert (error.what, error.where) == ("'x' must be a list", "here")



def test_a_list_of_integers_holds_integers_within_their_bounds_never_booleans():
    assert codec.integers({"q": [1, 2, 3]}, "q", "here", 1, 3) == [1, 2, 3]
    assert codec.integers({"q": []}, "q", "here", 1, 3) == []
    assert codec.integers({"q": [3, 1]}, "q", "here", 1, 3, 2, 2) == [3, 1]
    assert _refused(codec.integers, {"q": [1]}, "q", "here", 1, 3, 2, 2).what == "'q' must hold 2..2 items, got 1"
    assert _refused(codec.integers, {"q": [1, 2, 3]}, "q", "here", 1, 3, 2, 2).what == \
        "'q' must hold 2..2 items, got 3"
    for items, what in (([True, 2, 3], "'q'[0] must be an integer in 1..3, got True"),
                        ([1, False], "'q'[1] must be an integer in 1..3, got False"),
                        ([1, 2.0], "'q'[1] must be an integer in 1..3, got 2.0"),
                        ([1, "2"], "'q'[1] must be an integer in 1..3, got '2'"),
                        ([0, 1], "'q'[0] must be an integer in 1..3, got 0"),
                        ([1, 2, 4], "'q'[2] must be an integer in 1..3, got 4")):
        error = _refused(codec.integers, {"q": items}, "q", "here", 1, 3)
        assert (error.what, error.where) == (what, "here")
    assert _refused(codec.integers, {"q": {"1": 1}}, "q", "here", 1, 3).what == "'q' must be a list"


# Hex, points, scalars -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "ABCD", "abcD", "abc", "abcdef", "ab cd", " abcd", "abcd ", "ab\tc", "0xab", "ghij", "", None, 43981, b"abcd",
    "ab c ",  # fromhex skips the space: 2 bytes from 5 characters
])
def test_hex_is_lowercase_and_exactly_twice_the_size_nothing_else(value):
    error = _refused(codec.unhex, value, 2, "here.key")
    assert (error.what, error.where, error.check) == ("expected 4 lowercase hex digits", "here.key", "schema.hex")


def test_hex_of_the_exact_size_reads_back_and_names_its_key():
    assert codec.unhex("00ff", 2, "here") == b"\x00\xff"
    assert codec.unhex("abcdef", 3, "here") == b"\xab\xcd\xef"
    assert _refused(codec.unhex, "ab cd ", 3, "here").check == "schema.hex"  # 2 bytes from 6 characters
    assert codec.hex_field({"h": "0a0b"}, "h", 2, "board.jsonl:3") == b"\x0a\x0b"
    error = _refused(codec.hex_field, {"h": "0A0B"}, "h", 2, "board.jsonl:3")
    assert (error.where, error.check) == ("board.jsonl:3.h", "schema.hex")


def test_points_are_canonical_encodings_and_the_identity_only_where_allowed():
    assert codec.point_of(GENERATOR.hex(), "here") == GENERATOR
    assert codec.point_of(IDENTITY.hex(), "here") == IDENTITY
    assert codec.point_of(GENERATOR.hex(), "here", identity=False) == GENERATOR
    error = _refused(codec.point_of, IDENTITY.hex(), "here", identity=False)
    assert (error.check, error.where) == ("identity", "here")
    assert _refused(codec.point_of, "ff" * 32, "here").where == "here"  # not a canonical encoding
    assert _refused(codec.point_of, GENERATOR.hex()[:62], "here").check == "schema.hex"
    assert codec.point({"p": GENERATOR.hex()}, "p", "x") == GENERATOR
    error = _refused(codec.point, {"p": IDENTITY.hex()}, "p", "x", identity=False)
    assert (error.check, error.where) == ("identity", "x.p")


def test_scalars_are_canonical_below_the_group_order():
    assert codec.scalar_of(Scalar(L - 1).hex(), "here") == Scalar(L - 1)
    assert codec.scalar_of("00" * 32, "here") == Scalar(0)
    error = _refused(codec.scalar_of, L.to_bytes(32, "little").hex(), "here")
    assert error.where == "here"
    assert codec.scalar({"s": Scalar(7).hex()}, "s", "x") == Scalar(7)
    assert _refused(codec.scalar, {"s": Scalar(255).hex().upper()}, "s", "x").where == "x.s"


# Ciphertexts and proofs -----------------------------------------------------------------------------

def test_ciphertexts_and_proofs_round_trip_through_their_json_forms():
    ciphertext = Ciphertext(GENERATOR, GENERATOR + GENERATOR)
    assert codec.ciphertext_to_json(ciphertext) == {"pad": GENERATOR.hex(), "data": (GENERATOR + GENERATOR).hex()}
    assert codec.ciphertext_from_json(codec.ciphertext_to_json(ciphertext), "c") == ciphertext
    assert codec.ciphertext_from_json({"pad": IDENTITY.hex(), "data": IDENTITY.hex()}, "c").pad == IDENTITY
    error = _refused(codec.ciphertext_from_json, {"pad": GENERATOR.hex(), "data": "00"}, "c")
    assert (error.where, error.check) == ("c.data", "schema.hex")
    assert _refused(codec.ciphertext_from_json, {"pad": GENERATOR.hex()}, "c").what == "missing 'data'"
    proof = SchnorrProof(Scalar(3), Scalar(4))
    assert codec.proof_to_json(proof) == {"c": Scalar(3).hex(), "v": Scalar(4).hex()}
    assert codec.schnorr_from_json(codec.proof_to_json(proof), "p") == proof
    assert codec.chaum_pedersen_from_json(codec.proof_to_json(proof), "p") == ChaumPedersenProof(Scalar(3), Scalar(4))
    assert _refused(codec.schnorr_from_json, {"c": Scalar(3).hex(), "v": "zz" * 32}, "p").where == "p.v"
    assert _refused(codec.chaum_pedersen_from_json, {"c": "", "v": Scalar(4).hex()}, "p").where == "p.c"
    assert _refused(codec.schnorr_from_json, {"c": Scalar(3).hex()}, "p").what == "missing 'v'"
    assert _refused(codec.chaum_pedersen_from_json, [], "p").what == "expected an object"


def test_a_chaum_pedersen_proofs_refusals_name_the_proof_or_its_field():
    """Its shape is refused at the proof's own place, a bad scalar at that scalar's key under it (the place
    a decryption share's or a ceremony check's proof is read from)."""
    good = Scalar(4).hex()
    for data, what in (([], "expected an object"), ({"c": good}, "missing 'v'"),
                       ({"c": good, "v": good, "w": good}, "unexpected key 'w'")):
        error = _refused(codec.chaum_pedersen_from_json, data, "share.proof")
        assert (error.what, error.where) == (what, "share.proof")
    assert _refused(codec.chaum_pedersen_from_json, {"c": good, "v": "zz" * 32}, "share.proof").where == "share.proof.v"
    assert _refused(codec.chaum_pedersen_from_json, {"c": good, "v": L.to_bytes(32, "little").hex()},
                    "share.proof").where == "share.proof.v"


def test_the_shape_refusals_of_headers_integer_lists_ciphertexts_and_range_proofs_name_their_place():
    good_point, good = GENERATOR.hex(), [Scalar(1).hex()]
    for function, data, what in (
            (lambda d, w: codec.header(d, w, "ballot"), [], "expected an object"),
            (lambda d, w: codec.header(d, w, "ballot"), {"version": 2, "kind": "tally"},
             "\"kind\" must be 'ballot', got 'tally'"),
            (lambda d, w: codec.integers(d, "q", w, 1, 3), {"q": "1"}, "'q' must be a list"),
            (codec.ciphertext_from_json, {"pad": good_point}, "missing 'data'"),
            (codec.range_proof_from_json, {"c": good, "v": good, "x": 1}, "unexpected key 'x'")):
        error = _refused(function, data, "here")
        assert (error.what, error.where) == (what, "here")
    error = _refused(codec.ciphertext_from_json, {"pad": "00", "data": good_point}, "here")
    assert (error.where, error.check) == ("here.pad", "schema.hex")


def test_a_schnorr_proofs_refusals_name_the_proof_or_its_field():
    good = Scalar(4).hex()
    assert _refused(codec.schnorr_from_json, {"c": good, "v": good, "w": 1}, "key.proof").where == "key.proof"
    assert _refused(codec.schnorr_from_json, {"c": "zz" * 32, "v": good}, "key.proof").where == "key.proof.c"


def test_a_list_of_integers_holds_at_most_a_million_items_unless_told_otherwise():
    assert len(codec.integers({"q": [1] * 1_000_000}, "q", "here", 1, 1)) == 1_000_000
    error = _refused(codec.integers, {"q": [1] * 1_000_001}, "q", "here", 1, 1)
    assert error.what == "'q' must hold 0..1000000 items, got 1000001"


def test_the_identity_refused_where_it_is_not_allowed_says_so():
    error = _refused(codec.point_of, IDENTITY.hex(), "here", identity=False)
    assert (error.what, error.where, error.check) == ("the identity element is refused here", "here", "identity")


def test_a_range_proof_holds_1_to_256_challenges_and_responses():
    one, most = (Scalar(1),), tuple(Scalar(i) for i in range(MAX_BRANCHES))
    for challenges, responses in ((one, one), (most, most), (most, one)):
        proof = RangeProof(challenges, responses)
        assert codec.range_proof_from_json(codec.range_proof_to_json(proof), "p") == proof
    too_many = [Scalar(1).hex()] * (MAX_BRANCHES + 1)
    for data, what in (({"c": [], "v": [Scalar(1).hex()]}, "'c' must hold 1..256 items, got 0"),
                       ({"c": [Scalar(1).hex()], "v": []}, "'v' must hold 1..256 items, got 0"),
                       ({"c": too_many, "v": [Scalar(1).hex()]}, "'c' must hold 1..256 items, got 257"),
                       ({"c": [Scalar(1).hex()], "v": too_many}, "'v' must hold 1..256 items, got 257")):
        error = _refused(codec.range_proof_from_json, data, "p")
        assert (error.what, error.where) == (what, "p")
    error = _refused(codec.range_proof_from_json, {"c": [Scalar(1).hex(), "0"], "v": [Scalar(1).hex()]}, "p")
    assert error.where == "p.c[1]"
    error = _refused(codec.range_proof_from_json, {"c": [Scalar(1).hex()], "v": [Scalar(1).hex(), "0"]}, "p")
    assert error.where == "p.v[1]"


def test_a_label_is_each_part_length_prefixed_in_utf8():
    assert codec.label() == b""
    assert codec.label("ab", "é", "") == b"\x00\x00\x00\x02ab\x00\x00\x00\x02\xc3\xa9\x00\x00\x00\x00"
    assert codec.label("a", "b") != codec.label("ab")
