# SPDX-License-Identifier: Apache-2.0
"""The observer's verifier on simulated records: honest ones pass, every kind of tampering fails."""
import dataclasses
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from shailoo.crypto import ballot as ballots
from shailoo.crypto import simulate
from shailoo.crypto.disjunctive import prove_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.group import GENERATOR, Point, Scalar
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.verify import main, verify_record

NON_CANONICAL = "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"


@pytest.fixture(scope="module")
def honest_record(tmp_path_factory):
    path = tmp_path_factory.mktemp("record") / "election"
    code = simulate.main([
        "--voters", "10", "--contests", "1of3,0-2of4,1of2+against", "--holders", "3", "--quorum", "2",
        "--revote-share", "0.3", "--challenge-share", "0.3", "--seed", "7", "--out", str(path),
    ])
    assert code == 0
    return path


@pytest.fixture
def record(honest_record, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(honest_record, copy)
    return copy


def _edit_json(path, edit):
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def _edit_line(path, index, edit):
    """Edit the JSON object on line ``index`` (1 = first ballot after the header)."""
    lines = path.read_text().splitlines()
    entry = json.loads(lines[index])
    edit(entry)
    lines[index] = json.dumps(entry)
    path.write_text("\n".join(lines) + "\n")


def _invalid(record_path, *fragments):
    code, report = verify_record(record_path)
    text = report.render()
    assert code == 1, text
    for fragment in fragments:
        assert fragment in text, text
    return text


def test_an_honest_record_verifies_with_exit_code_zero(honest_record, capsys):
    assert main([str(honest_record)]) == 0
    out = capsys.readouterr().out
    assert "RESULT: VALID" in out and "challenged ballots" in out and "superseded" in out


def test_an_honest_record_verifies_on_two_worker_processes_as_a_command(honest_record):
    result = subprocess.run(
        [sys.executable, "-m", "shailoo.crypto.verify", str(honest_record), "--workers", "2"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 worker(s)" in result.stdout


def test_an_honest_record_verifies_as_a_zip(honest_record, tmp_path):
    archive = tmp_path / "record.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in honest_record.iterdir():
            out.write(file, file.name)
    assert verify_record(archive)[0] == 0


def test_a_changed_ciphertext_fails(record):
    def edit(entry):
        ciphertext = entry["ballot"]["contests"][0]["selections"][0]["ciphertext"]
        ciphertext["data"] = (Point.from_hex(ciphertext["data"]) + GENERATOR).hex()
    _edit_line(record / "ballots.jsonl", 1, edit)
    _invalid(record, "ballots.jsonl:2", "does not verify")


def test_a_changed_proof_fails(record):
    def edit(entry):
        proof = entry["ballot"]["contests"][1]["proof"]
        proof["v"][0] = (Scalar.from_hex(proof["v"][0]) + Scalar(1)).hex()
    _edit_line(record / "ballots.jsonl", 2, edit)
    _invalid(record, "ballots.jsonl:3", "number of marks")


def test_a_changed_tracking_code_fails(record):
    _edit_line(record / "ballots.jsonl", 1, lambda entry: entry.update(tracking_code="AAAA-AAAA-AAAA-AAAA-AAAA"))
    _invalid(record, "tracking code")


def test_a_non_canonical_point_fails(record):
    def edit(entry):
        entry["ballot"]["contests"][0]["selections"][1]["ciphertext"]["pad"] = NON_CANONICAL
    _edit_line(record / "ballots.jsonl", 1, edit)
    _invalid(record, "non-canonical")


def test_a_ballot_with_two_marks_in_a_one_mark_contest_fails(record):
    manifest = manifest_from_json(json.loads((record / "manifest.json").read_text()))
    key = Point.from_hex(json.loads((record / "ceremony.json").read_text())["joint_public_key"])

    def edit(entry):
        ballot = ballots.ballot_from_json(entry["ballot"], "b")
        contest = ballot.contests[0]
        selections = list(contest.selections)
        for index, selection in enumerate(selections):  # mark every option, each with a valid 0/1 proof
            nonce = Scalar.random()
            ciphertext = encrypt(1, key, nonce)
            label = ballots.selection_label(ballot.ballot_id, ballot.credential, contest.contest_id,
                                            selection.option_id)
            proof = prove_range(ciphertext, 1, nonce, key, 0, 1, manifest.digest, label)
            selections[index] = ballots.EncryptedSelection(selection.option_id, ciphertext, proof)
        forged = dataclasses.replace(
            ballot, contests=(dataclasses.replace(contest, selections=tuple(selections)), *ballot.contests[1:])
        )
        entry["ballot"] = ballots.ballot_to_json(forged)
        entry["tracking_code"] = ballots.tracking_code(manifest.digest, forged)
    _edit_line(record / "ballots.jsonl", 1, edit)
    _invalid(record, "number of marks")


def test_a_duplicated_ballot_fails(record):
    path = record / "ballots.jsonl"
    lines = path.read_text().splitlines()
    lines.insert(2, lines[1])
    path.write_text("\n".join(lines) + "\n")
    _invalid(record, "duplicate")


def test_a_challenged_ballot_that_was_cast_fails(record):
    challenged = (record / "challenged.jsonl").read_text().splitlines()
    assert len(challenged) > 1, "the fixture must hold a challenged ballot"
    opened = json.loads(challenged[1])["ballot"]
    _edit_line(record / "ballots.jsonl", 1, lambda entry: entry.update(ballot=opened))
    _invalid(record, "challenged")


def test_an_opening_that_does_not_match_its_challenged_ballot_fails(record):
    def edit(entry):
        mark = entry["opening"]["contests"][0]["marks"][0]
        mark["value"] = 1 - mark["value"]
    _edit_line(record / "challenged.jsonl", 1, edit)
    _invalid(record, "challenged.jsonl:2")


def test_a_changed_encrypted_key_share_fails(record):
    def edit(data):
        share = data["dealers"][0]["shares"][1]
        share["ciphertext"] = bytes(a ^ b for a, b in zip(bytes.fromhex(share["ciphertext"]), b"\x01" + bytes(31), strict=True)).hex()
    _edit_json(record / "ceremony.json", edit)
    _invalid(record, "acknowledgement of holder 2")


def test_a_changed_coefficient_commitment_fails(record):
    def edit(data):
        commitments = data["dealers"][1]["commitments"]
        commitments[1] = (Point.from_hex(commitments[1]) + GENERATOR).hex()
    _edit_json(record / "ceremony.json", edit)
    _invalid(record, "ceremony dealer 2 C1", "Schnorr")


def test_a_changed_joint_key_fails(record):
    _edit_json(record / "ceremony.json",
               lambda data: data.update(joint_public_key=(Point.from_hex(data["joint_public_key"]) + GENERATOR).hex()))
    _invalid(record, "joint public key")


def test_a_changed_encrypted_tally_fails(record):
    def edit(data):
        option = data["contests"][0]["options"][0]
        option["data"] = (Point.from_hex(option["data"]) + GENERATOR).hex()
    _edit_json(record / "tally.json", edit)
    _invalid(record, "encrypted tally is not the sum")


def test_a_changed_partial_decryption_fails(record):
    def edit(data):
        option = data["partial_decryptions"][0]["contests"][1]["options"][2]
        option["share"] = (Point.from_hex(option["share"]) + GENERATOR).hex()
    _edit_json(record / "decryptions.json", edit)
    _invalid(record, "Chaum-Pedersen")


def test_a_decryption_by_fewer_than_k_holders_fails(record):
    _edit_json(record / "decryptions.json", lambda data: data["partial_decryptions"].pop())
    _invalid(record, "quorum is 2")


def test_a_changed_total_fails(record):
    _edit_json(record / "results.json", lambda data: data["contests"][0]["options"][0].update(
        total=data["contests"][0]["options"][0]["total"] + 1))
    _invalid(record, "does not match the decryption")


def test_a_changed_manifest_fails_every_proof(record):
    _edit_json(record / "manifest.json", lambda data: data.update(title="Another election"))
    _invalid(record, "manifest_hash")


def test_a_record_without_version_fails(record):
    _edit_json(record / "results.json", lambda data: data.pop("version"))
    _invalid(record, "version")


def test_a_missing_file_or_path_is_unreadable_with_exit_code_two(record, tmp_path):
    (record / "tally.json").unlink()
    assert verify_record(record)[0] == 2
    assert verify_record(tmp_path / "nowhere")[0] == 2
    (record / "manifest.json").write_text("{not json")
    assert verify_record(record)[0] == 2


def test_the_command_exits_one_on_an_invalid_record(record):
    _edit_json(record / "decryptions.json", lambda data: data["partial_decryptions"].pop())
    result = subprocess.run([sys.executable, "-m", "shailoo.crypto.verify", str(record)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "RESULT: INVALID" in result.stdout


def test_counting_the_board_gives_the_published_encrypted_tally(honest_record):
    from shailoo.crypto import counting, record, tally

    reader = record.RecordReader(honest_record)
    manifest = manifest_from_json(reader.read_json("manifest.json"))
    published = reader.read_json("tally.json")
    counted = counting.sum_counted(reader, workers=2, chunk=3)
    assert counted.ballots_counted == published["ballots_counted"] == 10
    assert counted.sums == tally.sums_from_json(manifest, published["contests"], "tally.json")


def test_a_record_whose_cheating_dealer_was_disqualified_verifies(tmp_path):
    path = tmp_path / "cheat.zip"
    assert simulate.main([
        "--voters", "3", "--contests", "1of2", "--holders", "3", "--quorum", "2", "--cheat", "1:2",
        "--seed", "3", "--out", str(path),
    ]) == 0
    code, report = verify_record(path)
    assert code == 0, report.render()
    assert "1 complaint(s), 1 dealer(s) disqualified" in report.render()
    assert json.loads(zipfile.ZipFile(path).read("ceremony.json"))["qualified"] == [2, 3]


def test_a_qualified_set_that_ignores_an_upheld_complaint_fails(record):
    _edit_json(record / "ceremony.json", lambda data: data.update(qualified=[1, 2]))
    _invalid(record, "qualified dealers are [1, 2, 3]")


def test_a_total_shifted_by_the_group_order_fails(record):
    from shailoo.crypto.group import L

    _edit_json(record / "results.json", lambda data: data["contests"][0]["options"][0].update(
        total=data["contests"][0]["options"][0]["total"] + L))
    _invalid(record, "exceeds")
