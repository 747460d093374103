# SPDX-License-Identifier: Apache-2.0
"""python -m shailoo.crypto.challenge: a second tool checks a Benaloh-checked ballot, from the booth's
file or from a published record, and says which choices the device had encrypted."""
import copy
import json
from pathlib import Path

import pytest

from shailoo.crypto import board, challenge, codec, jcs, record, signature
from shailoo.crypto.ballot import display_code
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.signature import SigningKey

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
    out = capsys.readouterr().out.splitlines()
    assert out == [f"INVALID: {tmp_path / 'b.json'} z: opening does not re-encrypt to the ciphertext", "RESULT: INVALID"]


KEY = DATA["ceremony"]["transcript"]["joint_public_key"]
MANIFEST = manifest_from_json(DATA["manifest"])


def _output(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_the_booths_file_without_a_receipt_is_checked_and_says_so_line_by_line(tmp_path, capsys):
    path = tmp_path / "checked.json"
    path.write_text(json.dumps({k: v for k, v in json.loads(booth_file(path).read_text()).items() if k != "receipt"}))
    assert challenge.main([str(path)]) == 0
    assert _output(capsys) == [f"checked ballot {CHECKED['code']} opens to: mayor: b; council: z",
                               f"election key used: {KEY} (compare it with the key on the public board)",
                               "RESULT: VALID"]


@pytest.mark.parametrize("value", [
    ["manifest", "joint_public_key", "ballot", "opening"],  # the names, but not an object
    "manifest joint_public_key ballot opening",
    {"manifest": DATA["manifest"], "joint_public_key": KEY, "ballot": CHECKED["ballot"]},  # no opening
])
def test_a_file_that_is_not_the_booths_is_unreadable_and_says_what_was_expected(tmp_path, capsys, value):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(value))
    assert challenge.main([str(path)]) == 2
    assert _output(capsys) == [
        f"unreadable: {path}: expected the booth's file: manifest, joint_public_key, ballot, opening (receipt)",
        "RESULT: UNREADABLE"]


def test_a_file_that_is_not_json_is_unreadable_and_named(tmp_path, capsys):
    path = tmp_path / "checked.json"
    path.write_text('{"manifest": ')
    assert challenge.main([str(path)]) == 2
    out = _output(capsys)
    assert out[0].startswith(f"unreadable: {path}: ") and out[1:] == ["RESULT: UNREADABLE"]


def _signed_receipt(kind: str, tracking: str) -> dict:
    """A receipt the board itself signed (its key from the vectors) for `kind` and `tracking`."""
    key = SigningKey.from_secret(codec.scalar_of(DATA["authorities"]["secrets"]["board"], "board"))
    receipt = {**CHECKED["receipt"], "type": kind, "tracking": tracking,
               "code": display_code(bytes.fromhex(tracking))}
    parts = board.receipt_parts(MANIFEST, kind, bytes.fromhex(tracking), receipt["position"],
                                bytes.fromhex(receipt["head"]), receipt["time"])
    return {**receipt, "signature": signature.sign(key, "receipt", parts).hex()}


def test_a_receipt_for_the_cast_ballot_of_the_same_tracking_is_not_the_checked_ballots(tmp_path, capsys):
    # Signed by the board and for this ballot's tracking hash, but saying it was cast, not checked.
    assert challenge.main([str(booth_file(tmp_path / "a.json", receipt=_signed_receipt(board.BALLOT,
                                                                                       CHECKED["tracking"])))]) == 1
    assert _output(capsys)[2:] == ["[receipt] the board's receipt is not for this checked ballot", "RESULT: INVALID"]
    other = DATA["board"]["submissions"][0]["tracking"]  # a checked-ballot receipt for another ballot
    assert challenge.main([str(booth_file(tmp_path / "b.json", receipt=_signed_receipt(board.CHALLENGE, other)))]) == 1
    assert _output(capsys)[2:] == ["[receipt] the board's receipt is not for this checked ballot", "RESULT: INVALID"]
    signed = _signed_receipt(board.CHALLENGE, CHECKED["tracking"])  # the same check, signed again: accepted
    assert challenge.main([str(booth_file(tmp_path / "c.json", receipt=signed))]) == 0
    assert _output(capsys)[2:] == ["the board's signed receipt: published at position 2", "RESULT: VALID"]


def test_each_part_of_the_booths_file_is_named_where_it_fails(tmp_path, capsys):
    identity = "00" * 32
    broken = {"manifest": {**DATA["manifest"], "contests": []}, "joint_public_key": identity,
              "ballot": {**CHECKED["ballot"], "contests": []}, "opening": {**CHECKED["opening"], "contests": []},
              "receipt": {**CHECKED["receipt"], "signature": "00" * 64}}
    for part, place in [("manifest", "manifest"), ("joint_public_key", "joint_public_key"), ("ballot", "ballot"),
                        ("opening", "opening"), ("receipt", "receipt")]:
        path = booth_file(tmp_path / f"{part}.json", **{part: broken[part]})
        assert challenge.main([str(path)]) == 1, part
        out = _output(capsys)
        assert out[0].startswith(f"INVALID: {path}.{place}") and out[1:] == ["RESULT: INVALID"], out
    path = booth_file(tmp_path / "identity.json", joint_public_key=identity)
    challenge.main([str(path)])
    assert _output(capsys)[0] == f"INVALID: {path}.joint_public_key: the identity element is refused here"


def test_the_choices_are_printed_in_the_manifests_order_and_an_empty_contest_as_none():
    assert challenge.choices_text(MANIFEST, {"mayor": frozenset({"a"}), "council": frozenset()}) == \
        "mayor: a; council: (none)"
    assert challenge.choices_text(MANIFEST, {"mayor": frozenset({"b"}), "council": frozenset({"z", "x"})}) == \
        "mayor: b; council: x, z"


