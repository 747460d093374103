# SPDX-License-Identifier: Apache-2.0
"""Forms of the back office: they check the shape of what was sent; the rules live in services."""
from django import forms
from django.utils.translation import gettext_lazy as _


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
    # Nothing chosen in advance: the member says what the check showed.
    result = forms.ChoiceField(
        label=_("Result of the biometric identification"), widget=forms.RadioSelect,
        choices=[("match", _("identity confirmed")), ("no_match", _("identity not confirmed"))],
        error_messages={"required": _("Choose the result of the biometric identification.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           help_text=_("For example: the document shown."))


class ApproveForm(forms.Form):
    reason = forms.CharField(label=_("Grounds"), max_length=2000, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The voter reads it in the Voter's Cabinet and in the SMS."),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("open", _("open (filed or under review)")), ("filed", _("filed")), ("under_review", _("under review")),
        ("decided", _("decided or withdrawn")), ("applied", _("applied to the voter list")),
        ("rejected", _("rejected")), ("withdrawn", _("withdrawn")), ("all", _("all")),
    ]

    search = forms.CharField(label=_("PIN or application number"), max_length=40, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                           "spellcheck": "false"}))
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)
    precinct = forms.RegexField(label=_("Precinct number"), regex=r"^\s*\d{4}\s*$", max_length=8, required=False,
                                error_messages={"invalid": _("A precinct number has 4 digits.")},
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, districts, **kwargs):
        from shailoo.cabinet.models import STAFF_KIND_LABELS

        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("all"))] + [(d.pk, d.display_name) for d in districts]
        self.fields["kind"].choices = [("", _("all"))] + [(kind, label) for kind, label in STAFF_KIND_LABELS.items()]


class WalkInForm(forms.Form):
    precinct = forms.ChoiceField(label=_("Precinct"))
    election = forms.ChoiceField(label=_("Election"))
    kind = forms.ChoiceField(label=_("Kind of application"), widget=forms.RadioSelect)
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
        from shailoo.cabinet.models import STAFF_KIND_LABELS

        self.fields["kind"].choices = list(STAFF_KIND_LABELS.items())
