# SPDX-License-Identifier: Apache-2.0
"""The voter's session after a Tunduk login: who (the PIN), since when, for how long.

A voter is not a Django user: staff sign in through Django auth, voters only through Tunduk, and
the two never share keys in the session. A voter session is short (settings.VOTER_SESSION_SECONDS)
and counted from the login, not from the last click.
"""
import functools
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from shailoo.rules.pin import pin_digest

log = logging.getLogger("shailoo.tunduk")

_PIN = "tunduk.voter_pin"
_LOGIN_AT = "tunduk.login_at"
_NAME = "tunduk.voter_name"
_VOTER_KEYS = (_PIN, _LOGIN_AT, _NAME)


def start_voter_session(request: HttpRequest, *, pin: str, claims: dict[str, Any]) -> None:
    """Sign the voter in: a new session key (no fixation), the PIN, the login time, a short lifetime."""
    request.session.cycle_key()
    request.session[_PIN] = pin
    request.session[_LOGIN_AT] = int(time.time())
    name = " ".join(part for part in (claims.get("given_name"), claims.get("family_name")) if part)
    request.session[_NAME] = str(name)[:200]
    request.session.set_expiry(settings.VOTER_SESSION_SECONDS)
    log.info("voter signed in through Tunduk: %s", pin_digest(pin, settings.PIN_HASH_KEY))


def current_voter_pin(request: HttpRequest) -> str | None:
    """The signed-in voter's PIN, or None when nobody is signed in or the session has run out."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    pin = session.get(_PIN)
    login_at = session.get(_LOGIN_AT)
    if not pin or not isinstance(login_at, int):
        return None
    if time.time() - login_at > settings.VOTER_SESSION_SECONDS:
        for key in _VOTER_KEYS:
            session.pop(key, None)
        return None
    return str(pin)


def current_voter_name(request: HttpRequest) -> str:
    """The voter's name as Tunduk gave it (for a greeting), or ''."""
    if current_voter_pin(request) is None:
        return ""
    return str(request.session.get(_NAME, ""))


def end_voter_session(request: HttpRequest) -> None:
    """Sign the voter out. A staff login in the same browser is left alone."""
    pin = request.session.get(_PIN)
    for key in _VOTER_KEYS:
        request.session.pop(key, None)
    request.session.cycle_key()
    if pin:
        log.info("voter signed out: %s", pin_digest(str(pin), settings.PIN_HASH_KEY))


def login_url(next_path: str) -> str:
    return f"{reverse('tunduk:login')}?{urlencode({'next': next_path})}"


def voter_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run only for a signed-in voter; anyone else goes to the Tunduk login and comes back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if current_voter_pin(request) is None:
            return HttpResponseRedirect(login_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def voter_context(request: HttpRequest) -> dict[str, str]:
    """Template context: the signed-in voter's name for the Voter's Cabinet's navigation."""
    return {"voter_name": current_voter_name(request)}
