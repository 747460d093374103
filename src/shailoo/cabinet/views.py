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
from django.views.decorators.http import require_http_methods

from shailoo.cabinet import forms, held_scans, selectors, signing
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import (
    ApplicationRefused,
    Claim,
    deadline_for,
    evoting_statement,
    file_application,
    normalise_phone,
    withdraw_application,
)
from shailoo.lookup.texts import localised_date as date_text
from shailoo.rules.calendar import local_day
from shailoo.tunduk.session import current_voter_pin, voter_required
from shailoo.web.middleware import WASM_CONTENT_SECURITY_POLICY

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


ADDRESS_FIELDS = ("settlement", "street", "house", "apartment")


def _my_data(citizen, decided: dict) -> dict:
    """The voter's data as the list has it: the register's values, with those a commission decided."""
    values = {name: getattr(citizen, name) for name in ("surname", "name", "patronymic", *ADDRESS_FIELDS)}
    changed = {}
    for name, (value, application) in decided.items():
        if name in values:
            values[name] = value
            changed[name] = application
    return {"values": values, "changed": changed,
            "name_changed": next((changed[n] for n in ("surname", "name", "patronymic") if n in changed), None),
            "address_changed": next((changed[n] for n in ADDRESS_FIELDS if n in changed), None)}


@never_cache
@voter_required
def home(request: HttpRequest) -> HttpResponse:
    pin = current_voter_pin(request)
    citizen = selectors.citizen_of(pin)
    elections = selectors.my_elections(pin, now=timezone.now())
    open_by_kind = selectors.open_applications(pin)
    applications = list(selectors.my_applications(pin))
    decided = selectors.decided_corrections(pin, election_ids=[item.election.pk for item in elections])
    return render(request, "cabinet/home.html", {
        "nav": "home",
        "citizen": citizen,
        "my_data": _my_data(citizen, decided) if citizen else None,
        "elections": [{
            "item": item,
            "open_correction": open_by_kind.get((item.election.pk, Application.Kind.CORRECTION)),
            "open_evoting": open_by_kind.get((item.election.pk, Application.Kind.EVOTING)),
        } for item in elections],
        "applications": [{"application": a, "next_step": next_step(a)} for a in applications],
    })


def next_step(application: Application) -> str:
    """What the voter does next about an application: where, by when, with which document."""
    precinct = application.precinct
    deadline = deadline_for(application.kind, application.election)
    where = {"number": precinct.number, "address": precinct.address, "date": date_text(deadline)}
    if application.is_open:
        identified = application.biometric_checks.filter(result="match").exists()
        signed = application.kind == Application.Kind.EVOTING and bool(application.signature)
        if identified or signed:
            return _("The precinct commission №%(number)s decides by %(date)s and sends you an SMS with "
                     "the decision.") % where
        return _("Go to the precinct commission №%(number)s, %(address)s, with your passport by %(date)s "
                 "(24:00, Bishkek time) for the biometric identification. The commission decides only after "
                 "it, and sends you an SMS.") % where
    if application.status in (Application.Status.APPROVED, Application.Status.APPLIED):
        if application.kind == Application.Kind.EVOTING:
            return _("You are on the list of electronic voters: you vote only electronically, not on paper.")
        return _("Your entry on the voter list is changed. You vote at precinct №%(number)s, %(address)s.") % where
    if application.status == Application.Status.REJECTED:
        if local_day(timezone.now()) <= deadline:
            return _("You may file a new application until %(date)s, or ask the precinct commission "
                     "№%(number)s, %(address)s.") % where
        return _("The deadline for applications has passed. Call 1255 for help.")
    return ""


def _claim_from(data: dict) -> Claim:
    return Claim(
        what_is_wrong=data.get("what_is_wrong", ""),
        values={key: data[key] for key in CLAIM_FIELDS if data.get(key)},
        precinct_number=(data.get("precinct_number") or "").strip(),
    )


def _filed(request: HttpRequest, application: Application) -> HttpResponseRedirect:
    messages.success(request, _("Your application № %(number)s is filed.") % {"number": application.pk}
                     + " " + next_step(application))
    return HttpResponseRedirect(reverse("cabinet:home") + f"#application-{application.pk}")


def _already_open(request: HttpRequest, application: Application) -> HttpResponse:
    """Said before the voter fills the form, not after: one open application of a kind at a time."""
    return render(request, "cabinet/refused.html", {
        "title": _("You already have an open application"),
        "error": _("Your application № %(number)s (%(kind)s) is not decided yet. You can withdraw it and "
                   "file a new one.") % {"number": application.pk, "kind": application.get_kind_display()},
        "application": application, "next_step": next_step(application),
    }, status=409)


