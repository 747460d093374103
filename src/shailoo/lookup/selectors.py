# SPDX-License-Identifier: Apache-2.0
"""Reads of the public check: a voter's entry by PIN, precincts by number and by address.

`lookup_voter` is the one core every channel uses (web page, JSON API, SMS 119, call centre). It runs
one indexed query: citizen by unique PIN → their list entries of upcoming elections → precinct.
"""
import datetime as dt

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from shailoo.elections.models import Election
from shailoo.geography.models import AddressRange, Precinct, Settlement
from shailoo.lookup.outcomes import LookupKind, LookupOutcome, VotingMode
from shailoo.register.models import VoterListEntry
from shailoo.rules.addresses import WHOLE, name_key, street_key
from shailoo.rules.calendar import local_day
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.pin import InvalidPin, parse_pin, pin_digest

_ENTRY_FIELDS = (
    "status", "reasons", "voting_mode",
    "citizen__surname", "citizen__name",
    "election__slug", "election__name_ky", "election__name_ru", "election__election_day", "election__evoting",
    "election__check_window_opens", "election__check_window_closes", "election__corrections_until",
    "election__enrolment_until",
    "precinct__number", "precinct__name_ky", "precinct__name_ru", "precinct__address_ky",
    "precinct__address_ru", "precinct__phone", "precinct__latitude", "precinct__longitude",
)


def hash_pin(pin: str) -> str:
    """The keyed hash under which a PIN may appear in logs, metrics, audit entries and counters."""
    return pin_digest(pin, settings.PIN_HASH_KEY)


def pin_hash_of(pin_text: str) -> str | None:
    """The keyed hash of a structurally valid PIN (for per-PIN counters before the lookup), else None."""
    try:
        return hash_pin(parse_pin(pin_text).pin)
    except InvalidPin:
        return None


def lookup_voter(pin_text: str, *, now: dt.datetime | None = None) -> LookupOutcome:
    """What the voter list says about the person with this PIN, for the nearest upcoming election."""
    try:
        pin = parse_pin(pin_text).pin
    except InvalidPin as error:
        return LookupOutcome(kind=LookupKind.INVALID_PIN, pin_error=error.code)
    moment = now or timezone.now()
    today = local_day(moment)
    pin_hash = hash_pin(pin)

    entry = (
        VoterListEntry.objects.filter(citizen__pin=pin, election__election_day__gte=today)
        .select_related("citizen", "election", "precinct")
        .only(*_ENTRY_FIELDS)
        # On the same day a listed entry wins over an ineligible one: the voter needs to know where to vote.
        .order_by(
            "election__election_day",
            Case(When(status=VoterListEntry.Status.LISTED, then=Value(0)), default=Value(1),
                 output_field=IntegerField()),
        )
        .first()
    )
    if entry is None or entry.status == VoterListEntry.Status.UNASSIGNED:
        return _not_listed(pin_hash=pin_hash, moment=moment, today=today,
                           election=entry.election if entry else None)

    election = entry.election
    calendar = election.calendar
    common = {
        "pin_hash": pin_hash,
        "election_slug": election.slug,
        "election_name_ky": election.name_ky,
        "election_name_ru": election.name_ru,
        "election_day": election.election_day,
        "initials_masked": entry.citizen.initials_masked,
    }
    if entry.status == VoterListEntry.Status.INELIGIBLE:
        return LookupOutcome(
            kind=LookupKind.INELIGIBLE,
            reasons=tuple(Ineligibility(reason) for reason in entry.reasons.split(",") if reason),
            corrections_until=calendar.corrections_until,
            corrections_open=calendar.corrections_open(moment),
            **common,
        )
    precinct = entry.precinct
    mode = VotingMode(entry.voting_mode)
    offers_enrolment = election.evoting and mode is VotingMode.PAPER and calendar.enrolment_open(moment)
    return LookupOutcome(
        kind=LookupKind.LISTED,
        precinct_number=precinct.number,
        precinct_name_ky=precinct.name_ky,
        precinct_name_ru=precinct.name_ru,
        precinct_address_ky=precinct.address_ky,
        precinct_address_ru=precinct.address_ru,
        commission_phone=precinct.phone,
        precinct_latitude=float(precinct.latitude) if precinct.latitude is not None else None,
        precinct_longitude=float(precinct.longitude) if precinct.longitude is not None else None,
        voting_mode=mode,
        enrolment_until=calendar.enrolment_until if offers_enrolment else None,
        corrections_until=calendar.corrections_until,
        corrections_open=calendar.corrections_open(moment),
        **common,
    )


def _not_listed(*, pin_hash: str, moment: dt.datetime, today: dt.date, election: Election | None) -> LookupOutcome:
    """The same answer whether or not the PIN is in the register, so the check cannot test PINs.

    The deadline is that of the nearest upcoming election; its name is given only when no other
    election falls on the same day (local elections are held on one day across the country).
    """
    if election is None:
        upcoming = list(
            Election.objects.filter(election_day__gte=today).order_by("election_day", "pk")[:2]
        )
        if not upcoming:
            return LookupOutcome(kind=LookupKind.NOT_LISTED, pin_hash=pin_hash)
        election = upcoming[0]
        named = len(upcoming) == 1 or upcoming[1].election_day != election.election_day
    else:
        named = True
    calendar = election.calendar
    return LookupOutcome(
        kind=LookupKind.NOT_LISTED,
        pin_hash=pin_hash,
        election_slug=election.slug if named else "",
        election_name_ky=election.name_ky if named else "",
        election_name_ru=election.name_ru if named else "",
        election_day=election.election_day,
        corrections_until=calendar.corrections_until,
        corrections_open=calendar.corrections_open(moment),
    )


def public_precinct(number: str) -> Precinct | None:
    """A precinct by its 4-digit number, with its municipality, for the public precinct page."""
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        return None
    return (
        Precinct.objects.select_related("municipality__district__region")
        .filter(number=number)
        .first()
    )


def settlements_with_precincts() -> list[Settlement]:
    """Settlements that some precinct serves, for the find-by-address form."""
    return list(
        Settlement.objects.filter(address_ranges__isnull=False)
        .select_related("municipality__district")
        .distinct()
        .order_by("name")
    )


def streets_of(settlement: Settlement) -> list[str]:
    """The named streets of a settlement's address ranges, for the street picker."""
    streets = (
        AddressRange.objects.filter(settlement=settlement)
        .exclude(street_key=WHOLE)
        .values_list("street", flat=True)
        .distinct()
    )
    return sorted(set(streets), key=name_key)


def precinct_for_address(*, settlement: Settlement, street: str, house: int | None) -> Precinct | None:
    """The precinct serving a house: a range of that street containing the house number, else a range
    covering the whole settlement. The register's own rule (rules.addresses) decides what matches."""
    ranges = AddressRange.objects.filter(settlement=settlement).select_related("precinct")
    key = street_key(street) if street.strip() and street.strip() != WHOLE else ""
    if key:
        for address_range in ranges.filter(street_key=key).order_by("first_house"):
            if house is None:
                # No house number given: only an answer if the whole street goes to one precinct.
                if address_range.first_house == 0 and address_range.last_house is None:
                    return address_range.precinct
                continue
            if address_range.first_house <= house and (
                address_range.last_house is None or house <= address_range.last_house
            ):
                return address_range.precinct
    whole = ranges.filter(street_key=WHOLE).order_by("pk").first()
    return whole.precinct if whole else None
