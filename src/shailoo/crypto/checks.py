# SPDX-License-Identifier: Apache-2.0
"""The verifier's report: every failure carries a stable check code (docs/protocol.md 12 lists them), the
place it was found and what is wrong; tests and observers match the code, not the wording."""
from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

MAX_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Failure:
    check: str
    where: str
    what: str


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    checks: set[str] = field(default_factory=set)
    failure_count: int = 0
    _step_start: int = 0

    def step(self, line: str) -> None:
        """Close a step: "ok" if it added no failure, else "FAIL"."""
        status = "ok  " if self.failure_count == self._step_start else "FAIL"
        self.lines.append(f"  {status}{line}")
        self._step_start = self.failure_count

    def fail(self, check: str, where: str, what: str) -> None:
        self.failure_count += 1
        self.checks.add(check)
        if len(self.failures) < MAX_SHOWN:
            self.failures.append(Failure(check, where, what))

    def render(self) -> str:
        out = ["Shailoo election record verification (protocol version 2)", *self.lines]
        if self.failure_count:
            out.append(f"  {self.failure_count} failure(s); the first {len(self.failures)}:")
            out += [f"    [{f.check}] {f.where}: {f.what}" for f in self.failures]
        return "\n".join(out)


class SpillSort:
    """Fixed-size records sorted with bounded memory: kept in a buffer of ``run_size`` records, spilled as
    sorted runs to a temporary file, merged when read back. The verifier's memory so stays flat however
    long the board is."""

    def __init__(self, size: int, run_size: int = 16_384) -> None:
        self.size = size
        self.run_size = run_size
        self.count = 0
        self._buffer: list[bytes] = []
        self._runs: list[tuple[int, int]] = []  # (offset, count) in the spill file
        self._file: IO[bytes] | None = None

    def add(self, item: bytes) -> None:
        assert len(item) == self.size
        self._buffer.append(item)
        self.count += 1
        if len(self._buffer) >= self.run_size:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in sorted()
        self._buffer.sort()
        spill = self._file
        offset = spill.seek(0, os.SEEK_END)
        spill.write(b"".join(self._buffer))
        self._runs.append((offset, len(self._buffer)))
        self._buffer = []

    def _run(self, offset: int, count: int) -> Iterator[bytes]:
        assert self._file is not None
        done = 0
        while done < count:
            self._file.seek(offset + done * self.size)
            block = self._file.read(min(4096, count - done) * self.size)
            for start in range(0, len(block), self.size):
                yield block[start : start + self.size]
            done += len(block) // self.size

    def sorted(self) -> Iterator[bytes]:
        """Every record, in increasing byte order (once: the spill file is closed after)."""
        self._buffer.sort()
        try:
            if self._file is None:
                yield from self._buffer
            else:
                yield from heapq.merge(iter(self._buffer), *(self._run(o, c) for o, c in self._runs))
        finally:
            if self._file is not None:
                self._file.close()


class DuplicateFinder:
    """Ballot ids that occur twice on the board, found with flat memory (a SpillSort of id, position, type)."""

    def __init__(self, run_size: int = 16_384) -> None:
        self._records = SpillSort(16 + 8 + 1, run_size)

    def add(self, ballot_id: bytes, position: int, kind: bytes) -> None:
        self._records.add(ballot_id + position.to_bytes(8, "big") + kind)

    def duplicates(self) -> Iterator[tuple[bytes, int, bytes, int, bytes]]:
        """(ballot id, first position, its type, later position, its type) for each repeated id."""
        previous: bytes | None = None
        for item in self._records.sorted():
            if previous is not None and item[:16] == previous[:16]:
                yield (item[:16], int.from_bytes(previous[16:24], "big"), previous[24:],
                       int.from_bytes(item[16:24], "big"), item[24:])
            else:
                previous = item
