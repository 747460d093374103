# SPDX-License-Identifier: Apache-2.0
"""The Voter's Cabinet: a voter signed in through Tunduk sees their entry and their applications.

Every query is by the PIN of the voter's session, so a voter can reach nothing of anyone else: an id
of another voter's application is simply not found (404).
"""
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shailoo.cabinet import forms, selectors, signing
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import (
    ApplicationRefused,
    Claim,
    evoting_statement,
    file_application,
    normalise_phone,
    withdraw_application,
)
from shailoo.tunduk.session import current_voter_name, current_voter_pin, voter_required

CONFLICT_CODES = {"deadline_passed", "already_open", "already_listed", "already_evoter", "not_open", "election_over"}
CLAIM_FIELDS = ("surname", "name", "patronymic", "settlement", "street", "house", "apartment")


def _language() -> str:
    return (translation.get_language() or "ky")[:2]


def _status_of(error: ApplicationRefused) -> int:
    return 409 if error.code in CONFLICT_CODES else 400


def _my_election(pin: str, election_id: int) -> selectors.MyElection:
    for item in selectors.my_elections(pin, now=timezone.now()):
        if item.election.pk == election_id:
            return item
    raise Http404(_("You have no entry in this election."))


@never_cache
@voter_required
def home(request: HttpRequest) -> HttpResponse:
    pin = current_voter_pin(request)
    return render(request, "cabinet/home.html", {
        "voter_name": current_voter_name(request),
        "citizen": selectors.citizen_of(pin),
        "elections": selectors.my_elections(pin, now=timezone.now()),
        "applications": selectors.my_applications(pin),
    })


def _claim_from(data: dict) -> Claim:
    return Claim(
        what_is_wrong=data.get("what_is_wrong", ""),
        values={key: data[key] for key in CLAIM_FIELDS if data.get(key)},
        precinct_number=(data.get("precinct_number") or "").strip(),
    )


def _filed(request: HttpRequest, application: Application) -> HttpResponseRedirect:
    messages.success(request, _("Your application № %(number)s is filed. We will send the decision by SMS.")
                     % {"number": application.pk})
    return HttpResponseRedirect(reverse("cabinet:home"))


def _apply(request: HttpRequest, form, file_it, context: dict) -> HttpResponse:
    """One application form: on a valid POST `file_it(cleaned_data)` files it; a refusal or an invalid
    form shows the form again with the reason and the status that says why."""
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = file_it(form.cleaned_data)
            except ApplicationRefused as refused:
                error, status = refused.message, _status_of(refused)
            else:
                return _filed(request, application)
        else:
            status = 400
    return render(request, "cabinet/apply.html", {"form": form, "error": error, **context}, status=status)


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def apply_correction(request: HttpRequest, election_id: int) -> HttpResponse:
    pin = current_voter_pin(request)
    mine = _my_election(pin, election_id)

    def file_it(data: dict) -> Application:
        return file_application(
            kind=Application.Kind.CORRECTION, election=mine.election, pin=pin, phone=data["phone"],
            claim=_claim_from(data), scan=data["scan"], language=_language(),
        )

    return _apply(request, forms.CorrectionForm(request.POST or None, request.FILES or None), file_it, {
        "mine": mine, "title": _("Correct my data"), "upload": True,
        "deadline": mine.corrections_until, "open": mine.corrections_open,
    })


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def apply_missing(request: HttpRequest) -> HttpResponse:
    pin = current_voter_pin(request)
    elections = list(selectors.open_elections(now=timezone.now()))

    def file_it(data: dict) -> Application:
        election = next(e for e in elections if e.pk == data["election"])
        return file_application(
            kind=Application.Kind.MISSING, election=election, pin=pin, phone=data["phone"],
            claim=_claim_from(data), scan=data["scan"], language=_language(),
        )

    form = forms.MissingForm(request.POST or None, request.FILES or None, elections=elections)
    return _apply(request, form, file_it, {"title": _("I am missing from the voter list"), "upload": True})


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def apply_evoting(request: HttpRequest, election_id: int) -> HttpResponse:
    """The voter confirms with their electronic signature: the signer signs the statement shown here."""
    pin = current_voter_pin(request)
    mine = _my_election(pin, election_id)
    if not mine.election.evoting:
        raise Http404(_("This election offers no electronic voting."))
    now = timezone.now()

    def file_it(data: dict) -> Application:
        phone = normalise_phone(data["phone"])
        statement = evoting_statement(election=mine.election, pin=pin, phone=phone, at=now)
        signature = signing.get_signer().sign(pin=pin, statement=statement.encode())
        return file_application(
            kind=Application.Kind.EVOTING, election=mine.election, pin=pin, phone=phone,
            signed_statement=statement, signature=signature, language=_language(), now=now,
        )

    return _apply(request, forms.EvotingForm(request.POST or None), file_it, {
        "mine": mine, "title": _("Vote electronically"), "upload": False,
        "deadline": mine.enrolment_until, "open": mine.enrolment_open, "evoting": True,
    })


@voter_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pin = current_voter_pin(request)
    application = selectors.my_application(pin, pk) if 0 < pk <= 2**63 - 1 else None
    if application is None:
        raise Http404(_("No such application."))
    try:
        withdraw_application(application=application, pin=pin)
    except ApplicationRefused as refused:
        return render(request, "cabinet/refused.html", {"error": refused.message}, status=_status_of(refused))
    messages.success(request, _("Application № %(number)s is withdrawn.") % {"number": pk})
    return HttpResponseRedirect(reverse("cabinet:home"))
