# SPDX-License-Identifier: Apache-2.0
"""Setting a board up: polls, manifest, ceremony, credential list; each step in order, audited, refusing
what would make the record invalid."""
from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.crypto import credential as credentials_core
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.transcript import run_ceremony
from shailoo.elections.models import Candidate, Constituency
from shailoo.evoting import keys, selectors, services
from shailoo.evoting.errors import EvotingError, PollsRefused
from shailoo.evoting.models import Board, ListedCredential
from tests.factories import make_territory

from .helpers import HOLDERS, QUORUM, enrol, make_evoting

pytestmark = pytest.mark.django_db
HOLDER_KEYS = [HOLDERS[i].public.hex() for i in sorted(HOLDERS)]


def new_board(voters: int = 2):
    territory = make_territory()
    constituency = Constituency.objects.create(election=territory.election, number=3, name_ky="Үч", name_ru="Три",
                                               seats=5)
    constituency.precincts.add(territory.precinct)
    for order in (2, 1, 3):
        Candidate.objects.create(election=territory.election, constituency=constituency, surname=f"К{order}",
                                 name="Айгүл", gender="F", ballot_order=order)
    evoters = [enrol(territory) for _ in range(voters)]
    (board,) = services.create_boards(territory.election, by=None)
    return territory, board, evoters


def test_polls_default_to_election_day_in_bishkek_and_are_settable_until_the_manifest():
    territory, board, _ = new_board()
    opens, closes = board.opens, board.closes
    assert opens.astimezone(services.BISHKEK).date() == territory.election.election_day
    assert (opens.astimezone(services.BISHKEK).hour, closes.astimezone(services.BISHKEK).hour) == (8, 20)
    services.set_polls(board, opens=opens - dt.timedelta(days=2), closes=closes, by=None)
    with pytest.raises(EvotingError) as refused:
        services.set_polls(board, opens=closes, closes=opens, by=None)
    assert refused.value.code == "polls.order"
    board = services.fix_manifest(board, by=None, holder_keys=HOLDER_KEYS, quorum=QUORUM)
    with pytest.raises(EvotingError):
        services.set_polls(board, opens=opens, closes=closes, by=None)
    assert Board.objects.get(pk=board.pk).opens == opens - dt.timedelta(days=2)


def polls_audit() -> list[dict]:
    return [e.payload["detail"] for e in AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP,
                                                                    payload__step="polls-set").order_by("pk")]


@pytest.mark.parametrize(("opens", "closes", "now", "rules", "says"), [
    ((0, 20), (0, 8), (-7, 12), ["polls.order"], "The polls must close after they open"),
    ((0, 8), (0, 20), (0, 9), ["polls.opens-past"], "the polls can open from the current minute on"),
    ((-1, 8), (0, 9), (0, 10), ["polls.opens-past", "polls.closes-past"], "This time has passed"),
    ((-15, 23), (0, 20), (-20, 12), ["polls.during-enrolment"], "after e-voting enrolment has closed"),
])
def test_the_service_keeps_the_polls_rules_whoever_calls_it(opens, closes, now, rules, says):
    """Not only the page: any caller of set_polls is refused, every broken rule named, nothing changed."""
    territory, board, _ = new_board()
    day = territory.election.election_day

    def at(when):
        return dt.datetime.combine(day + dt.timedelta(days=when[0]), dt.time(when[1]), tzinfo=services.BISHKEK)

    before = (board.opens, board.closes)
    with pytest.raises(PollsRefused) as refused:
        services.set_polls(board, opens=at(opens), closes=at(closes), now=at(now), by=None)
    assert list(refused.value.breaches) == rules and refused.value.code == rules[0]
    assert says in refused.value.text("en") and refused.value.status == 400
    texts = refused.value.as_json()["error"]["message"]
    assert texts["ky"] != texts["ru"] != texts["en"] and all("{" not in text for text in texts.values())
    board.refresh_from_db()
    assert (board.opens, board.closes) == before and polls_audit() == []


