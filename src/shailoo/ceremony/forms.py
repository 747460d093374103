# SPDX-License-Identifier: Apache-2.0
"""The CEC's form naming an election's key holders and the quorum: it reads the logins, one a line in
holder order, and says which line is wrong; who may hold a key is the service's rule (can_hold_a_key)."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shailoo.ceremony.services import HolderEntry, can_hold_a_key

MAX_HOLDERS = 64


class HoldersForm(forms.Form):
    holders = forms.CharField(
        label=_("Key holders' logins"), max_length=64 * 160,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
        help_text=_("One commission member's login a line, in holder order: the first line is holder 1. Each needs "
                    "their own login with two-factor login turned on."),
        error_messages={"required": _("Name at least one key holder.")},
    )
    quorum = forms.IntegerField(
        label=_("Quorum k"), min_value=1, max_value=MAX_HOLDERS,
        help_text=_("How many key holders must take part to decrypt. Below the number of holders, so that the "
                    "election can be decrypted if some cannot come."),
        error_messages={"required": _("Give the quorum k."), "invalid": _("The quorum is a whole number."),
                        "min_value": _("The quorum is at least 1."),
                        "max_value": _("The quorum is at most %(limit_value)s.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean_holders(self) -> list[HolderEntry]:
        logins = [line.strip() for line in self.cleaned_data["holders"].splitlines() if line.strip()]
        if not logins:
            raise forms.ValidationError(_("Name at least one key holder."))
        if len(logins) > MAX_HOLDERS:
            raise forms.ValidationError(_("An election has at most %(max)s key holders.") % {"max": MAX_HOLDERS})
        users = {user.username: user for user in get_user_model().objects.filter(username__in=logins)}
        errors, entries, seen = [], [], set()
        for line, login in enumerate(logins, start=1):
            user = users.get(login)
            if user is None:
                errors.append(_("Line %(line)s: there is no login “%(login)s”.") % {"line": line, "login": login})
            elif login in seen:
                errors.append(_("Line %(line)s: “%(login)s” is named twice; each key holder has their own login.")
                              % {"line": line, "login": login})
            elif not can_hold_a_key(user):
                errors.append(_("Line %(line)s: “%(login)s” cannot hold a key: a key holder is a commission member "
                                "with an active login and two-factor login turned on.") % {"line": line, "login": login})
            else:
                entries.append(HolderEntry(user.get_full_name() or user.username, user))
            seen.add(login)
        if errors:
            raise forms.ValidationError(errors)
        return entries

    def clean(self):
        cleaned = super().clean()
        holders, quorum = cleaned.get("holders"), cleaned.get("quorum")
        if holders and quorum and quorum > len(holders):
            self.add_error("quorum", _("The quorum cannot be more than the %(n)s key holders named.")
                           % {"n": len(holders)})
        return cleaned
