# SPDX-License-Identifier: Apache-2.0
"""The booth pages: after the Tunduk login, an enrolled e-voter whose polls are open gets the ballot of
their constituency; the browser (booth/src/pages/vote.js, in a Web Worker) encrypts, shows the tracking code,
then checks or casts through the e-voting API (EVOTING-CONTRACT.md 4). Everyone else gets a page that says
plainly why they cannot vote here and what to do."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from shailoo.elections.models import Candidate, Constituency, Election, PartyList
from shailoo.evoting import selectors
from shailoo.register.models import VoterListEntry
from shailoo.tunduk.session import current_voter_pin, voter_required
from shailoo.web.middleware import WASM_CONTENT_SECURITY_POLICY


@dataclass(frozen=True)
class Place:
    """A voter's situation in one election: the state the page shows and, when open, the booth's data."""

    election: Election
    entry: VoterListEntry | None
    constituency: Constituency | None
    state: str  # open | not-open | closed | paper | not-listed | not-enrolled | not-ready | not-on-list | other
    booth: selectors.BoothState | None


def _language() -> str:
    return (translation.get_language() or "ky")[:2]


def _place(election: Election, pin: str) -> Place:
    entry = (VoterListEntry.objects.filter(election=election, citizen__pin=pin).select_related("precinct").first())
    if entry is None or entry.status != VoterListEntry.Status.LISTED:
        return Place(election, entry, None, "not-listed", None)
    constituency = (Constituency.objects.filter(election=election, precincts=entry.precinct_id).first()
                    if entry.precinct_id else None)
    if entry.voting_mode != VoterListEntry.VotingMode.ELECTRONIC:
        return Place(election, entry, constituency, "paper", None)
    state = selectors.booth_state(election, constituency, pin)
    if state.board is None or state.refusal == "board.not-found":
        return Place(election, entry, constituency, "not-ready", state)
    if not state.enrolled:
        return Place(election, entry, constituency, "not-enrolled", state)
    if state.polls == "closed":
        return Place(election, entry, constituency, "closed", state)
    if not state.on_list:
        # Before the list is frozen the board is not open anyway; after it, a key not on it cannot vote.
        return Place(election, entry, constituency, "not-on-list" if state.refusal else "not-open", state)
    if state.polls == "open" and state.board.manifest and state.board.joint_public_key:
        return Place(election, entry, constituency, "open", state)
    return Place(election, entry, constituency, "not-open", state)


def _option_names(election: Election, manifest: dict[str, Any]) -> dict[str, str]:
    """option_id -> the name the voter reads, in the page's language (the manifest's "ky / ru" otherwise)."""
    language = _language()
    ids = [o["option_id"] for c in manifest["contests"] for o in c["options"]]
    candidates = {f"candidate-{c.pk}": c for c in Candidate.objects.filter(
        election=election, pk__in=[int(i.split("-", 1)[1]) for i in ids if i.startswith("candidate-")])}
    parties = {f"party-{p.pk}": p for p in PartyList.objects.filter(
        election=election, pk__in=[int(i.split("-", 1)[1]) for i in ids if i.startswith("party-")])}
    names = {}
    for contest in manifest["contests"]:
        for option in contest["options"]:
            option_id = option["option_id"]
            if option_id == contest.get("against_all"):
                names[option_id] = _("Against all")
            elif option_id in candidates:
                names[option_id] = _candidate_name(candidates[option_id], language)
            elif option_id in parties:
                names[option_id] = str(parties[option_id])
            else:
                names[option_id] = _title(option["title"], language)
    return names


def _candidate_name(candidate: Candidate, language: str) -> str:
    parts = [candidate.surname, candidate.name, getattr(candidate, "patronymic", "")]
    return " ".join(p for p in parts if p)


def _title(title: str, language: str) -> str:
    """A manifest title "ky / ru": the part of the page's language."""
    ky, _, ru = title.partition(" / ")
    return ru if language == "ru" and ru else ky


def _ballot(election: Election, manifest: dict[str, Any], constituency: Constituency) -> list[dict[str, Any]]:
    """The manifest's contests as the page shows them; the constituency's contest is titled by its label
    (the word "constituency" in the page's language, the place transliterated on English pages)."""
    names = _option_names(election, manifest)
    own = f"constituency-{constituency.number}"
    return [{
        "contest_id": contest["contest_id"],
        "title": constituency.label if contest["contest_id"] == own else _title(contest["title"], _language()),
        "min_marks": contest["min_marks"], "max_marks": contest["max_marks"], "against_all": contest["against_all"],
        "single": contest["max_marks"] == 1 and contest["min_marks"] == 1,
        "options": [{"option_id": o["option_id"], "name": names[o["option_id"]],
                     "against_all": o["option_id"] == contest["against_all"]} for o in contest["options"]],
    } for contest in manifest["contests"]]


@never_cache
@voter_required
def index(request: HttpRequest) -> HttpResponse:
    """Which election: every upcoming election of the voter that offers e-voting, with its state."""
    pin = current_voter_pin(request)
    assert pin is not None
    today = timezone.localdate()
    elections = (Election.objects.filter(evoting=True, election_day__gte=today, list_entries__citizen__pin=pin)
                 .select_related("kenesh").order_by("election_day").distinct())
    places = [_place(election, pin) for election in elections]
    return render(request, "evoting/booth/index.html", {"places": places})


@never_cache
@voter_required
def booth(request: HttpRequest, slug: str) -> HttpResponse:
    pin = current_voter_pin(request)
    assert pin is not None
    election = Election.objects.filter(slug=slug, evoting=True).select_related("kenesh").first()
    if election is None:
        raise Http404(_("This election offers no electronic voting."))
    place = _place(election, pin)
    context: dict[str, Any] = {"place": place, "election": election}
    if place.state == "open" and place.booth is not None and place.booth.board is not None:
        board = place.booth.board
        number = board.constituency.number
        context.update(
            ballot=_ballot(election, board.manifest, board.constituency),
            number=number,
            api={"booth": reverse("evoting-booth-api", args=[slug, number]),
                 "cast": reverse("evoting-cast", args=[slug, number]),
                 "challenge": reverse("evoting-challenge", args=[slug, number])},
            board_url=reverse("evoting-board", args=[slug, number]),
            credential=place.booth.credential,
        )
    elif place.booth is not None and place.booth.board is not None:
        context["board_url"] = reverse("evoting-board", args=[slug, place.booth.board.constituency.number])
    response = render(request, "evoting/booth/booth.html", context)
    # The booth's Web Worker compiles libsodium's WebAssembly (see cabinet.views.apply_evoting).
    response.headers["Content-Security-Policy"] = WASM_CONTENT_SECURITY_POLICY
    return response
