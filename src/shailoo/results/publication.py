# SPDX-License-Identifier: Apache-2.0
"""The computed results of an election: one JSON document per election, rebuilt whenever a protocol, the
e-vote, a lot or a rule changes, stored (`Publication`) and cached; every public page, the CSV, the JSON
and the PDF are read from it (docs/results.md).

`evote_for(election)` is the one place the e-vote's totals come from."""
import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shailoo import replicas
from shailoo.elections.models import Candidate, Constituency, Election, PartyList
from shailoo.evoting.selectors import evote_totals
from shailoo.register.models import VoterListEntry
from shailoo.results.models import ElectronicCount, Lot, Protocol, Publication, ResultRules
from shailoo.rules import seats as seat_rules
from shailoo.rules.names import kyrgyz_to_latin

ELECTRONIC = "electronic"
FIGURES = ("voters", "took_part", "valid", "invalid")
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class EvoteTotals:
    ballots: int
    votes: dict[int, int]
    against_all: int | None
    source: str


def evote_for(election: Election) -> dict[int, EvoteTotals]:
    """The e-vote's totals by constituency pk: the e-voting app's tally once every board of the election is
    tallied (`shailoo.evoting.selectors.evote_totals`); until then the counts imported out of verified records
    (`shailoo results_import_evote`), e.g. an election whose boards ran elsewhere."""
    tallied = evote_totals(election)
    if tallied is not None:
        return {t.constituency_id: EvoteTotals(t.ballots, dict(t.votes), t.against_all, t.record_url) for t in tallied}
    return {
        count.constituency_id: EvoteTotals(count.ballots, {int(k): v for k, v in count.votes.items()},
                                           count.against_all, count.source)
        for count in ElectronicCount.objects.filter(constituency__election=election)
    }


def _rules_of(election: Election) -> ResultRules:
    return ResultRules.objects.filter(election=election).first() or ResultRules(election=election)


def _empty() -> dict:
    return {"voters": 0, "took_part": 0, "valid": 0, "invalid": 0, "against_all": 0}


def _add(total: dict, unit: dict) -> None:
    for name in (*FIGURES, "against_all"):
        total[name] += unit[name] or 0


def _turnout(total: dict) -> float | None:
    return round(100 * total["took_part"] / total["voters"], 2) if total["voters"] else None


def _unit_of_protocol(precinct: dict, row: dict | None) -> dict:
    figures = row["figures"] if row and row["state"] == Protocol.State.ACCEPTED else None
    unit = {
        "unit": precinct["number"], "name_ky": precinct["name_ky"], "name_ru": precinct["name_ru"],
        "counted": figures is not None, "state": row["state"] if row else Protocol.State.AWAITING_FIRST,
        "accepted_at": row["accepted_at"].isoformat() if figures and row["accepted_at"] else None,
        "changed_at": row["changed_at"].isoformat() if figures and row["changed_at"] else None,
        "scan": bool(row and row["scan_name"]), "protocol": row["id"] if row else None,
        "voters": 0, "took_part": 0, "valid": 0, "invalid": 0, "against_all": None, "votes": {}, "lines": None,
    }
    if figures:
        unit.update({
            "voters": figures["voters_main"] + figures["voters_additional"],
            "took_part": figures["issued_at_station"] + figures["issued_outside"],
            "valid": figures["valid"], "invalid": figures["invalid"], "against_all": figures["against_all"],
            "votes": {str(k): v for k, v in figures["votes"].items()}, "lines": figures,
        })
    return unit


def _electronic_unit(totals: EvoteTotals | None, voters: int) -> dict:
    return {
        "unit": ELECTRONIC, "name_ky": "Электрондук добуш берүү", "name_ru": "Электронное голосование",
        "counted": totals is not None, "state": "accepted" if totals else "awaiting_first",
        "accepted_at": None, "changed_at": None, "scan": False, "protocol": None,
        "voters": voters, "took_part": totals.ballots if totals else 0, "valid": totals.ballots if totals else 0,
        "invalid": 0, "against_all": totals.against_all if totals else None,
        "votes": {str(k): v for k, v in totals.votes.items()} if totals else {}, "lines": None,
        "source": totals.source if totals else None,
    }


