# SPDX-License-Identifier: Apache-2.0
"""Demo key holders and a finished ceremony, for `make run`'s demo (evoting's demo calls these):

1. ``prepare_demo_holders(election, folder)`` names n demo holders and the quorum, makes each one's key
   file (the same encrypted format as ``shailoo-keyholder init``; a printed passphrase) and registers it
   with a one-time code, as the program would;
2. evoting fixes the boards' manifests with ``selectors.holder_keys`` and calls ``services.open_ceremonies``;
3. ``run_demo_ceremony(election, holders)`` runs every board's ceremony in this process with the program's
   own logic (shailoo.keyholder.holder), its messages going through the relay's checks
   (services.accept_message) instead of HTTP, and saves each holder's shares in its key file, so that
   ``shailoo-keyholder decrypt --file FILE`` works later against the demo server."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shailoo.ceremony import selectors, services
from shailoo.ceremony.models import KeyHolder
from shailoo.crypto import jcs
from shailoo.crypto.signature import generate_signing_key
from shailoo.elections.models import Election
from shailoo.keyholder.holder import Holder
from shailoo.keyholder.keyfile import KeyFile

DEMO_NAMES = ("Асанова Айгүл", "Бекмуратов Нурлан", "Жумабаева Гүлнара", "Осмонов Темир", "Сыдыкова Айпери")


@dataclass(frozen=True)
class DemoHolder:
    index: int
    name: str
    file: Path
    passphrase: str

    def line(self) -> str:
        return f"key holder {self.index} ({self.name}): {self.file}  passphrase: {self.passphrase}"


class LocalRelay:
    """The relay's API called in this process: the same selectors and services the HTTP views call."""

    def __init__(self, election: Election) -> None:
        self.election = election

    def get(self, path: str) -> Any:
        return json.loads(json.dumps(selectors.relay_state(self.election)))

    def post(self, path: str, body: Any) -> Any:
        _, _, slug, number, _ = path.strip("/").split("/")
        message, new = services.accept_message(slug, int(number), jcs.canonical(body))
        return {"stored": new, "holder": message.holder}


def prepare_demo_holders(election: Election, folder: Path, *, n: int = 5, k: int = 3, server: str,
                         memory_mib: int = 8) -> list[DemoHolder]:
    """Name n demo holders (quorum k), make their key files in ``folder`` and register them. Key files of
    the demo use 8 MiB for Argon2id (quick to open; a real holder's default is 64 MiB)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [DEMO_NAMES[i] if i < len(DEMO_NAMES) else f"Holder {i + 1}" for i in range(n)]
    services.name_holders(election, [services.HolderEntry(name) for name in names], k, by=None)
    holders = []
    for holder in KeyHolder.objects.filter(election=election).order_by("index"):
        key = generate_signing_key()
        passphrase = f"demo-{holder.index}-{secrets.token_hex(6)}"
        path = folder / f"{election.slug}-holder{holder.index}.key"
        path.unlink(missing_ok=True)
        code = services.issue_code(holder, by=None)
        services.register_holder(election.slug, code, key.public.hex())
        KeyFile.create(path, passphrase, {"signing_key": key.secret.hex(), "public_key": key.public.hex(),
                                          "server": server.rstrip("/"), "election": election.slug,
                                          "holder": holder.index}, memory_mib)
        holders.append(DemoHolder(holder.index, holder.name, path, passphrase))
    return holders


def run_demo_ceremony(election: Election, holders: list[DemoHolder]) -> dict[str, str]:
    """Every opened board's ceremony, all holders taking part; returns board -> joint public key."""
    relay = LocalRelay(election)
    programs = [Holder(KeyFile.open(h.file, h.passphrase), relay, say=lambda _line: None) for h in holders]  # type: ignore[arg-type]
    for _ in range(6):  # four rounds; each pass lets every holder act on what the others sent
        state = relay.get("")
        if not state["boards"]:
            raise services.CeremonyRefused("ceremony.none", "no ceremony has opened for this election", 409)
        statuses = [program.step(board) for program in programs for board in relay.get("")["boards"]]
        if all(status.finished for status in statuses):
            return {board["board"]: board["joint_public_key"] for board in relay.get("")["boards"]}
    raise services.CeremonyRefused("ceremony.stalled", "the demo ceremony did not finish", 409)
