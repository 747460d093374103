# SPDX-License-Identifier: Apache-2.0
"""The e-vote as its own counting unit "electronic", and its import from a verified record."""
import pytest
from django.core.management import CommandError, call_command

from shailoo.audit.models import AuditEntry
from shailoo.crypto import simulate
from shailoo.results import publication, services
from tests.results.helpers import figures, results_world

pytestmark = pytest.mark.django_db


def test_the_evote_is_a_counting_unit_of_its_own_and_the_channels_are_shown():
    rw = results_world(evoting=True)
    c = rw.candidates
    services.count_evote(rw.constituency, ballots=20, votes={c[4].pk: 20, c[5].pk: 3}, against_all=None,
                         source="record.zip")
    document = publication.build(rw.election)
    units = document["constituencies"][0]["units"]
    assert [u["unit"] for u in units] == [rw.world.precinct.number, rw.world.second_precinct.number, "electronic"]
    assert units[-1]["counted"] and units[-1]["took_part"] == 20
    assert document["electronic_took_part"] == 20 and document["precincts_counted"] == 0
    people = {x["id"]: x for x in document["constituencies"][0]["candidates"]}
    assert people[c[4].pk]["electronic"] == 20 and people[c[4].pk]["paper"] == 0
    assert AuditEntry.objects.filter(kind="results.evote").count() == 1


def test_seats_wait_until_the_evote_is_counted_too():
    rw = results_world(evoting=True)
    services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 50, 10]), by=rw.staff["secretary"])
    services.enter_protocol(rw.first, figures(rw, [100, 90, 80, 60, 50, 10]), by=rw.staff["member"])
    from tests.cabinet.helpers import make_staff
    other = make_staff("other", "precinct", precinct=rw.world.second_precinct)
    for who in (rw.staff["second_precinct"], other):
        services.enter_protocol(rw.second, figures(rw, [0, 0, 0, 0, 0, 0], voters=0, valid=0), by=who)
    assert publication.build(rw.election)["constituencies"][0]["elected"] == []
    c = rw.candidates
    services.count_evote(rw.constituency, ballots=31, votes={c[4].pk: 31}, against_all=None, source="r")
    # Satybaldieva: 50 + 31 = 81 beats Zhumabaev (80) on votes: the reservation is met without a replacement.
    assert publication.build(rw.election)["constituencies"][0]["elected"] == [c[0].pk, c[1].pk, c[4].pk]


def test_an_evote_for_someone_not_on_the_ballot_is_refused():
    rw = results_world(evoting=True)
    with pytest.raises(ValueError, match="not on this constituency's ballot"):
        services.count_evote(rw.constituency, ballots=1, votes={999999: 1}, against_all=None, source="r")


def test_the_import_runs_the_verifier_and_refuses_a_record_of_other_ids(tmp_path):
    rw = results_world(evoting=True)
    out = tmp_path / "record"
    assert simulate.main(["--voters", "3", "--contests", "1of6", "--holders", "2", "--quorum", "1",
                          "--out", str(out), "--seed", "7"]) == 0
    with pytest.raises(CommandError, match="is of election"):
        call_command("results_import_evote", rw.election.slug, "1", str(out))
    assert not rw.constituency.__class__.objects.get(pk=rw.constituency.pk).__dict__.get("electronic_count")
    broken = tmp_path / "broken"
    broken.mkdir()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("results_import_evote", rw.election.slug, "1", str(broken))
    with pytest.raises(CommandError, match="no constituency 7"):
        call_command("results_import_evote", rw.election.slug, "7", str(out))


def section0_record(monkeypatch, rw, out, *, voters: int = 4, election_id: str | None = None):
    """A record made by the real simulator, with the manifest ids of EVOTING-CONTRACT §0."""
    number = rw.constituency.number
    contest = simulate.Contest(
        f"constituency-{number}", "Самаркандек / Самаркандек",
        tuple(simulate.Option(f"candidate-{c.pk}", c.surname) for c in rw.candidates), 0, 3)
    real_manifest = simulate.Manifest
    monkeypatch.setattr(simulate, "parse_contests", lambda spec: (contest,))
    monkeypatch.setattr(simulate, "Manifest", lambda _id, *rest: real_manifest(
        election_id or f"{rw.election.slug}/{number}", *rest))
    simulate.main(["--voters", str(voters), "--holders", "2", "--quorum", "1", "--out", str(out), "--seed", "11"])


