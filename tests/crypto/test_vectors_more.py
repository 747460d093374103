# SPDX-License-Identifier: Apache-2.0
"""The vectors are written in UTF-8 in this process too, whatever its locale's encoding (vectors.write):
a file opened without an encoding takes the locale's, here made ASCII for the length of the test."""

import io
from pathlib import Path

from shailoo.crypto import vectors

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"


def test_the_vectors_are_written_in_utf8_when_the_locale_encoding_is_ascii(tmp_path, monkeypatch):
    text_encoding = io.text_encoding

    def ascii_locale(encoding, stacklevel=2):
        # What a file opened without an encoding would use, in a process whose locale encoding is ASCII.
        return "ascii" if encoding is None else text_encoding(encoding, stacklevel)

    monkeypatch.setattr(io, "text_encoding", ascii_locale)
    assert vectors.write(tmp_path) == [tmp_path / "primitives.json", tmp_path / "election.json"]
    for name in ("primitives.json", "election.json"):
        assert (tmp_path / name).read_bytes() == (VECTORS / name).read_bytes()
    assert "Мэр".encode() in (tmp_path / "election.json").read_bytes()
