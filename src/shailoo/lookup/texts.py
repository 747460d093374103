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
        "Your biometric registration is not done: only citizens with biometric registration are on the voter list."
    ),
    Ineligibility.OUTSIDE_TERRITORY: _("Your registered address is outside the territory of this council."),
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
        if set(outcome.reasons) == {Ineligibility.UNDER_AGE}:
            return gettext("You cannot vote in this election.")
        return gettext("You cannot vote in this election yet.")
    if outcome.kind is LookupKind.NOT_LISTED:
        if outcome.unserved:
            return gettext("No precinct serves your registered address yet.")
        return gettext("You were not found on the voter list of an upcoming election.")
    return gettext("This is not a valid PIN.")


def status(outcome: LookupOutcome) -> tuple[str, str]:
    """The result's tag: its words and its meaning (ui.TAG_MEANINGS)."""
    if outcome.kind is LookupKind.LISTED:
        return gettext("on the list"), "done"
    actionable = outcome.corrections_open and set(outcome.reasons) != {Ineligibility.UNDER_AGE}
    if outcome.kind is LookupKind.INELIGIBLE:
        return gettext("not eligible yet") if actionable else gettext("not eligible"), "action" if actionable else "closed"
    return gettext("not on the list"), "action" if outcome.corrections_open else "closed"


def voting_mode_text(mode: VotingMode | None) -> str:
    if mode is VotingMode.ELECTRONIC:
        return gettext("You vote electronically (not on paper at the precinct).")
    if mode is VotingMode.PAPER:
        return gettext("You vote on paper at your precinct.")
    return ""


def what_to_do(outcome: LookupOutcome) -> str:
    """The one next step: what, where, by when, with which document."""
    if outcome.kind is LookupKind.INVALID_PIN:
        return str(PIN_SHAPE)
    if outcome.kind is LookupKind.LISTED:
        day = localised_date(outcome.election_day)
        if outcome.voting_mode is VotingMode.ELECTRONIC:
            return gettext(
                "You vote electronically, in the voting application, until the polls close on %(day)s. "
                "You cannot get a paper ballot at the precinct."
            ) % {"day": day}
        text = gettext(
            "On election day, %(day)s, come to your polling station with your passport (ID card)."
        ) % {"day": day}
        if outcome.enrolment_until:
            text += " " + gettext(
                "You may apply to vote electronically until %(date)s inclusive, in the Voter's Cabinet "
                "or at the precinct commission."
            ) % {"date": localised_date(outcome.enrolment_until)}
        return text
    if outcome.corrections_until and not outcome.corrections_open:
        return gettext(
            "The deadline for corrections (%(date)s) has passed. Call 1255 for help."
        ) % {"date": localised_date(outcome.corrections_until)}
    if outcome.corrections_until is None:
        return gettext("No election is coming up. Call 1255 for help.")
    deadline = {"date": localised_date(outcome.corrections_until)}
    if outcome.kind is LookupKind.INELIGIBLE:
        if Ineligibility.NO_BIOMETRICS in outcome.reasons:
            return gettext(
                "Go to a Public Service Centre (ЦОН) with your passport and do the biometric registration. "
                "The voter list takes it from the population register: check again a few days later, and if "
                "you are still not on the list, apply to your precinct commission until %(date)s inclusive."
            ) % deadline
        if Ineligibility.OUTSIDE_TERRITORY in outcome.reasons:
            return gettext(
                "If the address in your passport is in this council's territory, apply to the precinct "
                "commission of that address with your passport until %(date)s inclusive."
            ) % deadline
        return ""
    if outcome.unserved:
        return gettext(
            "Until %(date)s inclusive, apply to the precinct commission where you live, with your passport, "
            "or in the Voter's Cabinet as missing from the list: the commission puts you on the list of "
            "the precinct that serves your address."
        ) % deadline
    return gettext(
        "Until %(date)s inclusive, apply to the precinct commission with a copy of your passport, "
        "or in the Voter's Cabinet, to be put on the list or have your data corrected."
    ) % deadline


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
