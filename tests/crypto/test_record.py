# SPDX-License-Identifier: Apache-2.0
"""shailoo.crypto.record: the record written into a directory, a zip file or a stream reads back the same,
byte for byte; the reader refuses, naming the file and line, whatever is not a record's file."""
from __future__ import annotations

import hashlib
import io
import itertools
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from shailoo.crypto import jcs, record
from shailoo.crypto.jcs import UnreadableInput

MANIFEST_TEXT = '{\n "title": "Бишкек",\n "contests": [\n  1,\n  2\n ]\n}\n'
BOARD_TEXT = '{"kind":"board","count":2}\n{"position":1,"title":"Ош"}\n{"position":2}\n'


def _write(writer: record.RecordWriter) -> None:
    writer.write_json(record.MANIFEST, {"title": "Бишкек", "contests": [1, 2]})
    with writer.lines(record.BOARD, {"kind": "board", "count": 2}) as out:
        out.write(record.dumps_line({"position": 1, "title": "Ош"}))
        out.write(record.dumps_line({"position": 2}))
    with writer.lines(record.CREDENTIALS, {"kind": "credentials"}) as out:
        for n in range(2000):  # enough to tell one deflate level from another
            out.write(record.dumps_line({"n": n, "credential": hashlib.sha256(str(n % 97).encode()).hexdigest()}))
    writer.close()


def _check(reader: record.RecordReader) -> None:
    assert reader.has(record.MANIFEST) and reader.has(record.BOARD) and not reader.has(record.TALLY)
    assert reader.read_json(record.MANIFEST) == {"title": "Бишкек", "contests": [1, 2]}
    assert reader.header(record.BOARD) == {"kind": "board", "count": 2}
    assert list(reader.lines(record.BOARD)) == [("board.jsonl:1", {"kind": "board", "count": 2}),
                                                ("board.jsonl:2", {"position": 1, "title": "Ош"}),
                                                ("board.jsonl:3", {"position": 2})]
    with reader.open_binary(record.MANIFEST) as manifest, reader.open_binary(record.BOARD) as board:
        assert manifest.read() == MANIFEST_TEXT.encode() and board.read() == BOARD_TEXT.encode()


def test_a_record_directory_reads_back_byte_for_byte(tmp_path):
    target = tmp_path / "new" / "record"  # created with its parents
    writer = record.RecordWriter(target)
    assert writer.path == target
    _write(writer)
    _check(record.RecordReader(target))
    _write(record.RecordWriter(target))  # an existing directory is written again
    _check(record.RecordReader(target))


def test_a_record_zip_file_or_stream_reads_back_byte_for_byte_deflated_at_level_1(tmp_path):
    path = tmp_path / "new" / "records" / "record.zip"  # its directories created
    _write(record.RecordWriter(path))
    stream = io.BytesIO()
    writer = record.RecordWriter(stream)
    assert writer.path is None
    _write(writer)
    (tmp_path / "streamed.zip").write_bytes(stream.getvalue())
    for written in (path, tmp_path / "streamed.zip"):
        _check(record.RecordReader(written))
        data = written.read_bytes()
        with zipfile.ZipFile(written) as archive:
            for info in archive.infolist():
                text = archive.read(info)
                level_1 = zlib.compressobj(1, zlib.DEFLATED, -15)
                assert info.compress_type == zipfile.ZIP_DEFLATED
                assert info.compress_size == len(level_1.compress(text) + level_1.flush())
                # zip64 from the start (the size of a member is not known while it is written): version 4.5
                assert struct.unpack_from("<IH", data, info.header_offset) == (0x04034B50, 45)


def test_a_json_lines_file_is_compact_utf8_one_value_a_line():
    assert record.dumps_line({"a": [1, 2], "b": "Ысык-Көл"}) == '{"a":[1,2],"b":"Ысык-Көл"}\n'


def test_what_is_not_a_record_is_unreadable_and_named(tmp_path):
    with pytest.raises(UnreadableInput, match="^" + str(tmp_path / "none") + " does not exist$"):
        record.RecordReader(tmp_path / "none")
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(UnreadableInput, match="^" + str(tmp_path / "text.zip") + " is neither a directory nor a zip file$"):
        record.RecordReader(tmp_path / "text.zip")
    with pytest.raises(UnreadableInput, match="^the record has no tally.json$"):
        record.RecordReader(tmp_path).read_json(record.TALLY)
    zipfile.ZipFile(tmp_path / "empty.zip", "w").close()
    with pytest.raises(UnreadableInput, match="^the record has no board.jsonl$"):
        list(record.RecordReader(tmp_path / "empty.zip").lines(record.BOARD))


