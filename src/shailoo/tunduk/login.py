# SPDX-License-Identifier: Apache-2.0
"""The voter's login through Tunduk, start to finish: what the views call.

`start_login` records the request (state, nonce, PKCE verifier) on the server and binds it to the
browser with a cookie; `finish_login` checks the answer against that record, exchanges the code
and verifies the ID token. Discovery and JWKS documents are cached, and the keys are fetched again
once when a token names a key we do not know (Tunduk rotated its keys).
"""
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from shailoo.tunduk.models import PendingLogin
from shailoo.tunduk.oidc import (
    AccessDenied,
    ClientConfig,
    InvalidState,
    NotConfigured,
    ProviderError,
    ProviderMetadata,
    VerifiedIdentity,
    build_authorization_request,
    exchange_code,
    fetch_key_set,
    fetch_provider_metadata,
    fetch_userinfo,
    identity_from,
    verify_id_token,
)

BROWSER_COOKIE = "shailoo_tunduk_login"
# A login must come back from Tunduk within this many seconds.
LOGIN_TIMEOUT_SECONDS = 600
METADATA_CACHE_SECONDS = 3600
DEFAULT_NEXT = "/cabinet/"
MAX_NEXT_LENGTH = PendingLogin._meta.get_field("next_url").max_length
STATE_MAX_LENGTH = PendingLogin._meta.get_field("state").max_length
MAX_CODE_LENGTH = 2048
# Tunduk speaks Kyrgyz and Russian; an English page asks for English, then Russian.
UI_LOCALES = {"ky": "ky ru", "ru": "ru ky", "en": "en ru"}
# Errors by which the provider says the citizen did not (or could not) consent.
REFUSALS = {"access_denied", "consent_required", "login_required", "interaction_required"}


def client_config() -> ClientConfig:
    if not (settings.TUNDUK_DISCOVERY_URL and settings.TUNDUK_CLIENT_ID and settings.TUNDUK_CLIENT_SECRET):
        raise NotConfigured("SHAILOO_OIDC_DISCOVERY_URL, _CLIENT_ID and _CLIENT_SECRET must be set")
    if settings.TUNDUK_RESPONSE_MODE not in {"form_post", "query"}:
        raise NotConfigured("SHAILOO_OIDC_RESPONSE_MODE is form_post or query")
    return ClientConfig(
        client_id=settings.TUNDUK_CLIENT_ID, client_secret=settings.TUNDUK_CLIENT_SECRET,
        scopes=settings.TUNDUK_SCOPES, pin_claim=settings.TUNDUK_PIN_CLAIM,
        response_mode=settings.TUNDUK_RESPONSE_MODE, timeout=settings.TUNDUK_HTTP_TIMEOUT,
    )


def _cache_key(kind: str, url: str) -> str:
    return f"tunduk:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def provider_metadata(*, refresh: bool = False) -> ProviderMetadata:
    url = settings.TUNDUK_DISCOVERY_URL
    key = _cache_key("discovery", url)
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return ProviderMetadata(**cached)
    metadata = fetch_provider_metadata(url, timeout=settings.TUNDUK_HTTP_TIMEOUT)
    cache.set(key, asdict(metadata), METADATA_CACHE_SECONDS)
    return metadata


def provider_key_set(jwks_uri: str, *, refresh: bool = False) -> dict[str, Any]:
    key = _cache_key("jwks", jwks_uri)
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return dict(cached)
    key_set = fetch_key_set(jwks_uri, timeout=settings.TUNDUK_HTTP_TIMEOUT)
    cache.set(key, key_set, METADATA_CACHE_SECONDS)
    return key_set


def safe_next(request: HttpRequest, next_url: str | None) -> str:
    """Only a path on this site: a login must never send the voter somewhere else."""
    if (
        next_url and len(next_url) <= MAX_NEXT_LENGTH and next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url
        and next_url.isprintable()  # no NUL (PostgreSQL refuses it in a text column) nor other control characters
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    ):
        return next_url
    return DEFAULT_NEXT


