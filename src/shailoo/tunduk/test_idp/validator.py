# SPDX-License-Identifier: Apache-2.0
"""What the test identity provider puts in its ID tokens: the PIN and the citizen's names."""
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from shailoo.tunduk.models import TestIdpAccount

# The claim that carries the PIN in this provider's tokens. The relying party reads the claim named
# by settings.TUNDUK_PIN_CLAIM, so a mismatch between the two shows up as a refused login.
PIN_CLAIM = "pin"


class TestIdpValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, PIN_CLAIM: "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        account = TestIdpAccount.objects.filter(user=request.user).first()
        if account is None:
            return {}
        return {
            PIN_CLAIM: account.pin,
            "given_name": account.given_name,
            "family_name": account.family_name,
            "name": f"{account.given_name} {account.family_name}",
        }
