# SPDX-License-Identifier: Apache-2.0
"""The voter's electronic signature on an e-voting application, behind a stated interface.

In production the state's cloud e-signature signs the statement after the voter confirms it with
the provider; the platform only verifies. `DemoCloudSignature` stands in for that provider in the demo
and in tests: it holds one real Ed25519 key per PIN, derived from its master secret, and signs and
verifies with it. Which implementation is used is the setting SHAILOO_SIGNER (a dotted class path).
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEMO_SIGNER = "shailoo.cabinet.signing.DemoCloudSignature"


class InvalidSignature(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = "invalid_signature"
        self.message = message


@dataclass(frozen=True)
class Signature:
    value: bytes
    key_id: str


class Signer(Protocol):
    def sign(self, *, pin: str, statement: bytes) -> Signature: ...


class SignatureVerifier(Protocol):
    def verify(self, *, pin: str, statement: bytes, signature: Signature) -> None:
        """Return if `signature` is the signature of the holder of `pin` over `statement`; else raise."""


class DemoCloudSignature:
    """Signer and verifier with real Ed25519 keys, one per PIN, derived from a master secret."""

    def __init__(self, master_secret: str | None = None) -> None:
        secret = master_secret or getattr(settings, "SHAILOO_DEMO_SIGNER_SECRET", "") or settings.SECRET_KEY
        self._master = hashlib.sha256(b"shailoo demo cloud signature\x00" + secret.encode()).digest()

    def _private_key(self, pin: str) -> Ed25519PrivateKey:
        seed = hmac.new(self._master, pin.encode(), hashlib.sha256).digest()
        return Ed25519PrivateKey.from_private_bytes(seed)

    def public_key(self, pin: str) -> Ed25519PublicKey:
        return self._private_key(pin).public_key()

    def key_id(self, pin: str) -> str:
        raw = self.public_key(pin).public_bytes(Encoding.Raw, PublicFormat.Raw)
        return "ed25519:" + base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:12]).decode()

    def sign(self, *, pin: str, statement: bytes) -> Signature:
        return Signature(value=self._private_key(pin).sign(statement), key_id=self.key_id(pin))

    def verify(self, *, pin: str, statement: bytes, signature: Signature) -> None:
        if signature.key_id != self.key_id(pin):
            raise InvalidSignature("the signature was made with a key that is not this voter's")
        try:
            self.public_key(pin).verify(signature.value, statement)
        except _CryptoInvalidSignature:
            raise InvalidSignature("the signature does not match the statement") from None


def get_signer() -> Signer:
    path = getattr(settings, "SHAILOO_SIGNER", DEMO_SIGNER)
    if path == DEMO_SIGNER and getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("the demo signer cannot be used in production: set SHAILOO_SIGNER")
    return import_string(path)()


def get_verifier() -> SignatureVerifier:
    path = getattr(settings, "SHAILOO_SIGNATURE_VERIFIER", "") or getattr(settings, "SHAILOO_SIGNER", DEMO_SIGNER)
    if path == DEMO_SIGNER and getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("the demo verifier cannot be used in production: set SHAILOO_SIGNATURE_VERIFIER")
    return import_string(path)()


def encode_signature(signature: Signature) -> str:
    return base64.b64encode(signature.value).decode()


def decode_signature(text: str, key_id: str) -> Signature:
    try:
        return Signature(value=base64.b64decode(text, validate=True), key_id=key_id)
    except ValueError:
        raise InvalidSignature("the signature is not valid base64") from None
