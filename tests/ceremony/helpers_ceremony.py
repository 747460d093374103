# SPDX-License-Identifier: Apache-2.0
"""Builders for the ceremony's tests: an election with a constituency, named holders with their own
signing keys registered through the API, and a board's manifest as evoting fixes it (contract 0)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from shailoo.ceremony import services
from shailoo.ceremony.models import KeyHolder
from shailoo.crypto.group import Point
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.signature import SigningKey, generate_signing_key
from shailoo.elections.models import Constituency, Election
from tests.factories import make_territory

OPENS = 1_900_000_000_000
CLOSES = OPENS + 12 * 3600 * 1000


@dataclass
class Setup:
    election: Election
    constituencies: list[Constituency]
    keys: dict[int, SigningKey]
    codes: dict[int, str]
    quorum: int


def make_constituency(election: Election, number: int) -> Constituency:
    return Constituency.objects.create(election=election, number=number, name_ky=f"№{number} округ",
                                       name_ru=f"Округ №{number}", seats=3, max_marks=2)


def name_and_issue(n: int = 5, k: int = 3, boards: int = 1) -> Setup:
    election = make_territory().election
    constituencies = [make_constituency(election, number) for number in range(1, boards + 1)]
    services.name_holders(election, [services.HolderEntry(f"Holder {i}") for i in range(1, n + 1)], k, by=None)
    codes = {h.index: services.issue_code(h, by=None) for h in KeyHolder.objects.filter(election=election)}
    return Setup(election, constituencies, {i: generate_signing_key() for i in range(1, n + 1)}, codes, k)


def post_json(client: Client, url: str, data: Any):
    return client.post(url, json.dumps(data), content_type="application/json")


def register_all(client: Client, setup: Setup) -> None:
    for index, code in setup.codes.items():
        response = post_json(client, "/ceremony/api/register", {
            "election": setup.election.slug, "code": code, "public_key": setup.keys[index].public.hex(),
            "name": f"Holder {index}"})
        assert response.status_code == 200, response.content


def board_manifest(election: Election, constituency: Constituency, keys: list[str], quorum: int) -> dict[str, Any]:
    """A board's manifest in the contract's names (one contest, three candidates and against all)."""
    commission, board = generate_signing_key(), generate_signing_key()
    options = tuple(Option(f"candidate-{i}", f"Candidate {i}") for i in range(1, 4)) + (Option("against-all", "Against all"),)
    contest = Contest(f"constituency-{constituency.number}", constituency.name_ky, options, 0, 2, "against-all")
    return Manifest(f"{election.slug}/{constituency.number}", election.name_ky, OPENS, CLOSES,
                    Authorities(commission.public, board.public, tuple(Point.from_hex(k) for k in keys), quorum),
                    (contest,)).to_json()


def manifest_for(setup: Setup, constituency: Constituency, keys: list[str] | None = None) -> dict[str, Any]:
    """The setup's own holder keys, or the registered ones (hex) when given."""
    keys = keys if keys is not None else [setup.keys[i].public.hex() for i in sorted(setup.keys)]
    return board_manifest(setup.election, constituency, keys, setup.quorum)


def opened(n: int = 5, k: int = 3, boards: int = 1, client: Client | None = None) -> Setup:
    setup = name_and_issue(n, k, boards)
    register_all(client or Client(), setup)
    services.open_ceremonies(setup.election, {c.pk: manifest_for(setup, c) for c in setup.constituencies}, by=None)
    return setup
