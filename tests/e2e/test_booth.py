# SPDX-License-Identifier: Apache-2.0
"""The voter's side of e-voting in Chromium: the browser makes the credential at enrolment (its seed
stays in this browser, the recovery code is shown once and can be downloaded or read by a phone's camera
as a QR code; none of it is sent), the booth."""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from shailoo.cabinet.models import Application
from shailoo.crypto.credential import credential_key, seed_from_recovery_code
from tests.cabinet.helpers import listed_citizen, make_world
from tests.e2e.conftest import enrol_for_evoting, sign_in_through_tunduk

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enrolment_makes_the_key_in_the_browser_and_shows_the_recovery_code(browser_page, live_server,
                                                                            test_idp_client):
    world = make_world()
    citizen = listed_citizen(world)
    page = browser_page
    sent = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
    url = reverse("cabinet:evoting", args=[world.election.pk])
    sign_in_through_tunduk(page, live_server, citizen.pin, next_url=url)

    code = page.locator("[data-recovery-code]")
    code.wait_for(state="visible")
    shown = code.inner_text().strip()
    seed = seed_from_recovery_code(shown)
    # The QR code, read from the screen by zxing-cpp (a decoder that shares nothing with the page's encoder):
    # the recovery code as written, which the booth reads back to the same seed.
    page.locator("[data-recovery-qr]").locator("xpath=ancestor::details").locator("summary").click()
    qr = page.locator("[data-recovery-qr] svg[role=img]")
    assert qr.get_attribute("aria-label") == "Калыбына келтирүү кодуңуздун QR-коду"  # the page is in Kyrgyz
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == shown.replace(" ", "-")
    assert seed_from_recovery_code(found.text) == seed
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('shailoo.credential.{world.election.slug}'))")
    assert stored["seed"] == seed.hex()
    public_key = credential_key(seed).public.hex()
    assert page.locator("input[name=credential_public_key]").input_value() == public_key
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert shown.replace(" ", "-") in download.value.path().read_text()

    page.locator("input[name=phone]").fill("+996 555 123 456")
    page.locator("input[name=confirm]").check()
    page.locator("#main form button[type=submit]").click()
    # The recovery code must be confirmed: the form comes back with the same key and the same code.
    page.locator(".govuk-error-summary").wait_for()
    page.locator("[data-recovery-code]").wait_for(state="visible")
    assert page.locator("[data-recovery-code]").inner_text().strip() == shown
    page.locator("input[name=confirm]").check()
    page.locator("input[name=recovery_code_kept]").check()
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/cabinet/**")

    application = Application.objects.get(pin=citizen.pin, kind=Application.Kind.EVOTING)
    assert application.credential_public_key == public_key
    assert f"credential: {public_key}\n" in application.signed_statement
    # Neither the code nor the seed ever left the browser: not in any request's address or body.
    groups = shown.split()
    assert len(sent) > 3
    assert not [request for request in sent if seed.hex() in request or groups[0] + groups[1] in request.replace("-", "")
                .replace(" ", "").replace("+", "")]


def _record(election, tmp_path, name):
    from django.test import Client

    answer = Client().get(reverse("evoting-record", args=[election.slug, election.constituency.number]))
    assert answer.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(answer.streaming_content))
    return path


def _run(command, stdin=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT)


def _receipt_check(record, receipt_path) -> int:
    return _run([sys.executable, "-m", "shailoo.crypto.receipt", str(record), str(receipt_path)]).returncode


def test_a_voter_checks_casts_and_revotes_in_the_booth(browser_page, live_server, test_idp_client, tmp_path):
    from shailoo.crypto.credential import new_credential, recovery_code
    from shailoo.evoting.models import Entry
    from tests.evoting.helpers import enrol, make_evoting
    from tests.factories import make_territory

    territory = make_territory(name="Самаркандек")
    seed, key = new_credential()
    voter = enrol(territory, credential=key)
    election = make_evoting(voters=0, territory=territory)
    page = browser_page
    booth_url = reverse("vote-booth", args=[election.slug])
    sign_in_through_tunduk(page, live_server, voter.pin, next_url=booth_url)

    # This browser holds no key: the voter types the recovery code (lower case, spaces for hyphens).
    page.locator("#recovery-code").wait_for(state="visible")
    page.locator("#recovery-code").fill(recovery_code(bytes(32)))
    page.locator("[data-key-form] button[type=submit]").click()
    page.locator("#recovery-code-error").wait_for(state="visible")  # another voter's code: refused
    assert page.locator("[data-step=mark]").is_hidden()
    page.locator("#recovery-code").fill(recovery_code(seed).lower().replace("-", " "))
    page.locator("#remember-key").check()
    page.locator("[data-key-form] button[type=submit]").click()

    # Check one ballot: the tracking code is shown before the choice, then the decrypted choices.
    options = page.locator("[data-ballot-form] input[type=checkbox]")
    options.first.wait_for(state="visible")
    first_name = page.locator("[data-ballot-form] label").first.inner_text().strip()
    options.nth(0).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    code = page.locator("[data-tracking-code]")
    code.wait_for(state="visible")
    checked_code = code.inner_text().strip()
    page.locator("[data-check]").click()
    page.locator("[data-step=checked]").wait_for(state="visible")
    assert first_name in page.locator("[data-opened]").inner_text()
    challenge = Entry.objects.get(board=election.board, kind="challenge")
    assert challenge.receipt["code"] == checked_code
    # The checked ballot the page offers is checked again by two other tools: Python's and Node's.
    with page.expect_download() as checked_download:
        page.locator("[data-challenge-download]").click()
    checked_file = tmp_path / "checked.json"
    checked_file.write_bytes(checked_download.value.path().read_bytes())
    first_option = election.options()[0]
    second_tool = _run([sys.executable, "-m", "shailoo.crypto.challenge", str(checked_file)])
    assert second_tool.returncode == 0 and f"opens to: {election.contest_id}: {first_option}" in second_tool.stdout
    third_tool = _run(["node", "booth/cli.mjs", "check-challenge"], stdin=checked_file.read_text())
    assert third_tool.returncode == 0 and json.loads(third_tool.stdout)["choices"] == {
        election.contest_id: [first_option]}

    # Mark again and cast; the receipt the page offers verifies against the record.
    page.locator("[data-step=checked] [data-again]").click()
    options.nth(1).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    code.wait_for(state="visible")
    page.locator("[data-cast]").click()
    page.locator("[data-step=cast]").wait_for(state="visible")
    assert page.locator("#cast-heading").is_visible()
    with page.expect_download() as first_download:
        page.locator("[data-receipt-download]").click()
    first_receipt = tmp_path / "first-receipt.json"
    first_receipt.write_bytes(first_download.value.path().read_bytes())
    assert _receipt_check(_record(election, tmp_path, "one.zip"), first_receipt) == 0

    # Vote again from a fresh page: the key is now in this browser, no code asked.
    page.goto(f"{live_server.url}{booth_url}")
    options.first.wait_for(state="visible")
    assert page.locator("[data-step=key]").is_hidden()
    options.nth(2).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    code.wait_for(state="visible")
    page.locator("[data-cast]").click()
    page.locator("[data-step=cast]").wait_for(state="visible")
    with page.expect_download() as second_download:
        page.locator("[data-receipt-download]").click()
    second_receipt = tmp_path / "second-receipt.json"
    second_receipt.write_bytes(second_download.value.path().read_bytes())
    record = _record(election, tmp_path, "two.zip")
    assert _receipt_check(record, second_receipt) == 0
    assert _receipt_check(record, first_receipt) == 1  # superseded by the revote


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_every_step_of_the_booth_fits_a_phone_and_passes_axe(chromium, live_server, test_idp_client, language):
    from django.conf import settings

    from shailoo.crypto.credential import new_credential, recovery_code
    from tests.e2e.test_sweep import Visit, _problems_of
    from tests.evoting.helpers import enrol, make_evoting
    from tests.factories import make_territory

    territory = make_territory(name="Самаркандек")
    seed, key = new_credential()
    voter = enrol(territory, credential=key)
    election = make_evoting(voters=0, territory=territory)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740},
                                   bypass_csp=True)  # axe-core is injected as an inline script
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    url = reverse("vote-booth", args=[election.slug])
    sign_in_through_tunduk(page, live_server, voter.pin, next_url=url)
    problems = []

    def look(step: str) -> None:
        page.locator(f"[data-step={step}]").wait_for(state="visible")
        problems.extend(_problems_of(page, visit=Visit(f"booth-{step}", "voter", url), language=language, width=360))

    look("key")
    page.locator("#recovery-code").fill("not a code")
    page.locator("[data-key-form] button[type=submit]").click()
    page.locator("#recovery-code-error").wait_for(state="visible")
    look("key")
    page.locator("#recovery-code").fill(recovery_code(seed))
    page.locator("[data-key-form] button[type=submit]").click()
    look("mark")
    options = page.locator("[data-ballot-form] input[type=checkbox]")
    for index in range(3):  # more than max_marks (2): refused with a message at the contest
        options.nth(index).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    page.locator("[data-contest] .govuk-error-message").wait_for(state="visible")
    look("mark")
    options.nth(2).uncheck()
    page.locator("[data-ballot-form] button[type=submit]").click()
    look("sealed")
    page.locator("[data-check]").click()
    look("checked")
    page.locator("[data-step=checked] [data-again]").click()
    options.nth(0).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    page.locator("[data-step=sealed]").wait_for(state="visible")
    page.locator("[data-cast]").click()
    look("cast")
    context.close()
    assert not problems, "\n".join(problems)


def test_the_key_made_at_enrolment_votes_from_the_same_browser(browser_page, live_server, test_idp_client, tmp_path):
    """Enrol in the Cabinet (the browser makes the key), the commission approves, the list is frozen, the
    polls open: the same browser votes without typing anything, and the receipt verifies."""
    from shailoo.commission import services as commission_services
    from shailoo.staff.models import StaffAssignment
    from tests.cabinet.helpers import make_staff
    from tests.evoting.helpers import make_evoting
    from tests.factories import list_voter, make_citizen, make_territory

    territory = make_territory(name="Самаркандек")
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    page = browser_page
    enrol_for_evoting(page, live_server, citizen.pin, territory.election.pk)

    application = Application.objects.get(pin=citizen.pin, kind=Application.Kind.EVOTING)
    member = make_staff("uchastok", StaffAssignment.Role.PRECINCT, precinct=territory.precinct, password=None)
    commission_services.record_biometric_check(application=application, actor=member, confirmed=True)
    commission_services.approve_application(application=application, actor=member)
    election = make_evoting(voters=0, territory=territory)

    page.goto(f"{live_server.url}{reverse('cabinet:home')}")
    page.locator(f"a[href='{reverse('vote-booth', args=[election.slug])}']").click()
    options = page.locator("[data-ballot-form] input[type=checkbox]")
    options.first.wait_for(state="visible")  # no recovery code asked: the key is in this browser
    options.nth(3).check()
    page.locator("[data-ballot-form] button[type=submit]").click()
    page.locator("[data-tracking-code]").wait_for(state="visible")
    page.locator("[data-cast]").click()
    page.locator("[data-step=cast]").wait_for(state="visible")
    with page.expect_download() as download:
        page.locator("[data-receipt-download]").click()
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(download.value.path().read_bytes())
    assert _receipt_check(_record(election, tmp_path, "record.zip"), receipt) == 0
    assert json.loads(receipt.read_text())["code"] == page.locator("[data-cast-code]").inner_text().strip()
