# SPDX-License-Identifier: Apache-2.0
"""The election record on disk (docs/protocol.md 11): a directory or a zip of JSON files and JSON Lines
files, written and read as streams. Every value goes through the one strict reader (jcs.loads)."""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from shailoo.crypto import jcs
from shailoo.crypto.jcs import UnreadableInput

MANIFEST = "manifest.json"
CREDENTIALS = "credentials.jsonl"
CEREMONY = "ceremony.json"
BOARD = "board.jsonl"
TALLY = "tally.json"
DECRYPTIONS = "decryptions.json"
RESULTS = "results.json"
FILES = (MANIFEST, CREDENTIALS, CEREMONY, BOARD, TALLY, DECRYPTIONS, RESULTS)
#: What the key holders verify before they decrypt: the record up to the closed board (tally.json optional).
BEFORE_DECRYPTION = (MANIFEST, CREDENTIALS, CEREMONY, BOARD)


def dumps_line(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"


class RecordWriter:
    """Writes a record into a directory, into a zip file when the path ends in ".zip", or as a zip into a
    binary stream (an HTTP response: zipfile writes data descriptors when it cannot seek)."""

    def __init__(self, target: Path | BinaryIO) -> None:
        self.path = target if isinstance(target, Path) else None
        self._zip: zipfile.ZipFile | None = None
        if isinstance(target, Path) and target.suffix != ".zip":
            target.mkdir(parents=True, exist_ok=True)
        else:
            if isinstance(target, Path):
                target.parent.mkdir(parents=True, exist_ok=True)
            # Level 1: the record is mostly hex, which every level halves alike (54 % of the size at level 1, 52 % at
            # the default 6) at three times the speed (docs/evoting.md "Performance").
            self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    @contextmanager
    def open_text(self, name: str) -> Iterator[IO[str]]:
        if self._zip is not None:
            with self._zip.open(name, "w", force_zip64=True) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
                yield text
        else:
            assert self.path is not None
            with (self.path / name).open("w", encoding="utf-8", newline="\n") as text:
                yield text

    def write_json(self, name: str, value: Any) -> None:
        with self.open_text(name) as out:
            out.write(json.dumps(value, indent=1, ensure_ascii=False))
            out.write("\n")

    @contextmanager
    def lines(self, name: str, header: dict[str, Any]) -> Iterator[IO[str]]:
        """A JSON Lines file: the header line, then ``write(dumps_line(value))`` per entry."""
        with self.open_text(name) as out:
            out.write(dumps_line(header))
            yield out

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


class RecordReader:
    """Reads a record directory or zip; anything not readable raises UnreadableInput (exit code 2)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as error:
                raise UnreadableInput(f"{path} is neither a directory nor a zip file") from error
        elif not path.is_dir():
            raise UnreadableInput(f"{path} does not exist")

    def has(self, name: str) -> bool:
        if self._zip is not None:
            return name in self._zip.namelist()
        return (self.path / name).is_file()

    @contextmanager
    def open_binary(self, name: str) -> Iterator[IO[bytes]]:
        try:
            if self._zip is not None:
                with self._zip.open(name) as raw:
                    yield raw
            else:
                with (self.path / name).open("rb") as raw:
                    yield raw
        except (KeyError, FileNotFoundError) as error:
            raise UnreadableInput(f"the record has no {name}") from error
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise UnreadableInput(f"{name} cannot be read: {error}") from error

    def read_json(self, name: str) -> Any:
        with self.open_binary(name) as stream:
            try:
                data = stream.read(jcs.MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise UnreadableInput(f"{name} cannot be read: {error}") from error
        return jcs.loads(data, name)

    def raw_lines(self, name: str) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes) of every line, the header included (line 1). Each line ends with a newline,
        is at most MAX_LINE_BYTES long and not empty."""
        with self.open_binary(name) as stream:
            number = 0
            while True:
                try:
                    line = stream.readline(jcs.MAX_LINE_BYTES + 1)
                except (zipfile.BadZipFile, OSError, EOFError) as error:
                    raise UnreadableInput(f"cannot be read: {error}", f"{name}:{number + 1}") from error
                if not line:
                    break
                number += 1
                where = f"{name}:{number}"
                if not line.endswith(b"\n"):
                    raise UnreadableInput("line too long or not ended by a newline", where)
                if not line.strip():
                    raise UnreadableInput("empty line", where)
                yield number, line
            if number == 0:
                raise UnreadableInput("empty file (no header line)", f"{name}:1")

    def lines(self, name: str) -> Iterator[tuple[str, Any]]:
        """(place, value) of every line, the header first, each through the strict reader."""
        for number, line in self.raw_lines(name):
            where = f"{name}:{number}"
            yield where, jcs.loads(line, where, jcs.MAX_LINE_BYTES)

    def header(self, name: str) -> Any:
        for place, value in self.lines(name):
            del place
            return value
        raise UnreadableInput("empty file", name)  # pragma: no cover - raw_lines raises first
