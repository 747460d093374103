# SPDX-License-Identifier: Apache-2.0
"""The published election record of a board (docs/protocol.md 11) as a zip written while it is sent:
manifest, credential list, ceremony and the board so far; after the tally also tally, decryptions and
results.

What never changes is deflated once and kept in files under settings.EVOTING_RECORD_DIR: the credential list
once frozen, and board.jsonl in runs of PIECE entries (every entry up to the board's position is final).
A download deflates only the few entries after the last whole run and copies the rest
(shailoo.crypto.zipstream), so it streams as fast as the files read, with memory bounded by one run. The
bytes depend only on the board's state, whose digest is the ETag; once the polls are closed the whole zip is
also written once to a file and later downloads are served from it, with its length. The files are a cache:
each is named by the head (or list signature) it was made from, written atomically, and rebuilt from the
database when missing (docs/evoting.md "Performance")."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

from shailoo.crypto import credential as credentials_core
from shailoo.crypto import record
from shailoo.crypto.zipstream import Deflated, ZipStream, deflate
from shailoo.evoting import services
from shailoo.evoting.models import Board, Entry, ListedCredential

log = logging.getLogger("shailoo.evoting")

PIECE = 1000  # board entries per piece deflated once (about 2.9 MB of JSON, 1.5 MB deflated)
CREDENTIAL_PIECE = 20_000  # credentials per piece (about 1.6 MB of JSON)
BATCH = 2000  # entries read from the database at a time for the entries after the last whole piece
CHUNK = 1 << 18  # bytes handed to the server at a time
FORMAT = "2"  # changes when the bytes of the same record change (part of the ETag and of the file names)
_HEADER = struct.Struct("<QI")  # a piece file: uncompressed size, CRC-32, then the deflate blocks


def _folder(board: Board) -> Path:
    return Path(settings.EVOTING_RECORD_DIR) / f"{board.manifest_hash[:32]}-v{FORMAT}"


def _write_atomically(path: Path, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Write ``chunks`` to ``path`` (through a temporary file renamed at the end) while passing them on. A
    failure to write (a full or read-only disk) costs the cache, never the download."""
    out = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        out = os.fdopen(handle, "wb")
    except OSError as error:
        log.warning("record cache %s not written: %s", path, error)
    try:
        for chunk in chunks:
            if out is not None:
                try:
                    out.write(chunk)
                except OSError as error:
                    log.warning("record cache %s not written: %s", path, error)
                    out.close()
                    os.unlink(name)
                    out = None
            yield chunk
        if out is not None:
            out.close()
            os.replace(name, path)
            out = None
    finally:
        if out is not None:  # the download stopped half-way (the client left): no half file is kept
            out.close()
            os.unlink(name)


def _make(path: Path, build: Callable[[], bytes]) -> Deflated:
    piece = deflate(build())
    for _ in _write_atomically(path, iter([_HEADER.pack(piece.size, piece.crc), piece.data])):
        pass
    return piece


def _piece(path: Path, build: Callable[[], bytes]) -> Deflated:
    """The piece kept in ``path``, or ``build()`` deflated and kept there."""
    try:
        data = path.read_bytes()
        size, crc = _HEADER.unpack_from(data)
        return Deflated(data[_HEADER.size:], size, crc)
    except (OSError, struct.error):
        return _make(path, build)


def _lines(values: Iterable[str]) -> bytes:
    return "".join(f"{value}\n" for value in values).encode("utf-8")


def _credential_pieces(board: Board) -> Iterator[tuple[Path, Callable[[], bytes]]]:
    """The pieces of the frozen credential list (after its header line): (file, what it deflates)."""
    rows = ListedCredential.objects.filter(board=board).order_by("credential").values_list("credential", flat=True)
    for start in range(0, board.credentials_count or 0, CREDENTIAL_PIECE):
        yield (_folder(board) / f"credentials-{start:09d}-{board.credentials_signature[:32]}.deflate",
               lambda start=start: _lines(record.dumps_line({"credential": c}).rstrip("\n")
                                          for c in rows[start:start + CREDENTIAL_PIECE]))