def _lots(rows: list[Lot]) -> list[seat_rules.Lot]:
    return [seat_rules.Lot(tuple(row.order)) for row in rows]


def _needs(need: seat_rules.NeedsLot, constituency: int | None, names: dict[int, str]) -> dict:
    return {"constituency": constituency, "between": list(need.between), "places": need.places,
            "purpose": need.purpose, "names": [names.get(i, str(i)) for i in need.between]}


@dataclass
class _Inputs:
    """Everything one election's document is computed from, loaded for many elections at once."""

    rules: ResultRules
    constituencies: list[Constituency] = field(default_factory=list)
    precincts_of: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    protocols: dict[tuple[int, int], dict] = field(default_factory=dict)
    withdrawn: set[int] = field(default_factory=set)
    candidates: list[Candidate] = field(default_factory=list)
    party_lists: list[PartyList] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    evote: dict[int, EvoteTotals] = field(default_factory=dict)
    e_voters: dict[int, int] = field(default_factory=dict)


def _load(elections: list[Election]) -> dict[int, _Inputs]:
    """The inputs of every given election in a fixed number of queries (a full recompute reads each table once)."""
    ids = [e.pk for e in elections]
    rules = {r.election_id: r for r in ResultRules.objects.filter(election_id__in=ids)}
    inputs = {e.pk: _Inputs(rules.get(e.pk) or ResultRules(election=e)) for e in elections}
    for constituency in Constituency.objects.filter(election_id__in=ids).order_by("election_id", "number"):
        inputs[constituency.election_id].constituencies.append(constituency)
    for link in Constituency.precincts.through.objects.filter(constituency__election_id__in=ids).values(
            "constituency__election_id", "constituency_id", "precinct_id", "precinct__number", "precinct__name_ky",
            "precinct__name_ru"):
        inputs[link["constituency__election_id"]].precincts_of[link["constituency_id"]].append({
            "pk": link["precinct_id"], "number": link["precinct__number"],
            "name_ky": link["precinct__name_ky"], "name_ru": link["precinct__name_ru"]})
    for row in Protocol.objects.filter(constituency__election_id__in=ids).values(
            "id", "constituency__election_id", "constituency_id", "precinct_id", "state", "figures", "accepted_at",
            "changed_at", "scan_name"):
        inputs[row["constituency__election_id"]].protocols[(row["constituency_id"], row["precinct_id"])] = row
    for election_id, pk in Candidate.objects.filter(election_id__in=ids, withdrawal__isnull=False).values_list(
            "election_id", "pk"):
        inputs[election_id].withdrawn.add(pk)
    for candidate in Candidate.objects.filter(election_id__in=ids).order_by(
            "election_id", "party_list__ballot_order", "ballot_order"):
        inputs[candidate.election_id].candidates.append(candidate)
    for party in PartyList.objects.filter(election_id__in=ids).order_by("election_id", "ballot_order"):
        inputs[party.election_id].party_lists.append(party)
    for lot in Lot.objects.filter(election_id__in=ids).order_by("drawn_at", "pk"):
        inputs[lot.election_id].lots.append(lot)
    evoting = [e for e in elections if e.evoting]
    for election in evoting:
        inputs[election.pk].evote = evote_for(election)
    if evoting:
        for election_id, precinct_id, n in VoterListEntry.objects.filter(
                election_id__in=[e.pk for e in evoting], status=VoterListEntry.Status.LISTED,
                voting_mode=VoterListEntry.VotingMode.ELECTRONIC,
        ).values_list("election_id", "precinct_id").annotate(n=Count("pk")).values_list("election_id", "precinct_id", "n"):
            inputs[election_id].e_voters[precinct_id] = n
    return inputs


def build(election: Election) -> dict:
    """The whole document of an election's results, computed from the accepted protocols and the e-vote."""
    election = Election.objects.select_related("kenesh").get(pk=election.pk)
    return _build(election, _load([election])[election.pk])


