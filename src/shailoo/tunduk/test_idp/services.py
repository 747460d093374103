# SPDX-License-Identifier: Apache-2.0
"""Accounts and the registered client of the test identity provider (demo and tests)."""
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

from shailoo.rules.pin import normalise_pin
from shailoo.tunduk.models import TestIdpAccount


def ensure_account(*, pin: str, given_name: str, family_name: str) -> TestIdpAccount:
    """The account of a citizen at the test provider, created once; names kept up to date."""
    pin = normalise_pin(pin)
    with transaction.atomic():
        account = TestIdpAccount.objects.select_related("user").filter(pin=pin).first()
        if account is None:
            user = get_user_model()(username=f"test-idp-{pin}", is_active=True, is_staff=False)
            user.set_unusable_password()
            user.save()
            return TestIdpAccount.objects.create(user=user, pin=pin, given_name=given_name, family_name=family_name)
        if (account.given_name, account.family_name) != (given_name, family_name):
            account.given_name, account.family_name = given_name, family_name
            account.save(update_fields=["given_name", "family_name"])
        return account


def ensure_client(*, client_id: str, client_secret: str, redirect_uris: list[str], name: str = "Shailoo"):
    """Register (or update) the relying party at the test provider: confidential, code flow, RS256.

    The demo secret is kept as given, not hashed: it is derived from the site's secret key and this
    provider never runs in production; hashing would cost half a second on every login in the tests.
    """
    Application = get_application_model()
    with transaction.atomic():
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            application = Application(client_id=client_id)
        known = application.redirect_uris.split() if application.redirect_uris else []
        application.redirect_uris = " ".join(dict.fromkeys(known + redirect_uris))
        application.name = name
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.algorithm = Application.RS256_ALGORITHM
        application.skip_authorization = True
        application.hash_client_secret = False
        application.client_secret = client_secret
        application.save()
        return application
