# SPDX-License-Identifier: Apache-2.0
"""The whole correction in a real browser: a voter signs in through the test identity provider, files a
correction with a passport scan in the Voter's Cabinet, a precinct commission member signs in, records the
biometric identification and approves, and the public check then shows the voter's new precinct."""
import pytest

from shailoo.audit.services import verify_chain
from shailoo.cabinet.models import Application
from shailoo.messaging.models import OutboundSms
from tests.cabinet.helpers import PASSWORD, listed_citizen, make_staff, make_world, png_bytes
from tests.e2e.conftest import sign_in_through_tunduk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_correction_filed_online_and_approved_moves_the_voter_in_the_public_check(
    chromium, browser_page, live_server, test_idp_client
):
    world = make_world()
    citizen = listed_citizen(world)  # listed at the first precinct
    new_precinct = world.second_precinct
    make_staff("uchastok", "precinct", precinct=new_precinct)

    # The voter: Tunduk login, the Cabinet, the correction form with a scan.
    voter = browser_page
    sign_in_through_tunduk(voter, live_server, citizen.pin, next_url="/cabinet/")
    assert f"№{world.precinct.number}" in voter.locator(".my-precinct").inner_text()
    voter.locator(f'a[href="/cabinet/elections/{world.election.pk}/correction/"]').click()
    voter.locator("#id_phone").fill("+996 555 123 456")
    voter.locator("#id_what_is_wrong").fill("Мен Жеңиш көчөсүнө көчүп келдим")
    voter.locator("#id_street").fill("Жеңиш")
    voter.locator("#id_house").fill("7")
    voter.locator("#id_precinct_number").fill(new_precinct.number)
    voter.locator("#id_scan").set_input_files(
        files=[{"name": "passport.png", "mimeType": "image/png", "buffer": png_bytes(8, 8)}]
    )
    voter.locator("#main form[enctype] button[type=submit]").click()
    voter.wait_for_url(f"{live_server.url}/cabinet/#application-*")
    application = Application.objects.get(pin=citizen.pin)
    assert application.precinct == new_precinct and application.status == "filed"
    assert voter.locator(f"#application-{application.pk} .govuk-tag").inner_text() == "берилди"
    # What happens next: the biometric identification at the precinct commission, with the passport.
    assert f"№{new_precinct.number}" in voter.locator(f"#application-{application.pk} .shailoo-next-step").inner_text()

    # The precinct commission member: sign in, the queue, the scan, the biometric check, approval.
    staff_context = chromium.new_context(base_url=live_server.url, locale="ky-KG")
    staff_context.set_default_timeout(20_000)
    member = staff_context.new_page()
    member.goto(f"{live_server.url}/commission/login/")
    member.locator("#id_username").fill("uchastok")
    member.locator("#id_password").fill(PASSWORD)
    member.locator("#main form button[type=submit]").click()
    member.wait_for_url(f"{live_server.url}/commission/")
    member.locator(f'a[href="/commission/applications/{application.pk}/"]').click()
    member.wait_for_url(f"{live_server.url}/commission/applications/{application.pk}/")
    scan = member.request.get(f"{live_server.url}/commission/applications/{application.pk}/scan/")
    assert scan.status == 200 and scan.headers["content-type"] == "image/png" and scan.body() == png_bytes(8, 8)
    member.locator("#biometric_result_0").check()
    member.locator("#biometric_note").fill("ID карта")
    member.locator('form[action$="/biometric/"] button').click()
    member.wait_for_url(f"{live_server.url}/commission/applications/{application.pk}/")
    member.locator("#approve_reason").fill("Паспорт текшерилди")
    member.locator('form[action$="/approve/"] button').click()
    member.wait_for_url(f"{live_server.url}/commission/applications/{application.pk}/")
    application.refresh_from_db()
    assert application.status == "applied"
    assert OutboundSms.objects.get().to == "+996555123456"
    staff_context.close()

    # The voter sees the decision; anyone sees the new precinct in the public check.
    voter.goto(f"{live_server.url}/cabinet/")
    assert new_precinct.number in voter.locator(".my-precinct").inner_text()
    public = chromium.new_context(base_url=live_server.url, locale="ky-KG")
    check = public.new_page()
    check.goto(f"{live_server.url}/check/")
    check.locator("#id_pin").fill(citizen.pin)
    check.locator("#main form button[type=submit]").click()
    check.locator(f'a[href="/precincts/{new_precinct.number}/"]').wait_for()
    assert not check.locator(f'a[href="/precincts/{world.precinct.number}/"]').count()
    public.close()
    assert verify_chain().intact
