# SPDX-License-Identifier: Apache-2.0
"""Protocol entry in the back office, and the public results pages (thin: services, selectors, templates)."""
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shailoo.cabinet.scans import InvalidScan
from shailoo.commission.views import staff_view
from shailoo.elections.models import Constituency, Election
from shailoo.results import charts, pdf, publication, selectors, services
from shailoo.results.forms import ChangeForm, LotForm, ProtocolForm, ScanForm
from shailoo.results.models import Protocol
from shailoo.staff.scope import OutOfScope, StaffScope

# ---------------------------------------------------------------------------------------------------
# Back office


@staff_view
@require_GET
def protocols(request: HttpRequest, scope: StaffScope) -> HttpResponse:
    rows = selectors.protocols_in_scope(request.user, scope)
    elections = selectors.elections_with_lots_to_draw(request.user)
    return render(request, "results/staff/protocols.html", {"rows": rows, "nav": "results", "lot_elections": elections})


def _protocol_in_scope(scope: StaffScope, pk: int) -> Protocol:
    protocol = get_object_or_404(Protocol.objects.select_related(
        "constituency__election__kenesh", "precinct__municipality"), pk=pk)
    if not scope.covers(protocol.precinct):
        raise Http404("no such protocol in this scope")
    return protocol


def _form_context(request: HttpRequest, protocol: Protocol, form: ProtocolForm | None = None, **extra) -> dict:
    election = protocol.constituency.election
    options = services.options_of(protocol.constituency)
    against_all = services.against_all_on_ballot(election)
    if form is None and services.may_enter(request.user, protocol) and protocol.state != Protocol.State.ACCEPTED:
        form = ProtocolForm(options=options, against_all=against_all)
    names = {f"votes:{o.pk}": str(o) for o in options}
    differences = [names.get(d, services.line_label(d)) for d in services.current_differences(protocol)]
    return {
        "protocol": protocol, "election": election, "form": form, "nav": "results",
        "entries": list(protocol.entries.select_related("entered_by")),
        "changes": list(protocol.changes.select_related("decided_by")),
        "differences": differences if protocol.state == Protocol.State.MISMATCH else [],
        "may_enter": services.may_enter(request.user, protocol),
        "may_decide": services.may_decide(request.user, protocol),
        "scan_form": ScanForm(), "figures": selectors.figure_rows(protocol), **extra,
    }


