# SPDX-License-Identifier: Apache-2.0
"""The commission's e-voting page (back office): each board's steps with their times (boards created,
manifest fixed, ceremony adopted, credential list signed, polls, closed, verified, decryptions, tallied),
the CEC administrator's buttons that take the next step for every board of the election, and the page where
the CEC administrator sets a board's polls before its manifest fixes them."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.ceremony import selectors as ceremony_selectors
from shailoo.ceremony.models import Ceremony
from shailoo.commission.views import staff_view
from shailoo.elections.models import Constituency, Election
from shailoo.evoting import closing, selectors, services
from shailoo.evoting.errors import EvotingError, PollsRefused
from shailoo.evoting.forms import PollsForm
from shailoo.evoting.models import Board

ACTIONS = {
    "create": lambda election, user: services.create_boards(election, by=user),
    "manifests": lambda election, user: services.fix_manifests(election, by=user),
    "ceremonies": lambda election, user: [services.adopt_ceremony(b, by=user) for b in _boards(election)
                                          if b.state == Board.State.MANIFEST and b.ceremony is None],
    "freeze": lambda election, user: [services.freeze_credentials(b, by=user) for b in _boards(election)
                                      if b.manifest is not None and b.credentials_frozen_at is None],
}


def _boards(election: Election) -> list[Board]:
    return list(Board.objects.filter(election=election).select_related("election", "constituency"))


def _due(election: Election, boards: list[Board]) -> list[str]:
    """The set-up steps (ACTIONS) some board still waits for, in order: only their buttons are offered."""
    due = {
        "create": Constituency.objects.filter(election=election).exclude(
            pk__in=[b.constituency_id for b in boards]).exists(),
        "manifests": any(b.state == Board.State.SETUP for b in boards),
        "ceremonies": any(b.state == Board.State.MANIFEST and b.ceremony is None for b in boards),
        "freeze": any(b.manifest is not None and b.credentials_frozen_at is None for b in boards),
    }
    return [action for action in ACTIONS if due[action]]


def _steps(board: Board, ceremony: Ceremony | None, names: dict[int, str]) -> list[tuple[str, object, str, str]]:
    """(step, when, detail, value) in the order they happen; `when` is None for a step not yet taken, `value`
    a hash to show as code. The key ceremony's own steps come from the ceremony app; each holder's partial
    decryption has its own row."""
    decryptions = list(board.decryptions.order_by("received_at"))
    entries = AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP, subject=f"board:{board.board_id}")
    verified = entries.filter(payload__step="verified").first()
    polls_set = entries.filter(payload__step="polls-set").order_by("-seq").first()
    quorum = board.manifest["authorities"]["quorum"] if board.manifest else None
    decrypted = [(_("Partial decryption: key holder %(holder)s") % {"holder": f"{d.holder}. {names.get(d.holder, '')}"
                                                                    .strip(". ")},
                  d.received_at, "", "") for d in decryptions]
    return [
        (_("Board created"), board.created_at, "", ""),
        (_("Polls set"), polls_set.created_at if polls_set else board.created_at,
         _polls_set_detail(polls_set), ""),
        (_("Manifest fixed"), board.manifest_fixed_at, "", f"Q = {board.manifest_hash[:16]}…" if board.manifest_hash else ""),
        (_("Key ceremony opened"), ceremony.opened_at if ceremony else None,
         _("attempt %(attempt)s") % {"attempt": ceremony.attempt} if ceremony else "", ""),
        (_("Key ceremony finished"), ceremony.finished_at if ceremony else None, "", ""),
        (_("Key ceremony adopted"), board.ceremony_adopted_at,
         "", f"K = {board.joint_public_key[:16]}…" if board.joint_public_key else ""),
        (_("Credential list signed"), board.credentials_frozen_at,
         "" if board.credentials_count is None else _("%(count)s voters' keys") % {"count": board.credentials_count}, ""),
        (_("Polls open"), board.opens, "", ""),
        (_("Polls close"), board.closes, "", ""),
        (_("Closed by the board"), board.closed_at,
         _("%(ballots)s ballots cast, %(challenges)s checked") % {"ballots": board.ballots, "challenges": board.challenges}
         if board.closed_at else "", ""),
        (_("Verified by the server"), verified.created_at if verified else None, "", ""),
        *(decrypted or [(_("Partial decryptions"), None, "", "")]),
        (_("Tallied"), board.tallied_at,
         _("%(received)s of the %(quorum)s needed") % {"received": len(decryptions), "quorum": quorum}
         if quorum and not board.tallied_at else "", ""),
    ]


def _polls_set_detail(polls_set: AuditEntry | None) -> str:
    if polls_set is None:
        return _("the default window")
    if polls_set.payload.get("detail", {}).get("override"):  # the demo's, a test's (services.set_polls)
        return _("set with the polls rules waived: see the audit log")
    return ""


@staff_view
@require_GET
def evoting_index(request: HttpRequest, scope) -> HttpResponse:
    """The elections that offer e-voting, each leading to its e-voting page (the back office's menu item)."""
    elections = Election.objects.filter(evoting=True).order_by("-election_day")
    return render(request, "evoting/commission_index.html", {"elections": elections, "nav": "evoting"})


@staff_view
def evoting_page(request: HttpRequest, scope, slug: str) -> HttpResponse:
    election = Election.objects.filter(slug=slug, evoting=True).first()
    if election is None:
        raise Http404("no such e-voting election")
    if request.method == "POST":
        if not scope.everything:
            return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404("no such step")
        try:
            action(election, request.user)
            messages.success(request, _("Done."))
        except EvotingError as error:
            # the check's message in the page's language, and what exactly (English, for the log too)
            detail = f" ({error.detail})" if error.detail else ""
            reason = error.text((get_language() or "en")[:2]) + detail
            messages.error(request, _("Not done: %(reason)s") % {"reason": reason})
        return redirect("evoting-commission", slug=slug)
    boards = [closing.close_if_due(b) for b in _boards(election)]
    ceremonies = {c.constituency_id: c for c in ceremony_selectors.ceremonies(election)}
    names = {h.index: h.name for h in ceremony_selectors.holders(election)}
    return render(request, "evoting/commission.html", {
        "election": election, "can_act": scope.everything, "nav": "evoting", "due": _due(election, boards),
        "boards": [(b, selectors.polls_state(b), _steps(b, ceremonies.get(b.constituency_id), names))
                   for b in boards]})


@staff_view
def polls_page(request: HttpRequest, scope, slug: str, number: int) -> HttpResponse:
    """A board's polling window; only a CEC administrator, only while the board is being set up."""
    if not scope.everything:
        return render(request, "commission/forbidden.html", {"reason": "no_role"}, status=403)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        board = selectors.board_by_id(slug, number)  # boards exist only for e-voting elections (create_boards)
    except EvotingError as error:
        raise Http404("no such e-voting board") from error
    form = PollsForm(request.POST if request.method == "POST" else None, board=board)
    refusal, status = "", 200
    if request.method == "POST":
        if board.state != Board.State.SETUP:
            refusal, status = _("The manifest is fixed: its polling times cannot change."), 409
        elif form.is_valid():
            try:
                services.set_polls(board, opens=form.cleaned_data["opens"], closes=form.cleaned_data["closes"],
                                   by=request.user)
            except PollsRefused as error:
                form.refused(error, (get_language() or "en")[:2])
                status = 400
            except EvotingError as error:
                refusal, status = error.text(get_language() or "en"), error.status
            else:
                messages.success(request, _("The polls of %(board)s are set.") % {"board": board.constituency})
                return redirect("evoting-commission", slug=slug)
        else:
            status = 400
    return render(request, "evoting/polls.html", {
        "board": board, "election": board.election, "form": form, "refusal": refusal, "nav": "evoting",
        "fixed": board.state != Board.State.SETUP}, status=status)
