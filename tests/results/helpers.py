# SPDX-License-Identifier: Apache-2.0
"""An aiyl kenesh election with one 3-seat constituency (1 reserved for women) over two precincts, and staff."""
from dataclasses import dataclass

from shailoo.elections.models import Candidate, Constituency
from shailoo.results.models import Protocol
from shailoo.rules.protocol import Protocol as Figures
from tests.cabinet.helpers import World, listed_citizen, make_staff, make_world


@dataclass
class ResultsWorld:
    world: World
    constituency: Constituency
    candidates: list[Candidate]
    staff: dict
    first: Protocol
    second: Protocol

    @property
    def election(self):
        return self.world.election


CANDIDATES = [  # surname, name, gender
    ("Асанов", "Бакыт", "M"), ("Токтогулов", "Нурлан", "M"), ("Жумабаев", "Эрлан", "M"),
    ("Осмонова", "Айгүл", "F"), ("Сатыбалдиева", "Жылдыз", "F"), ("Кадыров", "Тилек", "M"),
]


def results_world(*, evoting: bool = False) -> ResultsWorld:
    world = make_world(evoting=evoting)
    constituency = Constituency.objects.create(
        election=world.election, number=1, name_ky="Самаркандек", name_ru="Самаркандек", seats=3, women_seats=1)
    constituency.precincts.add(world.precinct, world.second_precinct)
    candidates = [Candidate.objects.create(election=world.election, constituency=constituency, surname=surname,
                                           name=name, gender=gender, ballot_order=i + 1)
                  for i, (surname, name, gender) in enumerate(CANDIDATES)]
    staff = {
        "secretary": make_staff("secretary", "precinct", precinct=world.precinct),
        "member": make_staff("member", "precinct", precinct=world.precinct),
        "second_precinct": make_staff("second_precinct", "precinct", precinct=world.second_precinct),
        "territorial": make_staff("territorial", "territorial", district=world.territory.district),
        "territorial_elsewhere": make_staff("territorial_elsewhere", "territorial", district=world.other_district),
        "cec": make_staff("cec", "cec_admin"),
    }
    listed_citizen(world)  # the compiled list: one voter at the first precinct, none at the second
    first = Protocol.objects.create(constituency=constituency, precinct=world.precinct)
    second = Protocol.objects.create(constituency=constituency, precinct=world.second_precinct)
    return ResultsWorld(world, constituency, candidates, staff, first, second)


def figures(rw: ResultsWorld, votes: list[int], *, voters: int = 1, valid: int | None = None, **lines) -> Figures:
    """A balanced protocol with these votes for the six candidates in ballot order (3 marks a ballot);
    `voters` on the main list: the compiled list has 1 at the first precinct, 0 at the second."""
    valid = max(max(votes), -(-sum(votes) // 3)) if valid is None else valid
    found = valid + 2
    values = {
        "voters_main": voters, "voters_additional": found + 10, "ballots_received": found + 20,
        "issued_at_station": found, "issued_outside": 0, "cancelled": 20, "found_stationary": found,
        "found_mobile": 0, "valid": valid, "invalid": 2, **lines,
    }
    return Figures(**values, votes={c.pk: v for c, v in zip(rw.candidates, votes, strict=True)})
