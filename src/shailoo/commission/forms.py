# SPDX-License-Identifier: Apache-2.0
"""Forms of the back office: they check the shape of what was sent; the rules live in services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from shailoo.cabinet.models import Application


class StaffLoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=200)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class BiometricForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the biometric identification"),
        choices=[("match", _("identity confirmed")), ("no_match", _("identity not confirmed"))],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ApproveForm(forms.Form):
    reason = forms.CharField(label=_("Grounds (optional)"), max_length=2000, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class WalkInForm(forms.Form):
    precinct = forms.ChoiceField(label=_("Precinct"))
    election = forms.ChoiceField(label=_("Election"))
    kind = forms.ChoiceField(label=_("Kind of application"), choices=Application.Kind.choices)
    pin = forms.CharField(label=_("Voter's PIN"), max_length=20)
    phone = forms.CharField(label=_("Voter's mobile number for the SMS"), max_length=20)
    language = forms.ChoiceField(label=_("Language of the SMS"), choices=[("ky", "Кыргызча"), ("ru", "Русский")])
    what_is_wrong = forms.CharField(label=_("What is wrong"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    surname = forms.CharField(label=_("Correct surname"), max_length=100, required=False)
    name = forms.CharField(label=_("Correct name"), max_length=100, required=False)
    street = forms.CharField(label=_("Correct street"), max_length=200, required=False)
    house = forms.CharField(label=_("Correct house"), max_length=20, required=False)
    scan = forms.FileField(label=_("Passport scan (JPEG, PNG or PDF, at most 5 MB)"), required=False)

    def __init__(self, *args, precincts, elections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["precinct"].choices = [(p.pk, p.name if p.number in p.name else f"№{p.number} {p.name}") for p in precincts]
        self.fields["election"].choices = [(e.pk, str(e)) for e in elections]
