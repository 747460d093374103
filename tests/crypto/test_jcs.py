# SPDX-License-Identifier: Apache-2.0
"""The one strict reader and RFC 8785 canonical JSON (the subset the record allows)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto import jcs
from shailoo.crypto.jcs import UnreadableInput

from .strategies import examples


def test_keys_sort_by_utf16_code_units_as_rfc_8785_3_2_3_shows():
    value = {"€": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
             "😀": "Emoji: Grinning Face", "\u0080": "Control", "ö": "Latin Small Letter O With Diaeresis"}
    keys = ["\r", "1", "\u0080", "ö", "€", "😀", "\ufb33"]  # code-point order would put U+FB33 before the emoji
    expected = "{" + ",".join(f'"{k}":"{value[k]}"'.replace("\r", "\\r") for k in keys) + "}"
    assert jcs.canonical(value) == expected.encode("utf-8")


def test_a_lone_surrogate_in_a_key_or_a_value_has_no_canonical_form():
    """The reader refuses lone surrogates; a value built in Python that holds one is refused as text that
    has no UTF-8 form, in a key (sorted by UTF-16 code units) as in a value."""
    for value in ({"\ud800": 1, "a": 2}, {"a": {"\udfff": 1, "\ud83d\ude00": 2}}, ["\ud800"]):
        with pytest.raises(UnicodeEncodeError):
            jcs.canonical(value)


def test_strings_are_escaped_as_json_stringify_does():
    text = "\u0000\u0008\u0009\u000a\u000c\u000d\u000f\u001f\"\\/\u007f\u2028é𝄞"
    assert jcs.canonical([text]) == '["\\u0000\\b\\t\\n\\f\\r\\u000f\\u001f\\"\\\\/\u007f\u2028é𝄞"]'.encode()


def test_integers_literals_and_nesting_have_one_form():
    assert jcs.canonical({"b": [1, -2, 0, True, False, None], "a": {}}) == b'{"a":{},"b":[1,-2,0,true,false,null]}'
    assert jcs.canonical(2**53 - 1) == b"9007199254740991"
    for bad in (2**53, 1.5, float("nan")):
        with pytest.raises((ValueError, TypeError)):
            jcs.canonical({"x": bad})


@settings(max_examples=examples(50), deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
))
def test_the_reader_reads_back_every_canonical_value(value):
    text = jcs.canonical(value)
    assert jcs.loads(text, "x") == value
    assert jcs.canonical(jcs.loads(text, "x")) == text


@pytest.mark.parametrize("text, what", [
    ('{"a": 1, "a": 2}', "duplicate key"),
    ('{"a": {"b": 1, "b": 1}}', "duplicate key"),
    ('{"n": 1.0}', "not an integer"),
    ('{"n": 1e3}', "not an integer"),
    ('{"n": 1180591620717411303424}', "outside"),
    ('{"n": -9007199254740992}', "outside"),
    ('{"n": NaN}', "not JSON"),
    ('{"n": Infinity}', "not JSON"),
    ('["\\ud800"]', "lone surrogate"),
    ('{"a": 1', "not JSON"),
    ("[" * 17 + "]" * 17, "nesting"),
])
def test_the_reader_refuses_what_the_spec_refuses(text, what):
    with pytest.raises(UnreadableInput) as caught:
        jcs.loads(text.encode(), "file.json")
    assert what in str(caught.value) and caught.value.where == "file.json"


def test_the_reader_refuses_a_bom_invalid_utf8_and_oversized_input():
    for data in (b'\xef\xbb\xbf{}', b'["\xff"]'):
        with pytest.raises(UnreadableInput):
            jcs.loads(data, "x")
    with pytest.raises(UnreadableInput):
        jcs.loads(b" " * 101, "x", limit=100)
    assert jcs.loads("[" * 16 + "]" * 16, "x") == [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert jcs.loads('["' + "[" * 100 + '"]', "x") == ["[" * 100]


# The strict reader at its limits ---------------------------------------------------------------------

def _refusal(data, limit=jcs.MAX_FILE_BYTES):
    with pytest.raises(UnreadableInput) as caught:
        jcs.loads(data, "board.jsonl:7", limit)
    assert caught.value.where == "board.jsonl:7"
    return caught.value.what


def test_integers_up_to_2_53_minus_1_either_way_are_read_and_no_further():
    assert jcs.loads(b"[9007199254740991, -9007199254740991, 0, -0]", "x") == [2**53 - 1, -(2**53) + 1, 0, 0]
    assert _refusal(b"[9007199254740992]") == "integer 9007199254740992 is outside +-(2^53 - 1)"
    assert _refusal(b"[-9007199254740992]") == "integer -9007199254740992 is outside +-(2^53 - 1)"
    assert _refusal(b"[10000000000000000]") == "integer 10000000000000000 is outside +-(2^53 - 1)"  # 17 digits
    assert _refusal(b"[1000000000000000000000000]") == "integer 100000000000000000000000... is outside +-(2^53 - 1)"
    assert _refusal(b"[100000000000000000000000]") == "integer 100000000000000000000000 is outside +-(2^53 - 1)"
    # Far beyond Python's own limit on converting digits: refused by length, never parsed.
    assert _refusal(b"[" + b"9" * 5000 + b"]").startswith("integer 999999999999999999999999...")


def test_fractions_exponents_and_non_json_constants_are_refused_by_name():
    assert _refusal(b'{"n": 1.5}') == "number 1.5 is not an integer (fractions and exponents are refused)"
    assert _refusal(b'{"n": 2E3}') == "number 2E3 is not an integer (fractions and exponents are refused)"
    assert _refusal(b'{"n": -Infinity}') == "-Infinity is not JSON"
    assert _refusal(b'{"n": NaN}') == "NaN is not JSON"
    assert _refusal(b'{"a": 1, "b": 2, "a": 3}') == "duplicate key 'a'"
    assert _refusal(b'{"n": 1') == "not JSON: Expecting ',' delimiter at line 1 column 8"
    assert _refusal(b"") == "not JSON: Expecting value at line 1 column 1"


def test_sixteen_levels_of_nesting_are_read_and_seventeen_are_not():
    assert jcs.loads('{"a":' * 16 + "1" + "}" * 16, "x") is not None
    assert jcs.loads("[" * 14 + '{"a": [], "b": 1}' + "]" * 14, "x") is not None
    assert _refusal(('{"a":' * 17 + "1" + "}" * 17).encode()) == "nesting deeper than 16"
    assert _refusal(("[" * 16 + '{"a": 1}' + "]" * 16).encode()) == "nesting deeper than 16"
    assert _refusal(("[" * 15 + "[1, []]" + "]" * 15).encode()) == "nesting deeper than 16"
    assert _refusal(("[" * 15 + '{"a": 1, "b": []}' + "]" * 15).encode()) == "nesting deeper than 16"
    assert _refusal(("[" * 14 + '[{"a": []}]' + "]" * 14).encode()) == "nesting deeper than 16"
    assert _refusal(b"[" * 100_000 + b"]" * 100_000) == "nesting deeper than 16"


def test_input_of_exactly_the_limit_is_read_and_one_byte_more_is_not():
    assert jcs.loads(b"[" + b" " * 98 + b"]", "x", limit=100) == []
    assert _refusal(b"[" + b" " * 99 + b"]", limit=100) == "larger than 100 bytes"
    assert _refusal(b"[" + b" " * 99 + b"]", limit=100) == "larger than 100 bytes"
    assert jcs.loads("[1]", "x") == [1]  # text as well as bytes


def test_bytes_must_be_utf8_without_a_byte_order_mark():
    assert _refusal(b'\xef\xbb\xbf[]') == "starts with a byte order mark"
    assert _refusal(b'["\xff"]') == "not UTF-8 (invalid start byte at byte 2)"
    assert jcs.loads('["\u00e9"]'.encode(), "x") == ["\u00e9"]


@pytest.mark.parametrize("text", [
    '["\\ud800"]', '["\\uDBFF"]', '["\\udc00"]', '["\\uDFFF"]', '{"\\ud83d": 1}', '[{"a": ["x\\ude00"]}]',
    '["\\ude00\\ud83d"]',  # a pair in the wrong order is two lone surrogates
])
def test_a_lone_surrogate_escape_anywhere_is_refused(text):
    assert _refusal(text.encode()) == "a string holds a lone surrogate"


def test_an_escaped_surrogate_pair_is_one_character():
    assert jcs.loads('["\\ud83d\\ude00", {"\\uD83D\\uDE00": "\\u00e9"}]', "x") == ["\U0001F600", {"\U0001F600": "é"}]


def test_canonical_json_of_known_values_equals_the_full_walk():
    value = {"b": [1, "\u00e9\n", None, True], "a": {"c": -5}}
    assert jcs.canonical_known(value) == jcs.canonical(value) == '{"a":{"c":-5},"b":[1,"é\\n",null,true]}'.encode()
    assert jcs.canonical({"é": 1, "e": {"z": 1, "y": [{"ü": 2, "u": 3}]}}) == \
        '{"e":{"y":[{"u":3,"ü":2}],"z":1},"é":1}'.encode()
    assert jcs.canonical([-(2**53) + 1]) == b"[-9007199254740991]"
    for bad in (-(2**53), [2**53], {"é": 2**53}, {"é": [1.0]}):
        with pytest.raises((ValueError, TypeError)):
            jcs.canonical(bad)
    with pytest.raises(TypeError, match="^float has no canonical JSON form here$"):
        jcs.canonical({"x": 0.5})
    with pytest.raises(ValueError, match=r"^integer 9007199254740992 is outside \+-\(2\^53 - 1\)$"):
        jcs.canonical({"é": [2**53]})


def test_a_refused_fraction_quotes_at_most_its_first_24_characters():
    """A hostile number of any length gives a refusal of bounded length: the number is cut at 24 characters."""
    assert _refusal(b"[1.23456789234567892345678923456789]") == \
        "number 1.2345678923456789234567 is not an integer (fractions and exponents are refused)"
    assert _refusal(b"[1.2345678923456789234567]") == \
        "number 1.2345678923456789234567 is not an integer (fractions and exponents are refused)"  # 24: whole


def test_the_duplicated_key_is_the_one_named_and_a_refusal_reads_as_its_place_then_what():
    assert _refusal(b'{"a": 1, "b": 2, "b": 3}') == "duplicate key 'b'"  # not the first key, 'a'
    with pytest.raises(UnreadableInput) as caught:
        jcs.loads(b'{"n": 1.5}', "board.jsonl:7")
    assert str(caught.value) == "board.jsonl:7: number 1.5 is not an integer (fractions and exponents are refused)"
    placeless = UnreadableInput("the record has no board.jsonl")  # as shailoo.crypto.record raises it
    assert (str(placeless), placeless.where) == ("the record has no board.jsonl", "")


def test_text_beyond_ascii_is_written_as_itself_under_a_key_beyond_ascii_too():
    """RFC 8785 3.2.2.2: only the control characters, '"' and '\\' are escaped, in a value as in a key, also
    when a key beyond ASCII makes canonical sort by UTF-16 code units."""
    assert jcs.canonical({"ключ": ["голос é", "€"], "a": "😀"}) == '{"a":"😀","ключ":["голос é","€"]}'.encode()
