# SPDX-License-Identifier: Apache-2.0
"""The commissions' back office: thin views over the scope, the selectors and the services.

Every view runs through `staff_view`: anonymous visitors go to the staff login, staff without a
commission role get 403, and an application outside the staff member's scope is 404 (its existence
is not revealed).
"""
import base64
import functools
import time
from pathlib import Path
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.cabinet import scans
from shailoo.cabinet.models import Application
from shailoo.cabinet.services import ApplicationRefused, Claim
from shailoo.commission import forms, selectors, services
from shailoo.geography.models import Precinct
from shailoo.staff.scope import OutOfScope, StaffScope, scope_of

PENDING_USER = "commission.pending_user"
PENDING_AT = "commission.pending_at"
PENDING_NEXT = "commission.pending_next"
PENDING_SECONDS = 300
# Refusals that are about the application's state or time, not about what was typed.
MAX_ID = 2**63 - 1  # larger ids in a URL are no row of ours, not a database error
CONFLICT_CODES = {"not_open", "deadline_passed", "biometrics_needed", "already_open", "election_over"}


def _login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('commission:login')}?next={quote(request.get_full_path())}")


def _has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def staff_view(view):
    """Only signed-in staff with a commission role; the scope is passed to the view."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request)
        if _has_confirmed_device(user) and not user.is_verified():
            # Signed in elsewhere (e.g. the admin) without the second factor: sign in here properly.
            logout(request)
            return _login_redirect(request)
        scope = scope_of(user)
        if not scope.is_reviewer:
            return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
        return view(request, scope, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("commission:queue")


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = forms.StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "commission/locked.html", status=429)
        if user is None:
            form.add_error(None, _("Wrong user name or password."))
        elif _has_confirmed_device(user):
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = int(time.time())
            request.session[PENDING_NEXT] = next_url
            return HttpResponseRedirect(reverse("commission:login_code"))
        else:
            login(request, user)
            return HttpResponseRedirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "commission/login.html", {"form": form, "next": next_url}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step for staff with two-factor login: the code from their authenticator app."""
    user_pk, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if not user_pk or time.time() - started > PENDING_SECONDS:
        request.session.pop(PENDING_USER, None)
        return HttpResponseRedirect(reverse("commission:login"))
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return HttpResponseRedirect(reverse("commission:login"))
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                next_url = request.session.get(PENDING_NEXT) or reverse("commission:queue")
                for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
                    request.session.pop(key, None)
                user.backend = "django.contrib.auth.backends.ModelBackend"
                login(request, user)
                otp_login(request, device)
                return HttpResponseRedirect(next_url)
        form.add_error("token", _("The code is wrong or has expired."))
    status = 400 if request.method == "POST" else 200
    return render(request, "commission/login_code.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out of the commission back office."))
    return HttpResponseRedirect(reverse("commission:login"))


@staff_view
def queue(request: HttpRequest, scope: StaffScope) -> HttpResponse:
    districts = list(selectors.districts_in_scope(scope))
    form = forms.QueueFilterForm(request.GET or None, districts=districts)
    filters = selectors.QueueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            district=data["district"], precinct=(data["precinct"] or "").strip(), kind=data["kind"],
            status=data["status"] or "open", search=data["search"].strip(),
        )
    items = selectors.review_queue(scope, today=timezone.localdate(), filters=filters)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "commission/queue.html", {
        "nav": "queue", "page": page, "filter_form": form, "filters": filters, "scope": scope,
        "filtered": any((filters.district, filters.precinct, filters.kind, filters.search, filters.status != "open")),
        "query": request.GET.urlencode(),
        "page_errors": bool(form.errors),
    })


CLAIM_LABELS = {
    "surname": gettext_lazy("Surname"), "name": gettext_lazy("Name"), "patronymic": gettext_lazy("Patronymic"),
    "settlement": gettext_lazy("Settlement"), "street": gettext_lazy("Street"), "house": gettext_lazy("House"),
    "apartment": gettext_lazy("Apartment"), "precinct": gettext_lazy("Precinct"),
}


def _claim_rows(application: Application, entry) -> list[dict]:
    """What the list has now beside what the voter asks for, field by field, in the staff's language."""
    citizen = application.citizen
    rows = []
    for name, claimed in (application.claimed or {}).items():
        if name == "precinct":
            current = entry.precinct.number if entry is not None and entry.precinct_id else ""
        else:
            current = getattr(citizen, name, "")
        rows.append({
            "label": CLAIM_LABELS.get(name, name), "current": current, "claimed": claimed,
            "changed": str(current).strip().casefold() != str(claimed).strip().casefold(),
        })
    return rows


def _detail_context(request: HttpRequest, scope: StaffScope, application: Application, *,
                    biometric_form=None, reject_form=None) -> dict:
    from shailoo.cabinet.services import deadline_for

    deadline = deadline_for(application.kind, application.election)
    entry = selectors.list_entry_of(application)
    refusals = [str(m) for m in messages.get_messages(request) if "refusal" in m.tags]
    return {
        "nav": "queue",
        "application": application,
        "entry": entry,
        "claim_rows": _claim_rows(application, entry),
        "deadline": deadline,
        "days_left": (deadline - timezone.localdate()).days,
        "identity_established": services.identity_established(application),
        "biometric_form": biometric_form or forms.BiometricForm(auto_id="biometric_%s"),
        "approve_form": forms.ApproveForm(auto_id="approve_%s"),
        "reject_form": reject_form or forms.RejectForm(auto_id="reject_%s"),
        "scan_is_image": application.scan_content_type.startswith("image/"),
        "next_application": selectors.next_open_application(scope, application),
        "refusals": refusals,
        "page_errors": bool(refusals),
    }


