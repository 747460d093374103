# SPDX-License-Identifier: Apache-2.0
"""Bar charts drawn on the server as SVG: readable without script, sized for a 360 px phone first.

Green bars are the elected (the design system's "done"); the rest grey; ♀ marks a woman."""
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from shailoo.results import selectors

WIDTH = 360
ROW = 40
GREEN, GREY, INK = "#00703c", "#505a5f", "#0b0c0c"


def bars(title: str, rows: list[tuple[str, int, bool]]) -> SafeString:
    """A horizontal bar chart: (label, value, highlighted) rows, largest first as given."""
    if not rows:
        return mark_safe("")  # noqa: S308 - nothing to draw
    top = max(value for _, value, _ in rows) or 1
    total = sum(value for _, value, _ in rows) or 1
    height = ROW * len(rows) + 8
    parts = [f'<svg class="shailoo-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, sans-serif" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, value, highlighted) in enumerate(rows):
        y = index * ROW
        width = max(round((WIDTH - 70) * value / top), 1 if value else 0)
        share = f"{100 * value / total:.1f} %"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13" fill="{INK}">{escape(label)}</text>'
            f'<rect x="0" y="{y + 19}" width="{width}" height="14" fill="{GREEN if highlighted else GREY}"/>'
            f'<text x="{width + 4}" y="{y + 31}" font-size="12" fill="{INK}">{value} ({share})</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _people(candidates: list[dict]) -> list[tuple[str, int, bool]]:
    return [(("♀ " if c["woman"] else "") + selectors.person(c), c["votes"], c["elected"]) for c in candidates]


def for_election(document: dict) -> SafeString:
    if document["parties"] is not None:
        return bars(_("Votes by party list"), [(selectors.name_of(p), p["votes"], p["seats"] > 0) for p in document["parties"]])
    if len(document["constituencies"]) == 1:
        return bars(_("Votes by candidate"), _people(document["constituencies"][0]["candidates"]))
    return mark_safe("")  # noqa: S308 - each constituency has its own chart


def for_constituency(document: dict, constituency: dict) -> SafeString:
    if document["parties"] is not None:
        return for_election(document)
    return bars(_("Votes by candidate"), _people(constituency["candidates"]))


def for_unit(document: dict, constituency: dict, unit: dict) -> SafeString:
    names = selectors.option_names(document, constituency)
    rows = sorted(((names.get(option, option), count, False) for option, count in unit["votes"].items()),
                  key=lambda row: -row[1])
    return bars(_("Votes in this counting unit"), rows)
