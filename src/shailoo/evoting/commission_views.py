# SPDX-License-Identifier: Apache-2.0
"""The commission's e-voting page (back office): each board's steps with their times (boards created,
manifest fixed, ceremony adopted, credential list signed, polls, closed, verified, decryptions, tallied),
and the CEC administrator's buttons that take the next step for every board of the election."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.commission.views import staff_view
from shailoo.elections.models import Election
from shailoo.evoting import closing, selectors, services
from shailoo.evoting.errors import EvotingError
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


def _steps(board: Board) -> list[tuple[str, object, str]]:
    """(step, when, detail) in the order they happen; `when` is None for a step not yet taken."""
    decryptions = list(board.decryptions.order_by("received_at"))
    verified = AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP, subject=f"board:{board.board_id}",
                                         payload__step="verified").first()
    return [
        (_("Board created"), board.created_at, ""),
        (_("Manifest fixed"), board.manifest_fixed_at, board.manifest_hash[:16]),
        (_("Key ceremony adopted"), board.ceremony_adopted_at, board.joint_public_key[:16]),
        (_("Credential list signed"), board.credentials_frozen_at,
         "" if board.credentials_count is None else str(board.credentials_count)),
        (_("Polls open"), board.opens, ""),
        (_("Polls close"), board.closes, ""),
        (_("Closed by the board"), board.closed_at, f"{board.ballots} / {board.challenges}" if board.closed_at else ""),
        (_("Verified by the server"), verified.created_at if verified else None, ""),
        (_("Partial decryptions"), decryptions[-1].received_at if decryptions else None,
         ", ".join(str(d.holder) for d in decryptions)),
        (_("Tallied"), board.tallied_at, ""),
    ]


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
            messages.error(request, f"{_('Not done:')} {error.detail or error.code}")
        return redirect("evoting-commission", slug=slug)
    boards = [closing.close_if_due(b) for b in _boards(election)]
    return render(request, "evoting/commission.html", {
        "election": election, "can_act": scope.everything, "nav": "evoting",
        "boards": [(b, selectors.polls_state(b), _steps(b)) for b in boards]})
