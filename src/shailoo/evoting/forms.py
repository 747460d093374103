# SPDX-License-Identifier: Apache-2.0
"""The CEC's form for a board's polls: opening and closing in Asia/Bishkek, minute by minute, each as a date
(DD.MM.YYYY) and a 24-hour time (HH:MM) in two plain text fields, so that every browser shows them the same
whatever its locale (a datetime-local field shows "04/05/2026, 08:00 AM" in an American Chromium). The
form only reads the times; the polls rules are the service's (evoting.services.set_polls), and `refused`
puts each rule it names at its field."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from shailoo.evoting.errors import PollsRefused, message
from shailoo.evoting.models import Board
from shailoo.evoting.services import BISHKEK
from shailoo.rules import calendar as calendar_rules

DATE_FORMAT, TIME_FORMAT = "%d.%m.%Y", "%H:%M"
DATE_INPUTS = [DATE_FORMAT, "%d.%m.%y", "%Y-%m-%d"]
TIME_INPUTS = [TIME_FORMAT, "%H.%M", "%H"]
# The field where each polls rule is shown (its message comes from evoting.errors in the page's language).
RULE_FIELDS = {
    calendar_rules.POLLS_ORDER: "closes",
    calendar_rules.POLLS_OPENS_PAST: "opens",
    calendar_rules.POLLS_CLOSES_PAST: "closes",
    calendar_rules.POLLS_DURING_ENROLMENT: "opens",
}


class BishkekMomentWidget(forms.SplitDateTimeWidget):
    """A date and a time field, numeric keyboards on phones, the value shown in Bishkek time."""

    def __init__(self) -> None:
        plain = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(date_format=DATE_FORMAT, time_format=TIME_FORMAT, date_attrs=plain, time_attrs=plain)

    def decompress(self, value):
        if value:
            value = value.astimezone(BISHKEK) if value.tzinfo else value
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]


class BishkekMomentField(forms.MultiValueField):
    widget = BishkekMomentWidget

    def __init__(self, **kwargs) -> None:
        fields = (
            forms.DateField(input_formats=DATE_INPUTS, error_messages={
                "invalid": _("Give the date as day.month.year, e.g. 05.04.2026.")}),
            forms.TimeField(input_formats=TIME_INPUTS, error_messages={
                "invalid": _("Give the time as hours:minutes on the 24-hour clock, e.g. 08:00 or 20:00.")}),
        )
        messages = {"required": _("Give the date and the time."), "incomplete": _("Give the date and the time.")}
        super().__init__(fields, require_all_fields=True, error_messages=messages, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        day, time = data_list
        return dt.datetime.combine(day, time, tzinfo=BISHKEK)


class PollsForm(forms.Form):
    opens = BishkekMomentField(label=_("Polls open"))
    closes = BishkekMomentField(label=_("Polls close"))

    def __init__(self, *args, board: Board, **kwargs) -> None:
        self.board = board
        kwargs.setdefault("initial", {"opens": board.opens, "closes": board.closes})
        super().__init__(*args, **kwargs)

    def refused(self, error: PollsRefused, language: str) -> None:
        """Each rule the service named, at its field, in `language`."""
        for code in error.breaches:
            self.add_error(RULE_FIELDS[code], message(code, language, **error.params))