def test_the_enrolment_rule_names_enrolments_last_day():
    territory, board, _ = new_board()
    last = territory.election.calendar.enrolment_until
    opens = dt.datetime.combine(last, dt.time(23, 59), tzinfo=services.BISHKEK)
    with pytest.raises(PollsRefused) as refused:
        services.set_polls(board, opens=opens, closes=opens + dt.timedelta(hours=12),
                           now=opens - dt.timedelta(days=3), by=None)
    assert f"{last:%d.%m.%Y}, 24:00" in refused.value.text("ky") and "Бишкек" in refused.value.text("ru")
    services.set_polls(board, opens=opens + dt.timedelta(minutes=1), closes=opens + dt.timedelta(hours=12),
                       now=opens - dt.timedelta(days=3), by=None)  # 24:00 of the last day: enrolment is over
    assert polls_audit()[-1]["opens"] == f"{last + dt.timedelta(days=1)}T00:00:00+06:00"


def test_an_override_waives_the_time_rules_in_the_audit_log_but_never_the_order():
    _, board, _ = new_board()
    now = timezone.now()
    with pytest.raises(PollsRefused) as refused:
        services.set_polls(board, opens=now + dt.timedelta(hours=1), closes=now, by=None, override="test")
    assert refused.value.breaches == ("polls.order",) and polls_audit() == []
    services.set_polls(board, opens=now - dt.timedelta(hours=1), closes=now + dt.timedelta(hours=1), by=None,
                       override="test: polls open an hour ago")
    (detail,) = polls_audit()
    assert detail["override"] == "test: polls open an hour ago"
    assert detail["waived"] == ["polls.opens-past", "polls.during-enrolment"]


def test_production_refuses_the_override(settings):
    _, board, _ = new_board()
    settings.PRODUCTION = True
    now = timezone.now()
    with pytest.raises(EvotingError) as refused:
        services.set_polls(board, opens=now, closes=now + dt.timedelta(hours=1), by=None, override="demo")
    assert refused.value.code == "polls.override-refused" and "production" in refused.value.text("en")
    assert polls_audit() == []


def test_manifest_is_one_contest_of_the_constituency_with_the_authorities_keys():
    territory, board, _ = new_board()
    board = services.fix_manifest(board, by=None, holder_keys=HOLDER_KEYS, quorum=QUORUM)
    manifest = manifest_from_json(board.manifest)
    assert manifest.election_id == f"{territory.election.slug}/3" and board.manifest_hash == manifest.digest.hex()
    (contest,) = manifest.contests
    ordered = Candidate.objects.filter(constituency=board.constituency).order_by("ballot_order")
    assert contest.contest_id == "constituency-3"
    assert contest.option_ids == tuple(f"candidate-{c.pk}" for c in ordered)
    assert (contest.min_marks, contest.max_marks, contest.against_all) == (0, 3, None)  # 5 seats, 3 candidates
    assert manifest.authorities.board == keys.board_key().public
    assert manifest.authorities.commission == keys.commission_key().public
    assert [k.hex() for k in manifest.authorities.holders] == HOLDER_KEYS and manifest.quorum == QUORUM
    assert manifest.opens == services.to_ms(board.opens)
    with pytest.raises(EvotingError):
        services.fix_manifest(board, by=None, holder_keys=HOLDER_KEYS, quorum=QUORUM)


def test_manifest_waits_for_every_holder():
    _, board, _ = new_board()
    with pytest.raises(EvotingError) as refused:
        services.fix_manifest(board, by=None)  # no holder registered with the ceremony app
    assert refused.value.code == "step.out-of-order"
    assert Board.objects.get(pk=board.pk).manifest is None


def test_ceremony_transcript_is_checked_before_it_is_adopted():
    _, board, _ = new_board()
    board = services.fix_manifest(board, by=None, holder_keys=HOLDER_KEYS, quorum=QUORUM)
    run = run_ceremony(services.board_manifest(board), HOLDERS)
    forged = copy.deepcopy(run.transcript)
    forged["joint_public_key"] = HOLDERS[1].public.hex()  # a valid point, not the joint key
    with pytest.raises(EvotingError) as refused:
        services.adopt_ceremony(board, by=None, ceremony_json=forged)
    assert "does not verify" in refused.value.detail
    assert Board.objects.get(pk=board.pk).ceremony is None
    board = services.adopt_ceremony(board, by=None, ceremony_json=run.transcript)
    assert board.joint_public_key == run.result.joint_public_key.hex()


