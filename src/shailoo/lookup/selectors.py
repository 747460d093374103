# SPDX-License-Identifier: Apache-2.0
"""Reads of the public check: a voter's entry by PIN, precincts by number and by address.

`lookup_voter` is the one core every channel uses (web page, JSON API, SMS 119, call centre). It runs
one indexed query: citizen by unique PIN → their list entries of upcoming elections → precinct.
All of them are public reads (shailoo.replicas): with SHAILOO_REPLICA_URLS they read from a replica.
"""
import datetime as dt
import functools

from django.conf import settings
from django.utils import timezone

from shailoo import replicas
from shailoo.elections.models import Election
from shailoo.geography.models import AddressRange, Precinct, Settlement
from shailoo.lookup import prepared
from shailoo.lookup.outcomes import LookupKind, LookupOutcome, VotingMode
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.addresses import WHOLE, name_key, street_key
from shailoo.rules.calendar import ElectionCalendar, local_day
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.names import masked_initials
from shailoo.rules.pin import InvalidPin, parse_pin, pin_digest


def hash_pin(pin: str) -> str:
    """The keyed hash under which a PIN may appear in logs, metrics, audit entries and counters."""
    return pin_digest(pin, settings.PIN_HASH_KEY)


def valid_pin(pin_text: str) -> str | None:
    """The 14 digits of a structurally valid PIN (the identity of the per-PIN rate limit), else None."""
    try:
        return parse_pin(pin_text).pin
    except InvalidPin:
        return None


@replicas.public_read
def lookup_voter(pin_text: str, *, now: dt.datetime | None = None) -> LookupOutcome:
    """What the voter list says about the person with this PIN, for the nearest upcoming election."""
    try:
        pin = parse_pin(pin_text).pin
    except InvalidPin as error:
        return LookupOutcome(kind=LookupKind.INVALID_PIN, pin_error=error.code)
    moment = now or timezone.now()
    today = local_day(moment)
    pin_hash = hash_pin(pin)

    row = _entry_row(pin, today)
    if row is None or row["status"] == VoterListEntry.Status.UNASSIGNED:
        return _not_listed(pin_hash=pin_hash, moment=moment, today=today, entry=row)

    calendar = _calendar(row)
    common = {
        "pin_hash": pin_hash,
        "election_slug": row["slug"],
        "election_name_ky": row["election_name_ky"],
        "election_name_ru": row["election_name_ru"],
        "election_day": row["election_day"],
        "initials_masked": masked_initials(row["surname"], row["name"]),
        "corrections_until": calendar.corrections_until,
        "corrections_open": calendar.corrections_open(moment),
    }
    if row["status"] == VoterListEntry.Status.INELIGIBLE:
        return LookupOutcome(
            kind=LookupKind.INELIGIBLE,
            reasons=tuple(Ineligibility(reason) for reason in row["reasons"].split(",") if reason),
            **common,
        )
    mode = VotingMode(row["voting_mode"])
    offers_enrolment = row["evoting"] and mode is VotingMode.PAPER and calendar.enrolment_open(moment)
    return LookupOutcome(
        kind=LookupKind.LISTED,
        precinct_number=row["number"],
        precinct_name_ky=row["precinct_name_ky"],
        precinct_name_ru=row["precinct_name_ru"],
        precinct_address_ky=row["address_ky"],
        precinct_address_ru=row["address_ru"],
        commission_phone=row["phone"],
        precinct_latitude=float(row["latitude"]) if row["latitude"] is not None else None,
        precinct_longitude=float(row["longitude"]) if row["longitude"] is not None else None,
        voting_mode=mode,
        enrolment_until=calendar.enrolment_until if offers_enrolment else None,
        **common,
    )


_ROW_FIELDS = (
    "status", "reasons", "voting_mode", "surname", "name", "slug", "election_name_ky", "election_name_ru",
    "election_day", "evoting", "check_window_opens", "check_window_closes", "corrections_until",
    "enrolment_until", "number", "precinct_name_ky", "precinct_name_ru", "address_ky", "address_ru", "phone",
    "latitude", "longitude",
)
_LOOKUP_SQL = """
SELECT e.status, e.reasons, e.voting_mode, c.surname, c.name,
       el.slug, el.name_ky, el.name_ru, el.election_day, el.evoting, el.check_window_opens,
       el.check_window_closes, el.corrections_until, el.enrolment_until,
       p.number, p.name_ky, p.name_ru, p.address_ky, p.address_ru, p.phone, p.latitude, p.longitude
FROM {entry} e
JOIN {citizen} c ON c.id = e.citizen_id
JOIN {election} el ON el.id = e.election_id
LEFT JOIN {precinct} p ON p.id = e.precinct_id
WHERE c.pin = %s AND el.election_day >= %s
ORDER BY el.election_day, CASE WHEN e.status = 'listed' THEN 0 ELSE 1 END
LIMIT 1
"""


