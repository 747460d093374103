# SPDX-License-Identifier: Apache-2.0
"""Schnorr signatures (docs/protocol.md 3.4): the key pair, and what the verifier refuses, with which error."""
import pytest

from shailoo.crypto.group import GENERATOR, L, Scalar
from shailoo.crypto.signature import SigningKey


@pytest.mark.parametrize("value", [1, 2, L - 1])
def test_every_nonzero_scalar_is_a_signing_key_with_its_multiple_of_g_as_public_key(value):
    key = SigningKey.from_secret(Scalar(value))
    assert key.secret == Scalar(value)
    assert key.public == GENERATOR * Scalar(value)


def test_zero_is_no_signing_key():
    with pytest.raises(ValueError, match=r"^a signing key's secret is never zero$"):
        SigningKey.from_secret(Scalar(0))