@staff_view
@require_http_methods(["GET", "POST"])
def protocol_detail(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
    protocol = _protocol_in_scope(scope, pk)
    if request.method == "GET":
        return render(request, "results/staff/protocol.html", _form_context(request, protocol))
    if not services.may_enter(request.user, protocol):
        return render(request, "commission/forbidden.html", {"reason": "out_of_scope"}, status=403)
    form = ProtocolForm(request.POST, options=services.options_of(protocol.constituency),
                        against_all=services.against_all_on_ballot(protocol.constituency.election))
    if form.is_valid():
        try:
            outcome = services.enter_protocol(protocol, form.figures(), by=request.user)
        except services.ProtocolRefused as refused:
            problems = [failure.message[_language()] for failure in refused.failures] or [refused.message[_language()]]
            return render(request, "results/staff/protocol.html",
                          _form_context(request, protocol, form, page_errors=problems), status=400)
        if outcome.state == Protocol.State.ACCEPTED:
            messages.success(request, _("Both entries agree: the protocol is accepted and published."))
        elif outcome.state == Protocol.State.MISMATCH:
            messages.warning(request, _("Your entry differs from the other member's: check the lines shown against the paper protocol."))
        else:
            messages.info(request, _("Entry saved. Another member of the commission enters the protocol independently."))
        return HttpResponseRedirect(reverse("results:staff-protocol", args=[protocol.pk]))
    return render(request, "results/staff/protocol.html", _form_context(request, protocol, form), status=400)


def _language() -> str:
    language = (get_language() or "ky")[:2]
    return language if language in ("ky", "ru", "en") else "ky"


@staff_view
@require_POST
def protocol_scan(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
    protocol = _protocol_in_scope(scope, pk)
    form = ScanForm(request.POST, request.FILES)
    problem = ""
    if form.is_valid():
        try:
            services.upload_scan(protocol, form.cleaned_data["scan"], by=request.user)
        except InvalidScan as invalid:
            problem = {
                "scan_type": _("The scan must be a PDF, JPEG or PNG file."),
                "scan_too_large": _("The scan is too large."),
                "scan_empty": _("The scan file is empty."),
            }.get(invalid.code, _("The scan cannot be read."))
        except OutOfScope:
            return render(request, "commission/forbidden.html", {"reason": "out_of_scope"}, status=403)
        else:
            messages.success(request, _("The scan is uploaded and published beside the protocol."))
            return HttpResponseRedirect(reverse("results:staff-protocol", args=[protocol.pk]))
    else:
        problem = _("Choose the scan file.")
    form.add_error("scan", problem)
    context = _form_context(request, protocol, scan_form=form, page_errors=[problem])
    return render(request, "results/staff/protocol.html", context, status=400)


@staff_view
@require_http_methods(["GET", "POST"])
def protocol_change(request: HttpRequest, scope: StaffScope, pk: int) -> HttpResponse:
    protocol = _protocol_in_scope(scope, pk)
    if not services.may_decide(request.user, protocol) or protocol.state != Protocol.State.ACCEPTED:
        return render(request, "commission/forbidden.html", {"reason": "out_of_scope"}, status=403)
    options = services.options_of(protocol.constituency)
    against_all = services.against_all_on_ballot(protocol.constituency.election)
    form = ChangeForm(request.POST or None, options=options, against_all=against_all,
                      initial=ProtocolForm.initial_from(protocol.figures))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.change_protocol(protocol, form.figures(), by=request.user,
                                     decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"])
        except services.ProtocolRefused as refused:
            problems = [failure.message[_language()] for failure in refused.failures] or [refused.message[_language()]]
        else:
            messages.success(request, _("The protocol is changed by the decision; the results are recomputed."))
            return HttpResponseRedirect(reverse("results:staff-protocol", args=[protocol.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "results/staff/change.html", {
        "protocol": protocol, "form": form, "page_errors": problems, "nav": "results"}, status=status)


@staff_view
@require_http_methods(["GET", "POST"])
def lots(request: HttpRequest, scope: StaffScope, slug: str) -> HttpResponse:
    election = get_object_or_404(Election.objects.select_related("kenesh__territory"), slug=slug)
    if not services.may_record_lot(request.user, election):
        return render(request, "commission/forbidden.html", {"reason": "out_of_scope"}, status=403)
    needed = publication.lots_needed(election)
    form = LotForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and needed and form.is_valid():
        need = needed[0]
        try:
            positions = [int(part) for part in form.cleaned_data["order"].replace(",", " ").split()]
            order = [need["between"][p - 1] for p in positions if p >= 1]
            if len(order) != len(positions):
                raise IndexError
        except (ValueError, IndexError):
            problems = [_("Give the numbers of the list above, each once, in the order drawn.")]
        else:
            constituency = (Constituency.objects.get(election=election, number=need["constituency"])
                            if need["constituency"] is not None else None)
            drawn_at = form.cleaned_data["drawn_at"]
            try:
                services.record_lot(election, constituency=constituency, order=order,
                                    drawn_by=form.cleaned_data["drawn_by"], drawn_at=drawn_at, by=request.user)
            except services.ProtocolRefused as refused:
                problems = [refused.message[_language()]]
            else:
                messages.success(request, _("The lot is recorded; the results are recomputed."))
                return HttpResponseRedirect(reverse("results:staff-lots", args=[slug]))
    status = 400 if request.method == "POST" else 200
    return render(request, "results/staff/lots.html", {
        "election": election, "needed": needed, "form": form, "page_errors": problems, "nav": "results",
        "recorded": election.lots.select_related("constituency").order_by("drawn_at")}, status=status)


# ---------------------------------------------------------------------------------------------------
# Public pages: rendered once per publication and language, then served from the cache


def _cached(view):
    """Serve the page rendered once per publication, language and path; render it on a miss."""

    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        computed_at = publication.stamp(slug)
        if computed_at is None:
            raise Http404("no results published for this election")
        key = f"results:page:{computed_at.timestamp()}:{get_language()}:{request.path}"
        cached = cache.get(key)
        if cached is None:
            hit = publication.published(slug)
            if hit is None:
                raise Http404("no results published for this election")
            response = view(request, hit[0], *args, **kwargs)
            if response.status_code != 200:
                return response
            cached = (response.content, response["Content-Type"])
            cache.set(key, cached, publication.CACHE_SECONDS)
        response = HttpResponse(cached[0], content_type=cached[1])
        response["Last-Modified"] = http_date(computed_at.timestamp())
        response["Cache-Control"] = "public, max-age=30"
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "results/index.html", {"elections": selectors.published_elections()})


@require_GET
@_cached
def election_page(request: HttpRequest, document: dict) -> HttpResponse:
    return render(request, "results/election.html", {
        "doc": document, "view": selectors.election_view(document), "chart": charts.for_election(document)})


@require_GET
@_cached
def constituency_page(request: HttpRequest, document: dict, number: int) -> HttpResponse:
    constituency = selectors.constituency_of(document, number)
    return render(request, "results/constituency.html", {
        "doc": document, "c": constituency, "chart": charts.for_constituency(document, constituency)})


@require_GET
@_cached
def unit_page(request: HttpRequest, document: dict, number: int, unit: str) -> HttpResponse:
    constituency = selectors.constituency_of(document, number)
    found = selectors.unit_of(constituency, unit)
    return render(request, "results/unit.html", {
        "doc": document, "c": constituency, "unit": found, "rows": selectors.unit_rows(document, constituency, found),
        "chart": charts.for_unit(document, constituency, found)})


@require_GET
def protocol_pdf(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    hit = publication.published(slug)
    if hit is None or language not in ("ky", "ru"):
        raise Http404("no such protocol")
    document, computed_at = hit
    key = f"results:pdf:{computed_at.timestamp()}:{language}:{slug}"
    data = cache.get(key)
    if data is None:
        data = pdf.render(document, language)
        cache.set(key, data, publication.CACHE_SECONDS)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-{language}.pdf"'
    response["Last-Modified"] = http_date(computed_at.timestamp())
    return response


@require_GET
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed paper protocol, published beside the accepted figures."""
    protocol = get_object_or_404(Protocol.objects.select_related("precinct"), pk=pk, state=Protocol.State.ACCEPTED)
    path = services.scan_path(protocol)
    if path is None:
        raise Http404("no scan")
    response = FileResponse(open(path, "rb"), content_type=protocol.scan_type)  # noqa: SIM115 - FileResponse closes it
    extension = path.suffix
    response["Content-Disposition"] = f'inline; filename="protocol-{protocol.precinct.number}{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

