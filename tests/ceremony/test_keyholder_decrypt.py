# SPDX-License-Identifier: Apache-2.0
"""End to end with evoting: holders registered and the ceremony run by shailoo-keyholder through the relay;
evoting fixes the manifests (which opens the ceremonies), adopts the finished ceremony, freezes the
credentials; e-voters cast; the board closes; three holders run `shailoo-keyholder decrypt` as processes
against the live server: each verifies the closed record itself and posts its partial decryption; at the
quorum the server publishes totals equal to what was cast, and the whole record verifies."""
from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from shailoo.ceremony import services as ceremony_services
from shailoo.ceremony.models import KeyHolder
from shailoo.crypto import ballot, jcs
from shailoo.crypto.verify import verify_record
from shailoo.elections.models import Candidate, Constituency
from shailoo.evoting import closing, selectors
from shailoo.evoting import services as evoting
from shailoo.evoting.models import Board
from tests.ceremony.test_keyholder_program import in_process, keyholder
from tests.evoting.helpers import enrol
from tests.factories import make_territory

CHOICES = [(0, 1), (1,), (1, 2)]  # candidates marked by the three voters, by ballot place


def test_three_holders_decrypt_with_the_program_and_the_totals_are_what_was_cast(tmp_path, relay):
    territory = make_territory()
    election = territory.election
    constituency = Constituency.objects.create(election=election, number=1, name_ky="Округ №1", name_ru="Округ №1",
                                               seats=3, max_marks=2)
    constituency.precincts.add(territory.precinct)
    candidates = [Candidate.objects.create(election=election, constituency=constituency, surname=f"Талапкер{i}",
                                           name="Асан", gender="M", ballot_order=i) for i in range(1, 5)]
    voters = [enrol(territory) for _ in CHOICES]

    ceremony_services.name_holders(election, [ceremony_services.HolderEntry(f"Holder {i}") for i in range(1, 6)], 3,
                                   by=None)
    files = {}
    for holder in KeyHolder.objects.filter(election=election).order_by("index"):
        files[holder.index] = tmp_path / f"holder{holder.index}.key"
        code = ceremony_services.issue_code(holder, by=None)
        assert in_process("init", "--file", str(files[holder.index]), "--kdf-memory", "8") == 0
        assert in_process("register", "--file", str(files[holder.index]), "--server", relay, "--election",
                          election.slug, "--code", code) == 0

    (board,) = evoting.create_boards(election, by=None)
    now = timezone.now()
    evoting.set_polls(board, opens=now - dt.timedelta(hours=1), closes=now + dt.timedelta(hours=1), by=None,
                      override="test: polls open an hour ago, during enrolment")
    evoting.fix_manifests(election, by=None)  # opens the board's ceremony in the ceremony app
    for _ in range(6):
        if [in_process("ceremony", "--file", str(files[i]), "--wait", "0") for i in files] == [0] * 5:
            break
    else:
        raise AssertionError("the ceremony did not finish")
    board = evoting.adopt_ceremony(Board.objects.get(pk=board.pk), by=None)
    board = evoting.freeze_credentials(board, by=None)

    manifest, key = evoting.board_manifest(board), evoting.election_key(board)
    options = manifest.contests[0].option_ids
    for voter, marks in zip(voters, CHOICES, strict=True):
        encrypted, _ = ballot.encrypt_ballot(manifest, key, {manifest.contests[0].contest_id:
                                                             frozenset(options[m] for m in marks)})
        cast = ballot.cast_ballot(manifest, encrypted, voter.key)
        evoting.cast(board, jcs.canonical(ballot.cast_to_json(cast)), pin=voter.pin)
    closing.close_board(board, at=manifest.closes + 5)

    for index in (1, 2, 4):
        done = keyholder("decrypt", "--file", str(files[index]))
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"{election.slug}/1: partial decryption posted" in done.stdout
    late = keyholder("decrypt", "--file", str(files[5]))
    assert late.returncode == 3 and "[step.out-of-order]" in late.stderr  # tallied at the quorum

    (totals,) = selectors.evote_totals(election)
    assert totals.ballots == 3
    assert totals.votes == {c.pk: sum(place in marks for marks in CHOICES) for place, c in enumerate(candidates)}
    record = tmp_path / "record.zip"
    record.write_bytes(b"".join(Client().get(f"/evoting/api/{election.slug}/1/record.zip").streaming_content))
    code, report, _ = verify_record(record)
    assert code == 0, report.render()
