# SPDX-License-Identifier: Apache-2.0
"""A whole e-voting election, end to end, in Chromium and with the key holders' real program.

A voter enrols in the Cabinet (the browser makes the credential); the commission approves; five holders
run `shailoo-keyholder` (init, register, ceremony: 3 of 5) as processes against the live server; the list
is frozen; the voter checks one ballot in the booth, casts, and votes again; another voter casts with the
recovery code; the polls close; three holders run `shailoo-keyholder decrypt`; the record is downloaded
over HTTP; `python -m shailoo.crypto.verify` says VALID and the totals are exactly what was cast (the
revote counted, the first ballot not); `python -m shailoo.crypto.receipt` confirms each receipt.

The commission's steps go through its pages in the browser (a precinct member: the approval, offered
at once since the Cabinet's application is signed electronically; a CEC administrator: the holders'
one-time codes, creating the board, fixing the manifest, adopting the ceremony, signing the credential
list), except these, done directly: naming the holders (ceremony.services.name_holders: the demo holders
have no logins, which the holders' page requires; tests/ceremony/test_holders_page.py tests the page),
setting the polls (evoting.services.set_polls with its override, recorded in the audit log: the test opens
them an hour ago while enrolment is open, which the polls rules refuse; tests/evoting/test_polls_page.py tests
the page), closing the board at
its closing time (evoting.closing.close_board: the test cannot wait for the clock), and the second voter's
enrolment, made as tests/evoting/helpers.enrol makes it (the browser enrolment is the first voter's).

The browser talks to pytest-django's live server; the holders' programs to a second live server on the
same database that handles one request at a time (tests/ceremony/conftest.py's SerialWSGIServer: on SQLite
the test database is one connection shared with the servers' threads, and the holders post concurrently).
The browser's server cannot be the serial one: the Tunduk login calls the test identity provider on the
same server from inside a request. The browser is idle while the holders run.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import TIMEOUT_MS, enrol_for_evoting, sign_in_through_tunduk

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8560, 8600)  # tests/ceremony's relay takes 8500-8559
PASSPHRASE = "correct horse battery staple"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def holders_server(transactional_db) -> Iterator[str]:
    """A live server for the holders' programs, serving one request at a time."""
    from tests.ceremony.conftest import serial_live_server

    yield from serial_live_server(PORTS)


def _keyholders(*commands: tuple[str, ...]) -> list[str]:
    """Run `shailoo-keyholder` once per command, all at the same time, as separate processes; each must
    succeed. The passphrase comes from the environment, as a holder's script would give it."""
    env = dict(os.environ, SHAILOO_KEYHOLDER_PASSPHRASE=PASSPHRASE)
    processes = [subprocess.Popen([sys.executable, "-m", "shailoo.keyholder.cli", *command], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT) for command in commands]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    for command, process, output in zip(commands, processes, outputs, strict=True):
        assert process.returncode == 0, f"{command}: {output}"
    return outputs


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          check=False)


def _staff(chromium, site: str, username: str):
    from tests.cabinet.helpers import PASSWORD

    context = chromium.new_context(base_url=site, locale="ky-KG", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site}/commission/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{site}/commission/")
    return context, page


def _cast(page, marks: list[int], receipt: Path) -> str:
    """Mark the ballot places, seal, cast, and save the receipt the page offers; the tracking code."""
    options = page.locator("[data-ballot-form] input[type=checkbox]")
    options.first.wait_for(state="visible")
    for place in marks:
        options.nth(place).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    page.locator("[data-tracking-code]").wait_for(state="visible")
    page.locator("[data-cast]").click()
    page.locator("[data-step=cast]").wait_for(state="visible")
    with page.expect_download() as download:
        page.locator("[data-receipt-download]").click()
    receipt.write_bytes(download.value.path().read_bytes())
    code = page.locator("[data-cast-code]").inner_text().strip()
    assert json.loads(receipt.read_text())["code"] == code
    return code