def _build(election: Election, inputs: _Inputs) -> dict:
    rules = inputs.rules
    list_election = election.kenesh.kind == "city"
    constituencies = inputs.constituencies
    precincts_of, protocols, withdrawn = inputs.precincts_of, inputs.protocols, inputs.withdrawn
    candidates, party_lists, lot_rows, evote, e_voters = (
        inputs.candidates, inputs.party_lists, inputs.lots, inputs.evote, inputs.e_voters)
    lots_by: dict[int | None, list[Lot]] = defaultdict(list)
    for lot in lot_rows:
        lots_by[lot.constituency_id].append(lot)
    names = {c.pk: " ".join(p for p in (c.surname, c.name, c.patronymic) if p) for c in candidates}
    names.update({p.pk: p.party_ky for p in party_lists})

    document_constituencies = []
    grand = _empty()
    paper_took_part = electronic_took_part = 0
    units_total = units_counted = precincts_total = precincts_counted = 0
    lots_needed: list[dict] = []
    party_votes: dict[int, int] = defaultdict(int)
    party_paper: dict[int, int] = defaultdict(int)
    for constituency in constituencies:
        precincts = sorted(precincts_of[constituency.pk], key=lambda p: p["number"])
        units = [_unit_of_protocol(p, protocols.get((constituency.pk, p["pk"]))) for p in precincts]
        precincts_total += len(units)
        precincts_counted += sum(1 for u in units if u["counted"])
        if election.evoting:
            voters = sum(e_voters.get(p["pk"], 0) for p in precincts)
            units.append(_electronic_unit(evote.get(constituency.pk), voters))
        total = _empty()
        votes: dict[int, int] = defaultdict(int)
        paper: dict[int, int] = defaultdict(int)
        for unit in units:
            if not unit["counted"]:
                continue
            _add(total, unit)
            for option, count in unit["votes"].items():
                votes[int(option)] += count
                if unit["unit"] != ELECTRONIC:
                    paper[int(option)] += count
            if unit["unit"] == ELECTRONIC:
                electronic_took_part += unit["took_part"]
            else:
                paper_took_part += unit["took_part"]
        _add(grand, total)
        counted = sum(1 for u in units if u["counted"])
        units_total += len(units)
        units_counted += counted
        complete = bool(units) and counted == len(units)
        entry = {
            "number": constituency.number, "name_ky": constituency.name_ky, "name_ru": constituency.name_ru,
            "seats": constituency.seats, "women_seats": constituency.women_seats,
            "units_total": len(units), "units_counted": counted, "complete": complete,
            **total, "turnout": _turnout(total), "units": units,
            "candidates": [], "elected": [], "replacements": [], "vacant": None, "needs_lot": None,
        }
        if list_election:
            for option, count in votes.items():
                party_votes[option] += count
                party_paper[option] += paper[option]
        else:
            standing = [c for c in candidates if c.constituency_id == constituency.pk]
            result: seat_rules.Majoritarian | seat_rules.NeedsLot | None = None
            if complete:
                result = seat_rules.majoritarian(
                    [seat_rules.Contender(c.pk, votes[c.pk], c.gender == "F") for c in standing if c.pk not in withdrawn],
                    seats=constituency.seats, women_seats=constituency.women_seats,
                    lots=_lots(lots_by[constituency.pk]), women_rule=rules.women_rule)  # type: ignore[arg-type]
            if isinstance(result, seat_rules.NeedsLot):
                entry["needs_lot"] = _needs(result, constituency.number, names)
                lots_needed.append(entry["needs_lot"])
            elected = list(result.elected) if isinstance(result, seat_rules.Majoritarian) else []
            came_in = {woman for _, woman in result.replacements} if isinstance(result, seat_rules.Majoritarian) else set()
            gave_way = {man for man, _ in result.replacements} if isinstance(result, seat_rules.Majoritarian) else set()
            if isinstance(result, seat_rules.Majoritarian):
                entry["replacements"] = [list(pair) for pair in result.replacements]
                entry["vacant"] = result.vacant
            entry["elected"] = elected
            ranked = sorted(standing, key=lambda c: (-votes[c.pk], c.ballot_order))
            entry["candidates"] = [{
                "id": c.pk, "name": names[c.pk], "name_latin": kyrgyz_to_latin(names[c.pk]),
                "woman": c.gender == "F", "ballot_order": c.ballot_order, "party_list": None,
                "votes": votes[c.pk], "paper": paper[c.pk], "electronic": votes[c.pk] - paper[c.pk],
                "elected": c.pk in elected, "by_reservation": c.pk in came_in, "gave_way": c.pk in gave_way,
                "withdrawn": c.pk in withdrawn,
            } for c in ranked]
        document_constituencies.append(entry)

    parties = None
    complete_all = bool(constituencies) and units_total > 0 and units_counted == units_total
    if list_election:
        base = grand["took_part"] if rules.threshold_base == ResultRules.ThresholdBase.TOOK_PART else grand["valid"]
        threshold = Fraction(str(rules.threshold_percent)) / 100
        outcome: seat_rules.ListSeats | seat_rules.NeedsLot | None = None
        if complete_all:
            outcome = seat_rules.party_lists(
                [seat_rules.PartyList(p.pk, party_votes[p.pk],
                                      tuple(c.pk for c in candidates if c.party_list_id == p.pk),
                                      frozenset(c.pk for c in candidates if c.party_list_id == p.pk and c.pk in withdrawn))
                 for p in party_lists],
                seats=election.kenesh.seats, threshold_base=base, threshold=threshold,
                method=rules.seat_method, lots=_lots(lots_by[None]))  # type: ignore[arg-type]
        if isinstance(outcome, seat_rules.NeedsLot):
            lots_needed.append(_needs(outcome, None, names))
        won = outcome if isinstance(outcome, seat_rules.ListSeats) else None
        parties = [{
            "id": p.pk, "name_ky": p.party_ky, "name_ru": p.party_ru, "ballot_order": p.ballot_order,
            "votes": party_votes[p.pk], "paper": party_paper[p.pk], "electronic": party_votes[p.pk] - party_paper[p.pk],
            "share": round(100 * party_votes[p.pk] / base, 2) if base else None,
            "passed": bool(won and p.pk in won.passed), "seats": won.seats.get(p.pk, 0) if won else 0,
            "candidates": [{
                "id": c.pk, "name": names[c.pk], "name_latin": kyrgyz_to_latin(names[c.pk]),
                "woman": c.gender == "F", "ballot_order": c.ballot_order, "party_list": p.pk,
                "elected": bool(won and c.pk in won.elected.get(p.pk, ())), "withdrawn": c.pk in withdrawn,
            } for c in candidates if c.party_list_id == p.pk],
        } for p in party_lists]
        parties.sort(key=lambda p: (-p["votes"], p["ballot_order"]))
    return {
        "election": {
            "slug": election.slug, "name_ky": election.name_ky, "name_ru": election.name_ru,
            "kind": election.kenesh.kind, "kenesh_ky": election.kenesh.name_ky, "kenesh_ru": election.kenesh.name_ru,
            "election_day": election.election_day.isoformat(), "seats": election.kenesh.seats,
        },
        "status": "final" if rules.final_at else "preliminary",
        "complete": complete_all,
        "rules": {"women_rule": rules.women_rule, "seat_method": rules.seat_method,
                  "threshold_percent": str(rules.threshold_percent), "threshold_base": rules.threshold_base,
                  "against_all": rules.against_all},
        "precincts_total": precincts_total, "precincts_counted": precincts_counted,
        "units_total": units_total, "units_counted": units_counted,
        "counted_percent": round(100 * precincts_counted / precincts_total, 1) if precincts_total else 0.0,
        **grand, "turnout": _turnout(grand),
        "paper_took_part": paper_took_part, "electronic_took_part": electronic_took_part,
        "constituencies": document_constituencies, "parties": parties,
        "lots_needed": lots_needed,
        "lots": [{"constituency": next((c.number for c in constituencies if c.pk == lot.constituency_id), None),
                  "between": lot.between, "order": lot.order, "names": [names.get(i, str(i)) for i in lot.order],
                  "drawn_by": lot.drawn_by, "drawn_at": lot.drawn_at.isoformat()} for lot in lot_rows],
    }


