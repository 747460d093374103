# SPDX-License-Identifier: Apache-2.0
"""The commission's pages of the key ceremony: the holders and who has registered, each board's rounds
and who has not yet acted, the result. CEC staff see every election and may issue one-time codes and
start a stalled ceremony's next attempt; a key holder with a staff login sees their own election's page."""
from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.ceremony import selectors, services
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
