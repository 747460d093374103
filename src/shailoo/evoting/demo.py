# SPDX-License-Identifier: Apache-2.0
"""E-voting's part of the demo (docs/evoting.md): Samarkandek's boards with three enrolled demo e-voters in
constituency 1 (their PINs and recovery codes printed), five demo key holders with quorum 3
(shailoo.ceremony.demo: key files of shailoo-keyholder with printed passphrases) whose key ceremony has run
through the relay, the credential lists frozen, the polls open from now for SHAILOO_DEMO_EVOTE_MINUTES
(default 30) minutes (waiving the polls rules with set_polls's override, recorded in the audit log:
DEMO_POLLS); after closing, `shailoo-keyholder decrypt --file FILE` of three holders tallies.
Idempotent; never in production."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from shailoo.cabinet.models import Application
from shailoo.ceremony import demo as ceremony_demo
from shailoo.crypto.credential import credential_key, recovery_code
from shailoo.evoting import services
from shailoo.evoting.errors import EvotingError
from shailoo.evoting.models import Board
from shailoo.register import services as register_services
from shailoo.register.models import VoterListEntry

HOLDERS, QUORUM, EVOTERS = 5, 3, 3
# The demo opens its polls at once while the Cabinet's e-voting enrolment is still open (so that a newcomer
# can both enrol and vote): the polls rules forbid that, so the demo waives them, saying so in the audit log.
DEMO_POLLS = "demo: the polls open at once, while e-voting enrolment is still open"


def holders_folder() -> Path:
    return Path(settings.DATA_DIR) / "demo" / "keyholders"


def demo_seed(pin: str) -> bytes:
    """A demo e-voter's credential seed (derived from the PIN, so the printed recovery code stays valid when
    the demo is loaded again; a real seed is drawn by the voter's browser)."""
    return hashlib.sha256(f"shailoo-demo-evoter:{pin}".encode()).digest()


def _evoters(election) -> list:
    listed = (VoterListEntry.objects.filter(election=election, status=VoterListEntry.Status.LISTED)
              .exclude(citizen__residence="").select_related("citizen", "precinct").order_by("pk"))
    taken = {entry.pk for entry in listed[:2]}  # the Cabinet's own e-voting examples (tunduk.demo)
    first = election.constituencies.order_by("number").first()
    if first is None:
        return []
    in_first = listed.filter(precinct__in=first.precincts.all())
    return [entry for entry in in_first[:EVOTERS + 2] if entry.pk not in taken][:EVOTERS]


def _enrol(election, entry) -> str:
    citizen = entry.citizen
    if entry.voting_mode != VoterListEntry.VotingMode.ELECTRONIC:
        register_services.enrol_evoter(election=election, citizen=citizen, actor=None, reason="demo",
                                       actor_label="demo")
    seed = demo_seed(citizen.pin)
    application, _ = Application.objects.get_or_create(
        election=election, pin=citizen.pin, kind=Application.Kind.EVOTING, status=Application.Status.APPLIED,
        defaults={"citizen": citizen, "precinct": entry.precinct, "phone": "+996700000000", "language": "ky"})
    Application.objects.filter(pk=application.pk).update(credential_public_key=credential_key(seed).public.hex())
    return recovery_code(seed)


def seed(*, election, out, folder: Path | None = None) -> None:
    """The demo's e-vote (module docstring); the holders' key files go to ``folder`` (default var/demo/keyholders)."""
    if settings.PRODUCTION or not election.evoting:
        return
    folder = folder or holders_folder()
    if Board.objects.filter(election=election).exists():
        out.write(f"\nE-voting demo: already set up; the key holders' files are in {folder}")
        return
    evoters = [(entry, _enrol(election, entry)) for entry in _evoters(election)]
    if settings.TEST_IDP:
        from shailoo.tunduk.test_idp.services import ensure_account
        for entry, _ in evoters:
            ensure_account(pin=entry.citizen.pin, given_name=entry.citizen.name, family_name=entry.citizen.surname)
    holders = ceremony_demo.prepare_demo_holders(election, folder, n=HOLDERS, k=QUORUM, server=settings.DEMO_BASE_URL)
    now = timezone.now().replace(microsecond=0)
    minutes = int(os.environ.get("SHAILOO_DEMO_EVOTE_MINUTES", "30"))
    boards = services.create_boards(election, by=None)
    for board in boards:
        services.set_polls(board, opens=now, closes=now + dt.timedelta(minutes=minutes), by=None, override=DEMO_POLLS)
    services.fix_manifests(election, by=None)  # and the ceremony app opens each board's ceremony
    ceremony_demo.run_demo_ceremony(election, holders)
    for board in boards:
        board = services.adopt_ceremony(board, by=None)
        try:
            services.freeze_credentials(board, by=None)
        except EvotingError as error:
            out.write(f"E-voting demo: the credential list of {board.board_id} is not frozen: {error.detail}")
    closes = timezone.localtime(now + dt.timedelta(minutes=minutes))
    base = settings.DEMO_BASE_URL
    out.write(f"\nE-voting (Samarkandek, {len(boards)} boards, one per constituency): polls open until "
              f"{closes:%H:%M} (Asia/Bishkek); vote at {base}/vote/ ; the board: {base}/board/{election.slug}/")
    out.write("  Demo e-voters of constituency 1 (sign in with the PIN; the booth asks for the recovery code):")
    for entry, code in evoters:
        out.write(f"  {entry.citizen.pin}  {entry.citizen.surname} {entry.citizen.name}  recovery code {code}")
    out.write(f"  Key holders ({HOLDERS}, quorum {QUORUM}), their ceremony done:")
    for holder in holders:
        out.write(f"    {holder.line()}")
    out.write(f"  After {closes:%H:%M} the worker closes the boards; then three holders decrypt, e.g.:")
    for holder in holders[:QUORUM]:
        out.write(f"    SHAILOO_KEYHOLDER_PASSPHRASE={holder.passphrase} .venv/bin/shailoo-keyholder decrypt "
                  f"--file {holder.file}")
    out.write(f"  and the totals are in each board's record: {base}/board/{election.slug}/")


def cast_demo_ballot(election, *, check_first: bool = True) -> dict:
    """One demo e-voter of constituency 1 checks a ballot, then casts one (as the booth would): for the
    browser sweep's board pages. Returns the cast ballot's receipt."""
    from shailoo.crypto import ballot, jcs

    board = Board.objects.select_related("election", "constituency").get(election=election, constituency__number=1)
    manifest, key = services.board_manifest(board), services.election_key(board)
    application = Application.objects.filter(election=election, kind=Application.Kind.EVOTING,
                                             status=Application.Status.APPLIED).exclude(credential_public_key="").first()
    contest = manifest.contests[0]
    if check_first:
        encrypted, opening = ballot.encrypt_ballot(manifest, key, {contest.contest_id: frozenset(contest.option_ids[1:2])})
        services.challenge(board, jcs.canonical({"ballot": ballot.ballot_to_json(encrypted),
                                                 "opening": ballot.opening_to_json(opening)}), pin=application.pin)
    encrypted, _ = ballot.encrypt_ballot(manifest, key, {contest.contest_id: frozenset(contest.option_ids[:1])})
    cast = ballot.cast_ballot(manifest, encrypted, credential_key(demo_seed(application.pin)))
    return services.cast(board, jcs.canonical(ballot.cast_to_json(cast)), pin=application.pin).receipt
