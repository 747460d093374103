# SPDX-License-Identifier: Apache-2.0
"""An e-voting election ready to vote, built through evoting's services: a constituency with candidates,
enrolled e-voters (list entry "votes electronically", applied e-voting application with a credential the
test holds), five key holders with quorum 3 whose ceremony runs in this process (shailoo.crypto), the
manifest fixed, the ceremony adopted, the credential list frozen, the polls open now."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shailoo.cabinet.models import Application
from shailoo.crypto import ballot
from shailoo.crypto.credential import new_credential
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.signature import SigningKey, generate_signing_key
from shailoo.crypto.transcript import CeremonyRun, run_ceremony
from shailoo.elections.models import Candidate, Constituency
from shailoo.evoting import services
from shailoo.evoting.models import Board
from shailoo.register.models import VoterListEntry
from tests.factories import Territory, list_voter, make_citizen, make_territory

HOLDERS = {i: generate_signing_key() for i in range(1, 6)}
QUORUM = 3


@dataclass
class EVoter:
    pin: str
    key: SigningKey
    application: Application


@dataclass
class EElection:
    territory: Territory
    constituency: Constituency
    board: Board
    manifest: Manifest
    ceremony: CeremonyRun
    voters: list[EVoter] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.territory.election.slug

    @property
    def key(self):
        return self.ceremony.result.joint_public_key

    def refresh(self) -> Board:
        self.board = Board.objects.select_related("election", "constituency").get(pk=self.board.pk)
        return self.board

    @property
    def contest_id(self) -> str:
        return self.manifest.contests[0].contest_id

    def options(self) -> tuple[str, ...]:
        return self.manifest.contests[0].option_ids

    def cast_json(self, voter: EVoter, marks: frozenset[str] | None = None) -> dict[str, Any]:
        marks = frozenset(self.options()[:1]) if marks is None else marks
        encrypted, _ = ballot.encrypt_ballot(self.manifest, self.key, {self.contest_id: marks})
        return ballot.cast_to_json(ballot.cast_ballot(self.manifest, encrypted, voter.key))

    def challenge_json(self, marks: frozenset[str] | None = None) -> dict[str, Any]:
        marks = frozenset(self.options()[:1]) if marks is None else marks
        encrypted, opening = ballot.encrypt_ballot(self.manifest, self.key, {self.contest_id: marks})
        return {"ballot": ballot.ballot_to_json(encrypted), "opening": ballot.opening_to_json(opening)}


def enrol(territory: Territory, *, phone: str = "+996700123456", language: str = "ky",
          credential: SigningKey | None = None, surname: str = "Абдыкадырова") -> EVoter:
    citizen = make_citizen(territory.settlement, surname=surname)
    list_voter(citizen, territory.election, territory.precinct, voting_mode=VoterListEntry.VotingMode.ELECTRONIC)
    key = credential or new_credential()[1]
    application = Application.objects.create(
        kind=Application.Kind.EVOTING, election=territory.election, citizen=citizen, pin=citizen.pin,
        precinct=territory.precinct, status=Application.Status.APPLIED, phone=phone, language=language)
    Application.objects.filter(pk=application.pk).update(credential_public_key=key.public.hex())
    application.refresh_from_db()
    return EVoter(citizen.pin, key, application)


def make_evoting(voters: int = 2, *, name: str = "Самаркандек", number: int = 1, candidates: int = 4,
                 opens: dt.datetime | None = None, closes: dt.datetime | None = None,
                 territory: Territory | None = None) -> EElection:
    territory = territory or make_territory(name=name)
    constituency = Constituency.objects.create(election=territory.election, number=number, name_ky=name,
                                               name_ru=name, seats=3, max_marks=2)  # shown "№1 Самаркандек"
    constituency.precincts.add(territory.precinct)
    for order in range(1, candidates + 1):
        Candidate.objects.create(election=territory.election, constituency=constituency, surname=f"Талапкер{order}",
                                 name="Асан", gender="M", ballot_order=order)
    evoters = [enrol(territory) for _ in range(voters)]
    board = next(b for b in services.create_boards(territory.election, by=None) if b.constituency_id == constituency.pk)
    now = timezone.now()
    services.set_polls(board, opens=opens or now - dt.timedelta(hours=1), closes=closes or now + dt.timedelta(hours=1),
                       by=None, override="test: polls set around now, during enrolment")
    board = services.fix_manifest(board, by=None, holder_keys=[HOLDERS[i].public.hex() for i in sorted(HOLDERS)],
                                  quorum=QUORUM)
    manifest = services.board_manifest(board)
    run = run_ceremony(manifest, HOLDERS)
    board = services.adopt_ceremony(board, by=None, ceremony_json=run.transcript)
    board = services.freeze_credentials(board, by=None)
    return EElection(territory, constituency, board, manifest, run, evoters)
