# SPDX-License-Identifier: Apache-2.0
"""ristretto255 (libdecaf) against RFC 9496 appendix A, the group laws, and every multiplication path
(constant-time ladder, precomputed tables, variable-time double multiplication) against the others."""
import hashlib
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings

from shailoo.crypto import decaf
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import (
    GENERATOR,
    IDENTITY,
    ONE,
    ZERO,
    Commitments,
    FixedBase,
    L,
    Point,
    PointSum,
    Scalar,
    base_mul,
    fixed_base,
    hash_bytes,
    hash_to_point,
    hash_to_scalar,
    point_from_uniform,
    public_combination,
)

from .strategies import examples, scalars

# RFC 9496, A.1: encodings of 0B .. 15B.
SMALL_MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496, A.2: invalid encodings (non-canonical, negative, non-square x^2, negative xy, s = -1).
BAD_ENCODINGS = [
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]

# RFC 9496, A.3: the one-way map applied to SHA-512 of each input.
HASH_TO_GROUP = [
    ("Ristretto is traditionally a short shot of espresso coffee",
     "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"),
    ("made with the normal amount of ground coffee but extracted with",
     "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b"),
    ("about half the amount of water in the same amount of time",
     "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826"),
    ("by using a finer grind.",
     "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a"),
    ("This produces a concentrated shot of coffee per volume.",
     "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179"),
    ("Just pulling a normal shot short will produce a weaker shot",
     "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628"),
    ("and is not a Ristretto as some believe.",
     "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065"),
]


@pytest.mark.parametrize("multiple", range(16))
def test_small_multiples_of_the_generator_encode_as_in_rfc_9496(multiple):
    assert base_mul(Scalar(multiple)).hex() == SMALL_MULTIPLES[multiple]
    assert GENERATOR * Scalar(multiple) == Point.from_hex(SMALL_MULTIPLES[multiple])


def test_repeated_addition_of_the_generator_walks_the_rfc_multiples():
    point = IDENTITY
    for encoding in SMALL_MULTIPLES:
        assert point.hex() == encoding
        point = point + GENERATOR


@pytest.mark.parametrize("encoding", BAD_ENCODINGS)
def test_invalid_and_non_canonical_encodings_are_rejected(encoding):
    with pytest.raises(InvalidEncoding) as caught:
        Point.from_hex(encoding, where="vector")
    assert caught.value.where == "vector"


@pytest.mark.parametrize(("text", "encoding"), HASH_TO_GROUP)
def test_one_way_map_of_sha512_matches_rfc_9496(text, encoding):
    assert point_from_uniform(hashlib.sha512(text.encode()).digest()).hex() == encoding


def test_wrong_lengths_and_uppercase_hex_are_rejected():
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(bytes(31))
    with pytest.raises(InvalidEncoding):
        Point.from_hex(SMALL_MULTIPLES[1].upper())
    with pytest.raises(InvalidEncoding):
        Scalar.from_bytes(bytes(33))


def test_scalars_at_or_above_the_group_order_are_rejected():
    for value in (L, L + 1, 2**256 - 1):
        with pytest.raises(InvalidEncoding):
            Scalar.from_bytes(value.to_bytes(32, "little"))
    assert Scalar.from_bytes((L - 1).to_bytes(32, "little")).value == L - 1


@settings(max_examples=examples(15), deadline=None)
@given(scalars, scalars)
def test_scalar_multiplication_distributes_and_composes(a, b):
    assert base_mul(a + b) == base_mul(a) + base_mul(b)
    assert base_mul(a) * b == base_mul(a * b)
    assert base_mul(a) - base_mul(a) == IDENTITY


@settings(max_examples=examples(15), deadline=None)
@given(scalars)
def test_scalar_and_point_encodings_round_trip(a):
    assert Scalar.from_hex(a.hex()) == a
    point = base_mul(a)
    assert Point.from_hex(point.hex()) == point


def test_hashes_are_domain_separated_and_length_prefixed():
    assert hash_to_scalar("a", b"x") != hash_to_scalar("b", b"x")
    assert hash_to_scalar("a", b"xy", b"z") != hash_to_scalar("a", b"x", b"yz")
    assert hash_to_point("a", b"x") != hash_to_point("b", b"x")
    assert hash_to_point("a", b"x") == hash_to_point("a", b"x")


