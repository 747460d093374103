# SPDX-License-Identifier: Apache-2.0
"""The pluggable signature: real Ed25519 in the demo, chosen in settings, refused in production."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from shailoo.cabinet import signing


def test_the_demo_signature_verifies_and_a_changed_statement_does_not():
    signer = signing.DemoCloudSignature("test secret")
    signature = signer.sign(pin="21705199012345", statement=b"statement")
    signer.verify(pin="21705199012345", statement=b"statement", signature=signature)
    with pytest.raises(signing.InvalidSignature):
        signer.verify(pin="21705199012345", statement=b"statement!", signature=signature)


def test_a_signature_made_with_another_master_secret_is_refused():
    signature = signing.DemoCloudSignature("one").sign(pin="21705199012345", statement=b"s")
    with pytest.raises(signing.InvalidSignature):
        signing.DemoCloudSignature("two").verify(pin="21705199012345", statement=b"s", signature=signature)


def test_the_verifier_is_chosen_in_settings(settings):
    settings.SHAILOO_SIGNATURE_VERIFIER = "tests.cabinet.test_signing.RefuseEverything"
    with pytest.raises(signing.InvalidSignature):
        signing.get_verifier().verify(pin="1", statement=b"", signature=signing.Signature(b"", "k"))


def test_the_demo_signer_is_refused_in_production(settings):
    settings.PRODUCTION = True
    settings.SHAILOO_SIGNER = signing.DEMO_SIGNER
    settings.SHAILOO_SIGNATURE_VERIFIER = ""
    with pytest.raises(ImproperlyConfigured):
        signing.get_signer()
    with pytest.raises(ImproperlyConfigured):
        signing.get_verifier()


class RefuseEverything:
    def verify(self, *, pin, statement, signature):
        raise signing.InvalidSignature("refused by the test verifier")
