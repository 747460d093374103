# SPDX-License-Identifier: Apache-2.0
"""The server's side of casting, one entry at a time (accept, append, receipt), and a voter's receipt check
against the published record (exit 0 counted, 1 superseded, 2 missing or invalid)."""
import dataclasses
import json
import shutil
import subprocess
import sys

import pytest

from shailoo.crypto import ballot, board, credential, jcs, receipt, record, signature
from shailoo.crypto.errors import CryptoError

from .election import board_header, help_text, new_election, read_lines, rechain, write_lines
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


def _copy(published, path):
    """A copy of the published record at path, to edit, and its board's lines."""
    shutil.copytree(published, path)
    return read_lines(path / record.BOARD)


def _check_with_board(path, lines, receipt_data, tmp_path):
    """The receipt check's answer once the copy's board holds these lines."""
    write_lines(path / record.BOARD, lines)
    return _check(path, receipt_data, tmp_path)


def _unreadable(what):
    """The answer when the board cannot be read or checked; what names the place first."""
    return receipt.Answer(receipt.MISSING, f"the board cannot be read or checked: {what}")


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


def test_the_receipt_command_in_process_reads_its_two_paths_and_says_what_it_checks(election, published, tmp_path,
                                                                                    capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(election.receipts[3]))
    assert receipt.main([str(published), str(path)]) == receipt.COUNTED
    assert capsys.readouterr().out == (f"ballot {election.receipts[3]['code']} at position 4 is counted: it is the "
                                       "last ballot of its credential\n")
    said = help_text(receipt.main, capsys)
    assert said.startswith("usage: ")
    assert "[-h] record receipt Check a voter's receipt against a Shailoo election record. positional" in said


def test_the_receipt_command_answers_even_when_the_check_itself_fails(published, tmp_path, capsys, monkeypatch):
    def failing(record_path, receipt_path):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(receipt, "check", failing)
    assert receipt.main([str(published), str(tmp_path / "r.json")]) == receipt.MISSING
    assert capsys.readouterr().out == "cannot check: RuntimeError: disk on fire\n"


def test_an_earlier_entry_changed_in_place_contradicts_the_head_the_board_signed(election, published, tmp_path):
    path = tmp_path / "changed"
    shutil.copytree(published, path)
    lines = read_lines(path / record.BOARD)
    write_lines(path / record.BOARD, [lines[0], {**lines[1], "time": lines[1]["time"] + 1}, *lines[2:]])
    assert _check(path, election.receipts[3], tmp_path) == receipt.Answer(
        receipt.MISSING, "the record contradicts the board's signed receipt: the chain's head after position 4 "
        "differs, so an earlier entry was changed, dropped or inserted (keep the receipt: it is evidence)")


def test_a_malformed_entry_is_named_by_its_line(election, published, tmp_path):
    path = tmp_path / "malformed"
    lines = _copy(published, path)
    assert lines[2]["type"] == "challenge"
    for changed, what in (({**lines[2], "extra": 1}, "board.jsonl:3: unexpected key 'extra'"),
                          ({**lines[2], "ballot": {**lines[2]["ballot"], "ballot_id": "AB" * 16}},
                           "board.jsonl:3.ballot_id: expected 32 lowercase hex digits"),
                          ({**lines[2], "position": "2"}, "board.jsonl:3: 'position' must be an integer, got '2'"),
                          ([lines[2]], "board.jsonl:3: expected an object")):
        assert _check_with_board(path, [*lines[:2], changed, *lines[3:]], election.receipts[3], tmp_path) == (
            _unreadable(what))


# Appending and closing at their limits --------------------------------------------------------------

@pytest.fixture(scope="module")
def cast(election):
    return _accept(election, _cast_json(election, election.voters[2]))


def test_the_empty_board_starts_at_the_opening_with_the_genesis_head():
    from shailoo.crypto.group import hash_bytes

    state = board.genesis(SMALL_MANIFEST)
    assert state == board.BoardState(0, hash_bytes("board-genesis", SMALL_MANIFEST.digest), SMALL_MANIFEST.opens)
    assert not state.closed


