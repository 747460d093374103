# SPDX-License-Identifier: Apache-2.0
"""Forms of the public check pages: they only check shape; the rules live in selectors and rules."""
from django import forms
from django.utils.translation import gettext_lazy as _


class CheckForm(forms.Form):
    pin = forms.CharField(
        label=_("Your PIN (14 digits, on your passport)"), max_length=64, required=True,
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "size": "20",
        }),
        error_messages={"required": _("Enter your PIN: the 14 digits printed on your passport (ID card).")},
    )
    captcha_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=400)
    captcha_answer = forms.CharField(
        label=_("What is the sum shown in the picture?"), required=False, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": "4"}),
    )


class WhereForm(forms.Form):
    settlement = forms.IntegerField(label=_("Settlement"), min_value=1, required=True)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    house = forms.CharField(label=_("House number"), max_length=20, required=False)
