# SPDX-License-Identifier: Apache-2.0
"""shailoo.crypto.zipstream: the CRC-32 of joined pieces, an archive of written and spliced members that
Python's zipfile and Info-ZIP's unzip read back to the same bytes, the same bytes for the same members, and
pieces deflated apart that decompress as one stream."""
from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.crypto.zipstream import ZipStream, crc32_combine, deflate

from .strategies import examples


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_crc32_combine_is_the_crc_of_the_joined_bytes(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def _archive(parts: list[tuple[str, bytes]]) -> tuple[bytes, bytes]:
    """A zip with a small member, a member of the parts (("write" | "splice", data)), an empty member."""
    out = io.BytesIO()
    archive = ZipStream(out.write)
    archive.write_member("manifest.json", '{"name": "Самаркандек"}\n'.encode())
    member = archive.open("board.jsonl")
    for how, data in parts:
        if how == "write":
            member.write(data)
        else:
            member.splice(deflate(data))
    member.close()
    archive.write_member("empty.json", b"")
    archive.close()
    return out.getvalue(), b"".join(data for _, data in parts)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["write", "splice"]), st.binary(max_size=5000)), max_size=8))
def test_written_and_spliced_members_read_back_as_written(parts):
    data, expected = _archive(parts)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["manifest.json", "board.jsonl", "empty.json"]
        assert archive.testzip() is None  # every member's CRC checked
        assert archive.read("board.jsonl") == expected
        assert archive.read("manifest.json").decode() == '{"name": "Самаркандек"}\n'
        assert archive.read("empty.json") == b""


def test_the_same_members_give_the_same_bytes():
    lines = [f'{{"position":{n},"tracking":"{n:0128x}"}}\n'.encode() for n in range(3000)]
    parts = [("write", b"".join(lines[:7])), ("splice", b"".join(lines[7:1500])), ("splice", b"".join(lines[1500:2999])),
             ("write", lines[2999])]
    first, expected = _archive(parts)
    second, _ = _archive(parts)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.read("board.jsonl") == expected
        info = archive.getinfo("board.jsonl")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size // 10


def test_pieces_deflated_apart_are_one_deflate_stream():
    pieces = [deflate(b"a" * 1000), deflate(b"b" * 10), deflate(b"")]
    stream = b"".join(p.data for p in pieces) + b"\x03\x00"  # an empty final block ends the stream
    assert zlib.decompress(stream, -15) == b"a" * 1000 + b"b" * 10


def test_a_member_must_be_closed_before_the_next_or_the_end():
    archive = ZipStream(io.BytesIO().write)
    archive.open("one")
    with pytest.raises(ValueError, match="close the member"):
        archive.open("two")
    with pytest.raises(ValueError, match="close the member"):
        archive.close()
