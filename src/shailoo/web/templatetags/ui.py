# SPDX-License-Identifier: Apache-2.0
"""The design system's components as template tags (docs/design.md has every parameter and an example).

    {% load ui %}
    {% error_summary form %}                       the list of problems at the top, each linked to its field
    {% field form.pin hint=pin_hint %}              label, hint, error beside the field, the widget
    {% status_tag application.get_status_display "waiting" %}
    {% breadcrumbs "Voter's Cabinet" cabinet_url "Application № 12" %}
    {% pagination page %}
    {% notification_banners %}                      Django's messages as notification banners
    {% language_switch %}

Components without logic (summary list, card, next-step panel, buttons) are plain markup with our
classes; docs/design.md shows each.
"""
from collections.abc import Iterable

from django import forms, template
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils.translation import gettext as _

register = template.Library()

# One colour means one thing, across the whole platform (docs/design.md, "Colours").
TAG_MEANINGS = {
    "done": "govuk-tag--green",  # a good result, finished: on the list, approved, applied
    "waiting": "govuk-tag--blue",  # in progress, the commission's move: filed, under review
    "action": "govuk-tag--yellow",  # the reader must act, or time is short: due soon, needs identification
    "refused": "govuk-tag--red",  # refused or too late: rejected, not eligible, overdue
    "closed": "govuk-tag--grey",  # over, nobody's move: withdrawn, deadline passed, not applicable
}


@register.inclusion_tag("ui/status_tag.html")
def status_tag(text: str, meaning: str) -> dict:
    """A status with the colour of its meaning (done, waiting, action, refused, closed)."""
    if meaning not in TAG_MEANINGS:
        raise template.TemplateSyntaxError(f"status_tag: unknown meaning {meaning!r} (one of {', '.join(TAG_MEANINGS)})")
    return {"text": text, "css": TAG_MEANINGS[meaning], "meaning": meaning}


def _field_anchor(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.SplitDateTimeWidget):
        return f"{field.auto_id}_0" if field.auto_id else field.html_name
    return field.id_for_label or field.html_name


def form_errors(*forms_and_errors: object) -> list[dict]:
    """The problems of some forms (and plain messages), in page order, each with the anchor of its field."""
    items: list[dict] = []
    for thing in forms_and_errors:
        if not thing:
            continue
        if isinstance(thing, forms.BaseForm):
            for error in thing.non_field_errors():
                items.append({"href": "", "text": str(error)})
            for field in thing:
                for error in field.errors:
                    items.append({"href": "#" + _field_anchor(field), "text": str(error)})
        elif isinstance(thing, str):
            items.append({"href": "", "text": thing})
        elif isinstance(thing, dict):
            items.append({"href": thing.get("href", ""), "text": str(thing["text"])})
        elif isinstance(thing, Iterable):
            items.extend(form_errors(*thing))
        else:
            items.append({"href": "", "text": str(thing)})
    return items


@register.inclusion_tag("ui/error_summary.html")
def error_summary(*forms_and_errors: object, title: str = "") -> dict:
    """"There is a problem" with every error of the given forms and messages; nothing when there is none.

    Arguments: forms, plain strings, or lists of them. Each field error links to its field."""
    return {"errors": form_errors(*forms_and_errors), "title": title or _("There is a problem")}


def _attrs(field: BoundField, *, css: str, described_by: list[str], width: str) -> dict:
    attrs = {"class": " ".join(part for part in (css, width) if part)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] += {
            "govuk-input": " govuk-input--error", "govuk-textarea": " govuk-textarea--error",
            "govuk-select": " govuk-select--error", "govuk-file-upload": " govuk-file-upload--error",
        }.get(css, "")
    return attrs