def test_entries_may_come_at_the_opening_at_equal_times_and_until_just_before_the_close(election, cast):
    opens, closes = SMALL_MANIFEST.opens, SMALL_MANIFEST.closes
    first = board.append_ballot(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), cast, opens, BOARD)
    again = board.append_ballot(SMALL_MANIFEST, first.state, cast, opens, BOARD)
    last = board.append_ballot(SMALL_MANIFEST, again.state, cast, closes - 1, BOARD)
    assert [a.state.position for a in (first, again, last)] == [1, 2, 3]
    assert last.state == board.BoardState(3, last.state.head, closes - 1, False)
    assert len({first.state.head, again.state.head, last.state.head}) == 3
    assert first.state.head == board.entry_head(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST).head, 1, "ballot",
                                                opens, board.ballot_parts(cast))
    assert first.entry == {"position": 1, "type": "ballot", "time": opens, "tracking": cast.tracking.hex(),
                           "cast": ballot.cast_to_json(cast)}
    for moment in (closes, opens - 1):
        with pytest.raises(ValueError, match=f"^time {moment} is before the previous entry or outside the polls$"):
            board.append_ballot(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), cast, moment, BOARD)
    with pytest.raises(ValueError, match="before the previous entry"):
        board.append_ballot(SMALL_MANIFEST, last.state, cast, closes - 2, BOARD)


def test_the_close_entry_counts_the_entries_and_nothing_follows_it(election, cast):
    opens, closes = SMALL_MANIFEST.opens, SMALL_MANIFEST.closes
    state = board.append_ballot(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), cast, closes - 1, BOARD).state
    with pytest.raises(ValueError, match="^the close entry comes at or after the closing time$"):
        board.close_board(SMALL_MANIFEST, state, closes - 1, 1, 0, BOARD)
    for ballots, challenges in ((0, 0), (1, 1), (2, 0)):
        with pytest.raises(ValueError, match="^ballots and challenges must add up to the entries before the close$"):
            board.close_board(SMALL_MANIFEST, state, closes, ballots, challenges, BOARD)
    closed = board.close_board(SMALL_MANIFEST, state, closes, 1, 0, BOARD)
    assert closed.receipt is None and closed.state == board.BoardState(2, closed.state.head, closes, True)
    entry = closed.entry
    assert {k: v for k, v in entry.items() if k != "signature"} == {
        "position": 2, "type": "close", "time": closes, "ballots": 1, "challenges": 0}
    signature.verify(BOARD.public, "close", board.close_signed_parts(SMALL_MANIFEST, state.head, 2, closes, 1, 0),
                     bytes.fromhex(entry["signature"]), "close")
    assert closed.state.head == board.entry_head(SMALL_MANIFEST, state.head, 2, "close", closes,
                                                 board.close_parts(1, 0, bytes.fromhex(entry["signature"])))
    later = board.close_board(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), closes + 5, 0, 0, BOARD)
    assert later.state.time == closes + 5 and later.state.position == 1
    with pytest.raises(ValueError, match="^the board is already closed$"):
        board.close_board(SMALL_MANIFEST, closed.state, closes, 1, 0, BOARD)
    with pytest.raises(ValueError, match="^the board is closed: no entry can follow the close entry$"):
        board.append_ballot(SMALL_MANIFEST, dataclasses.replace(state, closed=True), cast, opens + 1, BOARD)