def _key(slug: str) -> str:
    return f"results:publication:{slug}"


def _next_stamp(previous: dt.datetime | None) -> dt.datetime:
    now = timezone.now().replace(microsecond=0)
    if previous is not None and previous >= now:
        now = previous + dt.timedelta(seconds=1)  # Last-Modified moves with every change
    return now


def _forget(slugs: list[str]) -> None:
    def forget() -> None:
        cache.delete_many([k for slug in slugs for k in (_key(slug), _stamp_key(slug))])
        for slug in slugs:
            _stamps.pop(slug, None)

    forget()  # now (this transaction's own reads), and again once it commits (what others read meanwhile)
    transaction.on_commit(forget)


def recompute(election: Election) -> Publication:
    """Rebuild and store an election's document; the cache forgets it once the transaction commits."""
    document = build(election)
    previous = Publication.objects.filter(election=election).values_list("computed_at", flat=True).first()
    publication, _ = Publication.objects.update_or_create(
        election=election, defaults={"document": document, "computed_at": _next_stamp(previous)})
    _forget([election.slug])
    return publication


def recompute_all() -> int:
    """Every election's document, reading each table once and writing the documents in one statement."""
    elections = list(Election.objects.filter(constituencies__isnull=False).distinct().select_related("kenesh"))
    inputs = _load(elections)
    previous = dict(Publication.objects.values_list("election_id", "computed_at"))
    rows = [Publication(election=e, document=_build(e, inputs[e.pk]), computed_at=_next_stamp(previous.get(e.pk)))
            for e in elections]
    with transaction.atomic():
        Publication.objects.bulk_create(rows, batch_size=100, update_conflicts=True, unique_fields=["election"],
                                        update_fields=["document", "computed_at"])
        _forget([e.slug for e in elections])
    return len(rows)


