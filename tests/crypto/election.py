# SPDX-License-Identifier: Apache-2.0
"""A small election run through the public API, written as a record, and the tools the attack tests use to
play a cheating board (re-chaining the entries it rewrote, re-signing with its own key)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from shailoo.crypto import ballot, board, credential, decryption, jcs, record, verify
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.signature import SigningKey
from shailoo.crypto.transcript import CeremonyRun, run_ceremony

from .strategies import BOARD, COMMISSION, HOLDERS, SMALL_MANIFEST


@dataclass
class Election:
    manifest: Manifest
    ceremony: CeremonyRun
    voters: list[SigningKey]
    credentials: credential.CredentialList
    entries: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    state: board.BoardState | None = None

    @property
    def key(self):
        return self.ceremony.result.joint_public_key

    def _time(self) -> int:
        assert self.state is not None
        return self.state.time + 1000

    def cast(self, voter: int, choices: dict[str, frozenset[str]]) -> dict[str, Any]:
        encrypted, _ = ballot.encrypt_ballot(self.manifest, self.key, choices)
        return self.submit(ballot.cast_to_json(ballot.cast_ballot(self.manifest, encrypted, self.voters[voter])))

    def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        """What the server does with a cast ballot the booth posts: accept, then append."""
        cast = board.accept_cast(self.manifest, self.key, lambda c: self.credentials.index(c) is not None,
                                 jcs.loads(jcs.canonical(data), "cast"))
        appended = board.append_ballot(self.manifest, self.state, cast, self._time(), BOARD)
        return self._append(appended)

    def challenge(self, choices: dict[str, frozenset[str]]) -> dict[str, Any]:
        encrypted, opening = ballot.encrypt_ballot(self.manifest, self.key, choices)
        challenged = board.accept_challenge(self.manifest, self.key, {
            "ballot": ballot.ballot_to_json(encrypted), "opening": ballot.opening_to_json(opening)})
        return self._append(board.append_challenge(self.manifest, self.state, challenged, self._time(), BOARD))

    def _append(self, appended: board.Appended) -> dict[str, Any]:
        self.entries.append(appended.entry)
        self.state = appended.state
        assert appended.receipt is not None
        self.receipts.append(appended.receipt)
        return appended.receipt

    def close(self) -> None:
        assert self.state is not None
        ballots = sum(e["type"] == "ballot" for e in self.entries)
        closed = board.close_board(self.manifest, self.state, self.manifest.closes, ballots,
                                   len(self.entries) - ballots, BOARD)
        self.entries.append(closed.entry)
        self.state = closed.state

    def write(self, path: Path, decrypting: tuple[int, ...] = (1, 2, 3)) -> Path:
        """The whole record: the closed board verified by the holders, decrypted by ``decrypting``."""
        write_before_decryption(self, path)
        code, report, verified = verify.verify_record(path, before_decryption=True)
        assert code == 0 and verified is not None, report.render()
        partials = [decryption.check_share(verified, decryption.decrypt_share(
            verified, j, self.ceremony.secret_shares[j], HOLDERS[j])) for j in decrypting]
        tally_json, decryptions_json, results_json = decryption.combine_shares(verified, partials)
        write_json(path / record.TALLY, tally_json)
        write_json(path / record.DECRYPTIONS, decryptions_json)
        write_json(path / record.RESULTS, results_json)
        return path


def new_election(voters: int = 6, manifest: Manifest = SMALL_MANIFEST, cheats=None) -> Election:
    run = run_ceremony(manifest, HOLDERS, cheats=cheats)
    keys = [credential.new_credential()[1] for _ in range(voters)]
    credentials = credential.sign_list(manifest, [k.public for k in keys], COMMISSION)
    return Election(manifest, run, keys, credentials, state=board.genesis(manifest))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_lines(path: Path, lines: list[Any]) -> None:
    path.write_text("".join(record.dumps_line(line) for line in lines), encoding="utf-8")


def read_lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def help_text(main: Any, capsys: Any) -> str:
    """What a command prints for --help, its whitespace folded (argparse wraps to the terminal); it exits 0."""
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def board_header(manifest: Manifest, count: int) -> dict[str, Any]:
    return {"version": 2, "kind": "board", "manifest_hash": manifest.digest.hex(), "count": count}


def write_before_decryption(election: Election, path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    manifest = election.manifest
    write_json(path / record.MANIFEST, manifest.to_json())
    write_lines(path / record.CREDENTIALS, [credential.list_header(manifest, election.credentials),
                                            *credential.list_lines(election.credentials)])
    write_json(path / record.CEREMONY, election.ceremony.transcript)
    write_lines(path / record.BOARD, [board_header(manifest, len(election.entries)), *election.entries])


def rechain(manifest: Manifest, entries: list[dict[str, Any]], board_key: SigningKey = BOARD) -> list[dict[str, Any]]:
    """What a board that rewrote its entries does to hide it: renumber, re-time in order, recompute every
    head and sign a new close entry (its own key: the board is the adversary here)."""
    state = board.genesis(manifest)
    out = []
    ballots = challenges = 0
    for entry in entries:
        moment = state.time + 1000
        if entry["type"] == "ballot":
            cast = ballot.cast_from_json(manifest, entry["cast"], "rechain")
            appended = board.append_ballot(manifest, state, cast, moment, board_key)
            ballots += 1
        elif entry["type"] == "challenge":
            challenged = board.ChallengedBallot(
                ballot.ballot_from_json(entry["ballot"], "rechain"),
                ballot.tracking_hash(manifest.digest, entry["ballot"]),
                ballot.opening_from_json(entry["opening"], "rechain"))
            appended = board.append_challenge(manifest, state, challenged, moment, board_key)
            challenges += 1
        else:
            continue
        out.append(appended.entry)
        state = appended.state
    out.append(board.close_board(manifest, state, manifest.closes, ballots, challenges, board_key).entry)
    return out