def test_a_receipt_names_the_entry_and_is_signed_by_the_board(election, cast):
    state = board.append_ballot(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), cast, SMALL_MANIFEST.opens + 1, BOARD).state
    encrypted, opening = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, B)
    challenged = board.accept_challenge(SMALL_MANIFEST, election.key, {
        "ballot": ballot.ballot_to_json(encrypted), "opening": ballot.opening_to_json(opening)})
    assert challenged == board.ChallengedBallot(encrypted, ballot.tracking_hash(
        SMALL_MANIFEST.digest, ballot.ballot_to_json(encrypted)), opening)
    appended = board.append_challenge(SMALL_MANIFEST, state, challenged, SMALL_MANIFEST.opens + 2, BOARD)
    receipt_json = appended.receipt
    assert {k: v for k, v in receipt_json.items() if k != "signature"} == {
        "version": 2, "kind": "receipt", "election_id": "test-election", "manifest_hash": SMALL_MANIFEST.digest.hex(),
        "type": "challenge", "tracking": challenged.tracking.hex(), "code": ballot.display_code(challenged.tracking),
        "position": 2, "head": appended.state.head.hex(), "time": SMALL_MANIFEST.opens + 2}
    assert appended.entry == {"position": 2, "type": "challenge", "time": SMALL_MANIFEST.opens + 2,
                              "tracking": challenged.tracking.hex(), "ballot": ballot.ballot_to_json(encrypted),
                              "opening": ballot.opening_to_json(opening)}
    assert appended.state.head == board.entry_head(SMALL_MANIFEST, state.head, 2, "challenge", SMALL_MANIFEST.opens + 2,
                                                   board.challenge_parts(challenged.tracking, appended.entry["opening"]))
    assert board.check_receipt(SMALL_MANIFEST, receipt_json) == board.Receipt(
        "challenge", challenged.tracking, 2, appended.state.head, SMALL_MANIFEST.opens + 2)
    for changes, check in (({"election_id": "other"}, "receipt.election"),
                           ({"manifest_hash": "00" * 64}, "receipt.election"),
                           ({"type": "close"}, "receipt.schema"),
                           ({"code": ballot.display_code(cast.tracking)}, "receipt.code"),
                           ({"type": "ballot"}, "receipt.signature"),
                           ({"head": "00" * 64}, "receipt.signature"),
                           ({"tracking": cast.tracking.hex()}, "receipt.code"),
                           ({"time": SMALL_MANIFEST.opens + 3}, "receipt.signature")):
        _refused(check, board.check_receipt, SMALL_MANIFEST, {**receipt_json, **changes})
    error = _refused("receipt.signature", board.check_receipt, SMALL_MANIFEST,
                     {**receipt_json, "signature": "00" * 64}, "my receipt")
    assert error.where == "my receipt" and error.what.startswith("the board's signature does not verify (")
    assert _refused("receipt.schema", board.check_receipt, SMALL_MANIFEST, {**receipt_json, "type": "close"},
                    "r").what == "type must be ballot or challenge"
    for key, value, what in (("position", 0, "'position' must be in 1..9007199254740991, got 0"),
                             ("time", -1, "'time' must be in 0..9007199254740991, got -1")):
        with pytest.raises(CryptoError) as caught:
            board.check_receipt(SMALL_MANIFEST, {**receipt_json, key: value}, "r")
        assert (caught.value.what, caught.value.where) == (what, "r")
    for key in ("tracking", "head"):
        with pytest.raises(CryptoError) as caught:
            board.check_receipt(SMALL_MANIFEST, {**receipt_json, key: receipt_json[key][2:]}, "r")
        assert (caught.value.check, caught.value.where) == ("schema.hex", f"r.{key}")
    with pytest.raises(CryptoError) as caught:
        board.check_receipt(SMALL_MANIFEST, {**receipt_json, "kind": "board"})
    assert caught.value.check == "schema.kind"


