# SPDX-License-Identifier: Apache-2.0
"""Exponential ElGamal: round trips, homomorphic addition, bounded discrete log."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto.elgamal import (
    ZERO_CIPHERTEXT,
    Ciphertext,
    DiscreteLog,
    DiscreteLogNotFound,
    decrypt_to_point,
    encrypt,
    weighted_sum,
)
from shailoo.crypto.group import IDENTITY, Scalar, base_mul
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.signature import generate_signing_key

from .strategies import examples, scalars, small_messages

KEYS = generate_signing_key()  # an ElGamal key pair is the same kind of pair: secret s, public sG
SEARCH = DiscreteLog(5_000_000)


@settings(max_examples=examples(10), deadline=None)
@given(small_messages, scalars)
def test_decryption_recovers_the_encrypted_count(message, nonce):
    assert SEARCH.find(decrypt_to_point(encrypt(message, KEYS.public, nonce), KEYS.secret)) == message


@settings(max_examples=examples(10), deadline=None)
@given(small_messages, small_messages, scalars, scalars)
def test_sum_of_ciphertexts_encrypts_the_sum_of_counts(a, b, r, s):
    total = encrypt(a, KEYS.public, r) + encrypt(b, KEYS.public, s)
    assert total == encrypt(a + b, KEYS.public, r + s)
    assert SEARCH.find(decrypt_to_point(total, KEYS.secret)) == a + b


def test_scaling_a_ciphertext_multiplies_its_count():
    nonce = random_scalar(SYSTEM)
    assert encrypt(1, KEYS.public, nonce).scale(3) == encrypt(3, KEYS.public, nonce * Scalar(3))


@pytest.mark.parametrize("count", [0, 1, 2236, 2237, 4_999_999, 5_000_000])
def test_discrete_log_finds_counts_up_to_five_million(count):
    assert SEARCH.find(base_mul(Scalar(count))) == count


def test_discrete_log_refuses_counts_beyond_its_bound():
    with pytest.raises(DiscreteLogNotFound):
        DiscreteLog(100).find(base_mul(Scalar(101)))


@settings(max_examples=examples(5), deadline=None)
@given(st.integers(min_value=1, max_value=2**64))
def test_same_count_under_fresh_nonces_gives_unlinkable_ciphertexts(seed):
    assert encrypt(1, KEYS.public, Scalar(seed)) != encrypt(1, KEYS.public, Scalar(seed + 1))


def test_ciphertexts_add_to_the_encryption_of_their_total():
    nonces = [random_scalar(SYSTEM) for _ in range(3)]
    parts = [encrypt(count, KEYS.public, nonce) for count, nonce in zip((1, 2, 0), nonces, strict=True)]
    assert ZERO_CIPHERTEXT == Ciphertext(IDENTITY, IDENTITY) == encrypt(0, KEYS.public, Scalar(0))
    assert ZERO_CIPHERTEXT + parts[0] == parts[0]
    assert parts[0] + parts[1] + parts[2] == encrypt(3, KEYS.public, nonces[0] + nonces[1] + nonces[2])


@pytest.fixture(scope="module")
def wide_search():
    # A bound of 20 million takes giant steps of 4,473 (the cached small multiples of G stop below 4,096).
    return DiscreteLog(20_000_000)


@pytest.mark.parametrize("count", [0, 1, 4095, 4096**2, 20_000_000])
def test_discrete_log_finds_counts_of_a_search_with_giant_steps_beyond_4096(wide_search, count):
    assert wide_search.find(base_mul(Scalar(count))) == count


def test_a_negative_count_is_not_encrypted():
    with pytest.raises(ValueError, match=r"^exponential ElGamal encrypts non-negative integers$"):
        encrypt(-1, KEYS.public, Scalar(1))


def test_a_weighted_sum_encrypts_the_weighted_total():
    parts = [encrypt(1, KEYS.public, Scalar(3)), encrypt(2, KEYS.public, Scalar(4))]
    assert weighted_sum(parts, [0, 3]) == encrypt(6, KEYS.public, Scalar(12))
    assert weighted_sum(parts, [2, 1]) == encrypt(4, KEYS.public, Scalar(10))
    assert weighted_sum([], []) == ZERO_CIPHERTEXT


def test_a_weighted_sum_takes_one_weight_per_ciphertext():
    ciphertext = encrypt(1, KEYS.public, Scalar(5))
    for ciphertexts, weights in (([ciphertext, ciphertext], [1]), ([ciphertext], [1, 2])):
        with pytest.raises(ValueError):
            weighted_sum(ciphertexts, weights)


@pytest.mark.parametrize("bound", [0, 1, 2, 3, 8, 99, 110, 120])
def test_discrete_log_finds_every_count_up_to_its_bound_and_names_the_bound_beyond(bound):
    """Baby-step giant-step with steps of isqrt(bound) + 1: at a bound s^2 + 2s (8, 99, 120) the largest
    counts are in the last giant step, and 110 = 10 * 11 is the first count of the last giant step of 110."""
    search = DiscreteLog(bound)
    assert [search.find(base_mul(Scalar(count))) for count in range(bound + 1)] == list(range(bound + 1))
    for beyond in (bound + 1, bound + 2, 10 * bound + 1000):
        with pytest.raises(DiscreteLogNotFound) as caught:
            search.find(base_mul(Scalar(beyond)))
        assert str(caught.value) == f"no discrete log within [0, {bound}]"