def test_a_typed_code_is_read_as_the_base32_letters_whatever_the_case_spaces_and_hyphens():
    assert challenge.code_prefix("y3jh-1cy3 we\tvx\n") == "Y3JH1CY3WEVX"
    assert challenge.code_prefix("oil-OIL") == "011011"  # O is read as zero, I and L as one
    assert challenge.code_prefix(challenge.code_prefix("0123456789ABCDEFGHJKMNPQRSTVWXYZ")) == \
        "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for text in ("", " - ", "Y3JH-U", "Y3JH!"):  # U is not in the alphabet
        with pytest.raises(jcs.UnreadableInput) as caught:
            challenge.code_prefix(text)
        assert str(caught.value) == f"{text!r} is not a tracking code (letters and digits of the base32 alphabet)"


def test_the_record_is_searched_by_the_codes_first_letters_and_every_match_is_printed(tmp_path, capsys):
    directory = make_record(tmp_path, DATA)
    assert challenge.main([str(directory), CHECKED["code"][:4]]) == 0
    assert _output(capsys) == [f"position 2: checked ballot {CHECKED['code']} opens to: mayor: b; council: z",
                               "RESULT: VALID"]
    assert challenge.main([str(directory), "Y3JH-1CY3-WEVX-JMMK-QMS2-Y9FP-4WX"]) == 2  # one letter too many
    assert _output(capsys) == [f"no challenged ballot with a code starting Y3JH-1CY3-WEVX-JMMK-QMS2-Y9FP-4WX in "
                               f"{directory}", "RESULT: UNREADABLE"]


def test_a_challenge_entry_whose_tracking_hash_is_not_its_ballots_does_not_open(tmp_path, capsys):
    data = copy.deepcopy(DATA)
    entry = data["board"]["submissions"][1]["entry"]
    entry["tracking"] = entry["tracking"][:40] + ("0" if entry["tracking"][40] != "0" else "1") + entry["tracking"][41:]
    assert challenge.main([str(make_record(tmp_path, data)), CHECKED["code"]]) == 1
    assert _output(capsys) == [f"position 2: checked ballot {CHECKED['code']} does NOT open: board.jsonl:3: the "
                               "entry's tracking hash is not its ballot's", "RESULT: INVALID"]


def test_a_challenge_entry_with_a_field_too_many_is_unreadable_where_it_is(tmp_path, capsys):
    data = copy.deepcopy(DATA)
    data["board"]["submissions"][1]["entry"]["extra"] = 1
    assert challenge.main([str(make_record(tmp_path, data)), CHECKED["code"]]) == 1
    out = _output(capsys)
    assert out[0].startswith("INVALID: board.jsonl:3") and out[1:] == ["RESULT: INVALID"]


def test_an_unreadable_record_or_a_forged_ceremony_is_reported_so(tmp_path, capsys):
    assert challenge.main([str(tmp_path / "none"), "Y3JH"]) == 2
    assert _output(capsys) == [f"unreadable: {tmp_path / 'none'} does not exist", "RESULT: UNREADABLE"]
    data = copy.deepcopy(DATA)
    data["ceremony"]["transcript"]["joint_public_key"] = data["manifest"]["authorities"]["board"]
    (tmp_path / "r").mkdir()
    assert challenge.main([str(make_record(tmp_path / "r", data)), "Y3JH"]) == 1
    out = _output(capsys)
    assert out[0].startswith("INVALID: ceremony.json") and out[1:] == ["RESULT: INVALID"]


def test_the_command_says_how_to_use_it(capsys):
    with pytest.raises(SystemExit) as exited:
        challenge.main(["--help"])
    assert exited.value.code == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "Check a challenged (Benaloh-checked) Shailoo ballot." in lines
    assert "source the booth's checked-ballot file, or a record (directory or zip)" in lines
    assert "code with a record: the tracking code (or its first letters)" in lines


def test_the_search_goes_past_challenged_ballots_of_other_codes(tmp_path, capsys):
    data = copy.deepcopy(DATA)
    other = copy.deepcopy(data["board"]["submissions"][1])
    other["entry"]["tracking"] = data["board"]["submissions"][0]["tracking"]  # another code, listed first
    data["board"]["submissions"].insert(1, other)
    assert challenge.main([str(make_record(tmp_path, data)), CHECKED["code"]]) == 0
    assert _output(capsys)[-1] == "RESULT: VALID"


@pytest.mark.parametrize(("field", "value", "place"), [
    ("tracking", "zz", "board.jsonl:3.tracking"),
    ("ballot", {}, "board.jsonl:3.ballot"),
])
def test_a_malformed_challenge_entry_is_named_where_it_breaks(tmp_path, capsys, field, value, place):
    data = copy.deepcopy(DATA)
    data["board"]["submissions"][1]["entry"][field] = value
    assert challenge.main([str(make_record(tmp_path, data)), CHECKED["code"] if field != "tracking" else "Y"]) == 1
    out = _output(capsys)
    assert place in out[0] and out[1:] == ["RESULT: INVALID"], out


def test_a_checked_ballot_whose_proof_fails_is_named_as_the_files_ballot(tmp_path, capsys):
    forged = copy.deepcopy(CHECKED["ballot"])
    selections = forged["contests"][0]["selections"]
    selections[0]["ciphertext"], selections[1]["ciphertext"] = selections[1]["ciphertext"], selections[0]["ciphertext"]
    path = booth_file(tmp_path / "checked.json", ballot=forged)
    assert challenge.main([str(path)]) == 1
    out = _output(capsys)
    assert out[0].startswith(f"INVALID: {path}.ballot mayor/") and "proof" in out[0], out
    assert out[1:] == ["RESULT: INVALID"]