def test_the_server_refuses_a_challenge_that_is_malformed_or_does_not_open_to_its_ballot(election):
    encrypted, opening = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, B)
    good = {"ballot": ballot.ballot_to_json(encrypted), "opening": ballot.opening_to_json(opening)}
    other, other_opening = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, B)
    error = _refused("board.schema", board.accept_challenge, SMALL_MANIFEST, election.key, {"ballot": good["ballot"]})
    assert (error.what, error.where) == ("missing 'opening'", "challenge")
    error = _refused("board.hex", board.accept_challenge, SMALL_MANIFEST, election.key,
                     {**good, "ballot": {**good["ballot"], "ballot_id": encrypted.ballot_id.upper()}}, "c")
    assert error.where == "c.ballot.ballot_id"
    error = _refused("board.schema", board.accept_challenge, SMALL_MANIFEST, election.key, {**good, "opening": {}})
    assert (error.what, error.where) == ("missing 'ballot_id'", "challenge.opening")
    error = _refused("board.opening", board.accept_challenge, SMALL_MANIFEST, election.key,
                     {**good, "opening": ballot.opening_to_json(other_opening)})
    assert (error.what, error.where) == ("opening is for another ballot", "challenge")
    bad_proof = json.loads(json.dumps(good))
    bad_proof["ballot"]["contests"][1]["proof"]["c"].reverse()
    error = _refused("board.ballot-proof", board.accept_challenge, SMALL_MANIFEST, election.key, bad_proof)
    assert error.where == "challenge council (number of marks)"
    del other


def test_the_server_names_each_refusal_of_a_cast_ballot(election):
    good = _cast_json(election, election.voters[2])
    error = _refused("board.schema", _accept, election, {**good, "extra": 1})
    assert error.what == "unexpected key 'extra'"
    error = _refused("board.hex", _accept, election, {**good, "signature": good["signature"][:-2]})
    assert error.where == "cast.signature"
    error = _refused("board.hex", _accept, election, {**good, "credential": good["credential"].upper()})
    assert error.where == "cast.credential"
    error = _refused("board.credential-unlisted", _accept, election, _cast_json(election, credential.new_credential()[1]))
    assert (error.what, error.where) == ("the credential is not on the signed credential list", "cast")
    shape = json.loads(json.dumps(good))
    shape["ballot"]["contests"].pop()
    _refused("board.signature", _accept, election, shape)  # the signature covers the ballot
    voter = election.voters[2]
    tracking = ballot.tracking_hash(SMALL_MANIFEST.digest, shape["ballot"])
    shape["signature"] = signature.sign(voter, "cast", ballot.cast_parts(SMALL_MANIFEST.digest, tracking,
                                                                         voter.public)).hex()
    error = _refused("board.ballot-shape", _accept, election, shape)
    assert error.what == "contests differ from the manifest"
    proof = json.loads(json.dumps(good))
    proof["ballot"]["contests"][1]["proof"]["v"].reverse()
    tracking = ballot.tracking_hash(SMALL_MANIFEST.digest, proof["ballot"])
    proof["signature"] = signature.sign(voter, "cast", ballot.cast_parts(SMALL_MANIFEST.digest, tracking,
                                                                         voter.public)).hex()
    error = _refused("board.ballot-proof", _accept, election, proof)
    assert error.where == "cast council (number of marks)"


