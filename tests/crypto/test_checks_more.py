# SPDX-License-Identifier: Apache-2.0
"""The verifier's flat memory (shailoo.crypto.checks): a spill sort keeps at most its run size of records
in memory, 16,384 unless told otherwise, and writes every full run to its temporary file."""

import os
import tempfile

import pytest

from shailoo.crypto.checks import DuplicateFinder, SpillSort


@pytest.fixture
def spill_files(monkeypatch):
    """The temporary files the spill sorts open, as they open them."""
    opened = []
    open_file = tempfile.TemporaryFile

    def recorded(*args, **kwargs):
        opened.append(open_file(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", recorded)
    return opened


def _spilled_bytes(files):
    """The size of each spill file, what its buffer holds included."""
    for file in files:
        file.flush()
    return [os.fstat(file.fileno()).st_size for file in files]


def test_a_spill_sort_keeps_16384_records_in_memory_and_spills_them_when_the_run_is_full(spill_files):
    records = [(i * 7919 % 16_385).to_bytes(2, "big") for i in range(16_385)]
    spilled = SpillSort(2)
    for item in records[:16_383]:
        spilled.add(item)
    assert spill_files == []
    spilled.add(records[16_383])
    assert _spilled_bytes(spill_files) == [2 * 16_384]
    spilled.add(records[16_384])
    assert _spilled_bytes(spill_files) == [2 * 16_384]
    assert list(spilled.sorted()) == sorted(records)


def test_a_duplicate_finder_spills_a_run_of_16384_ids_by_default_and_its_own_run_size_when_given(spill_files):
    finder = DuplicateFinder()
    for position in range(1, 16_384):
        finder.add(position.to_bytes(16, "big"), position, b"b")
    assert spill_files == []
    finder.add((1).to_bytes(16, "big"), 16_384, b"c")
    assert _spilled_bytes(spill_files) == [25 * 16_384]  # id, position and type: 16 + 8 + 1 bytes each
    assert list(finder.duplicates()) == [((1).to_bytes(16, "big"), 1, b"b", 16_384, b"c")]
    small = DuplicateFinder(run_size=3)
    for position, ballot_id in enumerate((b"x", b"y", b"x", b"z", b"y", b"w", b"v"), start=1):
        small.add(ballot_id * 16, position, b"b")
    assert _spilled_bytes(spill_files[1:]) == [25 * 6]  # two full runs of three; the seventh id is in memory
    assert list(small.duplicates()) == [(b"x" * 16, 1, b"b", 3, b"b"), (b"y" * 16, 2, b"b", 5, b"b")]
