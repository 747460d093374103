# SPDX-License-Identifier: Apache-2.0
"""Forms of the Voter's Cabinet: shapes only; the rules are checked by the services."""
from django import forms
from django.utils.translation import gettext_lazy as _

PHONE_HELP = _("We send the decision by SMS to this number, e.g. +996 555 123 456.")
SCAN_LABEL = _("Scan or photo of your passport")
SCAN_HELP = _("JPEG, PNG or PDF, at most 5 MB.")
PRECINCT_ERRORS = {"invalid": _("A precinct number has 4 digits, e.g. 8101.")}


def _phone() -> forms.CharField:
    return forms.CharField(
        label=_("Mobile number"), max_length=20, help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "spellcheck": "false"}),
        error_messages={"required": _("Enter your mobile number, e.g. +996 555 123 456.")},
    )


def _scan() -> forms.FileField:
    return forms.FileField(
        label=SCAN_LABEL, help_text=SCAN_HELP,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={"required": _("Attach a scan or photo of your passport.")},
    )


class CorrectionForm(forms.Form):
    """A voter on the list asks to correct their entry: what is wrong, the right values, a passport scan."""

    phone = _phone()
    what_is_wrong = forms.CharField(
        label=_("What is wrong in your entry"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: my surname is misspelt; I moved to another street."),
        error_messages={"required": _("Say what is wrong in your entry.")},
    )
    surname = forms.CharField(label=_("Correct surname"), max_length=100, required=False)
    name = forms.CharField(label=_("Correct name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Correct patronymic"), max_length=100, required=False)
    settlement = forms.CharField(label=_("Correct settlement"), max_length=200, required=False)
    street = forms.CharField(label=_("Correct street"), max_length=200, required=False)
    house = forms.CharField(label=_("Correct house"), max_length=20, required=False)
    apartment = forms.CharField(label=_("Correct apartment"), max_length=20, required=False)
    precinct_number = forms.RegexField(
        label=_("Number of the precinct that serves your address (if it is another one)"), regex=r"^\s*\d{4}\s*$",
        max_length=8, required=False, error_messages=PRECINCT_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    scan = _scan()


class MissingForm(forms.Form):
    """A citizen not on the list asks to be put on it: the election, their address, the precinct, a scan."""

    election = forms.TypedChoiceField(label=_("Election"), coerce=int,
                                      error_messages={"required": _("Choose the election.")})
    phone = _phone()
    settlement = forms.CharField(label=_("Settlement, as in your passport"), max_length=200, required=False)
    street = forms.CharField(label=_("Street, as in your passport"), max_length=200, required=False)
    house = forms.CharField(label=_("House, as in your passport"), max_length=20, required=False)
    apartment = forms.CharField(label=_("Apartment"), max_length=20, required=False)
    precinct_number = forms.RegexField(
        label=_("Number of the precinct that serves your address"), regex=r"^\s*\d{4}\s*$", max_length=8,
        error_messages={**PRECINCT_ERRORS, "required": _("Enter the number of the precinct that serves your address.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    what_is_wrong = forms.CharField(
        label=_("Anything the commission should know"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = _scan()

    def __init__(self, *args, elections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["election"].choices = [(e.pk, str(e)) for e in elections]
        if len(elections) != 1:
            self.fields["election"].choices.insert(0, ("", "—"))


class EvotingForm(forms.Form):
    """The browser fills ``credential_public_key`` (docs/evoting-booth.md): without JavaScript there is none."""

    phone = _phone()
    confirm = forms.BooleanField(
        label=_("I understand that after approval I can vote only electronically, not on paper at the precinct."),
        error_messages={"required": _("Confirm that you understand you will vote only electronically.")},
    )
    recovery_code_kept = forms.BooleanField(
        label=_("I have written down my recovery code (or saved or printed it) and keep it where nobody else sees it."),
        error_messages={"required": _("Write down your recovery code and confirm that you have it.")},
    )
    credential_public_key = forms.RegexField(
        regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput,
        error_messages={
            "required": _("Your browser did not make a voting key: this page needs JavaScript. Turn it on, or use "
                          "another browser, and reload the page."),
            "invalid": _("The voting key your browser made is malformed. Reload the page and try again."),
        },
    )

    def clean(self):
        # Without a key (no JavaScript) there was no recovery code to confirm: name only the missing key.
        if "credential_public_key" in self.errors:
            self.errors.pop("recovery_code_kept", None)
        return super().clean()