def _apply(request: HttpRequest, form, file_it, context: dict, *, form_key: str) -> HttpResponse:
    """One application form: on a valid POST `file_it(cleaned_data)` files it; a refusal or an invalid
    form shows the form again with the reasons and the values typed, the attached scan held for the next try."""
    error, status = "", 200
    held = held_scans.held_for(request, form_key=form_key) if "scan" in form.fields else None
    if request.method == "POST":
        upload = request.FILES.get("scan")
        if upload is not None:
            held = held_scans.hold(request, upload, form_key=form_key) or held
            upload.seek(0)
        if held is not None and "scan" in form.fields:
            form.fields["scan"].required = False
        if form.is_valid():
            data = dict(form.cleaned_data)
            opened = None
            if "scan" in form.fields and not data.get("scan") and held is not None:
                data["scan"] = opened = held_scans.open_held(held)
            try:
                application = file_it(data)
            except ApplicationRefused as refused:
                error, status = refused.message, _status_of(refused)
                if refused.code.startswith("scan_"):
                    held_scans.release(request)
                    held = None
            else:
                held_scans.release(request)
                return _filed(request, application)
            finally:
                if opened is not None:
                    opened.close()
        else:
            status = 400
    return render(request, "cabinet/apply.html", {
        "form": form, "error": error, "page_errors": bool(error), "held_scan": held, **context,
    }, status=status)


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def apply_correction(request: HttpRequest, election_id: int) -> HttpResponse:
    pin = current_voter_pin(request)
    mine = _my_election(pin, election_id)
    open_one = selectors.open_applications(pin).get((election_id, Application.Kind.CORRECTION))
    if open_one is not None:
        return _already_open(request, open_one)

    def file_it(data: dict) -> Application:
        return file_application(
            kind=Application.Kind.CORRECTION, election=mine.election, pin=pin, phone=data["phone"],
            claim=_claim_from(data), scan=data["scan"], language=_language(),
        )

    return _apply(request, forms.CorrectionForm(request.POST or None, request.FILES or None), file_it, {
        "mine": mine, "title": _("Correct my data"), "upload": True, "kind": "correction",
        "deadline": mine.corrections_until, "open": mine.corrections_open,
        "current": selectors.citizen_of(pin),
    }, form_key=f"correction:{election_id}")


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
    return _apply(request, form, file_it, {
        "title": _("Ask to be put on the voter list"), "upload": True, "kind": "missing",
    }, form_key="missing")


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def apply_evoting(request: HttpRequest, election_id: int) -> HttpResponse:
    """The voter confirms with their electronic signature: the signer signs the statement shown here."""
    pin = current_voter_pin(request)
    mine = _my_election(pin, election_id)
    if not mine.election.evoting:
        raise Http404(_("This election offers no electronic voting."))
    open_one = selectors.open_applications(pin).get((election_id, Application.Kind.EVOTING))
    if open_one is not None:
        return _already_open(request, open_one)
    now = timezone.now()

    def file_it(data: dict) -> Application:
        phone = normalise_phone(data["phone"])
        credential = data["credential_public_key"]
        statement = evoting_statement(election=mine.election, pin=pin, phone=phone, at=now, credential=credential)
        signature = signing.get_signer().sign(pin=pin, statement=statement.encode())
        return file_application(
            kind=Application.Kind.EVOTING, election=mine.election, pin=pin, phone=phone,
            signed_statement=statement, signature=signature, credential_public_key=credential,
            language=_language(), now=now,
        )

    response = _apply(request, forms.EvotingForm(request.POST or None), file_it, {
        "mine": mine, "title": _("Vote electronically"), "upload": False, "kind": "evoting",
        "deadline": mine.enrolment_until, "open": mine.enrolment_open, "evoting": True,
    }, form_key=f"evoting:{election_id}")
    # The page starts the booth's Web Worker (libsodium's WebAssembly): whichever policy the browser applies
    # to the worker, the page's or the worker script's own, allows compiling WebAssembly and nothing more.
    response.headers["Content-Security-Policy"] = WASM_CONTENT_SECURITY_POLICY
    return response


def _confirm_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing is destructive: a page of its own asks first (the POST below does it)."""
    pin = current_voter_pin(request)
    application = selectors.my_application(pin, pk) if 0 < pk <= 2**63 - 1 else None
    if application is None:
        raise Http404(_("No such application."))
    return render(request, "cabinet/withdraw.html", {"application": application})


@never_cache
@voter_required
@require_http_methods(["GET", "POST"])
def withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (a confirmation page of its own), POST withdraws."""
    if request.method == "GET":
        return _confirm_withdraw(request, pk)
    return _withdraw(request, pk)


def _withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pin = current_voter_pin(request)
    application = selectors.my_application(pin, pk) if 0 < pk <= 2**63 - 1 else None
    if application is None:
        raise Http404(_("No such application."))
    try:
        withdraw_application(application=application, pin=pin)
    except ApplicationRefused as refused:
        return render(request, "cabinet/refused.html", {"title": _("Not possible"), "error": refused.message},
                      status=_status_of(refused))
    messages.success(request, _("Application № %(number)s is withdrawn.") % {"number": pk})
    return HttpResponseRedirect(reverse("cabinet:home"))
