# SPDX-License-Identifier: Apache-2.0
"""Builders shared by the cabinet and commission tests: voters, staff, scans, voter sessions."""
import datetime as dt
import io
import struct
import zlib
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone

from shailoo.geography.models import District, Precinct, Region
from shailoo.rules.calendar import BISHKEK
from shailoo.staff.models import StaffAssignment
from tests.factories import Territory, list_voter, make_citizen, make_precinct, make_territory

PASSWORD = "correct horse battery staple 7"


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, small PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def credential_hex() -> str:
    """A credential public key as the voter's browser makes one (docs/protocol.md 5)."""
    from shailoo.crypto.credential import new_credential

    return new_credential()[1].public.hex()


def evoting_form(**extra: str) -> dict[str, str]:
    """What the Cabinet's e-voting form posts when the browser made the key and the voter ticked both boxes."""
    return {"phone": "+996555123456", "confirm": "on", "recovery_code_kept": "on",
            "credential_public_key": credential_hex(), **extra}


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(data: bytes, name: str = "passport.png") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@dataclass
class World:
    """One election with two precincts in Batken district, and one precinct in another district."""

    territory: Territory
    second_precinct: Precinct
    other_district: District
    other_precinct: Precinct

    @property
    def election(self):
        return self.territory.election

    @property
    def precinct(self):
        return self.territory.precinct


def make_world(*, election_day: dt.date | None = None, evoting: bool = True) -> World:
    territory = make_territory(election_day=election_day, evoting=evoting)
    second = make_precinct(territory.municipality, territory.settlement, street="Жеңиш")
    region, _ = Region.objects.get_or_create(name="Ош облусу", defaults={"name_ru": "Ошская область"})
    district, _ = District.objects.get_or_create(region=region, name="Кара-Суу району")
    other = make_territory(name="Кашгар-Кыштак", election_day=election_day)
    other.municipality.district = district
    other.municipality.save()
    return World(territory, second, district, Precinct.objects.select_related("municipality__district").get(
        pk=other.precinct.pk))


def listed_citizen(world: World, **fields):
    citizen = make_citizen(world.territory.settlement, **fields)
    list_voter(citizen, world.election, world.precinct)
    return citizen


def make_staff(username: str, role: str, *, district=None, precinct=None, password: str | None = PASSWORD):
    """A staff member with one assignment; password None: an unusable one (no hashing cost)."""
    user = get_user_model().objects.create_user(username=username, password=password, first_name=username)
    StaffAssignment.objects.create(user=user, role=role, district=district, precinct=precinct)
    return user


def voter_client(pin: str, client: Client | None = None) -> Client:
    """A test client whose session is a voter session, opened through the Tunduk session interface and kept
    by the configured session engine (with Redis, cached as well as in the database), as a login keeps it."""
    from shailoo.tunduk.session import start_voter_session

    client = client or Client()
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    start_voter_session(request, pin=pin, claims={"sub": pin})
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return client


def bishkek(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BISHKEK)


def days_before(election_day: dt.date, days: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    day = election_day - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BISHKEK)


def now() -> dt.datetime:
    return timezone.now()


