# SPDX-License-Identifier: Apache-2.0
"""The words of the public check (web page, API, call centre), in the active language.

Source strings are English; the Kyrgyz and Russian translations live in this app's locale directory.
The SMS texts are separate (shailoo.rules.sms_texts): they must fit in two UCS-2 segments.
"""
import datetime as dt
from urllib.parse import urlencode

from django.utils import formats
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from shailoo.lookup.outcomes import LookupKind, LookupOutcome, VotingMode
from shailoo.rules.eligibility import Ineligibility

REASON_TEXTS = {
    Ineligibility.UNDER_AGE: _("You will not yet be 18 on election day."),
    Ineligibility.NO_BIOMETRICS: _(
        "Biometric registration is not done: go to a Public Service Centre to do it, "
        "then apply to your precinct commission."
    ),
    Ineligibility.OUTSIDE_TERRITORY: _(
        "Your registered address is outside the territory of this council. If you live here, "
        "apply to the precinct commission with your passport."
    ),
}

PIN_ERROR_TEXTS = {
    "empty": _("Enter your PIN: the 14 digits printed on your passport (ID card)."),
    "not_digits": _("A PIN has digits only: 14 digits, spaces and dashes are allowed."),
    "length": _("A PIN has exactly 14 digits."),
    "gender_digit": _("A PIN starts with 1 or 2."),
    "date": _("Digits 2 to 9 of a PIN are your date of birth (day, month, year)."),
}

PIN_SHAPE = _("A PIN is the 14-digit personal number on your passport, e.g. 2 17051990 00123.")


def language() -> str:
    return (get_language() or "ky")[:2]


def localised_date(day: dt.date | None) -> str:
    return formats.date_format(day, "j E Y") if day else ""


def headline(outcome: LookupOutcome) -> str:
    """One sentence saying what the check found."""
    if outcome.kind is LookupKind.LISTED:
        return gettext("You are on the voter list.")
    if outcome.kind is LookupKind.INELIGIBLE:
        return gettext("You are not on the list of those who may vote.")
    if outcome.kind is LookupKind.NOT_LISTED:
        return gettext("You were not found on the voter list of an upcoming election.")
    return gettext("This is not a valid PIN.")


def voting_mode_text(mode: VotingMode | None) -> str:
    if mode is VotingMode.ELECTRONIC:
        return gettext("You vote electronically (not on paper at the precinct).")
    if mode is VotingMode.PAPER:
        return gettext("You vote on paper at your precinct.")
    return ""


def what_to_do(outcome: LookupOutcome) -> str:
    """What the voter can do next, with the deadline where there is one."""
    if outcome.kind is LookupKind.INVALID_PIN:
        return str(PIN_SHAPE)
    if outcome.kind is LookupKind.LISTED:
        if outcome.enrolment_until:
            return gettext(
                "You may apply to vote electronically until %(date)s inclusive, in the Voter's Cabinet "
                "or at the precinct commission."
            ) % {"date": localised_date(outcome.enrolment_until)}
        return ""
    if outcome.corrections_until and outcome.corrections_open:
        return gettext(
            "Until %(date)s inclusive, apply to the precinct commission with a copy of your passport, "
            "or in the Voter's Cabinet, to be put on the list or have your data corrected."
        ) % {"date": localised_date(outcome.corrections_until)}
    if outcome.corrections_until:
        return gettext(
            "The deadline for corrections (%(date)s) has passed. Call 1255 for help."
        ) % {"date": localised_date(outcome.corrections_until)}
    return gettext("No election is coming up. Call 1255 for help.")


def reason_texts(outcome: LookupOutcome) -> list[str]:
    return [str(REASON_TEXTS[reason]) for reason in outcome.reasons]


def pin_error_text(code: str) -> str:
    return str(PIN_ERROR_TEXTS.get(code, PIN_SHAPE))


def map_url(*, latitude: float | None, longitude: float | None, address: str) -> str:
    """An OpenStreetMap link: to the point when the precinct has coordinates, else a search for the address."""
    if latitude is not None and longitude is not None:
        query = urlencode({"mlat": f"{latitude:.6f}", "mlon": f"{longitude:.6f}"})
        return f"https://www.openstreetmap.org/?{query}#map=17/{latitude:.6f}/{longitude:.6f}"
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})


def voting_mode_label(mode: VotingMode | None) -> str:
    if mode is VotingMode.ELECTRONIC:
        return pgettext("voting mode", "electronically")
    if mode is VotingMode.PAPER:
        return pgettext("voting mode", "on paper")
    return ""