@pytest.mark.parametrize(("text", "where", "what"), [
    (b"", "board.jsonl:1", "empty file (no header line)"),
    (b'{"kind":"board"}\n\n{}\n', "board.jsonl:2", "empty line"),
    (b'{"kind":"board"}\n \n', "board.jsonl:2", "empty line"),
    (b'{"kind":"board"}\n{}', "board.jsonl:2", "line too long or not ended by a newline"),
    (b'{"kind":"board"}\n{"a":"' + b"x" * (jcs.MAX_LINE_BYTES - 7) + b'"}\n', "board.jsonl:2",  # 2 bytes too long
     "line too long or not ended by a newline"),
])
def test_a_json_lines_file_is_refused_at_the_line_that_breaks_it(tmp_path, text, where, what):
    (tmp_path / record.BOARD).write_bytes(text)
    with pytest.raises(UnreadableInput) as caught:
        list(record.RecordReader(tmp_path).raw_lines(record.BOARD))
    assert (caught.value.where, caught.value.what) == (where, what)


def test_a_line_of_the_largest_size_is_read_and_one_byte_more_refused_by_the_strict_reader(tmp_path):
    line = b'{"a":"' + b"x" * (jcs.MAX_LINE_BYTES - 9) + b'"}\n'
    assert len(line) == jcs.MAX_LINE_BYTES
    (tmp_path / record.BOARD).write_bytes(b'{"kind":"board"}\n' + line + b" " + line)
    reader = record.RecordReader(tmp_path)
    assert [(number, len(text)) for number, text in reader.raw_lines(record.BOARD)] == [
        (1, 17), (2, jcs.MAX_LINE_BYTES), (3, jcs.MAX_LINE_BYTES + 1)]
    lines = reader.lines(record.BOARD)
    assert [place for place, _ in itertools.islice(lines, 2)] == ["board.jsonl:1", "board.jsonl:2"]
    with pytest.raises(UnreadableInput) as caught:
        next(lines)
    assert caught.value.where == "board.jsonl:3" and "larger than 4194304 bytes" in caught.value.what


def test_a_damaged_zip_member_is_unreadable_with_its_name(tmp_path: Path):
    path = tmp_path / "record.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(record.BOARD, '{"kind":"board"}\n' * 100)
        archive.writestr(record.MANIFEST, "{}")
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # a byte of board.jsonl's data: its CRC no longer matches
    path.write_bytes(bytes(data))
    reader = record.RecordReader(path)
    with pytest.raises(UnreadableInput, match="^board.jsonl:1: cannot be read: Bad CRC-32"):
        list(reader.raw_lines(record.BOARD))


def test_a_json_file_that_cannot_be_read_or_parsed_is_named(tmp_path):
    (tmp_path / record.MANIFEST).write_text('{"title": ')
    with pytest.raises(UnreadableInput) as caught:
        record.RecordReader(tmp_path).read_json(record.MANIFEST)
    assert caught.value.where == "manifest.json"
    path = tmp_path / "record.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(record.MANIFEST, '{"title": "' + "x" * 100 + '"}')
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # a byte of manifest.json's data
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableInput) as caught:
        record.RecordReader(path).read_json(record.MANIFEST)
    assert str(caught.value) == "manifest.json cannot be read: Bad CRC-32 for file 'manifest.json'"


def test_a_json_file_of_the_largest_size_is_read_whole_and_one_byte_more_refused(tmp_path):
    largest = b"[" + b" " * (jcs.MAX_FILE_BYTES - 2) + b"]"  # its last byte closes it
    (tmp_path / record.TALLY).write_bytes(largest)
    assert record.RecordReader(tmp_path).read_json(record.TALLY) == []
    (tmp_path / record.TALLY).write_bytes(largest + b" ")
    with pytest.raises(UnreadableInput) as caught:
        record.RecordReader(tmp_path).read_json(record.TALLY)
    assert (caught.value.where, caught.value.what) == ("tally.json", "larger than 67108864 bytes")
