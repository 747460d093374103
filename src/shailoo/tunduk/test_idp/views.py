# SPDX-License-Identifier: Apache-2.0
"""Pages of the test identity provider: sign-in, authorization (query or form_post answer), discovery.

It keeps its own sign-in in a signed cookie limited to /test-idp/, apart from the platform's session,
the way Tunduk is a separate site. Tokens, JWKS and userinfo are django-oauth-toolkit's own views.
"""
import functools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import ConnectDiscoveryInfoView
from oauth2_provider.views.mixins import OAuthLibMixin

from shailoo.rules.pin import InvalidPin, normalise_pin
from shailoo.tunduk.models import TestIdpAccount
from shailoo.tunduk.test_idp.validator import PIN_CLAIM

COOKIE = "tunduk_test_idp"
COOKIE_PATH = "/test-idp/"
COOKIE_SALT = "shailoo.tunduk.test_idp"
SIGN_IN_SECONDS = 3600
CANCEL_PARAM = "test_idp_cancel"
LANGUAGES = {"ky", "ru", "en"}


def test_idp_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The provider exists only when settings.TEST_IDP is on; otherwise its addresses are 404. A request
    with a NUL in any field is refused before django-oauth-toolkit looks it up (PostgreSQL cannot)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.TEST_IDP:
            raise Http404("no test identity provider here")
        for values in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            if any("\x00" in name or any("\x00" in value for value in given) for name, given in values.lists()):
                return HttpResponse("A field holds a NUL byte.", status=400, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return wrapper


def _language_from(ui_locales: str) -> str:
    for tag in ui_locales.split():
        language = tag.split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return "ky"


def signed_in_account(request: HttpRequest) -> TestIdpAccount | None:
    account_id = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=SIGN_IN_SECONDS)
    if not account_id or not str(account_id).isdigit():
        return None
    return TestIdpAccount.objects.select_related("user").filter(pk=int(account_id)).first()


def _answer(request: HttpRequest, uri: str, redirect_uri: str, response_mode: str) -> HttpResponse:
    """Send the authorization answer back: a redirect with a query, or a self-submitting form (form_post)."""
    if response_mode != "form_post":
        return HttpResponseRedirect(uri)
    own = {name for name, _ in parse_qsl(urlsplit(redirect_uri).query)}
    fields = [(name, value) for name, value in parse_qsl(urlsplit(uri).query) if name not in own]
    return render(request, "tunduk/test_idp/form_post.html", {"action": redirect_uri, "fields": fields})


@method_decorator(never_cache, name="dispatch")
class AuthorizeView(OAuthLibMixin, View):
    """The authorization endpoint: code flow, PKCE required; sends an unsigned-in citizen to sign in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response_mode = request.GET.get("response_mode", "query")
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self._error(request, error, response_mode)
        account = signed_in_account(request)
        cancelled = request.GET.get(CANCEL_PARAM) == "1"
        if account is None and not cancelled:
            if "none" in request.GET.get("prompt", "").split():
                uri = f"{credentials['redirect_uri']}?{urlencode({'error': 'login_required', 'state': credentials.get('state') or ''})}"
                return _answer(request, uri, credentials["redirect_uri"], response_mode)
            return HttpResponseRedirect(f"{COOKIE_PATH}signin/?{urlencode({'next': request.get_full_path()})}")
        if account is not None:
            request.user = account.user
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(scopes), credentials=credentials, allow=not cancelled
            )
        except OAuthToolkitError as error:
            return self._error(request, error, response_mode)
        return _answer(request, uri, credentials["redirect_uri"], response_mode)

    def _error(self, request: HttpRequest, error: OAuthToolkitError, response_mode: str) -> HttpResponse:
        redirect, details = self.error_response(error)
        oauthlib_error = details["error"]
        if redirect and oauthlib_error.redirect_uri:
            return _answer(request, details["url"], oauthlib_error.redirect_uri, response_mode)
        # A wrong client or redirect URI: never send the browser anywhere, say so here.
        return render(
            request, "tunduk/test_idp/error.html",
            {"error": oauthlib_error.error, "description": oauthlib_error.description},
            status=oauthlib_error.status_code,
        )


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    next_url = next_url or ""
    if not next_url.startswith(f"{COOKIE_PATH}authorize/"):
        return render(request, "tunduk/test_idp/error.html",
                      {"error": "invalid_request", "description": "no authorization request"}, status=400)
    query = dict(parse_qsl(urlsplit(next_url).query))
    with translation.override(_language_from(query.get("ui_locales", ""))):
        if request.method == "POST" and request.POST.get("action") == "cancel":
            return HttpResponseRedirect(f"{next_url}&{CANCEL_PARAM}=1")
        error = ""
        pin_typed = ""
        if request.method == "POST":
            pin_typed = request.POST.get("pin", "")[:40]
            account = None
            try:
                account = TestIdpAccount.objects.select_related("user").filter(pin=normalise_pin(pin_typed)).first()
            except InvalidPin:
                pass
            password_ok = constant_time_compare(request.POST.get("password", ""), settings.TEST_IDP_PASSWORD)
            if account is not None and password_ok:
                account.user.last_login = timezone.now()
                account.user.save(update_fields=["last_login"])
                response = HttpResponseRedirect(next_url)
                response.set_signed_cookie(
                    COOKIE, str(account.pk), salt=COOKIE_SALT, max_age=SIGN_IN_SECONDS, path=COOKIE_PATH,
                    httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                )
                return response
            error = _("The PIN or the password is wrong.")
        application = get_application_model().objects.filter(client_id=query.get("client_id", "")).first()
        client_name = application.name if application and application.name else query.get("client_id", "")
        return render(
            request, "tunduk/test_idp/signin.html",
            {"next": next_url, "error": error, "pin": pin_typed, "client_name": client_name,
             "language": translation.get_language()},
            status=400 if error else 200,
        )


@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    response = render(request, "tunduk/test_idp/signed_out.html") if request.method == "GET" else \
        HttpResponseRedirect(f"{COOKIE_PATH}signout/")
    if request.method == "POST":
        response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


class DiscoveryView(ConnectDiscoveryInfoView):
    """django-oauth-toolkit's discovery document, plus what this provider supports beyond it."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = json.loads(super().get(request, *args, **kwargs).content)
        document.update({
            "response_modes_supported": ["query", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "ui_locales_supported": ["ky", "ru", "en"],
            "prompt_values_supported": ["none"],
            "claims_supported": sorted({*document.get("claims_supported", []), PIN_CLAIM, "given_name",
                                        "family_name", "name"}),
        })
        response = JsonResponse(document)
        response["Access-Control-Allow-Origin"] = "*"
        return response
