# SPDX-License-Identifier: Apache-2.0
"""The voter's side of e-voting in Chromium: the browser makes the credential at enrolment (its seed
stays in this browser, the recovery code is shown once and can be downloaded), the booth."""
import pytest
from django.urls import reverse

from shailoo.cabinet.models import Application
from shailoo.crypto.credential import credential_key, seed_from_recovery_code
from tests.cabinet.helpers import listed_citizen, make_world
from tests.e2e.conftest import sign_in_through_tunduk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enrolment_makes_the_key_in_the_browser_and_shows_the_recovery_code(browser_page, live_server,
                                                                            test_idp_client):
    world = make_world()
    citizen = listed_citizen(world)
    page = browser_page
    url = reverse("cabinet:evoting", args=[world.election.pk])
    sign_in_through_tunduk(page, live_server, citizen.pin, next_url=url)

    code = page.locator("[data-recovery-code]")
    code.wait_for(state="visible")
    shown = code.inner_text().strip()
    seed = seed_from_recovery_code(shown)
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
