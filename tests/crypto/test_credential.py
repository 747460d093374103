# SPDX-License-Identifier: Apache-2.0
"""The credential list (docs/protocol.md 5) read as it streams, check by check, and the codes a voter types
or reads (base32 in groups, the recovery code's check letters)."""
import pytest

from shailoo.crypto import credential
from shailoo.crypto.errors import CryptoError, InvalidEncoding
from shailoo.crypto.group import GENERATOR, IDENTITY, Scalar

from .strategies import COMMISSION, SMALL_MANIFEST

KEYS = [credential.credential_key(bytes([i]) * 32) for i in range(1, 6)]


@pytest.fixture(scope="module")
def signed():
    return credential.sign_list(SMALL_MANIFEST, [k.public for k in KEYS], COMMISSION)


def _read(header, lines):
    return credential.read_list(SMALL_MANIFEST, header, ((f"credentials.jsonl:{i}", line)
                                                         for i, line in enumerate(lines, start=2)), "credentials.jsonl")


def _refused(check, header, lines):
    with pytest.raises(CryptoError) as caught:
        _read(header, lines)
    assert caught.value.check == check, caught.value
    return caught.value


def test_a_signed_list_reads_back_sorted_and_answers_membership(signed):
    header, lines = credential.list_header(SMALL_MANIFEST, signed), list(credential.list_lines(signed))
    assert header == {"version": 2, "kind": "credentials", "manifest_hash": SMALL_MANIFEST.digest.hex(), "count": 5,
                      "signature": signed.signature.hex()}
    assert _read(header, lines) == signed and len(signed) == 5
    assert list(signed.encodings) == sorted(k.public.data for k in KEYS)
    assert [signed.index(e) for e in signed.encodings] == [0, 1, 2, 3, 4]
    for absent in (bytes(32), b"\xff" * 32, signed.encodings[2][:31] + b"\x00"):
        assert signed.index(absent) is None
    empty = credential.sign_list(SMALL_MANIFEST, [], COMMISSION)
    assert _read(credential.list_header(SMALL_MANIFEST, empty), []) == empty and empty.index(bytes(32)) is None


def test_the_commission_refuses_to_sign_a_duplicate_or_the_identity():
    with pytest.raises(ValueError, match="^a credential appears twice$"):
        credential.sign_list(SMALL_MANIFEST, [KEYS[0].public, KEYS[1].public, KEYS[0].public], COMMISSION)
    with pytest.raises(ValueError, match="^the identity is not a credential$"):
        credential.sign_list(SMALL_MANIFEST, [KEYS[0].public, IDENTITY], COMMISSION)


def test_each_check_of_the_list_names_itself(signed):
    header, lines = credential.list_header(SMALL_MANIFEST, signed), list(credential.list_lines(signed))
    error = _refused("credentials.manifest-hash", {**header, "manifest_hash": "00" * 64}, lines)
    assert error.where == "credentials.jsonl:1"
    error = _refused("credentials.count", {**header, "count": 4}, lines)
    assert (error.what, error.where) == ("header announces 4 credentials, the file holds 5", "credentials.jsonl")
    _refused("credentials.count", {**header, "count": 6}, lines)
    error = _refused(None, {**header, "count": -1}, lines)
    assert (error.what, error.where) == ("'count' must be in 0..9007199254740991, got -1", "credentials.jsonl:1")
    error = _refused("credentials.order", header, [lines[0], lines[2], lines[1], *lines[3:]])
    assert (error.where, error.what) == ("credentials.jsonl:4",
                                         "credentials must be in strictly increasing byte order (each once)")
    error = _refused("credentials.order", header, [lines[0], lines[1], lines[1], *lines[3:]])
    assert error.where == "credentials.jsonl:4"
    for bad in (IDENTITY.hex(), lines[0]["credential"].upper(), "ff" * 32, lines[0]["credential"][:62]):
        error = _refused("credentials.key", header, [{"credential": bad}, *lines[1:]])
        assert error.where == "credentials.jsonl:2.credential"
    error = _refused(None, header, [{**lines[0], "extra": 1}, *lines[1:]])
    assert (error.what, error.where) == ("unexpected key 'extra'", "credentials.jsonl:2")
    others = sorted((GENERATOR * Scalar(i)).hex() for i in range(2, 7))
    error = _refused("credentials.signature", header, [{"credential": x} for x in others])
    assert error.what.startswith("the commission's signature on the list does not verify (")
    assert error.where == "credentials.jsonl:1"
    other = credential.sign_list(SMALL_MANIFEST, [k.public for k in KEYS[:4]], COMMISSION)
    _refused("credentials.signature", {**header, "signature": other.signature.hex()}, lines)
    _refused("schema.hex", {**header, "signature": header["signature"][:-2]}, lines)
    _refused("schema.kind", {**header, "kind": "board"}, lines)


def test_base32_codes_and_recovery_codes_at_their_limits():
    assert credential.base32(b"\xff", 1) == "Z" and credential.base32(b"\xff", 2) == "ZW"
    assert credential.base32(b"\x00\x01", 4) == "000G"  # 16 bits padded to 20 on the right
    with pytest.raises(ValueError, match="^not enough bits$"):
        credential.base32(b"\xff", 3)  # 15 bits from 8
    assert credential.group("ABCDEFGHJ") == "ABCD-EFGH-J" and credential.group("ABCDEF", 3) == "ABC-DEF"
    seed = bytes(range(32))
    code = credential.recovery_code(seed)
    assert len(code.replace("-", "")) == 56
    assert credential.seed_from_recovery_code(code.replace("0", "O").replace("1", "L")) == seed
    assert credential.seed_from_recovery_code(code.replace("1", "I").lower()) == seed
    for wrong in (code[:-1], code + "0", code.replace("-", "U", 1)[:-1] + "0"):
        with pytest.raises(InvalidEncoding, match="^a recovery code is 56 letters of the base32 alphabet$"):
            credential.seed_from_recovery_code(wrong)
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")  # the last check letter mistyped
    with pytest.raises(InvalidEncoding) as caught:
        credential.seed_from_recovery_code(typo)
    assert caught.value.what == "the recovery code has a typing error (its check letters do not match)"
    with pytest.raises(ValueError, match="^a credential seed is 32 bytes$"):
        credential.credential_key(b"\x00" * 31)
    assert credential.new_credential()[1].public != credential.new_credential()[1].public


def test_base32_pads_less_than_one_letter_and_refuses_a_whole_letter_of_padding():
    """Five bytes are 40 bits, eight letters exactly; a ninth would be five bits of padding, all of it."""
    assert credential.base32(b"\xff" * 5, 8) == "ZZZZZZZZ"
    with pytest.raises(ValueError, match="^not enough bits$"):
        credential.base32(b"\xff" * 5, 9)
    assert credential.base32(b"\xff" * 6, 10) == "ZZZZZZZZZW"  # 48 bits: 2 of padding, 11100 last


def test_a_credential_lists_header_with_bad_hex_is_refused_at_that_field_of_its_first_line(signed):
    header, lines = credential.list_header(SMALL_MANIFEST, signed), list(credential.list_lines(signed))
    for key in ("manifest_hash", "signature"):
        error = _refused("schema.hex", {**header, key: header[key].upper()}, lines)
        assert error.where == f"credentials.jsonl:1.{key}"