def _application_or_404(scope: StaffScope, pk: int) -> Application:
    application = selectors.application_in_scope(scope, pk) if 0 < pk <= MAX_ID else None
    if application is None:
        raise Http404(_("No such application in your commission's area."))
    return application


@staff_view
def application_detail(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
    application = _application_or_404(scope, pk)
    return render(request, "commission/application.html", _detail_context(request, scope, application))


@staff_view
def application_scan(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
    application = _application_or_404(scope, pk)
    try:
        handle = services.open_scan(application=application, actor=request.user)
    except (scans.InvalidScan, FileNotFoundError):
        raise Http404(_("This application has no scan.")) from None
    extension = Path(application.scan_name).suffix
    response = FileResponse(handle, content_type=application.scan_content_type)
    response["Content-Disposition"] = f'inline; filename="application-{application.pk}{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    return response


def _back_to_application(pk: int, *, anchor: str = "") -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse("commission:application", args=[pk]) + anchor)
    response.status_code = 303
    return response


def _action(handler):
    """A POST on one application in scope. Success or refusal, the answer is the application's own page
    (Post/Redirect/Get): a refusal is shown there at the top, never at the action's URL."""

    @functools.wraps(handler)
    @require_POST
    @staff_view
    def wrapper(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
        application = _application_or_404(scope, pk)
        try:
            result = handler(request, application)
        except ApplicationRefused as error:
            messages.error(request, error.message, extra_tags="refusal")
            return _back_to_application(pk, anchor="#error-summary")
        except OutOfScope:
            raise Http404(_("No such application in your commission's area.")) from None
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, result)
        return _back_to_application(pk)

    return wrapper


def _form_refusal(form) -> ApplicationRefused:
    first = next(iter(form.errors.values()))[0]
    return ApplicationRefused("invalid_form", str(first))


@_action
def start_review(request: HttpRequest, application: Application):
    services.start_review(application=application, actor=request.user)
    return _("The application is under review.")


@_action
def record_biometric(request: HttpRequest, application: Application):
    form = forms.BiometricForm(request.POST)
    if not form.is_valid():
        raise _form_refusal(form)
    services.record_biometric_check(
        application=application, actor=request.user, confirmed=form.cleaned_data["result"] == "match",
        note=form.cleaned_data["note"],
    )
    return _("The biometric identification is recorded.")


@_action
def approve(request: HttpRequest, application: Application):
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        raise _form_refusal(form)
    services.approve_application(application=application, actor=request.user, reason=form.cleaned_data["reason"])
    return _("Approved: the voter list is changed and the voter is notified by SMS.")


@_action
def reject(request: HttpRequest, application: Application):
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        raise ApplicationRefused("reason_needed", _("Give the reason for the rejection."))
    services.reject_application(application=application, actor=request.user, reason=form.cleaned_data["reason"])
    return _("Rejected: the voter is notified by SMS.")


@staff_view
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, scope: StaffScope) -> HttpResponse:
    precincts = list(scope.precincts().order_by("number")[:500])
    elections = list(selectors.elections_in_scope(scope, today=timezone.localdate()))
    form = forms.WalkInForm(request.POST or None, request.FILES or None, precincts=precincts, elections=elections)
    error, status = "", 200
    if request.method == "POST":
        precinct_id = request.POST.get("precinct") or ""
        precinct = Precinct.objects.select_related("municipality").filter(pk=int(precinct_id)).first() \
            if precinct_id.isascii() and precinct_id.isdigit() and 0 < int(precinct_id) <= MAX_ID else None
        if precinct is not None and not scope.covers(precinct):
            return render(request, "commission/forbidden.html", status=403)
        if form.is_valid():
            data = form.cleaned_data
            claim = Claim(
                what_is_wrong=data["what_is_wrong"],
                values={key: data[key] for key in ("surname", "name", "street", "house") if data[key]},
            )
            try:
                application = services.file_walk_in_application(
                    actor=request.user, precinct=precinct, kind=data["kind"], election_id=int(data["election"]),
                    pin=data["pin"], phone=data["phone"], claim=claim, scan=data["scan"],
                    language=data["language"],
                )
            except services.ListedOutOfScope as refused:
                error, status = refused.message, 403
            except OutOfScope:
                return render(request, "commission/forbidden.html", status=403)
            except ApplicationRefused as refused:
                error, status = refused.message, 409 if refused.code in CONFLICT_CODES else 400
            else:
                messages.success(request, _("The application is filed. Record the biometric identification now."))
                return HttpResponseRedirect(reverse("commission:application", args=[application.pk]))
        else:
            status = 400
    return render(request, "commission/walk_in.html", {"nav": "walk_in", "form": form, "error": error,
                                                       "page_errors": bool(error)}, status=status)


@staff_view
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest, scope: StaffScope) -> HttpResponse:
    """Turn on two-factor login: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "commission/two_factor.html", {"enabled": True, "nav": "two_factor"})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Shailoo", confirmed=False)
    form = forms.TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.confirm_totp_device(actor=user, device=device, token=form.cleaned_data["token"])
            except services.InvalidToken:
                form.add_error("token", _("The code is wrong or has expired."))
            else:
                otp_login(request, TOTPDevice.objects.get(pk=device.pk))
                messages.success(request, _("Two-factor login is on."))
                return HttpResponseRedirect(reverse("commission:two_factor"))
        status = 400
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "commission/two_factor.html", {
        "enabled": False, "form": form, "secret": secret, "nav": "two_factor",
        "qr": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
    }, status=status)