@pytest.mark.parametrize("encoding", BAD_ENCODINGS[:6])
def test_a_running_sum_of_encodings_rejects_invalid_input_like_decoding(encoding):
    total = PointSum()
    total.add_encoding(bytes.fromhex(SMALL_MULTIPLES[2]))
    total.add_encoding(bytes.fromhex(SMALL_MULTIPLES[3]))
    assert total.total().hex() == SMALL_MULTIPLES[5]
    with pytest.raises(InvalidEncoding) as caught:
        total.add_encoding(bytes.fromhex(encoding), "ballots.jsonl")
    assert caught.value.where == "ballots.jsonl"
    with pytest.raises(InvalidEncoding):
        total.add_encoding(bytes(31))
    assert total.total().hex() == SMALL_MULTIPLES[5]


def test_an_empty_running_sum_is_the_identity():
    assert PointSum().total() == IDENTITY


@settings(max_examples=examples(25), deadline=None)
@given(scalars, scalars, scalars)
def test_variable_time_double_multiplication_agrees_with_the_constant_time_path(a, b, c):
    point = base_mul(c)
    expected = base_mul(a) + point * b
    assert public_combination(a, point, b) == expected
    assert public_combination(a, point, -b) == base_mul(a) - point * b
    assert public_combination(ZERO, point, b) == point * b


@settings(max_examples=examples(25), deadline=None)
@given(scalars, scalars)
def test_a_precomputed_table_multiplies_like_the_generic_ladder(a, b):
    point = base_mul(a)
    assert FixedBase(point).mul(b) == point * b == base_mul(a * b)
    assert fixed_base(point) is fixed_base(Point.from_bytes(point.data))
    assert FixedBase(GENERATOR).mul(b) == base_mul(b) == GENERATOR * b


@pytest.mark.parametrize("multiple", range(16))
def test_every_path_gives_the_rfc_9496_small_multiples(multiple):
    count = Scalar(multiple)
    expected = SMALL_MULTIPLES[multiple]
    assert FixedBase(GENERATOR).mul(count).hex() == expected
    assert public_combination(count, IDENTITY, Scalar(5)).hex() == expected
    assert public_combination(ZERO, GENERATOR, count).hex() == expected
    assert (Point.from_hex(SMALL_MULTIPLES[3]) * count).hex() == base_mul(Scalar(3 * multiple)).hex()


def test_edge_scalars_multiply_correctly_on_every_path():
    for value in (0, 1, 2, L - 1, L - 2, 2**252, 2**252 - 1):
        scalar = Scalar(value)
        point = base_mul(Scalar(7))
        expected = base_mul(Scalar(7 * value))
        assert point * scalar == expected
        assert FixedBase(point).mul(scalar) == expected
        assert public_combination(ZERO, point, scalar) == expected
        assert public_combination(scalar, IDENTITY, ZERO) == base_mul(scalar)
    assert base_mul(Scalar(L - 1)) == -GENERATOR


def test_decoded_and_encoded_forms_agree():
    point = base_mul(Scalar(12345))
    same = Point(point.data)  # trusted encoding, decoded on first use
    assert same + GENERATOR == point + GENERATOR
    assert hash(same) == hash(point) and same == point
    assert point != point.data
    with pytest.raises(InvalidEncoding):
        Point(bytes.fromhex(BAD_ENCODINGS[0])) + GENERATOR


def test_a_zero_point_scalar_keeps_the_generator_part():
    # libdecaf 1.0.2's variable-time double multiplication drops a G + 0 P to the identity.
    assert public_combination(ONE, base_mul(Scalar(9)), ZERO) == GENERATOR
    assert public_combination(Scalar(5), IDENTITY, ZERO) == base_mul(Scalar(5))


def test_precomputed_table_of_the_identity_gives_the_identity():
    assert FixedBase(IDENTITY).mul(Scalar(L - 1)) == IDENTITY


def test_points_pickle_as_their_encoding():
    point = base_mul(Scalar(77))
    copy = pickle.loads(pickle.dumps(point))  # noqa: S301 - our own bytes, as between worker processes
    assert copy == point and copy + GENERATOR == base_mul(Scalar(78))


