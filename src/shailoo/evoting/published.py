# SPDX-License-Identifier: Apache-2.0
"""The published election record of a board (docs/protocol.md 11) as a zip written while it is sent:
manifest, credential list, ceremony and the board so far; after the tally also tally, decryptions and
results. Entries are read from the database in batches of a few thousand, so memory stays flat."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shailoo.crypto import credential as credentials_core
from shailoo.crypto import record
from shailoo.crypto.record import RecordWriter
from shailoo.evoting import services
from shailoo.evoting.models import Board, Entry, ListedCredential

BATCH = 2000


class _Pipe:
    """A write-only binary stream whose written bytes the generator takes out in chunks."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        return self.size

    def seekable(self) -> bool:
        return False

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _batched(query: Any, field: str) -> Iterator[Any]:
    """Rows of ``query`` in increasing ``field``, BATCH at a time (keyset pagination: no server cursor)."""
    last = -1 if field != "credential" else ""
    while True:
        rows = list(query.filter(**{f"{field}__gt": last}).order_by(field)[:BATCH])
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], field)


def credential_lines(board: Board) -> Iterator[dict[str, Any]]:
    for row in _batched(ListedCredential.objects.filter(board=board).only("credential"), "credential"):
        yield {"credential": row.credential}


def record_chunks(board: Board) -> Iterator[bytes]:
    """The zip, chunk by chunk. Only what is fixed is included: the credential list once frozen, the
    ceremony once adopted; the board up to the position it had when the download began."""
    manifest = services.board_manifest(board)
    pipe = _Pipe()
    writer = RecordWriter(pipe)  # type: ignore[arg-type]
    writer.write_json(record.MANIFEST, board.manifest)
    yield pipe.take()
    if board.credentials_frozen_at is not None:
        header = {"version": 2, "kind": credentials_core.CREDENTIALS_KIND, "manifest_hash": manifest.digest.hex(),
                  "count": board.credentials_count, "signature": board.credentials_signature}
        with writer.lines(record.CREDENTIALS, header) as out:
            for line in credential_lines(board):
                out.write(record.dumps_line(line))
                if pipe.size > 1 << 16:
                    yield pipe.take()
        yield pipe.take()
    if board.ceremony is not None:
        writer.write_json(record.CEREMONY, board.ceremony)
    position = board.position
    header = {"version": 2, "kind": "board", "manifest_hash": manifest.digest.hex(), "count": position}
    with writer.lines(record.BOARD, header) as out:
        rows = Entry.objects.filter(board=board, position__lte=position).only("position", "line")
        for row in _batched(rows, "position"):
            out.write(row.line)
            out.write("\n")
            if pipe.size > 1 << 16:
                yield pipe.take()
    yield pipe.take()
    if board.tally is not None:  # the sums the server's verifier recomputed from the closed board
        writer.write_json(record.TALLY, board.tally)
    if board.results is not None:
        writer.write_json(record.DECRYPTIONS, {
            "version": 2, "kind": "decryptions", "manifest_hash": manifest.digest.hex(),
            "partial_decryptions": [d.message for d in board.decryptions.order_by("holder")]})
        writer.write_json(record.RESULTS, board.results)
    writer.close()
    yield pipe.take()

