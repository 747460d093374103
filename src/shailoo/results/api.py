# SPDX-License-Identifier: Apache-2.0
"""Open data: every results view as JSON and as CSV (long format), with Last-Modified, in the OpenAPI document."""
import csv
import io
import json
from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from ninja import Router

from shailoo.results import publication, selectors

router = Router(tags=["results"])


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


# What every open-data view may answer besides 200, in the OpenAPI document (the views return their responses).
ANSWERS = {"responses": {
    "304": {"description": "Not modified since If-Modified-Since"},
    "404": _error("No results published for this election, or no such constituency or counting unit"),
    "422": _error("A path parameter does not match the schema"),
}}

CSV_COLUMNS = ["election", "kenesh", "constituency", "unit", "candidate", "party", "votes"]
CSV_DESCRIPTION = ("CSV in long format, one row per counting unit and option: " + ", ".join(CSV_COLUMNS) +
                   ". The unit is a precinct number or \"electronic\"; the candidate column is empty for party lists.")


def _stamp(slug: str) -> float:
    computed_at = publication.stamp(slug)
    if computed_at is None:
        raise Http404("no results published")
    return computed_at.timestamp()


def _document(slug: str) -> dict:
    hit = publication.published(slug)
    if hit is None:
        raise Http404("no results published")
    return hit[0]


def _not_modified(request: HttpRequest, stamp: float) -> bool:
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(stamp) <= since


def _answer(request: HttpRequest, slug: str, content_type: str, make: Callable[[dict], str],
            filename: str = "") -> HttpResponse:
    """The body made once per publication and path (then from the cache), Last-Modified, 304 when unchanged."""
    stamp = _stamp(slug)
    if _not_modified(request, stamp):
        response = HttpResponse(status=304)
    else:
        key = f"results:api:{stamp}:{request.path}"
        body = cache.get(key)
        if body is None:
            body = make(_document(slug)).encode()
            cache.set(key, body, publication.CACHE_SECONDS)
        response = HttpResponse(body, content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=30"
    return response


def _json(request: HttpRequest, slug: str, make: Callable[[dict], dict]) -> HttpResponse:
    return _answer(request, slug, "application/json; charset=utf-8",
                   lambda document: json.dumps(make(document), ensure_ascii=False, separators=(",", ":")))


def _csv(request: HttpRequest, slug: str, make: Callable[[dict], list[list]], name: str) -> HttpResponse:
    def text(document: dict) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(make(document))
        return buffer.getvalue()

    return _answer(request, slug, "text/csv; charset=utf-8", text, name)


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


def _unit(document: dict, number: int, unit: str) -> dict:
    found = selectors.unit_of(_constituency(document, number), unit)
    found.pop("display", None)
    return found


@router.get("/results/{slug}", openapi_extra=ANSWERS, summary="An election's results",
            description="Turnout, votes by candidate and party, the elected (women marked), the share of precincts "
                        "counted, preliminary or final; every counting unit with its figures. Last-Modified; "
                        "If-Modified-Since answers 304.")
def election_json(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(request, slug, lambda document: document)


@router.get("/results/{slug}/csv", openapi_extra=ANSWERS, summary="An election's results as CSV (long format)", description=CSV_DESCRIPTION)
def election_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, slug, long_rows, slug)


@router.get("/results/{slug}/{number}", openapi_extra=ANSWERS, summary="One constituency's results")
def constituency_json(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _json(request, slug, lambda document: {
        "election": document["election"], "status": document["status"],
        "constituency": _constituency(document, number)})


@router.get("/results/{slug}/{number}/csv", openapi_extra=ANSWERS, summary="One constituency's results as CSV", description=CSV_DESCRIPTION)
def constituency_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _csv(request, slug, lambda document: _constituency(document, number) and long_rows(document, number),
                f"{slug}-{number}")


@router.get("/results/{slug}/{number}/{unit}", openapi_extra=ANSWERS, summary="One counting unit's protocol (a precinct or \"electronic\")")
def unit_json(request: HttpRequest, slug: str, number: int, unit: str) -> HttpResponse:
    return _json(request, slug, lambda document: {
        "election": document["election"], "status": document["status"], "constituency": number,
        "unit": _unit(document, number, unit)})


@router.get("/results/{slug}/{number}/{unit}/csv", openapi_extra=ANSWERS, summary="One counting unit's votes as CSV", description=CSV_DESCRIPTION)
def unit_csv(request: HttpRequest, slug: str, number: int, unit: str) -> HttpResponse:
    return _csv(request, slug, lambda document: _unit(document, number, unit) and long_rows(document, number, unit),
                f"{slug}-{number}-{unit}")
