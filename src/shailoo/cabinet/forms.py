# SPDX-License-Identifier: Apache-2.0
"""Forms of the Voter's Cabinet: shapes only; the rules are checked by the services."""
from django import forms
from django.utils.translation import gettext_lazy as _

PHONE_HELP = _("We send the decision by SMS to this number, e.g. +996 555 123 456.")


class CorrectionForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, help_text=PHONE_HELP)
    what_is_wrong = forms.CharField(label=_("What is wrong in your entry"), max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    surname = forms.CharField(label=_("Correct surname"), max_length=100, required=False)
    name = forms.CharField(label=_("Correct name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Correct patronymic"), max_length=100, required=False)
    settlement = forms.CharField(label=_("Correct settlement"), max_length=200, required=False)
    street = forms.CharField(label=_("Correct street"), max_length=200, required=False)
    house = forms.CharField(label=_("Correct house"), max_length=20, required=False)
    apartment = forms.CharField(label=_("Correct apartment"), max_length=20, required=False)
    precinct_number = forms.RegexField(
        label=_("Number of the precinct that serves your address (if it is another one)"), regex=r"^\s*\d{4}\s*$",
        max_length=8, required=False, error_messages={"invalid": _("A precinct number has 4 digits.")},
    )
    scan = forms.FileField(label=_("Scan of your passport: JPEG, PNG or PDF, at most 5 MB"))


class MissingForm(CorrectionForm):
    election = forms.TypedChoiceField(label=_("Election"), coerce=int)
    precinct_number = forms.RegexField(
        label=_("Number of the precinct that serves your address"), regex=r"^\s*\d{4}\s*$", max_length=8,
        error_messages={"invalid": _("A precinct number has 4 digits.")},
    )

    field_order = ["election", "phone", "what_is_wrong", "precinct_number"]

    def __init__(self, *args, elections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["election"].choices = [(e.pk, str(e)) for e in elections]
        self.fields["what_is_wrong"].required = False


class EvotingForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, help_text=PHONE_HELP)
    confirm = forms.BooleanField(
        label=_("I understand that after approval I can vote only electronically, not on paper at the precinct."),
    )
