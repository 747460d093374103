# SPDX-License-Identifier: Apache-2.0
"""A zip archive written front to back into a stream that cannot seek (an HTTP response), whose deflated
members can take in pieces deflated earlier (``splice``): the published record of a board at 100,000 ballots
is mostly entries that never change, so the server deflates each run of them once and afterwards only copies
the bytes (docs/evoting.md "Performance").

A piece is raw deflate blocks ended by a full flush: byte-aligned, no final block, and referring to nothing
before it, so any number of them, one after another, are a valid deflate stream; the member's CRC-32 is
combined from the pieces' CRCs. Every member is zip64 with a data descriptor, as Python's zipfile writes to
an unseekable stream, and the output is a function of the members' bytes alone (a fixed timestamp), so the
same record gives the same bytes. Python's zipfile, Info-ZIP's unzip and any zip64 reader read it."""
from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

LEVEL = 1  # the record is mostly hex: level 1 gives 54 % of the size, level 6 52 % at a third of the speed
_FLAGS = 0x0808  # bit 3: sizes and CRC in a data descriptor after the data; bit 11: the name is UTF-8
_VERSION = 45  # zip64
_DOS_DATE = (1 << 5) | 1  # 1980-01-01 00:00:00, the earliest a zip can say: the bytes do not depend on the clock
_DOS_TIME = 0
_UNIX_FILE = 0o100644 << 16
_MAX32 = 0xFFFF_FFFF


@dataclass(frozen=True)
class Deflated:
    """A piece of a member deflated on its own: its deflate blocks, the size and CRC-32 of what it holds."""

    data: bytes
    size: int
    crc: int


def deflate(data: bytes, level: int = LEVEL) -> Deflated:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH), len(data), zlib.crc32(data))


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A + B from crc32(A), crc32(B) and len(B) (zlib's crc32_combine, which Python does not expose):
    crc1 is advanced over len(B) zero bytes by repeated squaring of the one-zero-bit operator."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


@dataclass
class _Entry:
    name: bytes
    offset: int
    crc: int = 0
    size: int = 0
    compressed: int = 0


class Member:
    """One deflated file of the archive being written: ``write`` deflates bytes now, ``splice`` copies a
    piece deflated earlier. Close it (ZipStream.member is a context manager) before the next one."""

    def __init__(self, archive: ZipStream, entry: _Entry, level: int) -> None:
        self._archive, self._entry, self._level = archive, entry, level
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._pending = False  # bytes given to the compressor since its last flush

    def _out(self, data: bytes) -> None:
        if data:
            self._entry.compressed += len(data)
            self._archive._write(data)

    def write(self, data: bytes) -> None:
        if not data:
            return
        self._entry.size += len(data)
        self._entry.crc = zlib.crc32(data, self._entry.crc)
        self._out(self._compressor.compress(data))
        self._pending = True

    def splice(self, piece: Deflated) -> None:
        if self._pending:  # end what was written so far byte-aligned, and forget it: the piece stands alone
            self._out(self._compressor.flush(zlib.Z_FULL_FLUSH))
            self._pending = False
        self._out(piece.data)
        self._entry.crc = crc32_combine(self._entry.crc, piece.crc, piece.size)
        self._entry.size += piece.size

    def close(self) -> None:
        self._out(self._compressor.flush(zlib.Z_FINISH))
        entry = self._entry
        self._archive._write(struct.pack("<IIQQ", 0x08074B50, entry.crc, entry.compressed, entry.size))
        self._archive._open = None


class ZipStream:
    """Writes a zip archive through ``write`` (called with bytes, in order; nothing is ever rewritten)."""

    def __init__(self, write: Callable[[bytes], object], *, level: int = LEVEL) -> None:
        self._sink, self._level = write, level
        self._offset = 0
        self._entries: list[_Entry] = []
        self._open: Member | None = None

    def _write(self, data: bytes) -> None:
        self._sink(data)
        self._offset += len(data)

    def open(self, name: str) -> Member:
        if self._open is not None:
            raise ValueError("close the member being written first")
        entry = _Entry(name.encode("utf-8"), self._offset)
        self._entries.append(entry)
        # Sizes and CRC follow the data (flag bit 3); the zip64 extra field says so with zeros.
        extra = struct.pack("<HHQQ", 0x0001, 16, 0, 0)
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, _FLAGS, zlib.DEFLATED, _DOS_TIME, _DOS_DATE,
                                0, _MAX32, _MAX32, len(entry.name), len(extra)) + entry.name + extra)
        self._open = Member(self, entry, self._level)
        return self._open

    def write_member(self, name: str, data: bytes) -> None:
        member = self.open(name)
        member.write(data)
        member.close()

    def close(self) -> None:
        """The central directory and the (zip64) end records."""
        if self._open is not None:
            raise ValueError("close the member being written first")
        start = self._offset
        for entry in self._entries:
            extra = struct.pack("<HHQQQ", 0x0001, 24, entry.size, entry.compressed, entry.offset)
            self._write(struct.pack("<IBBHHHHHIIIHHHHHII", 0x02014B50, _VERSION, 3, _VERSION, _FLAGS, zlib.DEFLATED,
                                    _DOS_TIME, _DOS_DATE, entry.crc, _MAX32, _MAX32, len(entry.name), len(extra),
                                    0, 0, 0, _UNIX_FILE, _MAX32) + entry.name + extra)
        size, count, end64 = self._offset - start, len(self._entries), self._offset
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, _VERSION, _VERSION, 0, 0, count, count, size, start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                min(size, _MAX32), min(start, _MAX32), 0))