@functools.cache
def _lookup_sql() -> str:
    return _LOOKUP_SQL.format(
        entry=VoterListEntry._meta.db_table, citizen=Citizen._meta.db_table,
        election=Election._meta.db_table, precinct=Precinct._meta.db_table,
    )


def _entry_row(pin: str, today: dt.date) -> dict | None:
    """The voter's list entry of the nearest upcoming election (a listed entry first on the same day).

    One statement: the PIN's unique index → the citizen's entries (index on citizen_id) → election and
    precinct by primary key.
    """
    rows = _fetch(_lookup_sql(), (pin, today), _ROW_FIELDS)
    return rows[0] if rows else None


_ELECTION_FIELDS = ("slug", "election_name_ky", "election_name_ru", "election_day", "check_window_opens",
                    "check_window_closes", "corrections_until", "enrolment_until")
_DATE_FIELDS = ("election_day", "check_window_opens", "check_window_closes", "corrections_until", "enrolment_until")


@functools.cache
def _upcoming_sql() -> str:
    return (
        "SELECT slug, name_ky, name_ru, election_day, check_window_opens, check_window_closes, "  # noqa: S608
        f"corrections_until, enrolment_until FROM {Election._meta.db_table} "
        "WHERE election_day >= %s ORDER BY election_day, id LIMIT 2"
    )


def _fetch(sql: str, params: tuple, fields: tuple[str, ...]) -> list[dict]:
    """Rows of a statement of the public check (prepared on PostgreSQL), as dicts with dates as dates."""
    found = prepared.run(sql, params, using=replicas.read_alias())
    rows = [dict(zip(fields, values, strict=True)) for values in found]
    for row in rows:
        if isinstance(row["election_day"], str):  # SQLite hands dates back as text through a raw cursor
            for field in _DATE_FIELDS:
                row[field] = dt.date.fromisoformat(row[field]) if row[field] else None
        if "evoting" in row:
            row["evoting"] = bool(row["evoting"])
    return rows


def _calendar(election: dict) -> ElectionCalendar:
    return ElectionCalendar.for_election_day(
        election["election_day"],
        check_window_opens=election["check_window_opens"], check_window_closes=election["check_window_closes"],
        corrections_until=election["corrections_until"], enrolment_until=election["enrolment_until"],
    )


def _not_listed(*, pin_hash: str, moment: dt.datetime, today: dt.date, entry: dict | None) -> LookupOutcome:
    """The same answer whether or not the PIN is in the register, so the check cannot test PINs.

    The deadline is that of the nearest upcoming election (the entry's, for an entry without a
    precinct); its name is given only when no other election falls on the same day (local elections
    are held on one day across the country).
    """
    if entry is None:
        upcoming = _fetch(_upcoming_sql(), (today,), _ELECTION_FIELDS)
        if not upcoming:
            return LookupOutcome(kind=LookupKind.NOT_LISTED, pin_hash=pin_hash)
        election = upcoming[0]
        named = len(upcoming) == 1 or upcoming[1]["election_day"] != election["election_day"]
    else:
        election, named = entry, True
    calendar = _calendar(election)
    return LookupOutcome(
        kind=LookupKind.NOT_LISTED,
        pin_hash=pin_hash,
        election_slug=election["slug"] if named else "",
        election_name_ky=election["election_name_ky"] if named else "",
        election_name_ru=election["election_name_ru"] if named else "",
        election_day=election["election_day"],
        corrections_until=calendar.corrections_until,
        corrections_open=calendar.corrections_open(moment),
        unserved=entry is not None,
    )


@replicas.public_read
def public_precinct(number: str) -> Precinct | None:
    """A precinct by its 4-digit number, with its municipality, for the public precinct page."""
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        return None
    return (
        Precinct.objects.select_related("municipality__district__region")
        .filter(number=number)
        .first()
    )


@replicas.public_read
def settlements_with_precincts() -> list[Settlement]:
    """Settlements that some precinct serves, for the find-by-address form."""
    return list(
        Settlement.objects.filter(address_ranges__isnull=False)
        .select_related("municipality__district")
        .distinct()
        .order_by("name")
    )


@replicas.public_read
def streets_of(settlement: Settlement) -> list[str]:
    """The named streets of a settlement's address ranges, for the street picker."""
    streets = (
        AddressRange.objects.filter(settlement=settlement)
        .exclude(street_key=WHOLE)
        .values_list("street", flat=True)
        .distinct()
    )
    return sorted(set(streets), key=name_key)


@replicas.public_read
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
