# SPDX-License-Identifier: Apache-2.0
"""python -m shailoo.crypto.challenge: a second tool checks a Benaloh-checked ballot, from the booth's
file or from a published record, and says which choices the device had encrypted."""
import copy
import json
from pathlib import Path

from shailoo.crypto import challenge, record

from .election import write_json, write_lines

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"
DATA = json.loads((VECTORS / "election.json").read_text())
CHECKED = next(s for s in DATA["board"]["submissions"] if s["type"] == "challenge")


def make_record(directory: Path, data: dict) -> Path:
    write_json(directory / record.MANIFEST, data["manifest"])
    write_lines(directory / record.CREDENTIALS, [data["credentials"]["header"], *data["credentials"]["lines"]])
    write_json(directory / record.CEREMONY, data["ceremony"]["transcript"])
    entries = [s["entry"] for s in data["board"]["submissions"]] + [data["board"]["close"]["entry"]]
    write_lines(directory / record.BOARD, [{"version": 2, "kind": "board", "manifest_hash": data["Q"],
                                            "count": len(entries)}, *entries])
    return directory


def booth_file(path: Path, **changes) -> Path:
    value = {"manifest": DATA["manifest"], "joint_public_key": DATA["ceremony"]["transcript"]["joint_public_key"],
             "ballot": CHECKED["ballot"], "opening": CHECKED["opening"], "receipt": CHECKED["receipt"], **changes}
    path.write_text(json.dumps(value))
    return path


def test_a_checked_ballot_in_the_record_opens_to_its_choices(tmp_path, capsys):
    directory = make_record(tmp_path, DATA)
    assert challenge.main([str(directory), CHECKED["code"][:9].lower()]) == 0
    out = capsys.readouterr().out
    assert f"position 2: checked ballot {CHECKED['code']} opens to: mayor: b; council: z" in out
    assert "RESULT: VALID" in out


def test_a_false_opening_in_the_record_is_reported(tmp_path, capsys):
    data = copy.deepcopy(DATA)
    entry = data["board"]["submissions"][1]["entry"]
    marks = entry["opening"]["contests"][0]["marks"]
    marks[0]["value"], marks[1]["value"] = 1, 0  # claims "a" where "b" was encrypted
    assert challenge.main([str(make_record(tmp_path, data)), CHECKED["code"]]) == 1
    out = capsys.readouterr().out
    assert "does NOT open" in out and "re-encrypt" in out and "RESULT: INVALID" in out


def test_an_unknown_code_is_not_found(tmp_path, capsys):
    directory = make_record(tmp_path, DATA)
    cast_code = DATA["board"]["submissions"][0]["code"]  # a cast ballot, not a checked one
    assert challenge.main([str(directory), cast_code]) == 2
    assert "no challenged ballot" in capsys.readouterr().out


def test_the_booths_file_is_checked_with_its_receipt(tmp_path, capsys):
    assert challenge.main([str(booth_file(tmp_path / "checked.json"))]) == 0
    out = capsys.readouterr().out
    assert f"checked ballot {CHECKED['code']} opens to: mayor: b; council: z" in out
    assert "published at position 2" in out


def test_the_booths_file_with_another_ballots_receipt_or_a_false_opening_is_invalid(tmp_path, capsys):
    other = DATA["board"]["submissions"][0]["receipt"]
    assert challenge.main([str(booth_file(tmp_path / "a.json", receipt=other))]) == 1
    assert "not for this checked ballot" in capsys.readouterr().out
    opening = copy.deepcopy(CHECKED["opening"])
    opening["contests"][1]["marks"][2]["nonce"] = opening["contests"][1]["marks"][1]["nonce"]
    assert challenge.main([str(booth_file(tmp_path / "b.json", opening=opening))]) == 1
    assert "RESULT: INVALID" in capsys.readouterr().out
