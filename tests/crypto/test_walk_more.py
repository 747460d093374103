# SPDX-License-Identifier: Apache-2.0
"""The board's walk (shailoo.crypto.walk) on small records of its own: the header line's bounds and place,
the challenges counted one by one, the place of a close entry's wrong counts, the runner's pool."""

import multiprocessing
import os

from shailoo.crypto import jcs, record
from shailoo.crypto.checks import Report
from shailoo.crypto.verify import verify_record
from shailoo.crypto.walk import Runner, walk_board

from .election import board_header, new_election, write_before_decryption, write_lines
from .strategies import SMALL_MANIFEST
from .test_verifier import A, B, _signed_by_the_board


def _two_challenges(path):
    """Two challenged ballots, then one cast ballot, then the close entry: the record before decryption."""
    election = new_election(2)
    election.challenge(A)
    election.challenge(B)
    election.cast(0, A)
    election.close()
    write_before_decryption(election, path)
    return election


def test_a_board_with_two_challenges_counts_both_and_the_verified_record_counts_the_credentials(tmp_path):
    election = _two_challenges(tmp_path / "record")
    code, report, verified = verify_record(tmp_path / "record", before_decryption=True)
    assert code == 0, report.render()
    assert report.lines[3] == (
        "  ok  board: 4 entries chained, 1 cast ballots (proofs, signatures, credentials on the list), 2 challenged "
        f"ballots opened, none cast, ballot ids distinct, closed by the board; head {election.state.head.hex()[:16]}…"
    )
    assert verified is not None and verified.credentials == 2


def test_a_close_entry_with_wrong_counts_is_refused_at_its_line(tmp_path):
    path = tmp_path / "record"
    election = _two_challenges(path)
    entries = _signed_by_the_board(election.entries, close_counts=(1, 1))
    write_lines(path / record.BOARD, [board_header(SMALL_MANIFEST, len(entries)), *entries])
    code, report, verified = verify_record(path, before_decryption=True)
    assert (code, verified, report.checks) == (1, None, {"board.close"})
    assert [(f.where, f.what) for f in report.failures] == [
        ("board.jsonl:5", "the close entry counts 1 ballots and 1 challenges, the chain holds 1 and 2")
    ]


def test_a_board_header_line_that_is_not_json_or_beyond_the_line_limit_is_unreadable_at_line_1(tmp_path):
    path = tmp_path / "record"
    _two_challenges(path)
    entries = (path / record.BOARD).read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    # A line of exactly the limit and its newline passes the line reader; the header is then too long.
    for header, what in (
        ("{\n", "not JSON: Expecting property name enclosed in double quotes at line 2 column 1"),
        ("[" + " " * (jcs.MAX_LINE_BYTES - 2) + "]\n", "larger than 4194304 bytes"),
    ):
        (path / record.BOARD).write_text(header + "".join(entries), encoding="utf-8")
        code, report, verified = verify_record(path, before_decryption=True)
        assert (code, verified, report.checks) == (2, None, {"read"})
        assert [(f.where, f.what) for f in report.failures] == [("board.jsonl:1", f"unreadable: {what}")]


def test_the_runner_starts_as_many_worker_processes_as_it_is_given():
    workers = (os.cpu_count() or 1) + 1  # not the machine's count, which a pool takes when given none
    before = set(multiprocessing.active_children())
    runner = Runner(workers, SMALL_MANIFEST.to_json(), SMALL_MANIFEST.authorities.board.hex())  # no job runs
    try:
        assert len(set(multiprocessing.active_children()) - before) == workers
    finally:
        runner.close()


def test_a_pools_workers_check_with_the_key_their_runner_was_given_not_a_previous_runners(tmp_path):
    path = tmp_path / "record"
    election = _two_challenges(path)
    manifest_json = SMALL_MANIFEST.to_json()
    # A runner of another election in this process (here: another joint key), then this record's, on a pool.
    Runner(1, manifest_json, SMALL_MANIFEST.authorities.board.hex()).close()
    runner = Runner(2, manifest_json, election.key.hex())
    report = Report()
    try:
        walk = walk_board(record.RecordReader(path), SMALL_MANIFEST, election.credentials, runner, report)
    finally:
        runner.close()
    assert report.failure_count == 0, report.failures
    assert (walk.position, walk.ballots, walk.challenges, walk.closed) == (4, 1, 2, True)
