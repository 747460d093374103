# SPDX-License-Identifier: Apache-2.0
"""The CEC's form for a board's polls: opening and closing in Asia/Bishkek, minute by minute. Besides the
order the service checks, a time the CEC sets now is not in the past, and the polls open only after
e-voting enrolment has closed (the credential list is signed then, and a ballot is accepted only from a
credential on it)."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from shailoo.evoting.models import Board
from shailoo.evoting.services import BISHKEK

LOCAL = "%Y-%m-%dT%H:%M"


def _when(label, help_text):
    return forms.DateTimeField(
        label=label, help_text=help_text, input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
        error_messages={"required": _("Give the date and time."),
                        "invalid": _("Give the date and time as the field shows them, e.g. 2026-04-05 08:00.")},
    )


class PollsForm(forms.Form):
    opens = _when(_("Polls open"), _("Bishkek time"))
    closes = _when(_("Polls close"), _("Bishkek time"))

    def __init__(self, *args, board: Board, now: dt.datetime | None = None, **kwargs) -> None:
        self.board = board
        self.now = now or timezone.now()
        kwargs.setdefault("initial", {"opens": board.opens.astimezone(BISHKEK).replace(tzinfo=None),
                                      "closes": board.closes.astimezone(BISHKEK).replace(tzinfo=None)})
        super().__init__(*args, **kwargs)

    @staticmethod
    def _bishkek(moment: dt.datetime) -> dt.datetime:
        return moment.replace(tzinfo=BISHKEK) if timezone.is_naive(moment) else moment.astimezone(BISHKEK)

    def clean_opens(self) -> dt.datetime:
        opens = self._bishkek(self.cleaned_data["opens"])
        if opens < self.now.replace(second=0, microsecond=0):
            raise forms.ValidationError(_("This time has passed: the polls can open from now on."))
        calendar = self.board.election.calendar
        if calendar.enrolment_open(opens):
            raise forms.ValidationError(
                _("The polls open after e-voting enrolment has closed (%(date)s, 24:00) and the credential list "
                  "is signed.") % {"date": formats.date_format(calendar.enrolment_until, "j E Y")})
        return opens

    def clean_closes(self) -> dt.datetime:
        closes = self._bishkek(self.cleaned_data["closes"])
        if closes <= self.now:
            raise forms.ValidationError(_("This time has passed: the polls can close only in the future."))
        return closes

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The polls must close after they open."))
        return cleaned
