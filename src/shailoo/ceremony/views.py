# SPDX-License-Identifier: Apache-2.0
"""The commission's pages of the key ceremony: the holders and who has registered, each board's rounds
and who has not yet acted, the result. CEC staff see every election and may name the holders and the
quorum, issue one-time codes and start a stalled ceremony's next attempt; a key holder with a staff login
sees their own election's page."""
from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.ceremony import selectors, services
from shailoo.ceremony.forms import HoldersForm
from shailoo.ceremony.models import Ceremony, KeyHolder, Message
from shailoo.elections.models import Election
from shailoo.staff.scope import scope_of

ROUND_NAMES = {Message.Round.KEYS: "keys", Message.Round.SHARES: "shares", Message.Round.CHECKS: "checks",
               Message.Round.FINALS: "finals"}


def _signed_in(view):
    """Staff signed in as the back office requires (with the second factor when they have one)."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        login_url = f"{reverse('commission:login')}?next={quote(request.get_full_path())}"
        if not user.is_authenticated:
            return HttpResponseRedirect(login_url)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():
            logout(request)
            return HttpResponseRedirect(login_url)
        return view(request, *args, **kwargs)

    return wrapper


def _is_cec(user) -> bool:
    return scope_of(user).everything


def _election_for(request: HttpRequest, slug: str) -> Election | HttpResponse:
    election = get_object_or_404(Election, slug=slug)
    if _is_cec(request.user) or KeyHolder.objects.filter(election=election, user=request.user).exists():
        return election
    return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)


@_signed_in
@require_GET
def elections(request: HttpRequest) -> HttpResponse:
    if _is_cec(request.user):
        shown = Election.objects.filter(evoting=True)
    else:
        shown = Election.objects.filter(key_holders__user=request.user).distinct()
    if not shown.exists() and not _is_cec(request.user):
        return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
    return render(request, "ceremony/elections.html", {"elections": shown.order_by("-election_day"), "nav": "ceremony"})


@_signed_in
@require_GET
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    election = _election_for(request, slug)
    if isinstance(election, HttpResponse):
        return election
    holders = selectors.holders(election)
    names = {h.index: h.name for h in holders}
    boards = []
    for ceremony in selectors.ceremonies(election):
        state = selectors.board_progress(ceremony)
        current = next((r.number for r in state.rounds if not r.complete), 5)
        rounds = [{"name": ROUND_NAMES[r.number], "number": r.number, "complete": r.complete,
                   "later": r.number > current,
                   "waiting": [f"{i}. {names.get(i, '')}" for i in r.waiting_for],
                   "sent": len(r.sent), "expected": len(r.expected), "last": max(r.sent.values(), default=None)}
                  for r in state.rounds]
        boards.append({"progress": state, "rounds": rounds, "constituency": ceremony.constituency,
                       "qualified": [f"{i}. {names.get(i, '')}" for i in state.qualified or ()]})
    return render(request, "ceremony/progress.html", {
        "election": election, "holders": holders, "quorum": selectors.quorum(election), "boards": boards,
        "cec": _is_cec(request.user), "nav": "ceremony", "opened": bool(boards),
    })


def _refusal_text(refused: services.CeremonyRefused) -> str:
    """What the commission reads for a refusal of naming the holders, in the page's language."""
    texts = {
        "register.closed": _("The ceremony has opened: the key holders are fixed."),
        "register.holders": _("Name 1 to 64 key holders, each with their own login."),
        "register.quorum": _("The quorum must be between 1 and the number of key holders."),
        "register.holder-account": _("A key holder must be a commission member with an active login and "
                                     "two-factor login turned on."),
    }
    return texts.get(refused.code, _("Not done: %(code)s") % {"code": refused.code})


@_signed_in
@require_http_methods(["GET", "POST"])
def name_holders(request: HttpRequest, slug: str) -> HttpResponse:
    """The CEC names the election's key holders (commission members' logins, in order) and the quorum k."""
    if not _is_cec(request.user):
        return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
    election = get_object_or_404(Election, slug=slug, evoting=True)
    holders = selectors.holders(election)
    opened = Ceremony.objects.filter(election=election).exists()
    initial = {"holders": "\n".join(h.user.get_username() for h in holders if h.user is not None),
               "quorum": selectors.quorum(election)}
    form = HoldersForm(request.POST if request.method == "POST" else None, initial=initial)
    refusal, status = "", 200
    if request.method == "POST":
        if opened:
            refusal, status = _refusal_text(services.CeremonyRefused("register.closed", "")), 409
        elif form.is_valid():
            try:
                services.name_holders(election, form.cleaned_data["holders"], form.cleaned_data["quorum"],
                                      by=request.user)
            except services.CeremonyRefused as refused:
                refusal, status = _refusal_text(refused), refused.status
            else:
                messages.success(request, _("The key holders and the quorum are named. Issue each holder's "
                                            "one-time code."))
                return HttpResponseRedirect(reverse("ceremony:progress", args=[slug]))
        else:
            status = 400
    return render(request, "ceremony/holders.html", {
        "election": election, "form": form, "holders": holders, "opened": opened, "refusal": refusal,
        "nav": "ceremony"}, status=status)


@_signed_in
@require_POST
def issue_code(request: HttpRequest, slug: str, index: int) -> HttpResponse:
    """A new one-time code, shown once on this answer (never stored, never in a URL)."""
    election = get_object_or_404(Election, slug=slug)
    if not _is_cec(request.user):
        return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
    holder = get_object_or_404(KeyHolder, election=election, index=index)
    try:
        code = services.issue_code(holder, by=request.user)
    except services.CeremonyRefused as refused:
        return render(request, "ceremony/refused.html", {"election": election, "refused": refused}, status=409)
    return render(request, "ceremony/code.html", {"election": election, "holder": holder, "code": code})


@_signed_in
@require_POST
def restart(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    if not _is_cec(request.user):
        return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
    ceremony = Ceremony.objects.filter(election__slug=slug, constituency__number=number).first()
    if ceremony is None:
        raise Http404
    try:
        services.restart(ceremony, by=request.user)
    except services.CeremonyRefused as refused:
        return render(request, "ceremony/refused.html", {"election": ceremony.election, "refused": refused}, status=409)
    return HttpResponseRedirect(reverse("ceremony:progress", args=[slug]))
