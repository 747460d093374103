# SPDX-License-Identifier: Apache-2.0
"""What the pages read: protocols in a staff member's scope, and views of the published document."""
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language

from shailoo import replicas
from shailoo.elections.models import Constituency, Election
from shailoo.results import publication, services
from shailoo.results.models import Protocol, Publication
from shailoo.rules.names import kyrgyz_to_latin
from shailoo.rules.protocol import LINE_NAMES, Line
from shailoo.staff.scope import StaffScope


def protocols_in_scope(user, scope: StaffScope) -> list[Protocol]:
    """Every (constituency, precinct) protocol in scope, created on first sight, newest elections first."""
    precinct_ids = list(scope.precincts().values_list("pk", flat=True))
    links = Constituency.precincts.through.objects.filter(precinct_id__in=precinct_ids).values_list(
        "constituency_id", "precinct_id")
    existing = set(Protocol.objects.filter(precinct_id__in=precinct_ids).values_list("constituency_id", "precinct_id"))
    Protocol.objects.bulk_create([Protocol(constituency_id=c, precinct_id=p) for c, p in links if (c, p) not in existing],
                                 ignore_conflicts=True)
    return list(Protocol.objects.filter(precinct_id__in=precinct_ids).select_related(
        "constituency__election", "precinct").order_by("-constituency__election__election_day", "constituency__number",
                                                       "precinct__number")[:500])


def elections_with_lots_to_draw(user) -> list[Election]:
    elections = Election.objects.filter(publication__isnull=False).select_related("kenesh__territory")
    return [e for e in elections if services.may_record_lot(user, e) and e.publication.document["lots_needed"]]


def figure_rows(protocol: Protocol) -> list[tuple[str, int]]:
    if not protocol.figures:
        return []
    rows = [(services.line_label(name), value) for name, value in protocol.figures.items()
            if name != "votes" and value is not None]
    names = {str(o.pk): str(o) for o in services.options_of(protocol.constituency)}
    rows += [(names.get(option, option), count) for option, count in protocol.figures["votes"].items()]
    return rows


@replicas.public_read
def published_elections() -> list[dict]:
    rows = Publication.objects.select_related("election").order_by("-election__election_day")
    return [{"slug": row.election.slug, "name": str(row.election), "day": row.election.election_day,
             "status": row.document["status"], "counted_percent": row.document["counted_percent"]} for row in rows]


def _language() -> str:
    return (get_language() or "ky")[:2]


def name_of(item: dict) -> str:
    """A place's or list's name in the page's language (Kyrgyz in Latin letters on English pages)."""
    language = _language()
    if language == "ru":
        return item["name_ru"]
    return kyrgyz_to_latin(item["name_ky"]) if language == "en" else item["name_ky"]


def person(candidate: dict) -> str:
    return candidate["name_latin"] if _language() == "en" else candidate["name"]


@dataclass(frozen=True)
class ElectionView:
    name: str
    kenesh: str
    constituencies: list[dict]
    parties: list[dict] | None


def election_view(document: dict) -> ElectionView:
    language = _language()
    election = document["election"]
    name = election["name_ru"] if language == "ru" else election["name_ky"]
    kenesh = election["kenesh_ru"] if language == "ru" else election["kenesh_ky"]
    if language == "en":
        name, kenesh = kyrgyz_to_latin(name), kyrgyz_to_latin(kenesh)
    constituencies = []
    for c in document["constituencies"]:
        elected = [dict(x, display=person(x)) for x in c["candidates"] if x["elected"]]
        display = name_of(c)
        constituencies.append(dict(c, display=display, elected_people=elected,
                                   title=display if "№" in display else f"№{c['number']} {display}"))
    parties = None
    if document["parties"] is not None:
        parties = [dict(p, display=name_of(p), elected_people=[dict(x, display=person(x)) for x in p["candidates"]
                                                               if x["elected"]]) for p in document["parties"]]
    return ElectionView(name, kenesh, constituencies, parties)


def constituency_of(document: dict, number: int) -> dict:
    for c in document["constituencies"]:
        if c["number"] == number:
            display = name_of(c)
            view = dict(c, display=display, title=display if "№" in display else f"№{number} {display}")
            view["people"] = [dict(x, display=person(x)) for x in c["candidates"]]
            view["unit_views"] = [dict(u, display=unit_name(u)) for u in c["units"]]
            return view
    raise Http404("no such constituency")


def unit_name(unit: dict) -> str:
    name = name_of(unit)
    if unit["unit"] == publication.ELECTRONIC or unit["unit"] in name:
        return name
    return f"№{unit['unit']} {name}"


def unit_of(constituency: dict, unit: str) -> dict:
    for u in constituency["units"]:
        if u["unit"] == unit:
            return dict(u, display=unit_name(u))
    raise Http404("no such counting unit")


def option_names(document: dict, constituency: dict) -> dict[str, str]:
    if document["parties"] is not None:
        return {str(p["id"]): name_of(p) for p in document["parties"]}
    return {str(x["id"]): person(x) for x in constituency["candidates"]}


def unit_rows(document: dict, constituency: dict, unit: dict) -> list[tuple[str, int]]:
    """The protocol's lines and votes as label, figure."""
    language = _language()
    rows: list[tuple[str, int]] = []
    if unit["lines"]:
        for line in Line:
            value = unit["lines"].get(line.value)
            if value is not None:
                label = LINE_NAMES[line].get(language, LINE_NAMES[line]["en"])
                rows.append((label[:1].upper() + label[1:], value))
    names = option_names(document, constituency)
    rows += [(names.get(option, option), count) for option, count in unit["votes"].items()]
    return rows
