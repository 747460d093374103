# SPDX-License-Identifier: Apache-2.0
"""The server's side of casting, one entry at a time (accept, append, receipt), and a voter's receipt check
against the published record (exit 0 counted, 1 superseded, 2 missing or invalid)."""
import json
import shutil
import subprocess
import sys

import pytest

from shailoo.crypto import ballot, board, credential, jcs, receipt, record
from shailoo.crypto.errors import CryptoError

from .election import board_header, new_election, read_lines, rechain, write_lines
from .strategies import BOARD, SMALL_MANIFEST

A = {"mayor": frozenset({"m0"}), "council": frozenset({"k1"}), "referendum": frozenset({"yes"})}
B = {"mayor": frozenset({"m1"}), "council": frozenset({"k0", "k3"}), "referendum": frozenset({"no"})}


@pytest.fixture(scope="module")
def election():
    e = new_election(3)
    e.cast(0, A)
    e.challenge(B)
    e.cast(1, B)
    e.cast(0, B)
    e.close()
    return e


@pytest.fixture(scope="module")
def published(election, tmp_path_factory):
    return election.write(tmp_path_factory.mktemp("published") / "record")


def _accept(election, data):
    return board.accept_cast(SMALL_MANIFEST, election.key, lambda c: election.credentials.index(c) is not None,
                             jcs.loads(jcs.canonical(data), "cast"))


def _cast_json(election, voter_key, choices=A):
    encrypted, _ = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, choices)
    return ballot.cast_to_json(ballot.cast_ballot(SMALL_MANIFEST, encrypted, voter_key))


def _refused(check, function, *args):
    with pytest.raises(CryptoError) as caught:
        function(*args)
    assert caught.value.check == check, caught.value
    return caught.value


def test_the_server_accepts_a_listed_signed_ballot_and_refuses_everything_else(election):
    good = _cast_json(election, election.voters[2])
    accepted = _accept(election, good)
    assert accepted.credential == election.voters[2].public and len(accepted.ballot.ballot_id) == 32
    _refused("board.credential-unlisted", _accept, election, _cast_json(election, credential.new_credential()[1]))
    _refused("board.identity", _accept, election, {**good, "credential": "00" * 32})
    other = _cast_json(election, election.voters[1])
    _refused("board.signature", _accept, election, {**good, "signature": other["signature"]})
    proof = good["ballot"]["contests"][0]["proof"]
    bad = json.loads(json.dumps(good))
    bad["ballot"]["contests"][0]["proof"]["c"] = [proof["v"][0], *proof["c"][1:]]
    with pytest.raises(CryptoError):  # the signature covers the ballot, so a changed proof fails it first
        _accept(election, bad)
    with pytest.raises(CryptoError):
        _accept(election, {**good, "extra": 1})


def test_appending_chains_each_entry_and_the_receipt_is_signed_by_the_board(election):
    state = board.genesis(SMALL_MANIFEST)
    cast = _accept(election, _cast_json(election, election.voters[2]))
    appended = board.append_ballot(SMALL_MANIFEST, state, cast, SMALL_MANIFEST.opens + 5, BOARD)
    assert appended.state.position == 1 and appended.state.head != state.head
    parsed = board.check_receipt(SMALL_MANIFEST, appended.receipt)
    assert (parsed.position, parsed.head, parsed.tracking) == (1, appended.state.head, cast.tracking)
    assert appended.receipt["code"] == ballot.display_code(cast.tracking)
    forged = {**appended.receipt, "position": 2}
    _refused("receipt.signature", board.check_receipt, SMALL_MANIFEST, forged)


def test_the_board_refuses_entries_out_of_time_order_outside_the_polls_or_after_the_close(election):
    state = board.genesis(SMALL_MANIFEST)
    cast = _accept(election, _cast_json(election, election.voters[2]))
    later = board.append_ballot(SMALL_MANIFEST, state, cast, SMALL_MANIFEST.opens + 10, BOARD).state
    for moment in (SMALL_MANIFEST.opens + 5, SMALL_MANIFEST.closes, SMALL_MANIFEST.opens - 1):
        with pytest.raises(ValueError):
            board.append_ballot(SMALL_MANIFEST, later, cast, moment, BOARD)
    closed = board.close_board(SMALL_MANIFEST, later, SMALL_MANIFEST.closes, 1, 0, BOARD).state
    with pytest.raises(ValueError):
        board.append_ballot(SMALL_MANIFEST, closed, cast, SMALL_MANIFEST.closes, BOARD)
    with pytest.raises(ValueError):
        board.close_board(SMALL_MANIFEST, later, SMALL_MANIFEST.closes - 1, 1, 0, BOARD)


def _check(record_path, receipt_data, tmp_path):
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt_data))
    return receipt.check(record_path, path)


def test_receipts_of_a_counted_a_superseded_and_a_challenged_ballot(election, published, tmp_path):
    first, challenge, other, revote = election.receipts
    assert _check(published, first, tmp_path).code == receipt.SUPERSEDED
    assert "position 4" in _check(published, first, tmp_path).message
    assert _check(published, revote, tmp_path).code == receipt.COUNTED
    assert _check(published, other, tmp_path).code == receipt.COUNTED
    answer = _check(published, challenge, tmp_path)
    assert answer.code == receipt.COUNTED and "never counted" in answer.message


def test_a_receipt_contradicted_by_a_rewritten_board_or_for_a_dropped_ballot_is_reported(election, published, tmp_path):
    path = tmp_path / "rewritten"
    shutil.copytree(published, path)
    entries = read_lines(path / record.BOARD)[1:]
    # The board drops voter 1's ballot (position 3) and re-chains: the later revote's receipt is contradicted.
    rewritten = rechain(SMALL_MANIFEST, [*entries[:2], *entries[3:]])
    write_lines(path / record.BOARD, [board_header(SMALL_MANIFEST, len(rewritten)), *rewritten])
    answer = _check(path, election.receipts[3], tmp_path)
    assert answer.code == receipt.MISSING and "contradicts the board's signed receipt" in answer.message
    answer = _check(path, election.receipts[2], tmp_path)
    assert answer.code == receipt.MISSING and "position 3 holds another entry" in answer.message
    short = entries[:1]
    write_lines(path / record.BOARD, [board_header(SMALL_MANIFEST, 1), *short])
    answer = _check(path, election.receipts[3], tmp_path)
    assert answer.code == receipt.MISSING and "no position 4" in answer.message


def test_the_receipt_command_exits_with_the_answer_and_refuses_a_forged_receipt(election, published, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(election.receipts[3]))
    done = subprocess.run([sys.executable, "-m", "shailoo.crypto.receipt", str(published), str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "is counted" in done.stdout
    path.write_text(json.dumps({**election.receipts[0], "time": election.receipts[0]["time"] + 1}))
    done = subprocess.run([sys.executable, "-m", "shailoo.crypto.receipt", str(published), str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "board's signature does not verify" in done.stdout
    path.write_text("{}")
    assert receipt.main([str(published), str(path)]) == 2
