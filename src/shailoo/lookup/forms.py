# SPDX-License-Identifier: Apache-2.0
"""Forms of the public check pages: they only check shape; the rules live in selectors and rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from shailoo.lookup.challenge import MAX_PAYLOAD_CHARS


class CheckForm(forms.Form):
    pin = forms.CharField(
        label=_("Your PIN (14 digits, on your passport)"), max_length=64, required=True,
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "size": "20",
        }),
        error_messages={"required": _("Enter your PIN: the 14 digits printed on your passport (ID card).")},
    )
    # The solved proof-of-work challenge, put in the form by the ALTCHA widget (shailoo.lookup.challenge).
    altcha = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_PAYLOAD_CHARS)


class WhereForm(forms.Form):
    settlement = forms.IntegerField(label=_("Settlement"), min_value=1, required=True)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    house = forms.CharField(label=_("House number"), max_length=20, required=False)