def test_a_whole_election_enrol_ceremony_vote_revote_close_decrypt_verify(chromium, live_server, test_idp_client,
                                                                          holders_server, tmp_path):
    from shailoo.ceremony import services as ceremony_services
    from shailoo.ceremony.models import KeyHolder
    from shailoo.crypto import tally
    from shailoo.crypto.credential import new_credential, recovery_code
    from shailoo.elections.models import Candidate, Constituency
    from shailoo.evoting import closing
    from shailoo.evoting import services as evoting
    from shailoo.evoting.models import Board, Entry
    from shailoo.staff.models import StaffAssignment
    from tests.cabinet.helpers import make_staff
    from tests.evoting.helpers import enrol
    from tests.factories import list_voter, make_citizen, make_territory

    site, server = live_server.url, live_server
    territory = make_territory(name="Самаркандек")
    election = territory.election
    constituency = Constituency.objects.create(election=election, number=1, name_ky="Самаркандек",
                                               name_ru="Самаркандек", seats=3, max_marks=2)
    constituency.precincts.add(territory.precinct)
    for order in range(1, 5):
        Candidate.objects.create(election=election, constituency=constituency, surname=f"Талапкер{order}",
                                 name="Асан", gender="M", ballot_order=order)

    # 1. A voter enrols in the Cabinet: the browser makes the credential; the commission approves.
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, election, territory.precinct)
    context = chromium.new_context(base_url=site, locale="ky-KG", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    enrol_for_evoting(page, server, citizen.pin, election.pk)
    from shailoo.cabinet.models import Application

    application = Application.objects.get(pin=citizen.pin, kind=Application.Kind.EVOTING)
    make_staff("uchastok", StaffAssignment.Role.PRECINCT, precinct=territory.precinct)
    staff_context, member = _staff(chromium, site, "uchastok")
    member.goto(f"{site}/commission/applications/{application.pk}/")
    # The Cabinet's application is signed electronically: identity is established, approval is offered.
    assert not member.locator('form[action$="/biometric/"]').count()
    member.locator("#approve_reason").fill("Паспорт текшерилди")
    member.locator('form[action$="/approve/"] button').click()
    member.wait_for_url(f"{site}/commission/applications/{application.pk}/")
    staff_context.close()
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED
    other_seed, other_key = new_credential()
    other = enrol(territory, credential=other_key, surname="Осмонова")  # enrolled at the precinct

    # 2. Five holders: their own files, registration with their codes, the ceremony (3 of 5), all with
    # the real program as processes against the live server.
    ceremony_services.name_holders(election, [ceremony_services.HolderEntry(f"Holder {i}") for i in range(1, 6)], 3,
                                   by=None)
    holders = list(KeyHolder.objects.filter(election=election).order_by("index"))
    files = {h.index: tmp_path / f"holder{h.index}.key" for h in holders}
    make_staff("cec", StaffAssignment.Role.CEC_ADMIN)
    staff_context, cec = _staff(chromium, site, "cec")
    progress, codes = f"{site}/commission/ceremony/{election.slug}/", {}
    for holder in holders:
        cec.goto(progress)
        cec.locator(f'form[action$="/holders/{holder.index}/code"] button').click()
        codes[holder.index] = cec.locator("code.shailoo-secret").inner_text().strip()
    _keyholders(*(("init", "--file", str(files[h.index]), "--kdf-memory", "8") for h in holders))
    outputs = _keyholders(*(("register", "--file", str(files[h.index]), "--server", holders_server, "--election", election.slug,
                             "--code", codes[h.index]) for h in holders))
    assert [f"key holder {h.index}" in out for h, out in zip(holders, outputs, strict=True)] == [True] * 5
    commission = f"{site}{reverse('evoting-commission', args=[election.slug])}"

    def step(action: str) -> None:
        cec.goto(commission)
        cec.locator(f"button[name=action][value={action}]").click()
        cec.wait_for_url(commission)
        banner = cec.locator(".govuk-notification-banner").first
        assert "govuk-notification-banner--success" in (banner.get_attribute("class") or ""), banner.inner_text()

    step("create")
    board = Board.objects.get(election=election)
    now = timezone.now()
    evoting.set_polls(board, opens=now - dt.timedelta(hours=1), closes=now + dt.timedelta(hours=1), by=None,
                      override="test: polls open an hour ago, during enrolment")
    step("manifests")  # opens the board's ceremony
    outputs = _keyholders(*(("ceremony", "--file", str(files[i]), "--wait", "120", "--poll", "0.3") for i in files))
    assert all("ceremony finished and verified; qualified [1, 2, 3, 4, 5]" in out for out in outputs), outputs
    step("ceremonies")
    step("freeze")
    staff_context.close()
    board = Board.objects.get(pk=board.pk)
    assert board.ceremony is not None and board.credentials_frozen_at is not None
    manifest = evoting.board_manifest(board)
    assert manifest.authorities.quorum == 3 and len(manifest.authorities.holders) == 5

    # 3. The voter, in the same browser (the key is there): checks one ballot, casts, votes again.
    booth = reverse("vote-booth", args=[election.slug])
    page.goto(f"{site}{reverse('cabinet:home')}")
    page.locator(f"a[href='{booth}']").click()
    options = page.locator("[data-ballot-form] input[type=checkbox]")
    options.first.wait_for(state="visible")
    assert page.locator("[data-step=key]").is_hidden()
    first_name = page.locator("[data-ballot-form] label").first.inner_text().strip()
    options.nth(0).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    page.locator("[data-tracking-code]").wait_for(state="visible")
    checked_code = page.locator("[data-tracking-code]").inner_text().strip()
    page.locator("[data-check]").click()
    page.locator("[data-step=checked]").wait_for(state="visible")
    assert first_name in page.locator("[data-opened]").inner_text()
    assert Entry.objects.get(board=board, kind="challenge").receipt["code"] == checked_code
    page.locator("[data-step=checked] [data-again]").click()
    first_receipt, revote_receipt, other_receipt = (tmp_path / f"{n}.json" for n in ("first", "revote", "other"))
    first_code = _cast(page, [1], first_receipt)
    page.goto(f"{site}{booth}")
    revote_code = _cast(page, [2], revote_receipt)
    context.close()

    # 4. Another voter, in another browser, with the recovery code.
    context = chromium.new_context(base_url=site, locale="ky-KG", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in_through_tunduk(page, server, other.pin, next_url=booth)
    page.locator("#recovery-code").wait_for(state="visible")
    page.locator("#recovery-code").fill(recovery_code(other_seed))
    page.locator("[data-key-form] button[type=submit]").click()
    other_code = _cast(page, [0, 2], other_receipt)
    context.close()
    assert len({checked_code, first_code, revote_code, other_code}) == 4

    # 5. The polls close; three holders decrypt with the program, each verifying the closed record first.
    closing.close_board(Board.objects.get(pk=board.pk), at=manifest.closes + 5)
    outputs = _keyholders(*(("decrypt", "--file", str(files[i])) for i in (1, 3, 5)))
    assert all(f"{election.slug}/1: partial decryption posted" in out for out in outputs), outputs

    # 6. The record over HTTP; the verifier and the receipt checker, as an observer and the voters run them.
    import urllib.request

    record = tmp_path / "record.zip"
    with urllib.request.urlopen(f"{site}{reverse('evoting-record', args=[election.slug, 1])}") as answer:  # noqa: S310
        record.write_bytes(answer.read())
    verified = _tool("shailoo.crypto.verify", str(record))
    assert verified.returncode == 0 and "RESULT: VALID" in verified.stdout, verified.stdout + verified.stderr
    with zipfile.ZipFile(record) as opened:
        counted, totals = tally.totals_from_json(manifest, json.loads(opened.read("results.json")), "results.json")
    marked = [{2}, {0, 2}]  # the revote and the other voter's ballot; the first ballot and the checked one: not
    assert counted == 2
    assert totals == (tuple(sum(place in marks for marks in marked) for place in range(len(manifest.contests[0].option_ids))),)
    for receipt, code, word in ((revote_receipt, 0, "counted"), (other_receipt, 0, "counted"),
                                (first_receipt, 1, "superseded")):
        checked = _tool("shailoo.crypto.receipt", str(record), str(receipt))
        assert checked.returncode == code, checked.stdout + checked.stderr
        assert word in checked.stdout.lower(), checked.stdout