def test_the_x86_64_v3_build_is_loaded_only_where_it_is_and_the_cpu_has_every_flag_it_needs(tmp_path):
    flags = "flags\t\t: fpu sse2 " + " ".join(sorted(decaf.V3_FLAGS)) + " sha_ni\n"
    assert decaf.library_path(str(tmp_path), flags, "") == "libdecaf.so.0"  # nothing built
    built = tmp_path / "lib" / "shailoo-libdecaf" / "x86-64-v3" / "libdecaf.so.0"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"")
    assert decaf.library_path(str(tmp_path), "processor\t: 0\n" + flags, "") == str(built)
    assert decaf.library_path(str(tmp_path), flags, "system") == "libdecaf.so.0"  # SHAILOO_LIBDECAF=system
    for missing in sorted(decaf.V3_FLAGS):  # a venv moved to an older CPU: Debian's build, not a crash
        assert decaf.library_path(str(tmp_path), flags.replace(f" {missing} ", " "), "") == "libdecaf.so.0"
    assert decaf.library_path(str(tmp_path), "", "") == "libdecaf.so.0"  # no /proc/cpuinfo


@pytest.mark.parametrize("decode", [Scalar.from_hex, Point.from_hex])
@pytest.mark.parametrize("text", ["zz" * 32, "0" * 63, "00" * 31, SMALL_MULTIPLES[1].upper()])
def test_hex_decoding_names_the_place_of_every_failure(decode, text):
    with pytest.raises(InvalidEncoding) as caught:
        decode(text, "ballots.jsonl line 7")
    assert caught.value.where == "ballots.jsonl line 7"


def test_hex_decoding_without_a_place_names_none():
    for decode, what in ((Scalar.from_hex, "scalar must be 32 bytes, got 31"),
                         (Point.from_hex, "point must be 32 bytes, got 31")):
        with pytest.raises(InvalidEncoding) as caught:
            decode("00" * 31)
        assert (caught.value.where, str(caught.value)) == ("", what)
    with pytest.raises(InvalidEncoding) as caught:
        Scalar.from_hex(L.to_bytes(32, "little").hex(), "tally.json")
    assert str(caught.value) == "tally.json: non-canonical scalar (>= group order)"


@pytest.mark.parametrize("length", [0, 32, 63, 65])
def test_the_one_way_map_takes_exactly_64_bytes(length):
    with pytest.raises(ValueError, match=r"^the one-way map takes 64 bytes$"):
        point_from_uniform(bytes(length))


def test_hash_to_point_is_the_one_way_map_of_the_hash_of_every_part():
    assert hash_to_point("a", b"x", b"y") == point_from_uniform(hash_bytes("a", b"x", b"y"))
    assert hash_to_point("a", b"x") != hash_to_point("a", b"y")
    assert hash_to_point("a") != hash_to_point("a", b"")


def test_a_precomputed_table_keeps_its_point():
    point = base_mul(Scalar(31))
    assert FixedBase(point).point is point
    assert fixed_base(point).point == point


def test_computed_points_own_their_memory_while_others_are_computed():
    table = FixedBase(GENERATOR)
    product, mapped = table.mul(Scalar(3)), point_from_uniform(hashlib.sha512(HASH_TO_GROUP[0][0].encode()).digest())
    others = [table.mul(Scalar(100 + i)) for i in range(64)]
    others += [point_from_uniform(bytes([i]) * 64) for i in range(64)]
    assert product.hex() == SMALL_MULTIPLES[3]
    assert mapped.hex() == HASH_TO_GROUP[0][1]
    assert len({p.data for p in others}) == len(others)


def test_a_finished_running_sum_cannot_be_taken_again():
    # point() hands the sum's buffer over to the point; a second point() would wrap no buffer at all.
    total = PointSum()
    total.add(GENERATOR)
    assert total.point() == GENERATOR
    with pytest.raises(ValueError, match=r"^a computed point needs the owner of its buffer$"):
        total.point()


def test_commitments_refuse_more_branches_than_they_have_slots_for():
    commitments = Commitments(3)
    with pytest.raises(ValueError, match=r"^2 branches need 4 slots, there are 3$"):
        commitments.disjunctive(fixed_base(GENERATOR), [1, 2], [0, 5], 0)


def test_the_verifiers_commitments_pair_each_challenge_with_one_response():
    for challenges, responses in (([1, 2], [3]), ([1], [3, 4])):
        with pytest.raises(ValueError):
            Commitments(4).verify_branches(fixed_base(GENERATOR), GENERATOR, GENERATOR, 0, challenges, responses)


@pytest.mark.parametrize("length", [0, 32, 63, 65])
def test_a_uniform_scalar_is_drawn_from_exactly_64_bytes(length):
    with pytest.raises(ValueError, match=r"^a uniform scalar is drawn from 64 bytes$"):
        Scalar.from_uniform(bytes(length))


