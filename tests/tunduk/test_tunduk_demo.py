# SPDX-License-Identifier: Apache-2.0
"""The login's part of `shailoo demo`: the client at the test provider and the demo citizens, idempotent."""
import io

import pytest
from oauth2_provider.models import get_application_model

from shailoo.register.models import VoterListEntry
from shailoo.tunduk import demo
from shailoo.tunduk.models import TestIdpAccount
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_settings(settings):
    settings.TEST_IDP = True
    settings.TUNDUK_DISCOVERY_URL = "http://127.0.0.1:8000/test-idp/.well-known/openid-configuration"
    settings.TUNDUK_CLIENT_ID = "shailoo-demo"
    settings.TUNDUK_CLIENT_SECRET = "demo-secret-for-this-test"
    return settings


def test_the_demo_registers_the_client_and_lets_listed_voters_sign_in_idempotently(demo_settings):
    territory = make_territory()
    home = make_citizen(territory.settlement)
    away = make_citizen(territory.settlement, residence="Россия, Москва")
    for citizen in (home, away):
        list_voter(citizen, territory.election, territory.precinct)
    unserved = make_citizen(territory.settlement)
    VoterListEntry.objects.create(election=territory.election, citizen=unserved,
                                  status=VoterListEntry.Status.UNASSIGNED)

    for _ in range(2):
        out = io.StringIO()
        demo.seed(election=territory.election, out=out)

    application = get_application_model().objects.get(client_id="shailoo-demo")
    assert set(application.redirect_uris.split()) == {
        "http://127.0.0.1:8000/login/tunduk/callback/", "http://localhost:8000/login/tunduk/callback/"}
    assert application.client_secret == "demo-secret-for-this-test"
    assert set(TestIdpAccount.objects.values_list("pin", flat=True)) == {home.pin, away.pin, unserved.pin}
    text = out.getvalue()
    assert home.pin in text and away.pin in text and "tunduk-demo" in text and "/cabinet/" in text


def test_the_demo_says_how_to_turn_the_provider_on_when_it_is_off(settings):
    settings.TEST_IDP = False
    territory = make_territory()
    out = io.StringIO()
    demo.seed(election=territory.election, out=out)
    assert "SHAILOO_TEST_IDP=1" in out.getvalue()
    assert not TestIdpAccount.objects.exists()
