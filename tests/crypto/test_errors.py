# SPDX-License-Identifier: Apache-2.0
"""A failure says what failed and where, and carries the stable code of the check of docs/protocol.md
section 9 that failed, placed in the area of the file or step where it happened."""
import pytest

from shailoo.crypto.errors import CryptoError, InvalidEncoding, InvalidSignature, check_code, placed


def test_a_failure_reads_as_its_place_and_what_failed():
    error = InvalidSignature("ballot signature does not verify", "board.jsonl:7", "board.signature")
    assert (str(error), error.what, error.where, error.check) == (
        "board.jsonl:7: ballot signature does not verify", "ballot signature does not verify", "board.jsonl:7",
        "board.signature")
    bare = CryptoError("no discrete log within [0, 5]")
    assert (str(bare), bare.where, bare.check) == ("no discrete log within [0, 5]", "", None)


@pytest.mark.parametrize(("check", "default", "code"), [
    (None, "board.schema", "board.schema"),  # no code of its own: the default of where it happened
    ("schema.hex", "board.schema", "board.hex"),  # a generic schema code, placed in the default's area
    ("schema.version", "manifest.schema", "manifest.version"),
    ("identity", "ceremony.schema", "ceremony.identity"),  # a code without an area gets the default's
    ("board.signature", "record.schema", "board.signature"),  # a code with its area is kept
    ("tally.schema.hex", "board.schema", "tally.schema.hex"),  # only a leading "schema." is generic
])
def test_a_failures_check_code_is_its_own_placed_in_the_area_where_it_happened(check, default, code):
    assert check_code(InvalidEncoding("x", "w", check), default) == code


def test_placing_a_failure_rewrites_its_code_and_keeps_the_rest():
    error = InvalidEncoding("expected 64 lowercase hex digits", "board.jsonl:3.credential", "schema.hex")
    assert placed(error, "board.schema") is error
    assert (error.check, error.what, error.where) == (
        "board.hex", "expected 64 lowercase hex digits", "board.jsonl:3.credential")
