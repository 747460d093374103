# SPDX-License-Identifier: Apache-2.0
"""The OpenID Connect relying party for Tunduk ESIA: discovery, authorization request, code exchange,
ID token checks. Built from authlib's client and claim classes and joserfc's JWT verification.

Everything here talks to the provider over real HTTP; nothing here knows about sessions or views.
"""
import logging
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from shailoo.rules.pin import InvalidPin, parse_pin

log = logging.getLogger("shailoo.tunduk")

# Seconds of clock difference tolerated between us and Tunduk when checking exp, iat and nbf.
CLOCK_LEEWAY = 60
# Only asymmetric signatures: a token signed with the client secret (HS256) proves nothing to a third party.
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]


class TundukError(Exception):
    """A login through Tunduk that cannot go on; `code` names the case for the error page and the logs."""

    code = "tunduk_error"
    status = 400

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class NotConfigured(TundukError):
    code, status = "not_configured", 503


class TooManyLogins(TundukError):
    code, status = "too_many_logins", 429


class ProviderUnavailable(TundukError):
    code, status = "provider_unavailable", 503


class InvalidState(TundukError):
    code, status = "invalid_state", 400


class AccessDenied(TundukError):
    code, status = "access_denied", 403


class ProviderError(TundukError):
    """Tunduk answered the authorization request with an error other than a refusal."""

    code, status = "provider_error", 502


class TokenExchangeFailed(TundukError):
    code, status = "token_exchange_failed", 502


class InvalidIdToken(TundukError):
    """The ID token failed a check; `reason` says which (signature, issuer, audience, expired, nonce...)."""

    code, status = "invalid_id_token", 502

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class InvalidPinClaim(TundukError):
    code, status = "invalid_pin_claim", 502


