# SPDX-License-Identifier: Apache-2.0
"""A world with staff of every role, and an application filed at the first precinct."""
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from shailoo.cabinet.models import Application
from shailoo.cabinet.services import Claim, file_application
from tests.cabinet.helpers import World, listed_citizen, make_staff, make_world, png_bytes, upload


@dataclass
class Staffed:
    world: World
    staff: dict
    application: Application
    citizen: object


def staffed_world(*, election_day: dt.date | None = None) -> Staffed:
    world = make_world(election_day=election_day or timezone.localdate() + dt.timedelta(days=30))
    staff = {
        "cec": make_staff("cec", "cec_admin"),
        "territorial": make_staff("territorial", "territorial", district=world.territory.district),
        "territorial_elsewhere": make_staff("territorial_elsewhere", "territorial", district=world.other_district),
        "precinct": make_staff("precinct", "precinct", precinct=world.precinct),
        "precinct_elsewhere": make_staff("precinct_elsewhere", "precinct", precinct=world.second_precinct),
        "operator": make_staff("operator", "operator"),
    }
    citizen = listed_citizen(world)
    application = file_application(
        kind=Application.Kind.CORRECTION, election=world.election, pin=citizen.pin, phone="+996555000111",
        claim=Claim(what_is_wrong="My street is wrong", values={"street": "Жеңиш"}),
        scan=upload(png_bytes()), language="ru",
    )
    return Staffed(world, staff, application, citizen)
