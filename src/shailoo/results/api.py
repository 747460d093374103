# SPDX-License-Identifier: Apache-2.0
"""Open data: every results view as JSON and as CSV (long format), with Last-Modified, in the OpenAPI document."""
import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from ninja import Router

from shailoo.results import publication, selectors

router = Router(tags=["results"])

CSV_COLUMNS = ["election", "kenesh", "constituency", "unit", "candidate", "party", "votes"]
CSV_DESCRIPTION = ("CSV in long format, one row per counting unit and option: " + ", ".join(CSV_COLUMNS) +
                   ". The unit is a precinct number or \"electronic\"; the candidate column is empty for party lists.")


def _document(slug: str) -> tuple[dict, float]:
    hit = publication.published(slug)
    if hit is None:
        raise Http404("no results published")
    return hit[0], hit[1].timestamp()


def _not_modified(request: HttpRequest, stamp: float) -> bool:
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(stamp) <= since


def _json(request: HttpRequest, stamp: float, body: dict) -> HttpResponse:
    import json

    if _not_modified(request, stamp):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                                content_type="application/json; charset=utf-8")
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=30"
    return response


def _csv(request: HttpRequest, stamp: float, rows: list[list], name: str) -> HttpResponse:
    if _not_modified(request, stamp):
        response = HttpResponse(status=304)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}.csv"'
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=30"
    return response


def long_rows(document: dict, number: int | None = None, unit: str | None = None) -> list[list]:
    """The long CSV rows of an election, one constituency, or one unit of it (counted units only)."""
    election = document["election"]
    rows = []
    parties = {str(p["id"]): p["name_ky"] for p in document["parties"] or []}
    for constituency in document["constituencies"]:
        if number is not None and constituency["number"] != number:
            continue
        people = {str(c["id"]): c["name"] for c in constituency["candidates"]}
        for counted in constituency["units"]:
            if not counted["counted"] or (unit is not None and counted["unit"] != unit):
                continue
            for option, votes in counted["votes"].items():
                rows.append([election["slug"], election["kenesh_ky"], constituency["number"], counted["unit"],
                             people.get(option, ""), parties.get(option, ""), votes])
            if counted["against_all"] is not None:
                rows.append([election["slug"], election["kenesh_ky"], constituency["number"], counted["unit"],
                             "against all", "", counted["against_all"]])
    return rows


def _constituency(document: dict, number: int) -> dict:
    for constituency in document["constituencies"]:
        if constituency["number"] == number:
            return constituency
    raise Http404("no such constituency")


@router.get("/results/{slug}", summary="An election's results",
            description="Turnout, votes by candidate and party, the elected (women marked), the share of precincts "
                        "counted, preliminary or final; every counting unit with its figures. Last-Modified; "
                        "If-Modified-Since answers 304.")
def election_json(request: HttpRequest, slug: str) -> HttpResponse:
    document, stamp = _document(slug)
    return _json(request, stamp, document)


@router.get("/results/{slug}/csv", summary="An election's results as CSV (long format)", description=CSV_DESCRIPTION)
def election_csv(request: HttpRequest, slug: str) -> HttpResponse:
    document, stamp = _document(slug)
    return _csv(request, stamp, long_rows(document), slug)


@router.get("/results/{slug}/{number}", summary="One constituency's results")
def constituency_json(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    document, stamp = _document(slug)
    body = {"election": document["election"], "status": document["status"], "constituency": _constituency(document, number)}
    return _json(request, stamp, body)


@router.get("/results/{slug}/{number}/csv", summary="One constituency's results as CSV", description=CSV_DESCRIPTION)
def constituency_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    document, stamp = _document(slug)
    _constituency(document, number)
    return _csv(request, stamp, long_rows(document, number), f"{slug}-{number}")


@router.get("/results/{slug}/{number}/{unit}", summary="One counting unit's protocol (a precinct or \"electronic\")")
def unit_json(request: HttpRequest, slug: str, number: int, unit: str) -> HttpResponse:
    document, stamp = _document(slug)
    found = selectors.unit_of(_constituency(document, number), unit)
    found.pop("display", None)
    return _json(request, stamp, {"election": document["election"], "status": document["status"],
                                  "constituency": number, "unit": found})


@router.get("/results/{slug}/{number}/{unit}/csv", summary="One counting unit's votes as CSV", description=CSV_DESCRIPTION)
def unit_csv(request: HttpRequest, slug: str, number: int, unit: str) -> HttpResponse:
    document, stamp = _document(slug)
    selectors.unit_of(_constituency(document, number), unit)
    return _csv(request, stamp, long_rows(document, number, unit), f"{slug}-{number}-{unit}")
