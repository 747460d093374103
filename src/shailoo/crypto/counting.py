# SPDX-License-Identifier: Apache-2.0
"""Counting a board without checking proofs (the board accepted only verified ballots): stream
ballots.jsonl, keep the last ballot of each credential, add their ciphertexts in worker processes."""
from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

from shailoo.crypto import codec, record, tally
from shailoo.crypto.elgamal import Ciphertext
from shailoo.crypto.errors import InvalidRecord
from shailoo.crypto.group import PointSum
from shailoo.crypto.manifest import Manifest, manifest_from_json

_state: dict[str, Manifest] = {}


def _init(manifest_json: dict[str, Any]) -> None:
    _state["manifest"] = manifest_from_json(manifest_json)


def _sum_lines(lines: list[str]) -> tally.Sums:
    """Add the ciphertexts of the given ballot lines (proofs are not parsed: the board checked them).
    Each encoding is validated by the decoder as it is added."""
    manifest = _state["manifest"]
    pads = [[PointSum() for _ in c.options] for c in manifest.contests]
    datas = [[PointSum() for _ in c.options] for c in manifest.contests]
    for line in lines:
        contests = codec.items(json.loads(line)["ballot"], "contests", record.BALLOTS)
        if len(contests) != len(manifest.contests):
            raise InvalidRecord("contests differ from the manifest", record.BALLOTS)
        for pad_row, data_row, contest, expected in zip(pads, datas, contests, manifest.contests, strict=True):
            selections = codec.items(contest, "selections", record.BALLOTS)
            if len(selections) != len(expected.options):
                raise InvalidRecord(f"options of {expected.contest_id} differ from the manifest", record.BALLOTS)
            for index, selection in enumerate(selections):
                ciphertext = selection["ciphertext"]
                pad_row[index].add_encoding(bytes.fromhex(ciphertext["pad"]), record.BALLOTS)
                data_row[index].add_encoding(bytes.fromhex(ciphertext["data"]), record.BALLOTS)
    return tuple(
        tuple(Ciphertext(pad.total(), data.total()) for pad, data in zip(pad_row, data_row, strict=True))
        for pad_row, data_row in zip(pads, datas, strict=True)
    )


def counted_lines(reader: record.RecordReader) -> Iterator[str]:
    """The last line of each credential's run (the file is sorted by credential, then seq)."""
    previous: tuple[str, str] | None = None
    for _, line in reader.iter_lines(record.BALLOTS):
        credential = codec.text(json.loads(line)["ballot"], "credential", record.BALLOTS)
        if previous is not None and previous[0] != credential:
            yield previous[1]
        previous = (credential, line)
    if previous is not None:
        yield previous[1]


def sum_counted(reader: record.RecordReader, workers: int = 1, chunk: int = 256) -> tally.EncryptedTally:
    manifest_json = reader.read_json(record.MANIFEST)
    manifest = manifest_from_json(manifest_json)
    sums, count = tally.empty_sums(manifest), 0

    def chunks() -> Iterator[list[str]]:
        nonlocal count
        batch: list[str] = []
        for line in counted_lines(reader):
            batch.append(line)
            count += 1
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch

    if workers <= 1:
        _init(manifest_json)
        for batch in chunks():
            sums = tally.add_sums(sums, _sum_lines(batch))
        return tally.EncryptedTally(sums, count)
    with multiprocessing.get_context("fork").Pool(workers, _init, (manifest_json,)) as pool:
        pending: deque[AsyncResult[tally.Sums]] = deque()
        for batch in chunks():
            pending.append(pool.apply_async(_sum_lines, (batch,)))
            while len(pending) >= 2 * workers:
                sums = tally.add_sums(sums, pending.popleft().get())
        while pending:
            sums = tally.add_sums(sums, pending.popleft().get())
    return tally.EncryptedTally(sums, count)