def test_credential_list_is_signed_sorted_and_reconciled_with_the_electronic_voters():
    territory, board, evoters = new_board(voters=3)
    board = services.fix_manifest(board, by=None, holder_keys=HOLDER_KEYS, quorum=QUORUM)
    # A voter marked "votes electronically" without a credential: the list would not match the paper lists.
    bare = enrol(territory)
    type(bare.application).objects.filter(pk=bare.application.pk).update(credential_public_key="")
    with pytest.raises(EvotingError) as refused:
        services.freeze_credentials(board, by=None)
    assert "4 voters are marked" in refused.value.detail and "3 of them" in refused.value.detail
    assert not ListedCredential.objects.exists()
    type(bare.application).objects.filter(pk=bare.application.pk).update(credential_public_key=bare.key.public.hex())
    board = services.freeze_credentials(board, by=None)
    listed = list(ListedCredential.objects.filter(board=board).order_by("credential").values_list("credential", flat=True))
    assert sorted(listed) == sorted(v.key.public.hex() for v in [*evoters, bare]) and board.credentials_count == 4
    # The commission's signature verifies as the verifier reads it.
    manifest = services.board_manifest(board)
    header = {"version": 2, "kind": "credentials", "manifest_hash": manifest.digest.hex(), "count": 4,
              "signature": board.credentials_signature}
    checked = credentials_core.read_list(manifest, header, [(f"l{i}", {"credential": c}) for i, c in enumerate(listed)],
                                         "credentials.jsonl")
    assert len(checked) == 4
    assert board.state == Board.State.MANIFEST  # the ceremony is not adopted yet


def test_every_step_is_in_the_audit_log():
    ev = make_evoting(voters=1)
    steps = [e.payload["step"] for e in AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP,
                                                                  subject=f"board:{ev.board.board_id}")]
    assert steps == ["created", "polls-set", "manifest-fixed", "ceremony-adopted", "credentials-frozen"]
    assert ev.board.state == Board.State.READY


def test_booth_state_tells_the_booth_who_may_vote():
    ev = make_evoting(voters=1)
    election, constituency = ev.territory.election, ev.constituency
    state = selectors.booth_state(election, constituency, ev.voters[0].pin)
    assert (state.polls, state.enrolled, state.on_list, state.refusal) == ("open", True, True, "")
    assert state.credential == ev.voters[0].key.public.hex()
    late = enrol(ev.territory)
    assert selectors.booth_state(election, constituency, late.pin).refusal == "credential.unknown"
    assert selectors.booth_state(election, constituency, "21111199000001").refusal == "voter.not-enrolled"
    assert selectors.booth_state(election, None, ev.voters[0].pin).polls == "no-board"


def test_key_files_are_generated_private_and_refused_when_readable_by_others(tmp_path):
    path = tmp_path / "k.key"
    key = keys.load_key(path, generate=True)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert keys.load_key(path, generate=False).public == key.public
    path.chmod(0o644)
    with pytest.raises(ImproperlyConfigured):
        keys.load_key(path, generate=False)
    with pytest.raises(ImproperlyConfigured):
        keys.load_key(tmp_path / "missing.key", generate=False)


def test_production_refuses_to_start_without_the_key_files(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAILOO_EVOTING")}
    env.update(SHAILOO_PRODUCTION="1", SHAILOO_SECRET_KEY="x" * 50, SHAILOO_AUDIT_KEY="a" * 40,
               SHAILOO_DATA_DIR=str(tmp_path))
    script = "import shailoo.settings"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            cwd=Path(__file__).parent)
    assert result.returncode != 0 and "SHAILOO_EVOTING_COMMISSION_KEY_FILE" in result.stderr
