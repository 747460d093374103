# SPDX-License-Identifier: Apache-2.0
"""shailoo.crypto.zipstream: the CRC-32 of joined pieces, an archive of written and spliced members that
Python's zipfile and Info-ZIP's unzip read back to the same bytes, the same bytes for the same members, and
pieces deflated apart that decompress as one stream."""
from __future__ import annotations

import io
import struct
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
    with pytest.raises(ValueError, match="^close the member being written first$"):
        archive.open("two")
    with pytest.raises(ValueError, match="^close the member being written first$"):
        archive.close()


def _fields(data: bytes, offset: int, layout: str) -> tuple[int, ...]:
    return struct.unpack_from(layout, data, offset)


def test_every_record_of_the_archive_is_as_the_zip_specification_says():
    """Field by field (PKWARE's APPNOTE 4.3): local headers with the sizes deferred to a data descriptor
    (flag bit 3) and a zip64 extra field of zeros, the data descriptors, the central directory with every
    member's sizes and offset in its zip64 extra field, the zip64 end records, the end record; one after
    another with nothing between them, and every time and date the earliest a zip can say."""
    members = [("manifest.json", '{"name": "Самаркандек"}\n'.encode()), ("доска.jsonl", b"line\n" * 1000), ("empty.json", b"")]
    out = io.BytesIO()
    archive = ZipStream(out.write)
    for name, data in members:
        archive.write_member(name, data)
    archive.close()
    data = out.getvalue()
    offset, central = 0, []
    for name, content in members:
        encoded = name.encode()
        assert _fields(data, offset, "<IHHHHHIIIHH") == (0x04034B50, 45, 0x0808, 8, 0, 0x21, 0, 0xFFFFFFFF,
                                                         0xFFFFFFFF, len(encoded), 20)
        assert data[offset + 30:offset + 30 + len(encoded)] == encoded
        assert _fields(data, offset + 30 + len(encoded), "<HHQQ") == (1, 16, 0, 0)
        start = offset + 30 + len(encoded) + 20
        compressed = zlib.decompressobj(-15)
        assert compressed.decompress(data[start:]) == content
        size = len(data) - start - len(compressed.unused_data)
        assert _fields(data, start + size, "<IIQQ") == (0x08074B50, zlib.crc32(content), size, len(content))
        central.append((encoded, offset, size, content))
        offset = start + size + 24
    directory = offset
    for encoded, local, size, content in central:
        assert _fields(data, offset, "<IBBHHHHHIIIHHHHHII") == (
            0x02014B50, 45, 3, 45, 0x0808, 8, 0, 0x21, zlib.crc32(content), 0xFFFFFFFF, 0xFFFFFFFF, len(encoded), 28,
            0, 0, 0, 0o100644 << 16, 0xFFFFFFFF)
        assert data[offset + 46:offset + 46 + len(encoded)] == encoded
        assert _fields(data, offset + 46 + len(encoded), "<HHQQQ") == (1, 24, len(content), size, local)
        offset += 46 + len(encoded) + 28
    directory_size = offset - directory
    assert _fields(data, offset, "<IQHHIIQQQQ") == (0x06064B50, 44, 45, 45, 0, 0, 3, 3, directory_size, directory)
    assert _fields(data, offset + 56, "<IIQI") == (0x07064B50, 0, offset, 1)
    assert _fields(data, offset + 76, "<IHHHHIIH") == (0x06054B50, 0, 0, 3, 3, directory_size, directory, 0)
    assert len(data) == offset + 76 + 22


def _member_data(parts: list[tuple[str, bytes]]) -> bytes:
    """The deflated bytes of the one member written and spliced from `parts`, as the archive holds them."""
    out = io.BytesIO()
    archive = ZipStream(out.write)
    member = archive.open("m")
    for how, data in parts:
        if how == "write":
            member.write(data)
        else:
            member.splice(deflate(data))
    member.close()
    archive.close()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as read:
        info = read.getinfo("m")
        assert read.read("m") == b"".join(data for _, data in parts)
    start = info.header_offset + 30 + 1 + 20
    return out.getvalue()[start:start + info.compress_size]


def test_a_spliced_piece_is_copied_as_it_is_with_nothing_between_pieces():
    """Splicing costs a copy: the written bytes so far end with one full flush, each piece follows byte for
    byte, and the member ends with the final empty block (03 00), whatever came first."""
    first, second = deflate(b"a" * 300), deflate(b"b" * 200)
    assert _member_data([("splice", b"a" * 300), ("splice", b"b" * 200)]) == first.data + second.data + b"\x03\x00"
    assert _member_data([("write", b"c" * 100), ("splice", b"a" * 300), ("splice", b"b" * 200)]) == \
        deflate(b"c" * 100).data + first.data + second.data + b"\x03\x00"


def test_an_archive_of_more_members_than_the_end_record_can_count_says_so_there_and_counts_them_in_zip64():
    """65,536 members: the end record's 16-bit counts say 0xFFFF ("see the zip64 end record"), which holds
    the number; zip readers find every member."""
    out = io.BytesIO()
    archive = ZipStream(out.write)
    for n in range(65536):
        archive.write_member(f"{n}", b"")
    archive.close()
    data = out.getvalue()
    assert _fields(data, len(data) - 22, "<IHHHH") == (0x06054B50, 0, 0, 0xFFFF, 0xFFFF)
    assert _fields(data, len(data) - 22 - 20 - 56 + 24, "<QQ") == (65536, 65536)
    with zipfile.ZipFile(io.BytesIO(data)) as read:
        names = read.namelist()
    assert len(names) == 65536 and names[-1] == "65535"
