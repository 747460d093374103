# SPDX-License-Identifier: Apache-2.0
"""The protocol form: one field a line, one a candidate (or list), "against all" where the ballot has it."""
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shailoo.rules import protocol as rules
from shailoo.rules.protocol import LINE_NAMES, Line


def _line_label(line: Line) -> str:
    language = (get_language() or "ky")[:2]
    return LINE_NAMES[line].get(language, LINE_NAMES[line]["en"]).capitalize()


class ProtocolForm(forms.Form):
    def __init__(self, *args, options: list, against_all: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        for line in Line:
            if line is Line.AGAINST_ALL and not against_all:
                continue
            self.fields[line.value] = forms.IntegerField(label=_line_label(line), min_value=-10**9, max_value=10**9)
        for option in options:
            self.fields[f"votes_{option.pk}"] = forms.IntegerField(
                label=f"{option.ballot_order}. {option}", min_value=-10**9, max_value=10**9)

    def line_fields(self):
        return [self[name] for name in self.fields if not name.startswith("votes_")]

    def vote_fields(self):
        return [self[name] for name in self.fields if name.startswith("votes_")]

    def figures(self) -> rules.Protocol:
        data = self.cleaned_data
        return rules.Protocol(
            **{line.value: data[line.value] for line in Line if line is not Line.AGAINST_ALL},
            votes={option.pk: data[f"votes_{option.pk}"] for option in self.options},
            against_all=data.get(Line.AGAINST_ALL.value),
        )

    @staticmethod
    def initial_from(figures: dict | None) -> dict:
        if not figures:
            return {}
        initial = {key: value for key, value in figures.items() if key != "votes"}
        initial.update({f"votes_{option}": count for option, count in figures["votes"].items()})
        return initial


class ChangeForm(ProtocolForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"] = forms.CharField(label=_("Number of the territorial commission's decision"), max_length=60)
        self.fields["reason"] = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}),
                                                max_length=2000)

    def line_fields(self):
        return [self[name] for name in self.fields if not name.startswith("votes_") and name not in ("decision", "reason")]


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Scan of the signed protocol (PDF, JPEG or PNG)"))


class LotForm(forms.Form):
    order = forms.CharField(label=_("Order drawn (numbers as listed, first ranks highest, e.g. 2, 1)"), max_length=200)
    drawn_by = forms.CharField(label=_("Who drew the lot"), max_length=200)
    drawn_at = forms.DateTimeField(label=_("When (day and time, Bishkek)"), input_formats=["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"])
