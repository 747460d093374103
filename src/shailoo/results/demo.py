# SPDX-License-Identifier: Apache-2.0
"""The demo's results: every precinct's protocol entered by two members and accepted, the e-vote counted,
the winners with the women's reservation; a tie, if the random figures make one, settled by a recorded lot."""
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from shailoo.results import publication, services
from shailoo.results.models import Protocol
from shailoo.rules.protocol import Protocol as Figures
from shailoo.staff.models import StaffAssignment


def _member(precinct, suffix: str):
    user, _ = get_user_model().objects.get_or_create(
        username=f"uchastok{precinct.number}{suffix}", defaults={"first_name": f"Участок {precinct.number}{suffix}"})
    StaffAssignment.objects.get_or_create(user=user, role=StaffAssignment.Role.PRECINCT, precinct=precinct)
    return user


def _figures(protocol: Protocol, rng: random.Random) -> Figures:
    voters = services.compiled_list(protocol) or 0
    options = services.options_of(protocol.constituency)
    marks = services.marks_allowed(protocol.constituency)
    issued = voters * rng.randint(55, 75) // 100
    outside = min(issued, rng.randint(0, 15))
    invalid = min(issued, rng.randint(0, 12))
    valid = issued - invalid
    weights = [rng.random() ** 2 for _ in options]
    total = sum(weights) or 1
    votes = {o.pk: min(valid, int(valid * min(marks, 2) * w / total)) for o, w in zip(options, weights, strict=True)}
    return Figures(
        voters_main=voters, voters_additional=rng.randint(0, 10), ballots_received=issued + 40,
        issued_at_station=issued - outside, issued_outside=outside, cancelled=40, found_stationary=issued - outside,
        found_mobile=outside, valid=valid, invalid=invalid, votes=votes,
        against_all=0 if services.against_all_on_ballot(protocol.constituency.election) else None,
    )


def seed(*, election, out) -> None:
    rng = random.Random(2023)
    territorial = StaffAssignment.objects.filter(
        role=StaffAssignment.Role.TERRITORIAL, district=election.kenesh.territory.district).select_related("user").first()
    for constituency in election.constituencies.order_by("number"):
        for precinct in constituency.precincts.order_by("number"):
            protocol, _ = Protocol.objects.get_or_create(constituency=constituency, precinct=precinct)
            if protocol.state == Protocol.State.ACCEPTED:
                continue
            figures = _figures(protocol, rng)
            for suffix in ("", "-2"):
                services.enter_protocol(protocol, figures, by=_member(precinct, suffix))
        if election.evoting:
            options = services.options_of(constituency)
            ballots = rng.randint(20, 60)
            votes = {o.pk: rng.randint(0, ballots) for o in options}
            services.count_evote(constituency, ballots=ballots, votes=votes, against_all=None,
                                 source="demo: simulated e-voting totals")
    for _ in range(20):  # settle any tie as the commission would: a lot, recorded
        needed = publication.lots_needed(election)
        if not needed or territorial is None:
            break
        need = needed[0]
        order = list(need["between"])
        rng.shuffle(order)
        constituency = election.constituencies.get(number=need["constituency"]) if need["constituency"] else None
        services.record_lot(election, constituency=constituency, order=order, drawn_by="Демо: аймактык комиссия",
                            drawn_at=timezone.now(), by=territorial.user)
    document = publication.published(election.slug)
    elected = sum(len(c["elected"]) for c in document[0]["constituencies"]) if document else 0
    out.write(f"Results: {Protocol.objects.filter(constituency__election=election, state='accepted').count()} "
              f"protocols accepted, {elected} deputies elected: /results/{election.slug}/ "
              f"(PDF: /results/{election.slug}/protocol-ky.pdf); second members uchastokNNNN-2 (no password)\n")
