# SPDX-License-Identifier: Apache-2.0
"""The one strict reader and RFC 8785 canonical JSON (the subset the record allows)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto import jcs
from shailoo.crypto.jcs import UnreadableInput


def test_keys_sort_by_utf16_code_units_as_rfc_8785_3_2_3_shows():
    value = {"€": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
             "😀": "Emoji: Grinning Face", "\u0080": "Control", "ö": "Latin Small Letter O With Diaeresis"}
    keys = ["\r", "1", "\u0080", "ö", "€", "😀", "\ufb33"]  # code-point order would put U+FB33 before the emoji
    expected = "{" + ",".join(f'"{k}":"{value[k]}"'.replace("\r", "\\r") for k in keys) + "}"
    assert jcs.canonical(value) == expected.encode("utf-8")


def test_strings_are_escaped_as_json_stringify_does():
    text = "\u0000\u0008\u0009\u000a\u000c\u000d\u000f\u001f\"\\/\u007f\u2028é𝄞"
    assert jcs.canonical([text]) == '["\\u0000\\b\\t\\n\\f\\r\\u000f\\u001f\\"\\\\/\u007f\u2028é𝄞"]'.encode()


def test_integers_literals_and_nesting_have_one_form():
    assert jcs.canonical({"b": [1, -2, 0, True, False, None], "a": {}}) == b'{"a":{},"b":[1,-2,0,true,false,null]}'
    assert jcs.canonical(2**53 - 1) == b"9007199254740991"
    for bad in (2**53, 1.5, float("nan")):
        with pytest.raises((ValueError, TypeError)):
            jcs.canonical({"x": bad})


@settings(max_examples=50, deadline=None)
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