@dataclass(frozen=True)
class ProviderMetadata:
    """What the discovery document says about the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


@dataclass(frozen=True)
class ClientConfig:
    client_id: str
    client_secret: str
    scopes: str
    pin_claim: str
    response_mode: str
    timeout: float


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    """The citizen Tunduk vouches for, after every check of the ID token."""

    pin: str
    subject: str
    given_name: str
    family_name: str
    claims: dict[str, Any]


def _get_json(url: str, *, timeout: float) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error.__class__.__name__}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def fetch_provider_metadata(discovery_url: str, *, timeout: float) -> ProviderMetadata:
    document = _get_json(discovery_url, timeout=timeout)
    try:
        metadata = ProviderMetadata(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            userinfo_endpoint=str(document.get("userinfo_endpoint", "")),
            end_session_endpoint=str(document.get("end_session_endpoint", "")),
        )
    except KeyError as error:
        raise ProviderUnavailable(f"discovery document lacks {error}") from error
    methods = document.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise ProviderUnavailable("the provider does not support PKCE S256")
    return metadata


def fetch_key_set(jwks_uri: str, *, timeout: float) -> dict[str, Any]:
    document = _get_json(jwks_uri, timeout=timeout)
    if not isinstance(document.get("keys"), list):
        raise ProviderUnavailable("the JWKS document has no keys")
    return document


def build_authorization_request(
    metadata: ProviderMetadata, client: ClientConfig, *, redirect_uri: str, ui_locales: str
) -> AuthorizationRequest:
    """The URL that sends the browser to Tunduk: code flow, PKCE S256, fresh state and nonce."""
    state, nonce, code_verifier = generate_token(43), generate_token(43), generate_token(64)
    session = OAuth2Session(
        client_id=client.client_id, scope=client.scopes, redirect_uri=redirect_uri, code_challenge_method="S256"
    )
    extra = {"nonce": nonce, "ui_locales": ui_locales}
    if client.response_mode != "query":
        extra["response_mode"] = client.response_mode
    url, _ = session.create_authorization_url(
        metadata.authorization_endpoint, state=state, code_verifier=code_verifier, **extra
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)


def exchange_code(
    metadata: ProviderMetadata, client: ClientConfig, *, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    """The token response for an authorization code (client_secret_basic, the PKCE verifier)."""
    session = OAuth2Session(
        client_id=client.client_id, client_secret=client.client_secret,
        token_endpoint_auth_method="client_secret_basic", redirect_uri=redirect_uri,  # noqa: S106
    )
    try:
        with session:
            token = session.fetch_token(
                metadata.token_endpoint, grant_type="authorization_code", code=code,
                code_verifier=code_verifier, redirect_uri=redirect_uri, timeout=client.timeout,
            )
    except requests.RequestException as error:
        raise ProviderUnavailable(f"token endpoint: {error.__class__.__name__}") from error
    except OAuthError as error:
        raise TokenExchangeFailed(f"token endpoint refused: {error.error}") from error
    except ValueError as error:
        raise TokenExchangeFailed("token endpoint sent no JSON") from error
    if not token.get("id_token"):
        raise TokenExchangeFailed("the token response has no id_token")
    return dict(token)


def _decode(id_token: str, key_set: dict[str, Any]) -> Any:
    return jwt.decode(
        id_token, key=KeySet.import_key_set(key_set), registry=JWSRegistry(algorithms=ID_TOKEN_ALGORITHMS)
    )


def verify_id_token(
    id_token: str, *, key_set: dict[str, Any], refetch_key_set: Any, issuer: str, client_id: str,
    nonce: str, access_token: str | None, now: int | None = None,
) -> dict[str, Any]:
    """Check the ID token's signature against the provider's keys, then iss, aud, exp, iat, nonce,
    azp, at_hash and sub; return its claims.

    `refetch_key_set()` is called once when the token names a key we do not have (key rotation).
    """
    try:
        try:
            token = _decode(id_token, key_set)
        except InvalidKeyIdError:
            token = _decode(id_token, refetch_key_set())
    except (BadSignatureError, InvalidKeyIdError) as error:
        raise InvalidIdToken("signature", "the ID token's signature does not verify") from error
    except JoseError as error:
        raise InvalidIdToken("malformed", f"the ID token cannot be read: {error.error}") from error
    except ValueError as error:
        raise InvalidIdToken("malformed", "the ID token cannot be read") from error

    params = {"nonce": nonce, "client_id": client_id}
    if access_token:
        params["access_token"] = access_token
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "nonce": {"essential": True},
    }
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(now=now, leeway=CLOCK_LEEWAY)
    except ExpiredTokenError as error:
        raise InvalidIdToken("expired", "the ID token has expired") from error
    except (MissingClaimError, InvalidClaimError) as error:
        claim = getattr(error, "claim", "") or ""
        reason = {"iss": "issuer", "aud": "audience", "azp": "audience", "nbf": "not_yet_valid", "iat": "not_yet_valid"}.get(claim, claim or "claims")
        raise InvalidIdToken(reason, f"the ID token's claim {claim!r} is wrong or missing") from error
    except JoseError as error:
        raise InvalidIdToken("claims", f"the ID token's claims do not hold: {error.error}") from error

    return dict(claims)


def fetch_userinfo(metadata: ProviderMetadata, *, access_token: str, subject: str, timeout: float) -> dict[str, Any]:
    """The userinfo claims, for a provider that puts the PIN there rather than in the ID token.
    They must be about the same citizen as the ID token (OIDC Core 5.3.2: the same `sub`)."""
    try:
        response = requests.get(metadata.userinfo_endpoint, timeout=timeout,
                                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"})
        response.raise_for_status()
        userinfo = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"userinfo endpoint: {error.__class__.__name__}") from error
    if not isinstance(userinfo, dict) or userinfo.get("sub") != subject:
        raise InvalidPinClaim("the userinfo answer is about another subject")
    return userinfo


def identity_from(claims: dict[str, Any], *, pin_claim: str, userinfo: dict[str, Any] | None = None) -> VerifiedIdentity:
    """The citizen named by verified claims, the PIN from `pin_claim` (in the ID token, else in the
    userinfo answer), checked as a PIN."""
    merged = {**(userinfo or {}), **claims}
    raw_pin = merged.get(pin_claim)
    if not isinstance(raw_pin, str):
        raise InvalidPinClaim(f"neither the ID token nor userinfo has a {pin_claim!r} claim")
    try:
        pin = parse_pin(raw_pin).pin
    except InvalidPin as error:
        raise InvalidPinClaim(f"the {pin_claim!r} claim is not a PIN: {error.code}") from error
    return VerifiedIdentity(
        pin=pin, subject=str(merged.get("sub", "")), given_name=str(merged.get("given_name", "")),
        family_name=str(merged.get("family_name", "")), claims=merged,
    )