def redirect_uri(request: HttpRequest) -> str:
    return settings.TUNDUK_REDIRECT_URI or request.build_absolute_uri(reverse("tunduk:callback"))


def _browser_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(request: HttpRequest, *, next_url: str | None) -> tuple[str, str]:
    """The authorization URL to send the browser to, and the value of its binding cookie."""
    client = client_config()
    metadata = provider_metadata()
    callback = redirect_uri(request)
    authorization = build_authorization_request(
        metadata, client, redirect_uri=callback,
        ui_locales=UI_LOCALES.get(translation.get_language() or "ky", "ky ru"),
    )
    browser_token = secrets.token_urlsafe(32)
    PendingLogin.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(seconds=LOGIN_TIMEOUT_SECONDS)
    ).delete()
    PendingLogin.objects.create(
        state=authorization.state, browser_hash=_browser_hash(browser_token), nonce=authorization.nonce,
        code_verifier=authorization.code_verifier, redirect_uri=callback, next_url=safe_next(request, next_url),
    )
    return authorization.url, browser_token


def _take_pending_login(state: str, browser_token: str) -> PendingLogin:
    """The login this answer belongs to, used up: a second answer with the same state is refused."""
    if not state:
        raise InvalidState("the answer carries no state")
    if len(state) > STATE_MAX_LENGTH or not state.isprintable():
        raise InvalidState("the state is not one we issue")
    pending = PendingLogin.objects.filter(state=state).first()
    if pending is None:
        raise InvalidState("unknown or already used state")
    deleted, _ = PendingLogin.objects.filter(pk=pending.pk).delete()
    if not deleted:
        raise InvalidState("state used by a concurrent answer")
    if not hmac.compare_digest(pending.browser_hash, _browser_hash(browser_token)):
        raise InvalidState("the login was started in another browser")
    if timezone.now() - pending.created_at > dt.timedelta(seconds=LOGIN_TIMEOUT_SECONDS):
        raise InvalidState("the login took too long")
    return pending


def finish_login(request: HttpRequest, answer: Mapping[str, str]) -> tuple[VerifiedIdentity, str]:
    """Check Tunduk's answer (query or form_post) and return the verified citizen and where to go next."""
    client = client_config()
    pending = _take_pending_login(answer.get("state", ""), request.COOKIES.get(BROWSER_COOKIE, ""))
    error = answer.get("error")
    if error:
        if error in REFUSALS:
            raise AccessDenied(error)
        raise ProviderError(error[:60])
    code = answer.get("code")
    if not code:
        raise ProviderError("the answer carries neither a code nor an error")
    if len(code) > MAX_CODE_LENGTH or not code.isprintable():
        raise ProviderError("the code is not printable text of a sane length")
    metadata = provider_metadata()
    # RFC 9207: when the provider names itself in the answer it must be the one we asked.
    if answer.get("iss") and answer["iss"] != metadata.issuer:
        raise ProviderError("the answer comes from another issuer")
    tokens = exchange_code(
        metadata, client, code=code, redirect_uri=pending.redirect_uri, code_verifier=pending.code_verifier
    )
    claims = verify_id_token(
        tokens["id_token"], key_set=provider_key_set(metadata.jwks_uri),
        refetch_key_set=lambda: provider_key_set(metadata.jwks_uri, refresh=True),
        issuer=metadata.issuer, client_id=client.client_id, nonce=pending.nonce,
        access_token=tokens.get("access_token"),
    )
    userinfo = None
    if client.pin_claim not in claims and metadata.userinfo_endpoint and tokens.get("access_token"):
        userinfo = fetch_userinfo(metadata, access_token=tokens["access_token"], subject=str(claims["sub"]),
                                  timeout=client.timeout)
    return identity_from(claims, pin_claim=client.pin_claim, userinfo=userinfo), pending.next_url