def test_the_import_counts_a_verified_record_with_the_contract_ids(monkeypatch, tmp_path, capsys):
    rw = results_world(evoting=True)
    out = tmp_path / "record.zip"
    section0_record(monkeypatch, rw, out)
    printed = capsys.readouterr().out
    call_command("results_import_evote", rw.election.slug, "1", str(out))
    count = rw.constituency.__class__.objects.get(pk=rw.constituency.pk).electronic_count
    assert count.ballots == 4 and count.record_sha256
    # The simulator prints the plaintext totals it encrypted: the verified, decrypted totals are the same.
    for c in rw.candidates:
        assert f"candidate-{c.pk}={count.votes.get(str(c.pk), 0)}" in printed
    document = publication.build(rw.election)
    assert document["electronic_took_part"] == 4


def test_a_record_of_another_constituency_is_refused(monkeypatch, tmp_path):
    rw = results_world(evoting=True)
    out = tmp_path / "record"
    section0_record(monkeypatch, rw, out, election_id=f"{rw.election.slug}/2")
    with pytest.raises(CommandError, match="/2', not"):
        call_command("results_import_evote", rw.election.slug, "1", str(out))
    assert not AuditEntry.objects.filter(kind="results.evote").exists()


def test_the_tally_of_the_evoting_app_is_the_electronic_unit_once_every_board_is_tallied():
    import datetime as dt

    from django.utils import timezone

    from shailoo.evoting.models import Board

    rw = results_world(evoting=True)
    c = rw.candidates
    services.count_evote(rw.constituency, ballots=5, votes={c[0].pk: 5}, against_all=None, source="imported")
    now = timezone.now()
    board = Board.objects.create(election=rw.election, constituency=rw.constituency, opens=now,
                                 closes=now + dt.timedelta(hours=1))
    assert publication.evote_for(rw.election)[rw.constituency.pk].source == "imported"  # not tallied yet
    board.results = {"ballots_counted": 7, "contests": [{"contest_id": "constituency-1", "options": [
        {"option_id": f"candidate-{c[3].pk}", "total": 6}, {"option_id": f"candidate-{c[4].pk}", "total": 2}]}]}
    board.save(update_fields=["results"])
    document = publication.published(rw.election.slug)[0]  # recomputed when the tally was stored
    electronic = document["constituencies"][0]["units"][-1]
    assert electronic["unit"] == "electronic" and electronic["took_part"] == 7
    assert electronic["votes"] == {str(c[3].pk): 6, str(c[4].pk): 2}
    from django.urls import reverse

    assert electronic["source"] == reverse("evoting-record", args=[rw.election.slug, 1])


def test_a_board_save_that_leaves_the_results_alone_neither_reads_them_nor_recomputes():
    """The receiver looks at update_fields before the results: a save of a board loaded without its results
    (as the cast path's code may load it) is one UPDATE, with no read of the deferred field and no recompute."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shailoo.evoting.models import Board

    rw = results_world(evoting=True)
    now = timezone.now()
    created = Board.objects.create(election=rw.election, constituency=rw.constituency, opens=now,
                                   closes=now + dt.timedelta(hours=1),
                                   results={"ballots_counted": 0, "contests": []})
    before = publication.published(rw.election.slug)
    for update_fields in (["position"], None):  # None: Django saves the loaded fields, and says which
        board = Board.objects.only("pk", "position").get(pk=created.pk)
        board.position += 1
        with CaptureQueriesContext(connection) as queries:
            board.save(update_fields=update_fields)
        assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"], queries.captured_queries
    assert publication.published(rw.election.slug) == before
    assert Board.objects.get(pk=created.pk).position == created.position + 2
