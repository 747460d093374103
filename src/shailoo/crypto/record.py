# SPDX-License-Identifier: Apache-2.0
"""The election record on disk: a directory or a zip of JSON files, ballots as JSON Lines so that they
can be written and read as streams. Every file carries "version": 1 (JSON Lines: in a header line)."""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from shailoo.crypto import codec
from shailoo.crypto.ceremony import (
    Complaint,
    DealerMessage,
    complaint_from_json,
    complaint_to_json,
    dealer_from_json,
    dealer_to_json,
)
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import Point
from shailoo.crypto.schnorr import SchnorrProof

MANIFEST = "manifest.json"
CEREMONY = "ceremony.json"
BALLOTS = "ballots.jsonl"
CHALLENGED = "challenged.jsonl"
TALLY = "tally.json"
DECRYPTIONS = "decryptions.json"
RESULTS = "results.json"
FILES = (MANIFEST, CEREMONY, BALLOTS, CHALLENGED, TALLY, DECRYPTIONS, RESULTS)


class UnreadableRecord(Exception):
    """The record cannot be read at all: missing file, not JSON, not a directory or zip."""


@dataclass(frozen=True, slots=True)
class CeremonyTranscript:
    manifest_hash: bytes
    holders: int
    quorum: int
    dealers: tuple[DealerMessage, ...]
    complaints: tuple[Complaint, ...]
    qualified: tuple[int, ...]
    joint_public_key: Point
    acknowledgements: tuple[SchnorrProof, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "manifest_hash": self.manifest_hash.hex(),
            "holders": self.holders,
            "quorum": self.quorum,
            "dealers": [dealer_to_json(d) for d in self.dealers],
            "complaints": [complaint_to_json(c) for c in self.complaints],
            "qualified": list(self.qualified),
            "joint_public_key": self.joint_public_key.hex(),
            "acknowledgements": [codec.proof_to_json(p) for p in self.acknowledgements],
        }


def ceremony_from_json(data: Any, where: str = CEREMONY) -> CeremonyTranscript:
    codec.check_version(data, where)
    try:
        manifest_hash = bytes.fromhex(codec.text(data, "manifest_hash", where))
    except ValueError as error:
        raise InvalidEncoding("manifest_hash must be hex", where) from error
    qualified = codec.items(data, "qualified", where)
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in qualified):
        raise InvalidEncoding("'qualified' must list holder numbers", where)
    return CeremonyTranscript(
        manifest_hash,
        codec.integer(data, "holders", where),
        codec.integer(data, "quorum", where),
        tuple(dealer_from_json(d, f"{where} dealers[{i}]") for i, d in enumerate(codec.items(data, "dealers", where))),
        tuple(
            complaint_from_json(c, f"{where} complaints[{i}]")
            for i, c in enumerate(codec.items(data, "complaints", where))
        ),
        tuple(qualified),
        codec.point(data, "joint_public_key", where),
        tuple(
            codec.schnorr_from_json(p, f"{where} acknowledgements[{i}]")
            for i, p in enumerate(codec.items(data, "acknowledgements", where))
        ),
    )


def dumps_line(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"


class RecordWriter:
    """Writes a record into a directory, or into a zip file when the path ends in ".zip"."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.suffix == ".zip":
            path.parent.mkdir(parents=True, exist_ok=True)
            self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            path.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def open_text(self, name: str) -> Iterator[IO[str]]:
        if self._zip is not None:
            with self._zip.open(name, "w", force_zip64=True) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
                yield text
        else:
            with (self.path / name).open("w", encoding="utf-8") as text:
                yield text

    def write_json(self, name: str, value: dict[str, Any]) -> None:
        with self.open_text(name) as out:
            json.dump(value, out, indent=1, ensure_ascii=False)
            out.write("\n")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


class RecordReader:
    """Reads a record directory or zip; raises UnreadableRecord for anything that is not JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise UnreadableRecord(f"{path} is neither a directory nor a zip file") from error
        elif not path.is_dir():
            raise UnreadableRecord(f"{path} does not exist")

    def names(self) -> set[str]:
        if self._zip is not None:
            return set(self._zip.namelist())
        return {p.name for p in self.path.iterdir()}

    @contextmanager
    def open_text(self, name: str) -> Iterator[IO[str]]:
        try:
            if self._zip is not None:
                with self._zip.open(name) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
                    yield text
            else:
                with (self.path / name).open(encoding="utf-8") as text:
                    yield text
        except (KeyError, FileNotFoundError) as error:
            raise UnreadableRecord(f"the record has no {name}") from error

    def read_json(self, name: str) -> Any:
        with self.open_text(name) as stream:
            try:
                return json.load(stream)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise UnreadableRecord(f"{name} is not JSON: {error}") from error

    def iter_lines(self, name: str) -> Iterator[tuple[int, str]]:
        """(line number, text) for every non-empty line after the header, which must carry version 1."""
        with self.open_text(name) as stream:
            header = stream.readline()
            try:
                codec.check_version(json.loads(header), f"{name}:1")
            except json.JSONDecodeError as error:
                raise UnreadableRecord(f"{name}:1 is not JSON") from error
            for number, line in enumerate(stream, start=2):
                if line.strip():
                    yield number, line

    def header(self, name: str) -> Any:
        with self.open_text(name) as stream:
            try:
                return json.loads(stream.readline())
            except json.JSONDecodeError as error:
                raise UnreadableRecord(f"{name}:1 is not JSON") from error
