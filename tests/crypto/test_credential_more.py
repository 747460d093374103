# SPDX-License-Identifier: Apache-2.0
"""A credential list's refused key says what is wrong with it (shailoo.crypto.credential.read_list)."""

import pytest

from shailoo.crypto import credential
from shailoo.crypto.errors import InvalidRecord
from shailoo.crypto.group import IDENTITY

from .strategies import COMMISSION, SMALL_MANIFEST
from .test_credential import KEYS


@pytest.mark.parametrize(
    "bad, what",
    [
        (IDENTITY.hex(), "the identity element is refused here"),
        ("ff" * 32, "invalid or non-canonical ristretto255 encoding"),
        ("F" * 64, "expected 64 lowercase hex digits"),
    ],
)
def test_a_refused_credential_says_why_at_its_line(bad, what):
    signed = credential.sign_list(SMALL_MANIFEST, [k.public for k in KEYS], COMMISSION)
    header, lines = credential.list_header(SMALL_MANIFEST, signed), list(credential.list_lines(signed))
    places = (
        (f"credentials.jsonl:{i}", line) for i, line in enumerate([{"credential": bad}, *lines[1:]], start=2)
    )
    with pytest.raises(InvalidRecord) as caught:
        credential.read_list(SMALL_MANIFEST, header, places, "credentials.jsonl")
    assert (caught.value.check, caught.value.where, caught.value.what) == (
        "credentials.key",
        "credentials.jsonl:2.credential",
        what,
    )
