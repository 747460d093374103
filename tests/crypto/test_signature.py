# SPDX-License-Identifier: Apache-2.0
"""Schnorr signatures (docs/protocol.md 3.4): the key pair, the hedged nonce, and what the verifier refuses,
with which error and where."""
import pytest

from shailoo.crypto.errors import InvalidEncoding, InvalidSignature
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Point, Scalar, hash_to_scalar
from shailoo.crypto.randomness import SeededRandomness
from shailoo.crypto.signature import SigningKey, generate_signing_key, sign, verify

KEY = SigningKey.from_secret(Scalar(0x5EED))
OTHER = SigningKey.from_secret(Scalar(0xBEEF))
PARTS = [b"Q" * 64, b"ballot"]


@pytest.mark.parametrize("value", [1, 2, L - 1])
def test_every_nonzero_scalar_is_a_signing_key_with_its_multiple_of_g_as_public_key(value):
    key = SigningKey.from_secret(Scalar(value))
    assert key.secret == Scalar(value)
    assert key.public == GENERATOR * Scalar(value)


def test_zero_is_no_signing_key():
    with pytest.raises(ValueError, match=r"^a signing key's secret is never zero$"):
        SigningKey.from_secret(Scalar(0))


class _ZeroFirst:
    """A source whose first scalar draw is zero."""

    def __init__(self) -> None:
        self.rest = SeededRandomness(b"after zero")
        self.first = True

    def bytes(self, count: int) -> bytes:
        if self.first:
            self.first = False
            return bytes(count)
        return self.rest.bytes(count)


def test_a_generated_key_is_drawn_again_when_the_draw_is_zero():
    key = generate_signing_key(_ZeroFirst())
    assert key == SigningKey.from_secret(Scalar.from_uniform(SeededRandomness(b"after zero").bytes(64)))


def test_a_key_shows_only_its_public_half():
    assert repr(KEY) == f"SigningKey(public={KEY.public.hex()})"


def test_a_signature_is_r_then_s_and_verifies_under_its_key_purpose_and_parts():
    signed = sign(KEY, "ballot", PARTS, SeededRandomness(b"sig"))
    assert len(signed) == 64
    verify(KEY.public, "ballot", PARTS, signed, "here")
    # s G = R + c A, c = Hs("signature", A, R, purpose, parts...)
    challenge = hash_to_scalar("signature", KEY.public.data, signed[:32], b"ballot", *PARTS)
    assert GENERATOR * Scalar.from_bytes(signed[32:]) == Point.from_bytes(signed[:32]) + KEY.public * challenge


def test_signing_draws_32_random_bytes():
    stream = SeededRandomness(b"sig")
    sign(KEY, "ballot", PARTS, stream)
    assert stream.bytes(8) == SeededRandomness(b"sig").bytes(40)[32:]


def test_the_nonce_is_hedged_on_the_key_the_message_and_the_random_bytes():
    def commitment(key, purpose, parts, seed=b"same bytes"):
        return sign(key, purpose, parts, SeededRandomness(seed))[:32]

    first = commitment(KEY, "ballot", PARTS)
    assert commitment(KEY, "ballot", PARTS) == first  # deterministic under the same bytes
    assert commitment(KEY, "ballot", PARTS, b"other bytes") != first
    assert commitment(OTHER, "ballot", PARTS) != first
    # a failed random source reusing its bytes must not reuse the nonce on another message
    assert commitment(KEY, "close", PARTS) != first
    assert commitment(KEY, "ballot", [PARTS[0], b"other"]) != first
    assert commitment(KEY, "ballot", PARTS[:1]) != first


@pytest.mark.parametrize("length", [0, 63, 65])
def test_a_signature_of_another_length_is_refused_as_an_encoding(length):
    with pytest.raises(InvalidEncoding) as caught:
        verify(KEY.public, "ballot", PARTS, bytes(length), "board.jsonl line 3")
    assert (caught.value.what, caught.value.where) == ("a signature is 64 bytes", "board.jsonl line 3")


def test_the_identity_is_no_signing_key_for_the_verifier():
    signed = sign(KEY, "ballot", PARTS)
    with pytest.raises(InvalidSignature) as caught:
        verify(IDENTITY, "ballot", PARTS, signed, "manifest.json")
    error = caught.value
    assert (error.what, error.where, error.check) == ("the identity is not a signing key", "manifest.json", "identity")


def test_a_signature_whose_s_is_not_canonical_is_malformed():
    signed = sign(KEY, "ballot", PARTS)
    s = Scalar.from_bytes(signed[32:]).value
    for bad in (s + L, L, 2**256 - 1):
        with pytest.raises(InvalidSignature) as caught:
            verify(KEY.public, "ballot", PARTS, signed[:32] + bad.to_bytes(32, "little"), "cast")
        error = caught.value
        assert (error.what, error.where, error.check) == (
            "malformed signature: non-canonical scalar (>= group order)", "cast", None)


def test_a_signature_whose_r_is_not_a_point_is_malformed():
    signed = sign(KEY, "ballot", PARTS)
    bad_r = bytes.fromhex("00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
    with pytest.raises(InvalidSignature) as caught:
        verify(KEY.public, "ballot", PARTS, bad_r + signed[32:], "cast")
    error = caught.value
    assert (error.what, error.where, error.check) == (
        "malformed signature: invalid or non-canonical ristretto255 encoding", "cast", None)


def test_a_signature_verifies_for_nothing_but_its_key_purpose_and_parts():
    signed = sign(KEY, "ballot", PARTS)
    for public, purpose, parts, signature in (
        (OTHER.public, "ballot", PARTS, signed),
        (KEY.public, "close", PARTS, signed),
        (KEY.public, "ballot", [PARTS[0], b"other"], signed),
        (KEY.public, "ballot", PARTS[:1], signed),
        (KEY.public, "ballot", PARTS, signed[:32] + (Scalar.from_bytes(signed[32:]) + Scalar(1)).to_bytes()),
        (KEY.public, "ballot", PARTS, sign(KEY, "ballot", PARTS)[:32] + signed[32:]),
    ):
        with pytest.raises(InvalidSignature) as caught:
            verify(public, purpose, parts, signature, "board.jsonl line 9")
        error = caught.value
        assert (error.what, error.where, error.check) == (f"{purpose} signature does not verify",
                                                          "board.jsonl line 9", None)