def test_a_receipt_checked_against_an_open_board_or_a_broken_one_says_so(election, published, tmp_path):
    path = tmp_path / "open"
    shutil.copytree(published, path)
    lines = read_lines(path / record.BOARD)
    write_lines(path / record.BOARD, lines[:-1])  # the close entry not yet written
    answer = _check(path, election.receipts[3], tmp_path)
    assert answer == receipt.Answer(receipt.COUNTED, f"ballot {election.receipts[3]['code']} at position 4 is counted: "
                                    "it is the last ballot of its credential (the board in this record is not closed yet)")
    answer = _check(path, election.receipts[0], tmp_path)
    assert answer == receipt.Answer(receipt.SUPERSEDED, f"ballot {election.receipts[0]['code']} at position 1 is "
                                    "superseded by a later ballot of the same credential at position 4 (the board in "
                                    "this record is not closed yet)")
    assert _check(published, election.receipts[1], tmp_path) == receipt.Answer(
        receipt.COUNTED, f"challenged ballot {election.receipts[1]['code']} is published at position 2; a challenged "
        "ballot is never counted")
    broken = [*lines[:3], {**lines[3], "type": "vote"}, *lines[4:]]
    write_lines(path / record.BOARD, broken)
    answer = _check(path, election.receipts[3], tmp_path)
    assert answer.code == receipt.MISSING
    assert answer.message == "the board cannot be read or checked: board.jsonl:4: type must be ballot, challenge or close"
    forged = json.loads(json.dumps(lines))
    forged[4]["cast"]["signature"] = forged[1]["cast"]["signature"]  # a later "ballot" of voter 0, not signed by it
    write_lines(path / record.BOARD, forged)
    answer = _check(path, election.receipts[0], tmp_path)
    assert answer.code == receipt.MISSING and "cast signature does not verify" in answer.message
    answer = _check(path, {**election.receipts[0], "election_id": "other"}, tmp_path)
    assert answer == receipt.Answer(receipt.MISSING, f"invalid receipt or record: {tmp_path / 'receipt.json'}: the "
                                    "receipt is for another election")


def test_a_refused_receipt_names_the_receipt_or_its_field(election, cast):
    # A voter's program shows where its receipt is wrong: at the receipt (given as "r") for its type or its
    # displayed code, at the field for a manifest hash that is not hex.
    appended = board.append_ballot(SMALL_MANIFEST, board.genesis(SMALL_MANIFEST), cast, SMALL_MANIFEST.opens + 1,
                                   BOARD)
    other_code = ballot.display_code(bytes(64))
    for changes, check, where, what in (
        ({"manifest_hash": "AB" * 64}, "schema.hex", "r.manifest_hash", "expected 128 lowercase hex digits"),
        ({"type": "close"}, "receipt.schema", "r", "type must be ballot or challenge"),
        ({"code": other_code}, "receipt.code", "r", "the displayed code is not the tracking hash's"),
    ):
        error = _refused(check, board.check_receipt, SMALL_MANIFEST, {**appended.receipt, **changes}, "r")
        assert (error.where, error.what) == (where, what)


def test_a_cast_ballot_signed_by_another_key_is_refused_at_the_cast(election):
    good = _cast_json(election, election.voters[2])
    other = _cast_json(election, election.voters[1])
    error = _refused("board.signature", board.accept_cast, SMALL_MANIFEST, election.key, lambda c: True,
                     {**good, "signature": other["signature"]}, "my cast")
    assert (error.where, error.what) == ("my cast", "cast signature does not verify")


def test_a_ballot_entry_of_the_wrong_shape_is_refused_at_its_line_of_the_board(election, published, tmp_path):
    # The voter learns which line of the record is broken: the place of every refusal is the board's line.
    path = tmp_path / "malformed"
    lines = _copy(published, path)
    extra = [lines[0], {**lines[1], "extra": 1}, *lines[2:]]
    assert _check_with_board(path, extra, election.receipts[3], tmp_path) == _unreadable(
        "board.jsonl:2: unexpected key 'extra'")
    unsigned = {key: value for key, value in lines[3]["cast"].items() if key != "signature"}
    unsigned_lines = [*lines[:3], {**lines[3], "cast": unsigned}, *lines[4:]]
    assert _check_with_board(path, unsigned_lines, election.receipts[3], tmp_path) == _unreadable(
        "board.jsonl:4: missing 'signature'")


def test_a_close_entry_of_the_wrong_shape_is_refused_at_its_line_of_the_board(election, published, tmp_path):
    path = tmp_path / "malformed-close"
    lines = _copy(published, path)
    *entries, close = lines
    assert close["type"] == board.CLOSE and len(lines) == 6  # the close is board.jsonl's line 6
    for changed, refusal in (({**close, "extra": 1}, "unexpected key 'extra'"),
                             ({**close, "ballots": "4"}, "'ballots' must be an integer, got '4'"),
                             ({**close, "challenges": True}, "'challenges' must be an integer, got True"),
                             ({**close, "signature": close["signature"].upper()},
                              "expected 128 lowercase hex digits")):
        place = "board.jsonl:6.signature" if "hex" in refusal else "board.jsonl:6"
        assert _check_with_board(path, [*entries, changed], election.receipts[3], tmp_path) == _unreadable(
            f"{place}: {refusal}")


