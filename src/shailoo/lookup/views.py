# SPDX-License-Identifier: Apache-2.0
"""Pages of the public check: the PIN check, find-by-address, precinct pages, the call-centre console.

All work without JavaScript. With it, the check page's ALTCHA widget solves a proof-of-work challenge
for each check; without it an address gets a few checks an hour (shailoo.lookup.gate).
"""
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from shailoo.geography.models import Settlement
from shailoo.lookup import texts
from shailoo.lookup.challenge import Refusal
from shailoo.lookup.forms import CheckForm, WhereForm
from shailoo.lookup.gate import Verdict, admit
from shailoo.lookup.outcomes import LookupKind, LookupOutcome
from shailoo.lookup.ratelimit import client_ip as _client_ip
from shailoo.lookup.ratelimit import hit
from shailoo.lookup.selectors import (
    lookup_voter,
    precinct_for_address,
    public_precinct,
    settlements_with_precincts,
    streets_of,
    valid_pin,
)
from shailoo.lookup.services import lookup_for_operator
from shailoo.rules.addresses import house_number
from shailoo.rules.eligibility import Ineligibility
from shailoo.staff.scope import is_operator

logger = logging.getLogger(__name__)

def _next_links(outcome: LookupOutcome) -> list[dict]:
    """Where the next step is done online, as links under it."""
    if outcome.kind is LookupKind.LISTED:
        if outcome.enrolment_until:
            return [{"url": reverse("cabinet:home"), "text": _("Apply in the Voter's Cabinet")}]
        return []
    if not outcome.corrections_open:
        return []
    if outcome.kind is LookupKind.INELIGIBLE and Ineligibility.OUTSIDE_TERRITORY not in outcome.reasons:
        return []
    return [
        {"url": reverse("lookup-where"), "text": _("Find the precinct of your address")},
        {"url": reverse("cabinet:home"), "text": _("Apply in the Voter's Cabinet")},
    ]


def _result_context(outcome: LookupOutcome) -> dict:
    language = texts.language()
    address = outcome.precinct_address(language)
    status_text, meaning = texts.status(outcome)
    return {
        "outcome": outcome,
        "kind": outcome.kind.value,
        "headline": texts.headline(outcome),
        "status_text": status_text,
        "meaning": meaning,
        "next_links": _next_links(outcome),
        "what_to_do": texts.what_to_do(outcome),
        "reasons": texts.reason_texts(outcome),
        "voting_mode_text": texts.voting_mode_text(outcome.voting_mode),
        "election_name": outcome.election_name(language),
        "election_day": texts.localised_date(outcome.election_day),
        "precinct_name": outcome.precinct_name(language),
        "precinct_address": address,
        "map_url": texts.map_url(latitude=outcome.precinct_latitude, longitude=outcome.precinct_longitude,
                                 address=address) if outcome.kind is LookupKind.LISTED else "",
    }


