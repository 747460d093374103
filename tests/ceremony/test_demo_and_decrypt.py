# SPDX-License-Identifier: Apache-2.0
"""The demo's holders and in-process ceremony; and the holder program's guarded decryption: it decrypts a
closed board's record only after verifying it completely, and its partial decryptions combine into the
totals that were cast. The record is built here with shailoo.crypto as the board writes it, and served
by a stand-in for evoting's two endpoints (record.zip, decryptions) until those land."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from shailoo.ceremony import selectors, services
from shailoo.ceremony.demo import prepare_demo_holders, run_demo_ceremony
from shailoo.crypto import board, credential, record, tally
from shailoo.crypto.ballot import cast_ballot, encrypt_ballot
from shailoo.crypto.decryption import check_share
from shailoo.crypto.group import Point
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.signature import generate_signing_key
from shailoo.crypto.verify import verify_record
from shailoo.keyholder.holder import Holder, Refusal
from shailoo.keyholder.keyfile import KeyFile
from tests.ceremony.helpers_ceremony import CLOSES, OPENS, make_constituency
from tests.factories import make_territory

pytestmark = pytest.mark.django_db
CHOICES = [{"candidate-1"}, {"candidate-1", "candidate-3"}, {"against-all"}, set(), {"candidate-2"}]


def _demo(tmp_path: Path):
    election = make_territory().election
    constituency = make_constituency(election, 1)
    holders = prepare_demo_holders(election, tmp_path / "keys", server="http://127.0.0.1:8599")
    commission, board_key = generate_signing_key(), generate_signing_key()
    options = (*(Option(f"candidate-{i}", f"Candidate {i}") for i in range(1, 4)), Option("against-all", "Against all"))
    manifest = Manifest(f"{election.slug}/1", "Demo", OPENS, CLOSES,
                        Authorities(commission.public, board_key.public,
                                    tuple(Point.from_hex(k) for k in selectors.holder_keys(election) or []), 3),
                        (Contest("constituency-1", "Demo", options, 0, 2, "against-all"),))
    services.open_ceremonies(election, {constituency.pk: manifest.to_json()}, by=None)
    keys = run_demo_ceremony(election, holders)
    return election, constituency, holders, manifest, commission, board_key, keys


def test_the_demo_runs_a_finished_verified_ceremony_and_writes_openable_key_files(tmp_path):
    election, constituency, holders, _, _, _, keys = _demo(tmp_path)
    result = selectors.ceremony_result(election, constituency)
    assert result is not None and keys == {f"{election.slug}/1": result.joint_public_key}
    assert [h.index for h in holders] == [1, 2, 3, 4, 5]
    opened = KeyFile.open(holders[0].file, holders[0].passphrase)
    saved = opened.data["boards"][f"{election.slug}/1"]
    assert saved["done"] and saved["joint_public_key"] == result.joint_public_key and len(saved["share"]) == 64
    assert holders[0].passphrase in holders[0].line()


def _record(path: Path, manifest: Manifest, ceremony_json: dict[str, Any], commission, board_key) -> None:
    voters = [credential.new_credential()[1] for _ in CHOICES]
    credentials = credential.sign_list(manifest, (v.public for v in voters), commission)
    key = Point.from_hex(ceremony_json["joint_public_key"])
    writer = record.RecordWriter(path)
    writer.write_json(record.MANIFEST, manifest.to_json())
    with writer.lines(record.CREDENTIALS, credential.list_header(manifest, credentials)) as out:
        out.writelines(record.dumps_line(line) for line in credential.list_lines(credentials))
    writer.write_json(record.CEREMONY, ceremony_json)
    state = board.genesis(manifest)
    entries = []
    for number, (voter, choice) in enumerate(zip(voters, CHOICES, strict=True), start=1):
        ballot, _ = encrypt_ballot(manifest, key, {"constituency-1": frozenset(choice)})
        appended = board.append_ballot(manifest, state, cast_ballot(manifest, ballot, voter), OPENS + number, board_key)
        entries.append(appended.entry)
        state = appended.state
    closed = board.close_board(manifest, state, CLOSES, len(CHOICES), 0, board_key)
    entries.append(closed.entry)
    header = {"version": 2, "kind": "board", "manifest_hash": manifest.digest.hex(), "count": len(entries)}
    with writer.lines(record.BOARD, header) as out:
        out.writelines(record.dumps_line(entry) for entry in entries)
    writer.close()


class EvotingStandIn:
    """evoting's record download and decryptions endpoint (contract 4), as the holder's client sees them."""

    def __init__(self, record_zip: Path) -> None:
        self.record_zip, self.posted = record_zip, []

    def get(self, path: str) -> Any:
        raise AssertionError(f"unexpected GET {path}")

    def download(self, path: str, target: Path) -> None:
        assert path.endswith("/record.zip")
        shutil.copy(self.record_zip, target)

    def post(self, path: str, body: Any) -> Any:
        assert path.endswith("/decryptions")
        self.posted.append(body)
        return {"holder": body["holder"]}


def test_three_holders_decrypt_a_verified_record_and_their_shares_give_the_totals(tmp_path):
    election, _, holders, manifest, commission, board_key, _ = _demo(tmp_path)
    board_id = f"{election.slug}/1"
    result = selectors.ceremony_result(election, election.constituencies.get())
    assert result is not None
    zipped = tmp_path / "record.zip"
    _record(zipped, manifest, result.ceremony_json, commission, board_key)
    served = EvotingStandIn(zipped)
    for demo in holders[1:4]:
        Holder(KeyFile.open(demo.file, demo.passphrase), served, say=lambda _line: None).decrypt(board_id)  # type: ignore[arg-type]
    assert [p["holder"] for p in served.posted] == [2, 3, 4]
    code, _, verified = verify_record(zipped, before_decryption=True)
    assert code == 0 and verified is not None
    partials = [check_share(verified, p) for p in served.posted]
    totals = tally.totals_from_points(tally.combine(verified.tally, partials, 3), verified.tally.ballots_counted)
    expected = tuple(sum(option in choice for choice in CHOICES)
                     for option in ("candidate-1", "candidate-2", "candidate-3", "against-all"))
    assert totals == (expected,)
    assert KeyFile.open(holders[1].file, holders[1].passphrase).data["boards"][board_id]["decrypted"]


def test_a_holder_refuses_to_decrypt_a_record_that_does_not_verify(tmp_path):
    election, _, holders, manifest, commission, board_key, _ = _demo(tmp_path)
    result = selectors.ceremony_result(election, election.constituencies.get())
    assert result is not None
    zipped, tampered = tmp_path / "record.zip", tmp_path / "tampered.zip"
    _record(zipped, manifest, result.ceremony_json, commission, board_key)
    with zipfile.ZipFile(zipped) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == record.BOARD:  # the board drops the second ballot and renumbers nothing
                lines = data.split(b"\n")
                data = b"\n".join(lines[:2] + lines[3:])
            target.writestr(name, data)
    served = EvotingStandIn(tampered)
    program = Holder(KeyFile.open(holders[0].file, holders[0].passphrase), served, say=lambda _line: None)  # type: ignore[arg-type]
    with pytest.raises(Refusal) as refused:
        program.decrypt(f"{election.slug}/1")
    assert refused.value.code == "decrypt.record-invalid" and "[board." in refused.value.what
    assert served.posted == []