def test_a_receipt_check_names_the_place_of_what_it_cannot_read(election, published, tmp_path):
    path = tmp_path / "receipt.json"
    path.write_text('{"version": 2,')
    answer = receipt.check(published, path)
    assert answer.code == receipt.MISSING
    assert answer.message.startswith(f"invalid receipt or record: {path}: not JSON: ")
    board_copy = tmp_path / "board-copy"
    lines = _copy(published, board_copy)
    for changed, refusal in (({**lines[1], "position": 0}, "'position' must be in 1..9007199254740991, got 0"),
                             ({**lines[1], "time": "soon"}, "'time' must be an integer, got 'soon'")):
        assert _check_with_board(board_copy, [lines[0], changed, *lines[2:]], election.receipts[3], tmp_path) == (
            _unreadable(f"board.jsonl:2: {refusal}"))


def test_a_later_ballot_of_the_receipts_credential_without_its_signature_is_refused_at_its_line(
        election, published, tmp_path):
    path = tmp_path / "forged"
    lines = _copy(published, path)
    lines[4]["cast"]["signature"] = lines[1]["cast"]["signature"]  # voter 0's revote at position 4, not signed
    assert _check_with_board(path, lines, election.receipts[0], tmp_path) == _unreadable(
        "board.jsonl:5: cast signature does not verify")


def test_a_receipt_for_a_position_the_board_does_not_have_says_the_ballot_was_dropped(election, published, tmp_path):
    path = tmp_path / "short"
    lines = _copy(published, path)
    short = [board_header(SMALL_MANIFEST, 2), *lines[1:3]]
    assert _check_with_board(path, short, election.receipts[3], tmp_path) == receipt.Answer(
        receipt.MISSING, "missing: the record's board has no position 4 (it was dropped; keep the receipt: it is "
        "evidence)")


def test_a_receipt_whose_header_is_broken_is_refused_at_its_file(election, published, tmp_path):
    mine = election.receipts[3]
    unsigned = {key: value for key, value in mine.items() if key != "signature"}
    for changed, what in (({**mine, "version": 3}, '"version" must be the integer 2, got 3'),
                          ({**mine, "kind": "ballot"}, "\"kind\" must be 'receipt', got 'ballot'"),
                          (unsigned, "missing 'signature'")):
        assert _check(published, changed, tmp_path) == receipt.Answer(
            receipt.MISSING, f"invalid receipt or record: {tmp_path / 'receipt.json'}: {what}")


def test_a_receipt_parsed_without_a_place_is_refused_at_receipt(election):
    assert board.check_receipt(SMALL_MANIFEST, election.receipts[3]).position == 4
    with pytest.raises(CryptoError) as caught:
        board.check_receipt(SMALL_MANIFEST, {**election.receipts[3], "version": 3})
    assert (caught.value.where, caught.value.what) == ("receipt", '"version" must be the integer 2, got 3')


def test_a_challenged_ballots_opening_of_the_wrong_shape_is_refused_at_its_line_of_the_board(
        election, published, tmp_path):
    path = tmp_path / "opening"
    lines = _copy(published, path)
    challenge = lines[2]
    assert challenge["type"] == board.CHALLENGE  # board.jsonl's line 3
    opening = {key: value for key, value in challenge["opening"].items() if key != "contests"}
    changed = [*lines[:2], {**challenge, "opening": opening}, *lines[3:]]
    assert _check_with_board(path, changed, election.receipts[3], tmp_path) == _unreadable(
        "board.jsonl:3: missing 'contests'")