@register.inclusion_tag("ui/field.html")
def field(bound: BoundField, hint: str = "", label: str = "", width: str = "", label_class: str = "",
          hint_html: str = "", mark_optional: bool = True) -> dict:
    """One form field: label, hint, error message (all tied to the widget by aria-describedby), widget.

    `hint` is plain text, `hint_html` trusted markup (e.g. a link); `label` replaces the form's label;
    `width` is a GOV.UK width class (e.g. "govuk-input--width-10"); `mark_optional=False` leaves out
    "(optional)" (filters are all optional); text, number, e-mail, password,
    textarea, select, file, a single checkbox, radio buttons and a split date and time are handled."""
    widget = bound.field.widget
    hint = hint or (str(bound.help_text) if bound.help_text else "")
    base_id = bound.auto_id or bound.html_name
    hint_id, error_id = f"{base_id}-hint", f"{base_id}-error"
    described_by = []
    if hint or hint_html:
        described_by.append(hint_id)
    if bound.errors:
        described_by.append(error_id)
    existing = widget.attrs.get("aria-describedby", "")
    if existing and existing not in described_by:
        described_by.insert(0, existing)
    context = {
        "field": bound, "hint": hint, "hint_html": hint_html, "hint_id": hint_id, "error_id": error_id,
        "label": label or bound.label, "label_class": label_class, "described_by": " ".join(described_by),
        "required": bound.field.required or not mark_optional,
    }
    if isinstance(widget, forms.RadioSelect):
        context["kind"] = "radios"
        context["options"] = [
            {"id": f"{base_id}_{index}", "value": value, "label": text,
             "checked": str(bound.value()) == str(value) if bound.value() not in (None, "") else False}
            for index, (value, text) in enumerate(bound.field.choices)
        ]
        return context
    if isinstance(widget, forms.SplitDateTimeWidget):
        # A date and a 24-hour time, each labelled, grouped under the field's label (GOV.UK's date input).
        context["kind"] = "datetime"
        attrs = _attrs(bound, css="govuk-input", described_by=[], width="")
        date, time = widget.get_context(bound.html_name, bound.value(), {**attrs, "id": base_id})["widget"]["subwidgets"]
        context["parts"] = [
            {"id": date["attrs"]["id"], "label": _("Date (DD.MM.YYYY)"),
             "widget": widget.widgets[0].render(date["name"], date["value"],
                                                {**date["attrs"], "class": attrs["class"] + " govuk-input--width-10"})},
            {"id": time["attrs"]["id"], "label": _("Time, 24-hour (HH:MM)"),
             "widget": widget.widgets[1].render(time["name"], time["value"],
                                                {**time["attrs"], "class": attrs["class"] + " govuk-input--width-5"})},
        ]
        return context
    if isinstance(widget, forms.CheckboxInput):
        context["kind"] = "checkbox"
        context["widget"] = bound.as_widget(attrs=_attrs(bound, css="govuk-checkboxes__input", described_by=described_by, width=""))
        return context
    if isinstance(widget, forms.Textarea):
        css = "govuk-textarea"
    elif isinstance(widget, forms.Select):
        css = "govuk-select"
    elif isinstance(widget, forms.FileInput):
        css = "govuk-file-upload"
    else:
        css = "govuk-input"
    context["kind"] = "input"
    context["widget"] = bound.as_widget(attrs=_attrs(bound, css=css, described_by=described_by, width=width))
    return context


@register.inclusion_tag("ui/breadcrumbs.html")
def breadcrumbs(*labels_and_urls: str) -> dict:
    """Breadcrumbs: pairs of label and URL; a last label without a URL is the current page."""
    items = []
    parts = list(labels_and_urls)
    while parts:
        label = parts.pop(0)
        url = parts.pop(0) if parts else ""
        items.append({"label": label, "url": url})
    return {"items": items}


@register.inclusion_tag("ui/pagination.html", takes_context=True)
def pagination(context, page) -> dict:
    """Previous / numbers / next of a Django Page, keeping the page's other query parameters (filters)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)

    def url(number: int) -> str:
        query["page"] = str(number)
        return "?" + query.urlencode()

    numbers = []
    if page.paginator.num_pages > 1:
        last = page.paginator.num_pages
        wanted = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
        previous = 0
        for number in wanted:
            if number - previous > 1:
                numbers.append({"ellipsis": True})
            numbers.append({"number": number, "url": url(number), "current": number == page.number})
            previous = number
    return {
        "page": page, "numbers": numbers,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


@register.inclusion_tag("ui/notification_banners.html", takes_context=True)
def notification_banners(context) -> dict:
    """Django's messages, a success as a green banner, anything else as an "Important" banner. Messages
    tagged "refusal" are errors of the page's own action: the page shows them in its error summary."""
    return {"messages": [m for m in (context.get("messages") or []) if "refusal" not in m.tags]}


@register.inclusion_tag("ui/language_switch.html", takes_context=True)
def language_switch(context) -> dict:
    from django.conf import settings
    from django.utils.translation import get_language

    request = context.get("request")
    names = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
    return {
        "languages": [{"code": code, "name": names.get(code, code)} for code, _name in settings.LANGUAGES],
        "current": (get_language() or settings.LANGUAGE_CODE)[:2],
        "next": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }
