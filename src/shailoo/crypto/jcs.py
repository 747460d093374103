# SPDX-License-Identifier: Apache-2.0
"""The one strict JSON reader of the record and the canonical form that is hashed and signed.

Reading (docs/protocol.md 8.1): UTF-8 without BOM; JSON grammar (RFC 8259); duplicate keys refused;
numbers only integers within +-(2^53 - 1), written without fraction or exponent; no lone surrogates;
nesting depth and sizes bounded. A violation raises ``UnreadableInput`` (the verifier's exit code 2).

Writing: RFC 8785 (JCS) for the values the record allows (objects, arrays, strings, integers within
+-(2^53 - 1), true, false, null): keys sorted by their UTF-16 code units, no whitespace, strings escaped as
ECMAScript's JSON.stringify does (only ``"``, ``\\`` and controls below U+0020; ``\\b \\t \\n \\f \\r`` in
short form, the others as ``\\u00xx`` in lowercase hex), non-ASCII written as UTF-8.
"""
from __future__ import annotations

import json
import re
from typing import Any

#: Integers outside +-MAX_INTEGER are refused: they are not exactly representable in an IEEE double,
#: so JavaScript and other readers would disagree on them.
MAX_INTEGER = 2**53 - 1
MAX_DEPTH = 16
#: One JSON file of the record (manifest, ceremony, tally, decryptions, results), one JSON Lines line.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024


class UnreadableInput(Exception):
    """Bytes that are not JSON as the record's reader accepts it; ``where`` says which file and line."""

    def __init__(self, what: str, where: str = "") -> None:
        self.what, self.where = what, where
        super().__init__(f"{where}: {what}" if where else what)


class _Refused(ValueError):
    pass


def _integer(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > 16 or int(text) > MAX_INTEGER or int(text) < -MAX_INTEGER:
        raise _Refused(f"integer {text[:24]}{'...' if len(text) > 24 else ''} is outside +-(2^53 - 1)")
    return int(text)


def _float(text: str) -> Any:
    raise _Refused(f"number {text[:24]} is not an integer (fractions and exponents are refused)")


def _constant(text: str) -> Any:
    raise _Refused(f"{text} is not JSON")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {key!r}")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_int=_integer, parse_float=_float, parse_constant=_constant
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _within_depth(value: Any, budget: int) -> bool:
    """Whether ``value`` nests at most ``budget`` arrays and objects deep (level by level, containers only)."""
    level = [value] if type(value) is dict or type(value) is list else []
    while level:
        if budget == 0:
            return False
        budget -= 1
        level = [item for container in level for item in (container.values() if type(container) is dict else container)
                 if type(item) is dict or type(item) is list]
    return True


def _check_strings(value: Any, where: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise UnreadableInput("a string holds a lone surrogate", where) from error
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, where)
            _check_strings(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, where)


def loads(data: bytes | str, where: str, limit: int = MAX_FILE_BYTES) -> Any:
    """Parse one JSON value strictly; raise UnreadableInput naming ``where`` and what is wrong."""
    if len(data) > limit:
        raise UnreadableInput(f"larger than {limit} bytes", where)
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            raise UnreadableInput("starts with a byte order mark", where)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableInput(f"not UTF-8 ({error.reason} at byte {error.start})", where) from error
    else:
        text = data
    try:
        value = _DECODER.decode(text)
    except _Refused as error:
        raise UnreadableInput(str(error), where) from error
    except json.JSONDecodeError as error:
        raise UnreadableInput(f"not JSON: {error.msg} at line {error.lineno} column {error.colno}", where) from error
    except RecursionError as error:  # the C parser's own guard, far beyond MAX_DEPTH
        raise UnreadableInput(f"nesting deeper than {MAX_DEPTH}", where) from error
    if not _within_depth(value, MAX_DEPTH):
        raise UnreadableInput(f"nesting deeper than {MAX_DEPTH}", where)
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(value, where)
    return value


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _plain(value: Any) -> bool:
    """Whether every key is ASCII (then code-point order is UTF-16 order); raises on a number JCS-as-used
    here does not allow (floats, integers beyond +-(2^53 - 1))."""
    if isinstance(value, dict):
        return all(key.isascii() and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if not isinstance(value, str):
        _scalar(value)
    return True


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for position, key in enumerate(sorted(value, key=_utf16_key)):
            if position:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        out.append(_scalar(value))


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool) or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            raise ValueError(f"integer {value} is outside +-(2^53 - 1)")
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form here")


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (the subset above), as UTF-8 bytes."""
    if _plain(value):
        return canonical_known(value)
    out: list[str] = []
    _write(value, out)
    return "".join(out).encode("utf-8")


def canonical_known(value: Any) -> bytes:
    """JCS of a value whose keys are known ASCII names and whose integers are in range: one we built, or
    one whose schema was checked (ballots, openings). For such values Python's encoder writes exactly RFC
    8785 (sorted keys, JSON.stringify's escapes with lowercase \\u00xx), without the walk ``canonical`` does."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
