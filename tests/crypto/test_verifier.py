# SPDX-License-Identifier: Apache-2.0
"""The observer's verifier on records built through the public API: an honest record verifies; every attack
of issue 9 (and every other check) is refused with the exact check code that failed."""
import copy
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

from shailoo.crypto import ballot, board, credential, jcs, record, signature, simulate, tally
from shailoo.crypto import ceremony as c
from shailoo.crypto.group import GENERATOR, IDENTITY, Point, Scalar
from shailoo.crypto.manifest import Contest, Option
from shailoo.crypto.verify import main, verify_record

from .election import board_header, new_election, read_lines, rechain, write_json, write_lines
from .strategies import BOARD, HOLDERS, SMALL_MANIFEST, manifest_with

A = {"mayor": frozenset({"m0"}), "council": frozenset({"k1"}), "referendum": frozenset({"yes"})}
B = {"mayor": frozenset({"m2"}), "council": frozenset(), "referendum": frozenset({"against"})}


@pytest.fixture(scope="module")
def election():
    """Voters 0..4 cast; voter 1 revotes; voter 2 challenges a ballot first; voter 5 never votes."""
    e = new_election(6)
    e.cast(0, A)
    e.cast(1, A)
    e.challenge(B)
    e.cast(2, B)
    e.cast(3, B)
    e.cast(1, B)
    e.cast(4, A)
    e.close()
    return e


@pytest.fixture(scope="module")
def honest_record(election, tmp_path_factory):
    return election.write(tmp_path_factory.mktemp("record") / "election")


@pytest.fixture
def path(honest_record, tmp_path):
    copy_path = tmp_path / "copy"
    shutil.copytree(honest_record, copy_path)
    return copy_path


def _refused(path, check, code=1, also=()):
    """The record is refused by ``check`` and by no other check than ``also`` names."""
    got, report, verified = verify_record(path)
    text = report.render()
    assert got == code, text
    assert report.checks == {check, *also}, text
    assert f"[{check}]" in text
    assert verified is None
    return report


def _failures(report):
    return [(f.where, f.what) for f in report.failures]


def _edit_json(path, edit):
    data = json.loads(path.read_text())
    edit(data)
    write_json(path, data)


def _board(path):
    lines = read_lines(path / record.BOARD)
    return lines[0], lines[1:]


def _write_board(path, entries, header=None):
    write_lines(path / record.BOARD, [header or board_header(SMALL_MANIFEST, len(entries)), *entries])


def _chain_parts(entry):
    """What an entry adds to the chain, as the verifier computes it (the tracking hash recomputed)."""
    if entry["type"] == "ballot":
        cast = entry["cast"]
        return [ballot.tracking_hash(SMALL_MANIFEST.digest, cast["ballot"]), bytes.fromhex(cast["credential"]),
                bytes.fromhex(cast["signature"])]
    if entry["type"] == "challenge":
        return [ballot.tracking_hash(SMALL_MANIFEST.digest, entry["ballot"]), jcs.canonical_known(entry["opening"])]
    return board.close_parts(entry["ballots"], entry["challenges"], bytes.fromhex(entry["signature"]))


def _signed_by_the_board(entries, unreadable=(), close_counts=None):
    """The entries as they stand, each close entry counted and signed again by the board's own key over
    the chain they make (``unreadable``: indices of entries the verifier cannot parse, which hold a place
    but add nothing to the chain or the counts; ``close_counts``: the counts the board states instead).
    The board itself wrote the change: only the changed property can fail."""
    head, out, counts = board.genesis(SMALL_MANIFEST).head, [], {"ballot": 0, "challenge": 0}
    for index, entry in enumerate(entries):
        if index in unreadable:
            out.append(entry)
            continue
        if entry["type"] == "close":
            ballots, challenges = close_counts or (counts["ballot"], counts["challenge"])
            signed = signature.sign(BOARD, "close", board.close_signed_parts(
                SMALL_MANIFEST, head, entry["position"], entry["time"], ballots, challenges))
            entry = {**entry, "ballots": ballots, "challenges": challenges, "signature": signed.hex()}
        else:
            counts[entry["type"]] += 1
        out.append(entry)
        head = board.entry_head(SMALL_MANIFEST, head, entry["position"], entry["type"], entry["time"],
                                _chain_parts(entry))
    return out


def _signed_by_the_voter(election, entry, voter):
    """A voter's device signs the ballot as it now stands (a cheating device, not the board)."""
    cast, key = entry["cast"], election.voters[voter]
    tracking = ballot.tracking_hash(SMALL_MANIFEST.digest, cast["ballot"])
    cast["signature"] = signature.sign(key, "cast", ballot.cast_parts(SMALL_MANIFEST.digest, tracking,
                                                                      key.public)).hex()
    entry["tracking"] = tracking.hex()


# Honest records -------------------------------------------------------------------------------------

def _honest_lines(election, workers=1, decrypted=True, tallied=True):
    """The report of the honest record, line by line (the time line as a pattern)."""
    return [
        "Shailoo election record verification (protocol version 2)",
        f"  ok  manifest: 3 contest(s), 10 option(s), 4 key holders, quorum 3; Q = {SMALL_MANIFEST.digest.hex()[:16]}…, "
        f"commission key {SMALL_MANIFEST.authorities.commission.hex()[:16]}…, board key "
        f"{SMALL_MANIFEST.authorities.board.hex()[:16]}…",
        "  ok  key ceremony: every message signed by its holder, 12 coefficient proofs, qualified dealers [1, 2, 3, 4], "
        f"joint key {election.key.hex()[:16]}… signed by every qualified holder",
        "  ok  credential list: 6 credentials, sorted, distinct, signed by the commission",
        "  ok  board: 8 entries chained, 6 cast ballots (proofs, signatures, credentials on the list), 1 challenged "
        f"ballots opened, none cast, ballot ids distinct, closed by the board; head {election.state.head.hex()[:16]}…",
        "  ok  counting: 5 ballots count (the last of each credential), 1 superseded",
        *(["  ok  encrypted tally: the sums recomputed from the counted ballots"] if tallied else []),
        *(["  ok  decryption: 3 partial decryptions (holders [1, 2, 3], quorum 3), signed, with Chaum-Pedersen "
           "proofs; Lagrange combination",
           "  ok  results: every total matches the decryption"] if decrypted else []),
        re.compile(rf"  ok  time: \d+\.\d s with {workers} worker\(s\)"),
    ]


def _matches(lines, expected):
    assert len(lines) == len(expected), "\n".join(lines)
    for line, want in zip(lines, expected, strict=True):
        assert want.fullmatch(line) if isinstance(want, re.Pattern) else line == want, line


def test_an_honest_record_verifies_with_exit_code_zero_and_says_what_it_checked(election, honest_record, capsys):
    assert main([str(honest_record)]) == 0
    _matches(capsys.readouterr().out.splitlines(), [*_honest_lines(election), "RESULT: VALID"])
    assert main([str(honest_record), "--before-decryption", "--workers", "0"]) == 0
    _matches(capsys.readouterr().out.splitlines(), [*_honest_lines(election, decrypted=False), "RESULT: VALID"])