@replicas.public_read
def published(slug: str) -> tuple[dict, dt.datetime] | None:
    """An election's document and when it was computed; None when nothing is published for it.

    A public read (shailoo.replicas): read from a replica, the row may be up to REPLICA_MAX_LAG_SECONDS behind
    a publication whose commit just cleared the cache, so it is cached no longer than that."""
    hit = cache.get(_key(slug))
    if hit is not None:
        return hit
    row = Publication.objects.filter(election__slug=slug).values_list("document", "computed_at").first()
    if row is None:
        return None
    from_replica = replicas.read_alias() != "default"
    cache.set(_key(slug), row, min(CACHE_SECONDS, settings.REPLICA_MAX_LAG_SECONDS) if from_replica else CACHE_SECONDS)
    return row


def _stamp_key(slug: str) -> str:
    return f"results:stamp:{slug}"


# Each worker remembers a stamp for STAMP_SECONDS: a hit then costs one cache read (the page), not two.
# Another worker's change shows here within that time; this worker's own changes at once.
STAMP_SECONDS = 1.0
_stamps: dict[str, tuple[float, dt.datetime]] = {}


def stamp(slug: str) -> dt.datetime | None:
    """When an election's document was computed (cheap: the pages and open data key their caches on it)."""
    remembered = _stamps.get(slug)
    now = time.monotonic()
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    hit = cache.get(_stamp_key(slug))
    if hit is not None:
        _stamps[slug] = (now + STAMP_SECONDS, hit)
        return hit
    computed_at = Publication.objects.filter(election__slug=slug).values_list("computed_at", flat=True).first()
    if computed_at is not None:
        cache.set(_stamp_key(slug), computed_at, CACHE_SECONDS)
    return computed_at


def lots_needed(election: Election) -> list[dict]:
    """The ties that wait for a lot, computed afresh (not from the cache)."""
    return build(election)["lots_needed"]
