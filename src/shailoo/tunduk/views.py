# SPDX-License-Identifier: Apache-2.0
"""The voter's login through Tunduk: start, callback (query or form_post), logout. Thin: see login.py."""
import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from shailoo.lookup import ratelimit
from shailoo.tunduk import login
from shailoo.tunduk.oidc import TooManyLogins, TundukError
from shailoo.tunduk.session import current_voter_pin, end_voter_session, start_voter_session

log = logging.getLogger("shailoo.tunduk")

ERROR_MESSAGES = {
    "not_configured": (_("Login is not available"), _("Login through Tunduk is not configured on this server.")),
    "provider_unavailable": (
        _("Tunduk is not answering"), _("Tunduk is not answering right now. Please try again in a few minutes."),
    ),
    "invalid_state": (
        _("The login has expired"),
        _("This login has expired, was already used or was started in another browser. Please start again."),
    ),
    "access_denied": (
        _("Login cancelled"), _("The login was cancelled at Tunduk, so you are not signed in."),
    ),
    "too_many_logins": (
        _("Too many logins"), _("Too many logins were started from your address. Please wait a minute and try again."),
    ),
    "provider_error": (_("Tunduk could not sign you in"), _("Tunduk could not complete the login.")),
    "token_exchange_failed": (
        _("Tunduk could not sign you in"), _("Tunduk did not confirm the login. Please start again."),
    ),
    "invalid_id_token": (
        _("The login could not be verified"),
        _("Tunduk's answer failed our checks, so you were not signed in. Please start again."),
    ),
    "invalid_pin_claim": (
        _("No personal number"),
        _("Tunduk did not give a valid personal identification number (PIN) for your account."),
    ),
}


def _error_page(request: HttpRequest, error: TundukError) -> HttpResponse:
    log.warning("Tunduk login failed: %s (%s)", error.code, getattr(error, "reason", "-"))
    title, message = ERROR_MESSAGES.get(error.code, ERROR_MESSAGES["provider_error"])
    # The answer of a cross-site form_post comes without our cookies, language included:
    # the page says it in both state languages (and in English when that is the page's language).
    languages = ["ky", "ru"] + (["en"] if translation.get_language() == "en" else [])
    texts = []
    for language in languages:
        with translation.override(language):
            texts.append({"lang": language, "title": str(title), "message": str(message)})
    response = render(request, "tunduk/error.html", {"texts": texts, "code": error.code}, status=error.status)
    response.delete_cookie(login.BROWSER_COOKIE, path=_cookie_path())
    return response


def _cookie_path() -> str:
    return reverse("tunduk:callback")


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    try:
        # Each start writes a row and calls Tunduk: an address may start only so many.
        decision = ratelimit.hit("tunduk_login", ratelimit.client_ip(request),
                                 limit=ratelimit.Limit.parse(settings.TUNDUK_LOGIN_RATE_LIMIT))
        if not decision.allowed:
            raise TooManyLogins(f"retry after {decision.retry_after}s")
        url, browser_token = login.start_login(request, next_url=request.GET.get("next"))
    except TundukError as error:
        return _error_page(request, error)
    response = HttpResponseRedirect(url)
    secure = settings.SESSION_COOKIE_SECURE
    response.set_cookie(
        login.BROWSER_COOKIE, browser_token, max_age=login.LOGIN_TIMEOUT_SECONDS, path=_cookie_path(),
        httponly=True, secure=secure,
        # Tunduk's form_post answer is a cross-site POST: only SameSite=None (which needs Secure)
        # lets the cookie come along. Over plain http (a development machine) Lax is all we can do.
        samesite="None" if secure else "Lax",
    )
    return response


# The answer cannot carry our CSRF token: it is bound to the login by `state` and the browser cookie.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    answer = request.POST if request.method == "POST" else request.GET
    try:
        identity, next_url = login.finish_login(request, answer)
    except TundukError as error:
        return _error_page(request, error)
    start_voter_session(
        request, pin=identity.pin,
        claims={"given_name": identity.given_name, "family_name": identity.family_name, "sub": identity.subject},
    )
    response = HttpResponseRedirect(next_url)
    response.delete_cookie(login.BROWSER_COOKIE, path=_cookie_path())
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        end_voter_session(request)
        messages.success(request, _("You are signed out of the Voter's Cabinet."))
        return HttpResponseRedirect("/")
    return render(request, "tunduk/logout.html", {"signed_in": current_voter_pin(request) is not None})