def test_a_running_sum_names_no_place_for_a_bad_encoding_unless_told():
    with pytest.raises(InvalidEncoding) as caught:
        PointSum().add_encoding(bytes.fromhex(BAD_ENCODINGS[0]))
    assert (caught.value.where, str(caught.value)) == ("", "invalid or non-canonical ristretto255 encoding")


def test_an_encryption_by_a_table_keeps_both_its_points_while_others_are_computed():
    table = FixedBase(base_mul(Scalar(5)))
    pad, data = table.encrypt(Scalar(3), GENERATOR)
    others = [table.encrypt(Scalar(100 + i), base_mul(Scalar(i))) for i in range(64)]
    assert (pad.hex(), data.hex()) == (SMALL_MULTIPLES[3], base_mul(Scalar(16)).hex())
    assert others[7] == (base_mul(Scalar(107)), base_mul(Scalar(5 * 107 + 7)))


@pytest.mark.parametrize(("value", "reduced"), [(0, 0), (L - 1, L - 1), (L, 0), (L + 1, 1), (-1, L - 1),
                                                (2 * L + 5, 5)])
def test_a_scalar_is_always_reduced_mod_l(value, reduced):
    assert Scalar(value).value == reduced


def test_byte_decoding_without_a_place_names_none():
    for decode, what in ((Scalar.from_bytes, "scalar must be 32 bytes, got 31"),
                         (Point.from_bytes, "point must be 32 bytes, got 31")):
        with pytest.raises(InvalidEncoding) as caught:
            decode(bytes(31))
        assert (caught.value.where, str(caught.value)) == ("", what)


def test_a_point_decoded_from_a_buffer_holds_its_own_bytes():
    buffer = bytearray.fromhex(SMALL_MULTIPLES[2])
    point = Point.from_bytes(buffer)
    buffer[:] = bytes(32)
    assert type(point.data) is bytes and point.hex() == SMALL_MULTIPLES[2]
    assert {point: "two"}[base_mul(Scalar(2))] == "two"
    assert Point.from_bytes(memoryview(bytes.fromhex(SMALL_MULTIPLES[3]))) == base_mul(Scalar(3))


def test_a_trusted_encoding_that_is_invalid_fails_when_first_used_with_no_place():
    with pytest.raises(InvalidEncoding) as caught:
        Point(bytes.fromhex(BAD_ENCODINGS[0])) + GENERATOR
    assert (caught.value.where, str(caught.value)) == ("", "invalid or non-canonical ristretto255 encoding")


@pytest.mark.parametrize("decode", [Scalar.from_hex, Point.from_hex])
@pytest.mark.parametrize("text", ["zz" * 32, "0" * 63, SMALL_MULTIPLES[1].upper(), b"00" * 32, None])
def test_text_that_is_not_lowercase_hex_is_refused_as_such_at_its_place(decode, text):
    # Not hex, an odd length, uppercase, bytes instead of text, no text: one refusal, saying what it expected.
    with pytest.raises(InvalidEncoding) as caught:
        decode(text, "manifest.json")
    assert (caught.value.where, str(caught.value)) == ("manifest.json", "manifest.json: expected lowercase hex text")


def test_the_x86_64_v3_build_needs_exactly_its_flags_and_nothing_more(tmp_path):
    built = tmp_path / "lib" / "shailoo-libdecaf" / "x86-64-v3" / "libdecaf.so.0"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"")
    exactly = "flags\t\t: " + " ".join(sorted(decaf.V3_FLAGS)) + "\n"
    assert decaf.library_path(str(tmp_path), exactly, "") == str(built)


def test_the_cpu_flags_are_everything_after_the_first_colon_of_the_flags_line(tmp_path):
    """/proc/cpuinfo's lines are 'key<tabs>: value'; the flags are the value's words, however the colon is
    spaced and whatever they contain."""
    built = tmp_path / "lib" / "shailoo-libdecaf" / "x86-64-v3" / "libdecaf.so.0"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"")
    v3 = sorted(decaf.V3_FLAGS)
    for line in ("flags:" + " ".join(v3),  # no space around the colon
                 "flags\t\t: " + " ".join([*v3[:4], "odd:flag", *v3[4:]])):  # a colon inside a flag
        assert decaf.library_path(str(tmp_path), f"processor\t: 0\n{line}\n", "") == str(built), line


@pytest.mark.skipif(not Path("/proc/cpuinfo").is_file(), reason="the kernel's CPU description is Linux's")
def test_the_cpu_description_is_read_from_the_kernel():
    """What library_path is given at import: /proc/cpuinfo, which starts with the first processor's number."""
    assert decaf._cpuinfo().startswith("processor")