def _refused(request: HttpRequest, *, error: str, status: int, retry_after: int = 0) -> HttpResponse:
    """The check page with the reason for the refusal and no result; the PIN is not echoed back."""
    response = render(request, "lookup/check.html", {"form": CheckForm(), "refusal": error, "page_errors": True},
                      status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _challenge_refusal(reason: Refusal | None) -> str:
    if reason is Refusal.EXPIRED:
        return _("The check that you are a person has expired. Press “Check” again.")
    if reason is Refusal.SPENT:
        return _("This check that you are a person was already used for a lookup. Press “Check” again.")
    return _("The check that you are a person was not valid. Reload the page and press “Check” again.")


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what a voter can do here and without the internet."""
    return render(request, "lookup/home.html")


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "lookup/check.html", {"form": CheckForm()})
    form = CheckForm(request.POST)
    if not form.is_valid():
        return render(request, "lookup/check.html", {"form": form}, status=400)
    pin_text = form.cleaned_data["pin"]
    admission = admit(address=_client_ip(request), pin=valid_pin(pin_text), payload=form.cleaned_data["altcha"])
    if admission.verdict is Verdict.CHALLENGE_INVALID:
        return _refused(request, status=400, error=_challenge_refusal(admission.reason))
    if admission.verdict is Verdict.CHALLENGE_REQUIRED:
        return _refused(request, status=429, retry_after=admission.retry_after, error=_(
            "Many checks came from your network. To go on, your browser must do a small calculation that "
            "shows you are a person: turn on JavaScript, or send your PIN by SMS to 119 or call 1255."))
    if admission.verdict is Verdict.RATE_LIMITED:
        minutes = max(1, -(-admission.retry_after // 60))
        if admission.scope == "pin":
            error = _("This PIN has been checked many times. Try again in %(minutes)s min, or call 1255.")
        else:
            error = _("Many checks came from your network. Try again in %(minutes)s min, or send your PIN "
                      "by SMS to 119 or call 1255.")
        return _refused(request, status=429, retry_after=admission.retry_after, error=error % {"minutes": minutes})

    outcome = lookup_voter(pin_text)
    logger.debug("lookup channel=web outcome=%s pin=%s", outcome.kind, outcome.pin_hash)
    if outcome.kind is LookupKind.INVALID_PIN:
        form.add_error("pin", texts.pin_error_text(outcome.pin_error))
        return render(request, "lookup/check.html", {"form": form}, status=400)
    # The PIN is not echoed back into the page: a fresh, empty form under the result.
    return render(request, "lookup/check.html", {"form": CheckForm(), **_result_context(outcome)})


@require_http_methods(["GET"])
def where(request: HttpRequest) -> HttpResponse:
    """Find the precinct of an address: settlement, then street and house. Two steps without JavaScript."""
    settlements = settlements_with_precincts()
    context: dict = {"settlements": settlements}
    if not request.GET:
        return render(request, "lookup/where.html", context)
    form = WhereForm(request.GET)
    context["form"] = form
    if not form.is_valid():
        return render(request, "lookup/where.html", context, status=400)
    settlement = Settlement.objects.filter(pk=form.cleaned_data["settlement"]).first()
    if settlement is None:
        form.add_error("settlement", _("Choose a settlement from the list."))
        return render(request, "lookup/where.html", context, status=400)
    context["settlement"] = settlement
    context["streets"] = streets_of(settlement)
    street, house = form.cleaned_data["street"], form.cleaned_data["house"]
    if "street" in request.GET or "house" in request.GET:
        number = house_number(house) if house else None
        if house and number is None:
            form.add_error("house", _("A house number starts with digits, e.g. 12 or 12А."))
            return render(request, "lookup/where.html", context, status=400)
        context["searched_street"], context["searched_house"] = street, house
        context["searched"] = True
        context["precinct"] = precinct_for_address(settlement=settlement, street=street, house=number)
    return render(request, "lookup/where.html", context)


@require_http_methods(["GET"])
def precinct_page(request: HttpRequest, number: str) -> HttpResponse:
    precinct = public_precinct(number)
    if precinct is None:
        return render(request, "lookup/precinct_not_found.html", {"number": number[:8]}, status=404)
    latitude = float(precinct.latitude) if precinct.latitude is not None else None
    longitude = float(precinct.longitude) if precinct.longitude is not None else None
    return render(request, "lookup/precinct.html", {
        "precinct": precinct,
        "map_url": texts.map_url(latitude=latitude, longitude=longitude, address=precinct.address),
    })


@require_http_methods(["GET"])
def operator_login(request: HttpRequest) -> HttpResponse:
    """Staff have one entrance, the commission login: the lockout and the second factor live there."""
    return redirect(f"{reverse('commission:login')}?{urlencode({'next': reverse('lookup-operator')})}")


@require_POST
def operator_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out of the call-centre console."))
    return redirect("lookup-operator-login")


@login_required(login_url="lookup-operator-login")
@require_http_methods(["GET", "POST"])
def operator_console(request: HttpRequest) -> HttpResponse:
    """The call-centre console (1255): the same lookup as the public check, every lookup audited."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        # Signed in somewhere that skipped the second factor: sign in again through the staff login.
        logout(request)
        return redirect("lookup-operator-login")
    if not is_operator(request.user):
        return HttpResponseForbidden(render(request, "lookup/operator_forbidden.html").content)
    if request.method == "GET":
        return render(request, "lookup/operator.html", {"form": CheckForm()})
    form = CheckForm(request.POST)
    if not form.is_valid():
        return render(request, "lookup/operator.html", {"form": form}, status=400)
    decision = hit("operator", f"user:{request.user.pk}")
    if not decision.allowed:
        response = render(request, "lookup/operator.html", {
            "form": CheckForm(), "limit_error": _("Too many lookups from this account; wait a few minutes."),
        }, status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response
    outcome = lookup_for_operator(actor=request.user, pin_text=form.cleaned_data["pin"])
    context: dict = {"form": CheckForm()}
    if outcome.kind is LookupKind.INVALID_PIN:
        form = CheckForm({"pin": form.cleaned_data["pin"]})
        form.is_valid()
        form.add_error("pin", texts.pin_error_text(outcome.pin_error))
        return render(request, "lookup/operator.html", {"form": form}, status=400)
    context.update(_result_context(outcome))
    return render(request, "lookup/operator.html", context)
