# SPDX-License-Identifier: Apache-2.0
"""Protocol entry: the control relations, two independent entries, changes by decision only, the audit chain."""
import dataclasses

import pytest

from shailoo.audit.models import AuditEntry
from shailoo.audit.services import verify_chain
from shailoo.results import services
from shailoo.results.models import Protocol, ProtocolEntry
from shailoo.rules.protocol import Relation
from shailoo.staff.scope import OutOfScope
from tests.results.helpers import figures, results_world

pytestmark = pytest.mark.django_db

VOTES = [100, 90, 80, 60, 50, 10]


def test_two_members_who_agree_get_the_protocol_accepted():
    rw = results_world()
    one = services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["secretary"])
    assert one.state == Protocol.State.AWAITING_SECOND and rw.first.figures is None
    two = services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["member"])
    assert two.state == Protocol.State.ACCEPTED
    rw.first.refresh_from_db()
    assert rw.first.state == "accepted" and rw.first.figures["votes"][str(rw.candidates[0].pk)] == 100
    kinds = list(AuditEntry.objects.filter(subject=f"protocol:{rw.first.pk}").values_list("kind", flat=True))
    assert kinds == ["protocol.entered", "protocol.entered", "protocol.accepted"]
    assert verify_chain().intact


def test_the_same_member_twice_is_not_a_second_entry():
    rw = results_world()
    services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["secretary"])
    again = services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["secretary"])
    assert again.state == Protocol.State.AWAITING_SECOND


def test_entries_that_differ_are_not_accepted_and_the_differences_are_named():
    rw = results_world()
    services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["secretary"])
    other = services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 49, 10], valid=130), by=rw.staff["member"])
    assert other.state == Protocol.State.MISMATCH
    assert other.differences == [f"votes:{rw.candidates[4].pk}"]
    assert services.current_differences(rw.first) == [f"votes:{rw.candidates[4].pk}"]
    rw.first.refresh_from_db()
    assert rw.first.figures is None
    # The secretary checks the paper and corrects: now both agree.
    fixed = services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 49, 10], valid=130), by=rw.staff["secretary"])
    assert fixed.state == Protocol.State.ACCEPTED


@pytest.mark.parametrize(("change", "relation"), [
    ({"ballots_received": 1}, Relation.RECEIVED_BALANCE),
    ({"invalid": 3}, Relation.BOXES_BALANCE),
    ({"found_stationary": 200, "valid": 198}, Relation.FOUND_WITHIN_ISSUED),
    ({"voters_additional": 0}, Relation.ISSUED_WITHIN_VOTERS),
    ({"cancelled": -1, "ballots_received": 131}, Relation.NOT_NEGATIVE),
    ({"voters_main": 5}, Relation.LIST_MATCHES),
])
def test_a_protocol_breaking_a_relation_is_refused_and_nothing_is_kept(change, relation):
    rw = results_world()
    good = figures(rw, VOTES)
    with pytest.raises(services.ProtocolRefused) as refused:
        services.enter_protocol(rw.first, dataclasses.replace(good, **change), by=rw.staff["secretary"])
    assert [f.relation for f in refused.value.failures] == [relation]
    assert refused.value.message["ky"] and refused.value.message["ru"] and refused.value.code == "control"
    assert not ProtocolEntry.objects.exists() and not AuditEntry.objects.filter(kind="protocol.entered").exists()


def test_votes_beyond_valid_times_marks_are_refused():
    rw = results_world()
    with pytest.raises(services.ProtocolRefused) as refused:
        services.enter_protocol(rw.first, figures(rw, [100, 100, 100, 100, 0, 0], valid=133), by=rw.staff["secretary"])
    assert [f.relation for f in refused.value.failures] == [Relation.VOTES_WITHIN_MARKS]


def test_only_a_member_of_the_precinct_enters_its_protocol():
    rw = results_world()
    for who in ("second_precinct", "territorial", "cec", "territorial_elsewhere"):
        with pytest.raises(OutOfScope):
            services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff[who])
    assert not ProtocolEntry.objects.exists()


def accepted(rw):
    services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["secretary"])
    services.enter_protocol(rw.first, figures(rw, VOTES), by=rw.staff["member"])
    rw.first.refresh_from_db()
    return rw.first


def test_an_accepted_protocol_is_not_changed_by_a_new_entry():
    rw = results_world()
    accepted(rw)
    with pytest.raises(services.ProtocolRefused) as refused:
        services.enter_protocol(rw.first, figures(rw, [1, 2, 3, 4, 5, 6]), by=rw.staff["secretary"])
    assert refused.value.code == "accepted"
    rw.first.refresh_from_db()
    assert rw.first.figures["votes"][str(rw.candidates[5].pk)] == 10


def test_the_territorial_commission_changes_an_accepted_protocol_by_decision_with_a_reason():
    rw = results_world()
    protocol = accepted(rw)
    before = protocol.figures
    change = services.change_protocol(protocol, figures(rw, [100, 90, 80, 60, 50, 11]), by=rw.staff["territorial"],
                                      decision="№ 14/3", reason="Recount of the ballots for candidate 6")
    protocol.refresh_from_db()
    assert protocol.figures["votes"][str(rw.candidates[5].pk)] == 11 and change.before == before
    entry = AuditEntry.objects.get(kind="protocol.changed")
    assert entry.payload["decision"] == "№ 14/3" and entry.payload["before"] == before
    assert verify_chain().intact


def test_a_change_without_a_decision_or_by_anyone_else_is_refused():
    rw = results_world()
    protocol = accepted(rw)
    new = figures(rw, [100, 90, 80, 60, 50, 11])
    with pytest.raises(services.ProtocolRefused) as refused:
        services.change_protocol(protocol, new, by=rw.staff["territorial"], decision="", reason="recount")
    assert refused.value.code == "decision_needed"
    with pytest.raises(services.ProtocolRefused):
        services.change_protocol(protocol, new, by=rw.staff["territorial"], decision="14", reason=" ")
    for who in ("secretary", "territorial_elsewhere", "cec"):
        with pytest.raises(OutOfScope):
            services.change_protocol(protocol, new, by=rw.staff[who], decision="14", reason="recount")
    protocol.refresh_from_db()
    assert protocol.changed_at is None and not AuditEntry.objects.filter(kind="protocol.changed").exists()


def test_a_protocol_not_yet_accepted_is_not_changed_by_decision():
    rw = results_world()
    with pytest.raises(services.ProtocolRefused) as refused:
        services.change_protocol(rw.first, figures(rw, VOTES), by=rw.staff["territorial"], decision="1", reason="x")
    assert refused.value.code == "not_accepted"