def _board_pieces(board: Board, position: int) -> Iterator[tuple[Path, Callable[[], bytes]]]:
    """The whole pieces of board.jsonl up to ``position``, each named by the head after its last entry."""
    ends = list(range(PIECE, position + 1, PIECE))
    heads = dict(Entry.objects.filter(board=board, position__in=ends).values_list("position", "head"))
    for end in ends:
        yield (_folder(board) / f"board-{end:012d}-{heads[end][:32]}.deflate",
               lambda end=end: _lines(Entry.objects.filter(board=board, position__gt=end - PIECE, position__lte=end)
                                      .order_by("position").values_list("line", flat=True)))


def keep_pieces(board: Board) -> int:
    """Deflate and keep the pieces of ``board``'s record that are whole and not kept yet (the worker, every few
    seconds, so that no download has to); how many it made."""
    if board.manifest is None:
        return 0
    pieces = list(_credential_pieces(board)) if board.credentials_frozen_at is not None else []
    made = 0
    for path, build in [*pieces, *_board_pieces(board, board.position)]:
        if not path.is_file():
            _make(path, build)
            made += 1
    return made


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def etag(board: Board) -> str:
    """A digest of everything the record of ``board`` as it is now holds (its bytes are a function of it)."""
    state = [FORMAT, board.manifest_hash, board.credentials_signature if board.credentials_frozen_at else "",
             board.joint_public_key if board.ceremony is not None else "", board.position, board.head,
             board.tally is not None, board.results is not None]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:40]


def record_chunks(board: Board) -> Iterator[bytes]:
    """The zip, chunk by chunk. Only what is fixed is included: the credential list once frozen, the
    ceremony once adopted; the board up to the position it had when the download began."""
    manifest = services.board_manifest(board)
    out: list[bytes] = []
    archive = ZipStream(out.append)

    def take() -> bytes:
        data = b"".join(out)
        out.clear()
        return data

    archive.write_member(record.MANIFEST, _json(board.manifest))
    if board.credentials_frozen_at is not None:
        member = archive.open(record.CREDENTIALS)
        member.write(record.dumps_line({
            "version": 2, "kind": credentials_core.CREDENTIALS_KIND, "manifest_hash": manifest.digest.hex(),
            "count": board.credentials_count, "signature": board.credentials_signature}).encode("utf-8"))
        for path, build in _credential_pieces(board):
            member.splice(_piece(path, build))
            yield take()
        member.close()
    if board.ceremony is not None:
        archive.write_member(record.CEREMONY, _json(board.ceremony))
    position = board.position
    member = archive.open(record.BOARD)
    member.write(record.dumps_line({"version": 2, "kind": "board", "manifest_hash": manifest.digest.hex(),
                                    "count": position}).encode("utf-8"))
    done = 0
    for path, build in _board_pieces(board, position):
        member.splice(_piece(path, build))
        done += PIECE
        yield take()
    rows = Entry.objects.filter(board=board, position__gt=done, position__lte=position).order_by("position")
    while done < position:
        lines = list(rows.filter(position__gt=done).values_list("line", flat=True)[:BATCH])
        member.write(_lines(lines))
        done += len(lines)
        if sum(map(len, out)) >= CHUNK:
            yield take()
    member.close()
    if board.tally is not None:  # the sums the server's verifier recomputed from the closed board
        archive.write_member(record.TALLY, _json(board.tally))
    if board.results is not None:
        archive.write_member(record.DECRYPTIONS, _json({
            "version": 2, "kind": "decryptions", "manifest_hash": manifest.digest.hex(),
            "partial_decryptions": [d.message for d in board.decryptions.order_by("holder")]}))
        archive.write_member(record.RESULTS, _json(board.results))
    archive.close()
    yield take()


def closed_record(board: Board) -> tuple[BinaryIO | None, Iterator[bytes] | None]:
    """A closed board's record: (the file, opened, None) once written, else (None, the chunks, written to the
    file as they are sent). An open board's record changes with every ballot: (None, None)."""
    if board.state not in (Board.State.CLOSED, Board.State.TALLIED):
        return None, None
    path = _folder(board) / f"record-{etag(board)}.zip"
    try:
        return path.open("rb"), None
    except OSError:
        pass
    for older in path.parent.glob("record-*.zip"):  # the closed board's before the tally: superseded
        older.unlink(missing_ok=True)  # (a download reading it keeps reading: the file lives while open)
    return None, _write_atomically(path, record_chunks(board))
