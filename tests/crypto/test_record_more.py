# SPDX-License-Identifier: Apache-2.0
"""A JSON file of the record beyond the size limit is refused having read no more than the limit and one
byte of it (record.RecordReader.read_json): a hostile size does not become the verifier's memory."""

import tracemalloc

import pytest

from shailoo.crypto import jcs, record
from shailoo.crypto.jcs import UnreadableInput


def test_an_oversized_json_file_is_refused_after_reading_at_most_the_limit_and_one_byte(tmp_path):
    with (tmp_path / record.MANIFEST).open("wb") as hostile:
        hostile.truncate(jcs.MAX_FILE_BYTES + 32 * 1024 * 1024)  # sparse: 96 MiB of zero bytes, not written
    reader = record.RecordReader(tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableInput) as caught:
            reader.read_json(record.MANIFEST)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (caught.value.where, caught.value.what) == ("manifest.json", "larger than 67108864 bytes")
    assert jcs.MAX_FILE_BYTES < peak < jcs.MAX_FILE_BYTES + 1024 * 1024