def test_the_command_says_invalid_or_unreadable_and_never_crashes(election, path, tmp_path, capsys, monkeypatch):
    _edit_json(path / record.TALLY, lambda data: data.update(ballots_counted=4))
    assert main([str(path), "--workers", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == ["  1 failure(s); the first 1:",
                          "    [tally.count] tally.json: ballots_counted is 4, 5 ballots count", "RESULT: INVALID"]
    assert "  FAILencrypted tally: the sums recomputed from the counted ballots" in lines
    assert re.fullmatch(r"  ok  time: \d+\.\d s with 2 worker\(s\)", lines[-4])
    assert main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "  1 failure(s); the first 1:", f"    [read] {tmp_path / 'nowhere'}: unreadable: {tmp_path / 'nowhere'} does not exist",
        "RESULT: UNREADABLE"]

    def broken(*args):
        raise RuntimeError("out of memory")
    monkeypatch.setattr("shailoo.crypto.verify.verify_record", broken)
    assert main([str(path)]) == 2
    assert capsys.readouterr().out.splitlines() == ["verifier error: RuntimeError: out of memory", "RESULT: UNREADABLE"]


def test_the_command_explains_its_options(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Verify a Shailoo election record (directory or zip)." in out.splitlines()
    assert " ".join(out.split()).endswith(
        "--workers WORKERS worker processes for ballot proofs --before-decryption the record of a closed board, "
        "before the holders decrypt (no decryptions or results)")


def test_an_honest_record_verifies_on_two_workers_as_a_command_and_as_a_zip(honest_record, tmp_path):
    archive = tmp_path / "record.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in honest_record.iterdir():
            out.write(file, file.name)
    result = subprocess.run([sys.executable, "-m", "shailoo.crypto.verify", str(archive), "--workers", "2"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 worker(s)" in result.stdout and "RESULT: VALID" in result.stdout


def test_a_simulated_record_with_revotes_challenges_and_a_cheating_dealer_verifies(tmp_path):
    out = tmp_path / "sim.zip"
    assert simulate.main(["--voters", "12", "--contests", "1of3,0-2of4,1of2+against", "--holders", "3",
                          "--quorum", "2", "--revote-share", "0.3", "--challenge-share", "0.3", "--cheat", "1:2",
                          "--seed", "7", "--out", str(out)]) == 0
    code, report, verified = verify_record(out)
    assert code == 0, report.render()
    assert verified.ceremony.qualified == (2, 3) and verified.tally.ballots_counted == 12


# Eligibility ----------------------------------------------------------------------------------------

def test_a_stuffed_ballot_under_an_invented_credential_is_refused(election, path):
    _, entries = _board(path)
    intruder = credential.new_credential()[1]
    encrypted, _ = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, A)
    stuffed = {"position": 0, "type": "ballot", "time": 0, "tracking": "", "cast": ballot.cast_to_json(
        ballot.cast_ballot(SMALL_MANIFEST, encrypted, intruder))}
    _write_board(path, rechain(SMALL_MANIFEST, [*entries[:3], stuffed, *entries[3:]]))
    assert _failures(_refused(path, "board.credential-unlisted")) == [
        ("board.jsonl:5", "the credential is not on the signed credential list")]


def test_an_overwriting_ballot_under_a_listed_credential_without_its_key_is_refused(election, path):
    """Anyone reading the board knows voter 0's credential; without its secret the signature fails."""
    _, entries = _board(path)
    encrypted, _ = ballot.encrypt_ballot(SMALL_MANIFEST, election.key, B)
    forged = ballot.cast_ballot(SMALL_MANIFEST, encrypted, credential.new_credential()[1])
    cast = {**ballot.cast_to_json(forged), "credential": election.voters[0].public.hex()}
    _write_board(path, rechain(SMALL_MANIFEST, [*entries[:-1], {"type": "ballot", "cast": cast}]))
    assert _failures(_refused(path, "board.signature")) == [("board.jsonl:9", "cast signature does not verify")]


def test_a_credential_list_with_the_identity_or_out_of_order_or_unsigned_is_refused(path):
    lines = read_lines(path / record.CREDENTIALS)
    write_lines(path / record.CREDENTIALS, [lines[0], {"credential": IDENTITY.hex()}, *lines[2:]])
    _refused(path, "credentials.key")
    write_lines(path / record.CREDENTIALS, [lines[0], lines[2], lines[1], *lines[3:]])
    _refused(path, "credentials.order")
    extra = credential.new_credential()[1].public.hex()
    bigger = sorted([*(line["credential"] for line in lines[1:]), extra])
    write_lines(path / record.CREDENTIALS, [{**lines[0], "count": 7}, *({"credential": x} for x in bigger)])
    _refused(path, "credentials.signature")


def test_a_credential_list_whose_header_count_lies_is_refused(path):
    lines = read_lines(path / record.CREDENTIALS)
    write_lines(path / record.CREDENTIALS, [{**lines[0], "count": 5}, *lines[1:]])
    _refused(path, "credentials.count")


# The board's chain ----------------------------------------------------------------------------------

def test_reordered_revotes_break_the_positions_or_contradict_the_holders_decryption(election, path):
    header, entries = _board(path)
    # Voter 1's first ballot is entry 2, its second entry 6: swap them so the older one counts.
    swapped = [*entries[:1], entries[5], *entries[2:5], entries[1], *entries[6:]]
    _write_board(path, swapped, header)
    _refused(path, "board.position", also=("board.time", "board.close"))
    # Renumbered, re-timed, re-chained and re-closed by the board: the holders decrypted another board.
    _write_board(path, rechain(SMALL_MANIFEST, swapped))
    _refused(path, "tally.head", also=("tally.sums", "decryption.head"))


def test_a_dropped_ballot_breaks_the_positions_or_contradicts_the_holders_decryption(path):
    header, entries = _board(path)
    dropped = [*entries[:3], *entries[4:]]  # voter 2's only ballot
    _write_board(path, dropped, header)
    _refused(path, "board.position", also=("board.close", "board.count"))
    _write_board(path, rechain(SMALL_MANIFEST, dropped))
    _refused(path, "tally.head", also=("tally.sums", "tally.count", "decryption.head"))


def test_an_omitted_challenge_is_refused(path):
    header, entries = _board(path)
    assert entries[2]["type"] == "challenge"
    _write_board(path, [*entries[:2], *entries[3:]], {**header, "count": len(entries) - 1})
    _refused(path, "board.position", also=("board.close",))  # the close entry counts the challenge


def test_a_challenged_ballot_cast_by_a_voter_is_refused(election, path):
    """The board cannot cast it (no credential key); a voter who does is refused all the same."""
    _, entries = _board(path)
    opened = entries[2]["ballot"]
    encrypted = ballot.ballot_from_json(opened, "b")
    cast = ballot.cast_to_json(ballot.cast_ballot(SMALL_MANIFEST, encrypted, election.voters[5]))
    _write_board(path, rechain(SMALL_MANIFEST, [*entries[:-1], {"type": "ballot", "cast": cast}]))
    assert _failures(_refused(path, "board.challenged-cast")) == [
        ("board.jsonl positions 3 and 8", f"ballot {encrypted.ballot_id} appears twice (a challenged ballot cannot be cast)")]


def test_a_ballot_copied_under_another_credential_is_refused(election, path):
    _, entries = _board(path)
    copied = ballot.ballot_from_json(entries[0]["cast"]["ballot"], "b")
    cast = ballot.cast_to_json(ballot.cast_ballot(SMALL_MANIFEST, copied, election.voters[5]))
    _write_board(path, rechain(SMALL_MANIFEST, [*entries[:-1], {"type": "ballot", "cast": cast}]))
    assert _failures(_refused(path, "board.ballot-id-reused")) == [
        ("board.jsonl positions 1 and 8", f"ballot {copied.ballot_id} appears twice")]


def test_a_changed_tracking_field_an_entry_after_the_close_and_a_missing_close_are_refused(path):
    header, entries = _board(path)
    changed = copy.deepcopy(entries)
    changed[0]["tracking"] = "00" * 64
    _write_board(path, changed, header)
    assert _failures(_refused(path, "board.tracking")) == [("board.jsonl:2", "tracking is not the hash of the ballot")]
    _write_board(path, _signed_by_the_board([*entries, {**entries[-1], "position": len(entries) + 1}]))
    # a second close entry, signed by the board
    assert _failures(_refused(path, "board.after-close")) == [("board.jsonl:10", "an entry follows the close entry")]
    _write_board(path, [*entries, {**entries[0], "position": len(entries) + 1}])
    _refused(path, "board.after-close", also=("board.time", "board.ballot-id-reused"))
    _write_board(path, entries[:-1])
    assert _failures(_refused(path, "board.not-closed")) == [("board.jsonl", "the board has no close entry")]


def test_a_close_entry_not_signed_by_the_board_is_refused(path):
    header, entries = _board(path)
    _write_board(path, rechain(SMALL_MANIFEST, entries, credential.new_credential()[1]), header)
    assert _failures(_refused(path, "board.close")) == [
        ("board.jsonl:9", "the board's signature on the close entry: close signature does not verify")]


def test_a_board_whose_header_count_lies_is_refused(path):
    header, entries = _board(path)
    _write_board(path, entries, {**header, "count": 99})
    _refused(path, "board.count")


def test_a_ballot_whose_proof_was_altered_is_refused(election, path):
    header, entries = _board(path)
    proof = entries[0]["cast"]["ballot"]["contests"][1]["proof"]
    proof["v"][0] = (Scalar.from_hex(proof["v"][0]) + Scalar(1)).hex()
    _write_board(path, entries, header)
    _refused(path, "board.ballot-proof", also=("board.signature", "board.tracking", "board.close"))
    _signed_by_the_voter(election, entries[0], 0)  # the voter's own device altered it
    _write_board(path, _signed_by_the_board(entries), header)
    report = _refused(path, "board.ballot-proof")
    assert [(f.where, f.what) for f in report.failures] == [
        ("board.jsonl:2 council (number of marks)", "range proof for 0..2 does not verify")]


def test_an_opening_that_does_not_match_its_challenged_ballot_is_refused(path):
    header, entries = _board(path)
    mark = entries[2]["opening"]["contests"][0]["marks"][0]
    mark["value"] = 1 - mark["value"]
    _write_board(path, _signed_by_the_board(entries), header)
    report = _refused(path, "board.opening")
    assert [(f.where, f.what) for f in report.failures] == [
        ("board.jsonl:4 m0", "opening does not re-encrypt to the ciphertext")]


# The ceremony ---------------------------------------------------------------------------------------

def test_a_swapped_holder_key_is_refused(path):
    """The coordinator puts its own E_3 in (to read holder 3's shares) and signs with its own key."""
    cer = c.Ceremony(SMALL_MANIFEST)
    _edit_json(path / record.CEREMONY, lambda data: data["keys"].__setitem__(
        2, c.make_key_message(cer, c.start_holder(cer, 3), credential.new_credential()[1])))
    _refused(path, "ceremony.signature")


def test_a_forged_complaint_is_refused(path):
    def edit(data):
        data["checks"][2]["complaints"] = [{"dealer": 1, "shared_point": GENERATOR.hex(),
                                            "proof": {"c": "00" * 32, "v": "00" * 32}}]
    _edit_json(path / record.CEREMONY, edit)
    _refused(path, "ceremony.signature")


def test_a_changed_encrypted_share_or_joint_key_is_refused(path):
    def share(data):
        item = data["shares"][0]["shares"][1]
        item["ciphertext"] = ("01" if item["ciphertext"][:2] != "01" else "02") + item["ciphertext"][2:]
    _edit_json(path / record.CEREMONY, share)
    _refused(path, "ceremony.signature")


def test_a_joint_key_that_is_not_the_sum_of_the_commitments_is_refused(path):
    _edit_json(path / record.CEREMONY, lambda data: data.update(
        joint_public_key=(Point.from_hex(data["joint_public_key"]) + GENERATOR).hex()))
    _refused(path, "ceremony.joint-key")


def test_an_identity_joint_key_from_zero_constant_coefficients_is_refused(tmp_path):
    manifest = manifest_with(holders=2, quorum=1)
    cer = c.Ceremony(manifest)
    keys = []
    for i in (1, 2):
        secrets = c.start_holder(cer, i)
        keys.append(c.make_key_message(cer, c.HolderSecrets(i, secrets.encryption_secret, (Scalar(0),)), HOLDERS[i]))
    with pytest.raises(c.CryptoError) as caught:
        c.check_key_message(cer, keys[0], "keys[0]")
    assert caught.value.check == "ceremony.identity"


def test_an_upheld_complaint_ignored_in_the_qualified_set_is_refused(tmp_path):
    e = new_election(2, cheats={1: frozenset({2})})
    e.cast(0, A)
    e.close()
    path = e.write(tmp_path / "r", decrypting=(2, 3, 4))
    assert json.loads((path / record.CEREMONY).read_text())["qualified"] == [2, 3, 4]
    _edit_json(path / record.CEREMONY, lambda data: data.update(qualified=[1, 2, 3, 4]))
    _refused(path, "ceremony.qualified")


# Manifest, encodings, headers ----------------------------------------------------------------------

def test_an_identity_authority_key_is_refused(path):
    _edit_json(path / record.MANIFEST, lambda data: data["authorities"].update(board=IDENTITY.hex()))
    _refused(path, "manifest.authority-key")


def test_a_manifest_wider_than_256_range_branches_is_refused(path):
    wide = {"contest_id": "wide", "title": "", "min_marks": 0, "max_marks": 256, "against_all": None,
            "options": [{"option_id": f"o{i}", "title": ""} for i in range(256)]}
    _edit_json(path / record.MANIFEST, lambda data: data["contests"].append(wide))
    _refused(path, "manifest.branches")


def test_malformed_hex_and_versions_are_refused(path):
    lines = read_lines(path / record.CREDENTIALS)
    write_lines(path / record.CREDENTIALS, [{**lines[0], "manifest_hash": lines[0]["manifest_hash"].upper()},
                                            *lines[1:]])
    _refused(path, "credentials.hex")
    write_lines(path / record.CREDENTIALS, lines)
    _edit_json(path / record.MANIFEST, lambda data: data.update(version=True))
    _refused(path, "manifest.version")
    _edit_json(path / record.MANIFEST, lambda data: data.update(version="2"))
    _refused(path, "manifest.version")


def test_a_float_version_an_oversized_count_and_duplicate_keys_are_unreadable(path):
    text = (path / record.MANIFEST).read_text()
    (path / record.MANIFEST).write_text(text.replace('"version": 2', '"version": 2.0', 1))
    _refused(path, "read", code=2)
    (path / record.MANIFEST).write_text(text)
    header, entries = _board(path)
    write_lines(path / record.BOARD, [{**header, "count": 2**70}, *entries])
    report = _refused(path, "read", code=2)
    assert "outside" in report.render()
    write_lines(path / record.BOARD, [header, *entries])
    (path / record.TALLY).write_text('{"version": 2, "version": 2}')
    _refused(path, "read", code=2)


def test_hostile_files_exit_two_with_a_message_never_a_traceback(path, tmp_path):
    (path / record.BOARD).write_bytes(b"[" * 100_000)
    result = subprocess.run([sys.executable, "-m", "shailoo.crypto.verify", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert "RESULT: UNREADABLE" in result.stdout
    assert verify_record(tmp_path / "nowhere")[0] == 2
    (path / record.MANIFEST).write_text("{not json")
    assert verify_record(path)[0] == 2


# Tally, decryption, results ------------------------------------------------------------------------

def test_a_changed_encrypted_tally_is_refused(path):
    def edit(data):
        option = data["contests"][0]["options"][0]
        option["data"] = (Point.from_hex(option["data"]) + GENERATOR).hex()
    _edit_json(path / record.TALLY, edit)
    assert _failures(_refused(path, "tally.sums")) == [
        ("tally.json", "the encrypted tally is not the sum of the counted ballots")]


def test_a_changed_partial_decryption_is_refused(path):
    def edit(data):
        option = data["partial_decryptions"][0]["contests"][1]["options"][2]
        option["share"] = (Point.from_hex(option["share"]) + GENERATOR).hex()
    _edit_json(path / record.DECRYPTIONS, edit)
    assert _failures(_refused(path, "decryption.signature")) == [
        ("decryptions.json partial_decryptions[0] holder 1", "not signed by holder 1's key (decryption signature does not verify)")]


def test_a_re_signed_partial_decryption_with_a_wrong_share_fails_its_proof(path):
    def edit(data):
        message = data["partial_decryptions"][1]
        option = message["contests"][0]["options"][0]
        option["share"] = (Point.from_hex(option["share"]) + GENERATOR).hex()
        body = {k: v for k, v in message.items() if k != "signature"}
        message["signature"] = signature.sign(HOLDERS[message["holder"]], "decryption",
                                              [SMALL_MANIFEST.digest, jcs.canonical(body)]).hex()
    _edit_json(path / record.DECRYPTIONS, edit)
    assert _failures(_refused(path, "decryption.proof")) == [
        ("decryptions.json partial_decryptions[1] holder 2 mayor/m0", "Chaum-Pedersen proof does not verify")]


def test_a_decryption_by_fewer_than_k_holders_is_refused(path):
    _edit_json(path / record.DECRYPTIONS, lambda data: data["partial_decryptions"].pop())
    assert _failures(_refused(path, "decryption.quorum")) == [("decryptions.json", "2 partial decryptions, the quorum is 3")]


def test_a_changed_total_or_one_beyond_the_counted_ballots_is_refused(path):
    option = lambda data: data["contests"][0]["options"][0]  # noqa: E731
    _edit_json(path / record.RESULTS, lambda data: option(data).update(total=option(data)["total"] + 1))
    assert _failures(_refused(path, "results.total")) == [("results.json [0][0]", "total 3 does not match the decryption")]
    _edit_json(path / record.RESULTS, lambda data: option(data).update(total=6))
    assert _failures(_refused(path, "results.range")) == [("results.json", "a total exceeds the 5 counted ballots")]


def test_a_changed_manifest_changes_q_and_every_signature_on_it_fails(path):
    _edit_json(path / record.MANIFEST, lambda data: data.update(title="Another election"))
    _refused(path, "ceremony.manifest-hash")


def test_a_record_with_another_contest_layout_is_refused(path):
    contest = Contest("extra", "", (Option("x", ""),), 1, 1)
    manifest = manifest_with(contests=(*SMALL_MANIFEST.contests, contest))
    write_json(path / record.MANIFEST, manifest.to_json())
    _refused(path, "ceremony.manifest-hash")


def test_the_verifier_hands_the_holders_a_verified_record_before_decryption(election, tmp_path):
    from .election import write_before_decryption

    write_before_decryption(election, tmp_path / "r")
    code, report, verified = verify_record(tmp_path / "r", before_decryption=True)
    assert code == 0, report.render()
    assert verified.tally.ballots_counted == 5 and verified.tally.head == election.state.head
    assert verify_record(tmp_path / "r")[0] == 2  # a final record needs its tally files


def test_the_duplicate_finder_spills_sorted_runs_and_still_finds_every_repeated_id():
    from shailoo.crypto.checks import DuplicateFinder

    finder = DuplicateFinder(run_size=4)
    ids = [bytes([i]) * 16 for i in range(10)]
    for position, ballot_id in enumerate([*ids, ids[3], ids[7]], start=1):
        finder.add(ballot_id, position, b"c" if position == 4 else b"b")
    found = sorted((d[0][0], d[1], d[2], d[3], d[4]) for d in finder.duplicates())
    assert found == [(3, 4, b"c", 11, b"b"), (7, 8, b"b", 12, b"b")]


def test_an_election_where_nobody_voted_verifies_with_zero_totals(tmp_path):
    e = new_election(2)
    e.close()
    code, report, verified = verify_record(e.write(tmp_path / "empty"))
    assert code == 0, report.render()
    assert verified.tally.ballots_counted == 0
    results = json.loads((tmp_path / "empty" / record.RESULTS).read_text())
    assert {o["total"] for c in results["contests"] for o in c["options"]} == {0}


# Every other check, each broken alone in an otherwise valid record ----------------------------------

def _manifest_edit(edit):
    def apply(path, election):
        _edit_json(path / record.MANIFEST, edit)
    return apply


def _header_edit(name, **changes):
    def apply(path, election):
        lines = read_lines(path / name)
        write_lines(path / name, [{**lines[0], **changes}, *lines[1:]])
    return apply


def _line_edit(name, index, edit):
    def apply(path, election):
        lines = read_lines(path / name)
        edit(lines[index])
        write_lines(path / name, lines)
    return apply


def _json_edit(name, edit):
    def apply(path, election):
        _edit_json(path / name, edit)
    return apply


def _entry_edit(index, edit, voter=None, unreadable=False):
    """Change board entry ``index``; the voter's device signs the changed ballot when ``voter`` is given;
    the board counts and signs its close entry over the changed chain."""
    def apply(path, election):
        header, entries = _board(path)
        edit(entries[index])
        if voter is not None:
            _signed_by_the_voter(election, entries[index], voter)
        _write_board(path, _signed_by_the_board(entries, {index} if unreadable else ()), header)
    return apply


def _signed_by_the_holder(message):
    """The holder itself signs its ceremony message as it now stands."""
    body = {k: v for k, v in message.items() if k != "signature"}
    message["signature"] = signature.sign(HOLDERS[message["holder"]], "ceremony",
                                          [SMALL_MANIFEST.digest, jcs.canonical(body)]).hex()


def _resign_key_proof(data):
    """Holder 2 itself signs a round-1 message whose key proof is wrong."""
    proof = data["keys"][1]["encryption_key_proof"]
    proof["v"] = (Scalar.from_hex(proof["v"]) + Scalar(1)).hex()
    _signed_by_the_holder(data["keys"][1])


def _resign_keys_digest(data):
    """Dealer 2 signs a round-2 message naming other round-1 messages."""
    data["shares"][1]["keys_digest"] = "00" * 64
    _signed_by_the_holder(data["shares"][1])


def _resign_complaint(data):
    """Holder 3 signs a complaint against dealer 1 whose proof is wrong."""
    data["checks"][2]["complaints"] = [{"dealer": 1, "shared_point": GENERATOR.hex(),
                                        "proof": {"c": "00" * 32, "v": "00" * 32}}]
    _signed_by_the_holder(data["checks"][2])


def _swap(items, first, second):
    items[first], items[second] = items[second], items[first]


def _bump_credentials_line(line):
    line["extra"] = 1


def _upper(key):
    return lambda e: e.update({key: e[key].upper()})


STEPS = {"manifest": "manifest", "ceremony": "key ceremony", "credentials": "credential list", "board": "board: ",
         "tally": "encrypted tally: ", "decryption": "decryption", "results": "results: "}


@pytest.mark.parametrize("check, tamper, also, failures", [
    ("manifest.ids", _manifest_edit(lambda d: d["contests"][1].update(contest_id="mayor")), (),
     [('manifest.json contests[1]', "duplicate contest id 'mayor'")]),
    ("manifest.marks", _manifest_edit(lambda d: d["contests"][0].update(max_marks=0)), (),
     [('manifest.json contests[0]', 'marks must satisfy 0 <= min <= max <= ordinary options and max >= 1')]),
    ("manifest.times", _manifest_edit(lambda d: d.update(closes=d["opens"])), (),
     [('manifest.json', 'polls must open before they close')]),
    ("manifest.schema", _manifest_edit(lambda d: d.update(extra="field")), (),
     [('manifest.json', "unexpected key 'extra'")]),
    ("manifest.schema", _manifest_edit(lambda d: d["authorities"].update(quorum=5)), (),
     [('manifest.json.authorities', "'quorum' must be in 1..4, got 5")]),
    ("manifest.schema", _manifest_edit(lambda d: d["authorities"].update(quorum=0)), (),
     [('manifest.json.authorities', "'quorum' must be in 1..4, got 0")]),
    ("manifest.kind", _manifest_edit(lambda d: d.update(kind="manifesto")), (),
     [('manifest.json', '"kind" must be \'manifest\', got \'manifesto\'')]),
    ("manifest.version", _manifest_edit(lambda d: d.update(version=3)), (),
     [('manifest.json', '"version" must be the integer 2, got 3')]),
    ("manifest.authority-key", _manifest_edit(lambda d: d["authorities"].update(board=d["authorities"]["commission"])),
     (),
     [('manifest.json.authorities', "the authorities' keys must be pairwise distinct")]),
    ("ceremony.manifest-hash", _json_edit(record.CEREMONY, lambda d: d.update(manifest_hash="00" * 64)), (),
     [('ceremony.json', 'manifest_hash is not the hash of manifest.json')]),
    ("ceremony.key-proof", _json_edit(record.CEREMONY, _resign_key_proof), (),
     [('ceremony.json keys[1]', 'Schnorr proof does not verify')]),
    ("ceremony.attempt", _json_edit(record.CEREMONY, lambda d: d.update(attempt=2)), (),
     [('ceremony.json keys[0]', 'message of attempt 1, this is attempt 2')]),
    ("ceremony.schema", _json_edit(record.CEREMONY, lambda d: _swap(d["keys"], 0, 1)), (),
     [('ceremony', 'expected one ceremony-key message per holder 1..n, in order')]),
    ("ceremony.schema", _json_edit(record.CEREMONY, lambda d: _swap(d["checks"], 2, 3)), (),
     [('ceremony', 'expected one ceremony-check message per holder 1..n, in order')]),
    ("ceremony.transcript", _json_edit(record.CEREMONY, _resign_keys_digest), (),
     [('ceremony.json shares[1]', 'keys_digest differs: the dealer saw other round-1 messages')]),
    ("ceremony.complaint", _json_edit(record.CEREMONY, _resign_complaint), (),
     [('ceremony.json checks[2].complaints[0]', 'Chaum-Pedersen proof does not verify')]),
    ("ceremony.final", _json_edit(record.CEREMONY, lambda d: _swap(d["finals"], 0, 3)), (),
     [('ceremony.json finals[0]', 'finals come from every qualified holder, in order')]),
    ("credentials.manifest-hash", _header_edit(record.CREDENTIALS, manifest_hash="00" * 64), (),
     [('credentials.jsonl:1', 'manifest_hash is not the hash of manifest.json')]),
    ("credentials.version", _header_edit(record.CREDENTIALS, version=True), (),
     [('credentials.jsonl:1', '"version" must be the integer 2, got True')]),
    ("credentials.kind", _header_edit(record.CREDENTIALS, kind="board"), (),
     [('credentials.jsonl:1', '"kind" must be \'credentials\', got \'board\'')]),
    ("credentials.schema", _line_edit(record.CREDENTIALS, 3, _bump_credentials_line), (),
     [('credentials.jsonl:4', "unexpected key 'extra'")]),
    # A header that fails is not read further: its count is unknown.
    ("board.manifest-hash", _header_edit(record.BOARD, manifest_hash="00" * 64), (),
     [('board.jsonl:1', 'manifest_hash is not the hash of manifest.json')]),
    ("board.kind", _header_edit(record.BOARD, kind="chain"), ("board.count",),
     [('board.jsonl:1', '"kind" must be \'board\', got \'chain\''), ('board.jsonl', 'the header announces -1 entries, the file holds 8')]),
    ("board.version", _header_edit(record.BOARD, version=True), ("board.count",),
     [('board.jsonl:1', '"version" must be the integer 2, got True'), ('board.jsonl', 'the header announces -1 entries, the file holds 8')]),
    ("board.header", _header_edit(record.BOARD, count=None), ("board.count",),
     [('board.jsonl:1', "'count' must be an integer, got None"), ('board.jsonl', 'the header announces -1 entries, the file holds 8')]),
    ("board.hex", _header_edit(record.BOARD, manifest_hash="AB" * 64), ("board.count",),
     [('board.jsonl:1.manifest_hash', 'expected 128 lowercase hex digits'), ('board.jsonl', 'the header announces -1 entries, the file holds 8')]),
    ("board.time", _entry_edit(0, lambda e: e.update(time=SMALL_MANIFEST.opens - 1)), (),
     [('board.jsonl:2', 'time goes back: the entries are not in the order they were appended'), ('board.jsonl:2', 'outside the polling times of the manifest')]),
    ("board.position", _entry_edit(3, lambda e: e.update(position=e["position"] + 1)), (),
     [('board.jsonl:5', 'position 5, expected 4: an entry was dropped, inserted or moved'), ('board.jsonl:6', 'position 5, expected 6: an entry was dropped, inserted or moved')]),
    ("board.schema", _entry_edit(1, lambda e: e.update(type="vote"), unreadable=True), (),
     [('board.jsonl:3', 'type must be ballot, challenge or close')]),
    ("board.schema", _entry_edit(1, lambda e: e.update(extra=1), unreadable=True), (),
     [('board.jsonl:3', "unexpected key 'extra'")]),
    ("board.schema", _entry_edit(2, lambda e: e.update(position=0), unreadable=True), (),
     [('board.jsonl:4', "'position' must be in 1..9007199254740991, got 0")]),
    ("board.schema", _entry_edit(2, lambda e: e["opening"]["contests"][0]["marks"][0].update(value=2),
                                 unreadable=True), (),
     [("board.jsonl:4 opening contests[0].marks[0]", "'value' must be in 0..1, got 2")]),
    ("board.hex", _entry_edit(2, lambda e: e["ballot"].update(ballot_id="00"), unreadable=True), (),
     [("board.jsonl:4 ballot.ballot_id", "expected 32 lowercase hex digits")]),
    ("board.schema", _entry_edit(4, lambda e: e.update(time=-1), unreadable=True), (),
     [("board.jsonl:6", "'time' must be in 0..9007199254740991, got -1")]),
    # A close entry that cannot be read closes nothing.
    ("board.hex", _entry_edit(7, _upper("signature"), unreadable=True), ("board.not-closed",),
     [("board.jsonl:9.signature", "expected 128 lowercase hex digits"), ("board.jsonl", "the board has no close entry")]),
    ("board.schema", _entry_edit(7, lambda e: e.update(ballots=-1), unreadable=True), ("board.not-closed",),
     [("board.jsonl:9", "'ballots' must be in 0..9007199254740991, got -1"), ("board.jsonl", "the board has no close entry")]),
    ("board.schema", _entry_edit(7, lambda e: e.update(challenges=True), unreadable=True), ("board.not-closed",),
     [("board.jsonl:9", "'challenges' must be an integer, got True"), ("board.jsonl", "the board has no close entry")]),
    ("board.hex", _entry_edit(3, _upper("tracking"), unreadable=True), (),
     [('board.jsonl:5.tracking', 'expected 128 lowercase hex digits')]),
    ("board.ballot-shape", _entry_edit(0, lambda e: e["cast"]["ballot"]["contests"][0]["selections"].pop(), voter=0),
     (),
     [('board.jsonl:2', 'options of contest mayor differ from the manifest')]),
    ("board.identity", _entry_edit(0, lambda e: e["cast"].update(credential=IDENTITY.hex()), unreadable=True), (),
     [('board.jsonl:2 cast.credential', 'the identity element is refused here')]),
    ("tally.count", _json_edit(record.TALLY, lambda d: d.update(ballots_counted=4)), (),
     [('tally.json', 'ballots_counted is 4, 5 ballots count')]),
    ("tally.head", _json_edit(record.TALLY, lambda d: d.update(head="00" * 64)), (),
     [('tally.json', 'the tally names another board head')]),
    ("tally.manifest-hash", _json_edit(record.TALLY, lambda d: d.update(manifest_hash="00" * 64)), (),
     [('tally.json', 'manifest_hash is not the hash of manifest.json')]),
    ("tally.schema", _json_edit(record.TALLY, lambda d: d.update(extra=1)), (),
     [('tally.json', "unexpected key 'extra'")]),
    ("tally.shape", _json_edit(record.TALLY, lambda d: d["contests"].pop()), (),
     [('tally.json', 'contests differ from the manifest')]),
    ("decryption.holders", _json_edit(record.DECRYPTIONS, lambda d: d["partial_decryptions"].reverse()), (),
     [('decryptions.json', 'partial decryptions come from distinct holders in increasing order')]),
    ("decryption.manifest-hash", _json_edit(record.DECRYPTIONS, lambda d: d.update(manifest_hash="00" * 64)), (),
     [('decryptions.json', 'manifest_hash is not the hash of manifest.json')]),
    ("decryption.schema", _json_edit(record.DECRYPTIONS, lambda d: d["partial_decryptions"][1].update(kind="x")), (),
     [('decryptions.json partial_decryptions[1]', 'expected a decryption message')]),
    ("decryption.schema", _json_edit(record.DECRYPTIONS, lambda d: d.update(extra=1)), (),
     [('decryptions.json', "unexpected key 'extra'")]),
    ("decryption.schema", _json_edit(record.DECRYPTIONS, lambda d: d["partial_decryptions"].extend(
        d["partial_decryptions"][:2])), (),
     [("decryptions.json", "'partial_decryptions' must hold 0..4 items, got 5")]),
    ("decryption.quorum", _json_edit(record.DECRYPTIONS, lambda d: d.update(partial_decryptions=[])), (),
     [("decryptions.json", "0 partial decryptions, the quorum is 3")]),
    ("ceremony.hex", _json_edit(record.CEREMONY, _upper("manifest_hash")), (),
     [("ceremony.json.manifest_hash", "expected 128 lowercase hex digits")]),
    ("tally.hex", _json_edit(record.TALLY, _upper("manifest_hash")), (),
     [("tally.json.manifest_hash", "expected 128 lowercase hex digits")]),
    ("decryption.hex", _json_edit(record.DECRYPTIONS, _upper("manifest_hash")), (),
     [("decryptions.json.manifest_hash", "expected 128 lowercase hex digits")]),
    ("results.hex", _json_edit(record.RESULTS, _upper("manifest_hash")), (),
     [("results.json.manifest_hash", "expected 128 lowercase hex digits")]),
    ("results.count", _json_edit(record.RESULTS, lambda d: d.update(ballots_counted=4)), (),
     [('results.json', 'ballots_counted differs from the number of counted ballots')]),
    ("results.manifest-hash", _json_edit(record.RESULTS, lambda d: d.update(manifest_hash="00" * 64)), (),
     [('results.json', 'manifest_hash is not the hash of manifest.json')]),
    ("results.schema", _json_edit(record.RESULTS, lambda d: d.update(extra=1)), (),
     [('results.json', "unexpected key 'extra'")]),
    ("results.shape", _json_edit(record.RESULTS, lambda d: d["contests"].reverse()), (),
     [('results.json', 'expected contest mayor')]),
])
def test_each_check_names_itself_when_its_property_alone_is_broken(election, path, check, tamper, also, failures):
    tamper(path, election)
    report = _refused(path, check, also=also)
    assert [(f.where, f.what) for f in report.failures] == failures
    failed_steps = [line for line in report.lines if line.startswith("  FAIL")]
    assert len(failed_steps) == 1 and failed_steps[0].startswith("  FAIL" + STEPS[check.split(".")[0]]), report.lines


# The board's times, counts and entries, each at its limit -------------------------------------------

def _without_tally(path):
    for name in (record.TALLY, record.DECRYPTIONS, record.RESULTS):
        (path / name).unlink()


def test_entries_at_the_opening_instant_at_equal_times_and_just_before_the_close_are_accepted(path):
    header, entries = _board(path)
    entries[0]["time"] = entries[1]["time"] = SMALL_MANIFEST.opens
    entries[6]["time"] = SMALL_MANIFEST.closes - 1
    entries[7]["time"] = SMALL_MANIFEST.closes
    _write_board(path, _signed_by_the_board(entries), header)
    _without_tally(path)
    code, report, verified = verify_record(path, before_decryption=True)
    assert code == 0, report.render()
    assert verified.tally.ballots_counted == 5


BACK = "time goes back: the entries are not in the order they were appended"
OUTSIDE = "outside the polling times of the manifest"


@pytest.mark.parametrize("index, moment, where, whats", [
    (3, lambda t: t[2] - 1, "board.jsonl:5", [BACK]),
    (6, lambda t: SMALL_MANIFEST.closes, "board.jsonl:8", [OUTSIDE]),
    (0, lambda t: SMALL_MANIFEST.opens - 1, "board.jsonl:2", [BACK, OUTSIDE]),  # the board opens at the opening
    (7, lambda t: SMALL_MANIFEST.closes - 1, "board.jsonl:9", ["the polls were closed before the closing time"]),
])
def test_each_time_rule_of_the_board_names_the_entry_that_breaks_it(path, index, moment, where, whats):
    header, entries = _board(path)
    entries[index]["time"] = moment([e["time"] for e in entries])
    _write_board(path, _signed_by_the_board(entries), header)
    report = _refused(path, "board.time")
    assert [(f.where, f.what) for f in report.failures] == [(where, what) for what in whats]


def test_a_close_entry_signed_by_the_board_with_wrong_counts_is_refused(path):
    header, entries = _board(path)
    for ballots, challenges in ((5, 1), (6, 2), (7, 0)):
        _write_board(path, _signed_by_the_board(entries, close_counts=(ballots, challenges)), header)
        report = _refused(path, "board.close")
        assert [f.what for f in report.failures] == [
            f"the close entry counts {ballots} ballots and {challenges} challenges, the chain holds 6 and 1"]


def test_a_challenged_ballot_whose_proof_was_altered_is_refused(path):
    header, entries = _board(path)
    proof = entries[2]["ballot"]["contests"][0]["selections"][0]["proof"]
    proof["v"][0] = (Scalar.from_hex(proof["v"][0]) + Scalar(1)).hex()
    entries[2]["tracking"] = ballot.tracking_hash(SMALL_MANIFEST.digest, entries[2]["ballot"]).hex()
    _write_board(path, _signed_by_the_board(entries), header)
    report = _refused(path, "board.ballot-proof")
    assert [(f.where, f.what) for f in report.failures] == [("board.jsonl:4 mayor/m0", "range proof for 0..1 does not verify")]


def test_an_unreadable_board_line_makes_the_record_unreadable_and_names_the_line(path):
    lines = (path / record.BOARD).read_text().splitlines(keepends=True)
    lines[3] = '{"position": 3, "position": 3}\n'
    (path / record.BOARD).write_text("".join(lines))
    report = _refused(path, "read", code=2)
    assert [(f.where, f.what) for f in report.failures] == [("board.jsonl:4", "unreadable: duplicate key 'position'")]


def test_a_partial_decryption_signed_for_another_board_head_is_refused(election, honest_record, path):
    _, _, verified = verify_record(honest_record)
    stale = tally.make_partial(SMALL_MANIFEST, dataclasses.replace(verified.tally, head=bytes(64)), 2,
                               election.ceremony.secret_shares[2], HOLDERS[2])
    _edit_json(path / record.DECRYPTIONS, lambda data: data["partial_decryptions"].__setitem__(1, stale))
    report = _refused(path, "decryption.head")
    assert [(f.where, f.what) for f in report.failures] == [
        ("decryptions.json partial_decryptions[1] holder 2", "decrypts another board (head differs)")]


def test_two_worker_processes_find_what_one_finds(honest_record, path):
    code, report, verified = verify_record(honest_record, workers=2)
    assert code == 0 and verified.tally.ballots_counted == 5, report.render()
    assert verified.tally.sums == verify_record(honest_record)[2].tally.sums
    header, entries = _board(path)
    _write_board(path, [*entries[:1], entries[5], *entries[2:5], entries[1], *entries[6:]], header)
    got, report, _ = verify_record(path, workers=2)
    assert got == 1 and report.checks == {"board.position", "board.time", "board.close"}, report.render()


# The report and the verifier's bounded-memory helpers -----------------------------------------------

def test_the_report_marks_each_step_and_shows_the_first_20_failures_with_their_codes():
    from shailoo.crypto.checks import Report

    report = Report()
    report.step("manifest")
    assert report.render().splitlines() == ["Shailoo election record verification (protocol version 2)",
                                            "  ok  manifest"]
    for i in range(21):
        report.fail("board.time", f"board.jsonl:{i}", "late")
    report.fail("board.close", "board.jsonl:99", "unsigned")
    report.step("board")
    report.step("counting")
    assert (report.failure_count, len(report.failures), report.checks) == (22, 20, {"board.time", "board.close"})
    assert report.render().splitlines() == [
        "Shailoo election record verification (protocol version 2)", "  ok  manifest", "  FAILboard",
        "  ok  counting", "  22 failure(s); the first 20:", *(f"    [board.time] board.jsonl:{i}: late" for i in range(20))]


def test_the_spill_sort_returns_every_record_in_order_across_spilled_runs():
    from shailoo.crypto.checks import SpillSort

    order = [(i * 7919) % 10_000 for i in range(10_000)]  # a permutation of 0..9999
    items = [i.to_bytes(3, "big") for i in order]
    spilled = SpillSort(3, run_size=4_500)  # runs longer than one 4096-record block
    for item in items:
        spilled.add(item)
    assert spilled.count == 10_000
    assert list(spilled.sorted()) == sorted(items)
    kept = SpillSort(3)
    for item in items[:5]:
        kept.add(item)
    assert list(kept.sorted()) == sorted(items[:5])
    with pytest.raises(AssertionError):
        kept.add(b"\x00" * 4)


def _numbers(chunk):
    return [number for number, _ in chunk]


def test_the_runner_hands_out_chunks_of_64_lines_in_order_in_process_or_on_a_pool(honest_record):
    from shailoo.crypto.walk import Runner

    manifest_json = json.loads((honest_record / record.MANIFEST).read_text())
    key = json.loads((honest_record / record.CEREMONY).read_text())["joint_public_key"]
    lines = [(number, b"") for number in range(1, 201)]
    expected = [list(range(1, 65)), list(range(65, 129)), list(range(129, 193)), list(range(193, 201))]
    alone = Runner(1, manifest_json, key)
    assert alone.pool is None and list(alone.run(_numbers, iter(lines))) == expected
    alone.close()
    pooled = Runner(2, manifest_json, key)
    try:
        assert pooled.pool is not None and pooled.workers == 2
        assert list(pooled.run(_numbers, iter(lines))) == expected
        assert list(pooled.run(_numbers, iter(lines[:64]))) == expected[:1]
    finally:
        pooled.close()


def test_a_record_nested_beyond_the_interpreters_limit_is_unreadable_not_a_crash(honest_record, monkeypatch):
    def too_deep(path):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(record, "RecordReader", too_deep)
    code, report, verified = verify_record(honest_record)
    assert (code, verified, report.checks) == (2, None, {"read"})
    assert [(f.where, f.what) for f in report.failures] == [(str(honest_record), "unreadable: nesting too deep")]


@pytest.mark.parametrize("damage, where, what", [
    (lambda text: text.rstrip("\n"), "board.jsonl:9", "line too long or not ended by a newline"),
    (lambda text: text.replace("\n", "\n\n", 1), "board.jsonl:2", "empty line"),
    (lambda text: text.replace("\n", "\n \n", 1), "board.jsonl:2", "empty line"),
    (lambda text: "", "board.jsonl:1", "empty file (no header line)"),
    (lambda text: text + "[" + " " * (jcs.MAX_LINE_BYTES - 1) + "]\n", "board.jsonl:10",
     "line too long or not ended by a newline"),
    (lambda text: text + "[" + " " * (jcs.MAX_LINE_BYTES - 2) + "]\n", "board.jsonl:10", "larger than 4194304 bytes"),
    (lambda text: text + "[" + " " * (jcs.MAX_LINE_BYTES - 3) + "]\n", "board.jsonl:10", "type must be ballot, challenge or close"),
])
def test_the_boards_lines_are_newline_ended_not_empty_and_bounded(path, damage, where, what):
    board_file = path / record.BOARD
    board_file.write_text(damage(board_file.read_text()))
    got, report, _ = verify_record(path)
    if what.startswith("type"):  # a line of exactly the limit is read, then refused as an entry
        assert got == 1 and [(f.where, f.what) for f in report.failures if f.check == "board.schema"] == [(where, what)]
        return
    assert (got, report.checks) == (2, {"read"})
    assert [(f.where, f.what) for f in report.failures] == [(where, f"unreadable: {what}")]


def test_a_record_that_is_neither_a_directory_nor_a_zip_or_lacks_a_file_is_unreadable(path, tmp_path):
    not_zip = tmp_path / "record.zip"
    not_zip.write_bytes(b"PK not really")
    assert [(f.where, f.what) for f in _refused(not_zip, "read", code=2).failures] == [
        (str(not_zip), f"unreadable: {not_zip} is neither a directory nor a zip file")]
    archive = tmp_path / "partial.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in path.iterdir():
            if file.name != record.CEREMONY:
                out.write(file, file.name)
    assert [(f.where, f.what) for f in _refused(archive, "read", code=2).failures] == [
        (str(archive), "unreadable: the record has no ceremony.json")]
    (path / record.RESULTS).unlink()
    assert [(f.where, f.what) for f in _refused(path, "read", code=2).failures] == [
        (str(path), "unreadable: the record has no results.json")]


def test_the_report_gives_the_seconds_the_verification_took(path):
    # The last step reports the wall-clock time of this verification, final or before decryption.
    for before_decryption in (False, True):
        if before_decryption:
            _without_tally(path)
        started = time.monotonic()
        code, report, _ = verify_record(path, before_decryption=before_decryption)
        took = time.monotonic() - started
        assert code == 0, report.render()
        seconds = float(re.fullmatch(r"  ok  time: (\d+\.\d) s with 1 worker\(s\)", report.lines[-1]).group(1))
        assert 0 <= seconds <= took + 0.1


def test_the_runner_reads_at_most_two_chunks_per_worker_ahead_of_the_results(honest_record):
    # The verifier's memory is bounded: on a pool of W workers the board is read at most 2 W chunks ahead
    # of the results handed back.
    from shailoo.crypto.walk import CHUNK, Runner

    manifest_json = json.loads((honest_record / record.MANIFEST).read_text())
    key = json.loads((honest_record / record.CEREMONY).read_text())["joint_public_key"]
    pulled = []

    def lines():
        for number in range(1, 10 * CHUNK + 1):
            pulled.append(number)
            yield number, b""
    pooled = Runner(2, manifest_json, key)
    try:
        results = pooled.run(_numbers, lines())
        assert next(results) == list(range(1, CHUNK + 1))
        assert len(pulled) == 4 * CHUNK
        assert [chunk[0] for chunk in results] == [n * CHUNK + 1 for n in range(1, 10)]
    finally:
        pooled.close()


def test_an_unexpected_key_in_a_challenge_or_the_close_entry_is_named_by_its_line(election, path):
    header, entries = _board(path)
    for index, line, also in ((2, "board.jsonl:4", ()), (7, "board.jsonl:9", ("board.not-closed",))):
        changed = [*entries[:index], {**entries[index], "extra": 1}, *entries[index + 1:]]
        _write_board(path, _signed_by_the_board(changed, {index}), header)
        report = _refused(path, "board.schema", also=also)
        assert (line, "unexpected key 'extra'") in _failures(report)


@pytest.mark.parametrize("index, also, failures", [
    (2, (), [("board.jsonl:4", "unexpected key 'extra'")]),  # the challenge entry
    # A close entry that cannot be read closes nothing.
    (7, ("board.not-closed",), [("board.jsonl:9", "unexpected key 'extra'"), ("board.jsonl", "the board has no close entry")]),
])
def test_a_challenge_or_close_entry_with_a_key_too_many_is_refused_at_its_line(election, path, index, also, failures):
    header, entries = _board(path)
    assert entries[index]["type"] == ("challenge" if index == 2 else "close")
    _entry_edit(index, lambda e: e.update(extra=1), unreadable=True)(path, election)
    assert _failures(_refused(path, "board.schema", also=also)) == failures
