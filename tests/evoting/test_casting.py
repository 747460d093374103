# SPDX-License-Identifier: Apache-2.0
"""Casting and challenging through the HTTP API (EVOTING-CONTRACT.md 4, 6): the receipt a voter gets, the
chain it lands in, the SMS, idempotent retries, and every refusal the issue names played by an attacker,
each showing its check code and that nothing was stored."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from shailoo.crypto import ballot, board, jcs
from shailoo.crypto.credential import new_credential
from shailoo.evoting import services
from shailoo.evoting.models import Board, Entry
from shailoo.messaging.models import OutboundSms
from tests.cabinet.helpers import voter_client

from .helpers import EElection, enrol, make_evoting

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev() -> EElection:
    return make_evoting(voters=2)


def url(ev: EElection, what: str) -> str:
    return f"/evoting/api/{ev.slug}/{ev.constituency.number}/{what}"


def post(client: Client, path: str, data: Any) -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(path, data=body, content_type="application/json")


def refused(response: Any, code: str, status: int | None = None) -> None:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert body["error"]["code"] == code, body
    assert set(body["error"]["message"]) == {"ky", "ru", "en"} and all(body["error"]["message"].values())
    if status is not None:
        assert response.status_code == status
    else:
        assert 400 <= response.status_code < 500


def stored(ev: EElection) -> tuple[int, int]:
    """(ballot and challenge entries, the board's count of them): a close entry is not a stored submission."""
    board_row = Board.objects.get(pk=ev.board.pk)
    return (Entry.objects.filter(board=board_row).exclude(kind=Entry.Kind.CLOSE).count(),
            board_row.ballots + board_row.challenges)


def test_cast_answers_a_receipt_that_the_board_signed_and_the_chain_holds(ev):
    voter = ev.voters[0]
    response = post(voter_client(voter.pin), url(ev, "cast"), ev.cast_json(voter))
    assert response.status_code == 200, response.content
    answer = response.json()
    receipt = answer["receipt"]
    checked = board.check_receipt(ev.manifest, receipt)  # the board's signature verifies
    assert checked.position == answer["position"] == 1 and answer["display_code"] == receipt["code"]
    entry = Entry.objects.get(board=ev.board, position=1)
    assert entry.head == receipt["head"] and entry.credential == voter.key.public.hex()
    # The head is the chain's: recomputed from the stored line.
    line = jcs.loads(entry.line, "entry")
    cast = ballot.cast_from_json(ev.manifest, line["cast"], "entry")
    head = board.entry_head(ev.manifest, board.genesis(ev.manifest).head, 1, "ballot", line["time"],
                            board.ballot_parts(cast))
    assert head.hex() == receipt["head"]


def test_cast_confirmation_sms_has_time_and_short_code_never_the_choice(ev):
    voter = ev.voters[0]
    receipt = post(voter_client(voter.pin), url(ev, "cast"), ev.cast_json(voter)).json()["receipt"]
    sms = OutboundSms.objects.get()
    assert sms.to == voter.application.phone
    assert services.short_code(receipt) in sms.text and "бюллетен" in sms.text
    assert "Талапкер" not in sms.text and "candidate" not in sms.text


def test_revote_appends_and_the_later_ballot_supersedes(ev):
    voter = ev.voters[0]
    client = voter_client(voter.pin)
    first = post(client, url(ev, "cast"), ev.cast_json(voter)).json()["receipt"]
    second = post(client, url(ev, "cast"), ev.cast_json(voter, frozenset(ev.options()[1:3]))).json()["receipt"]
    assert (first["position"], second["position"]) == (1, 2)
    assert stored(ev) == (2, 2)


def test_retrying_the_same_cast_returns_the_same_receipt_and_stores_nothing_twice(ev):
    voter = ev.voters[0]
    client = voter_client(voter.pin)
    data = ev.cast_json(voter)
    first = post(client, url(ev, "cast"), data)
    again = post(client, url(ev, "cast"), data)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert stored(ev) == (1, 1)
    assert OutboundSms.objects.count() == 1


def test_challenge_is_published_and_its_ballot_can_never_be_cast(ev):
    voter = ev.voters[0]
    client = voter_client(voter.pin)
    data = ev.challenge_json()
    response = post(client, url(ev, "challenge"), data)
    assert response.status_code == 200, response.content
    receipt = response.json()["receipt"]
    assert receipt["type"] == "challenge" and board.check_receipt(ev.manifest, receipt).position == 1
    # The device cannot cast the checked ballot: same ballot id.
    encrypted = ballot.ballot_from_json(data["ballot"], "b")
    cast = ballot.cast_to_json(ballot.cast_ballot(ev.manifest, encrypted, voter.key))
    refused(post(client, url(ev, "cast"), cast), "ballot.replayed", 409)
    assert stored(ev) == (1, 1)


# --- refusals: each with its code, nothing stored -------------------------------------------------------

def test_a_ballot_with_a_bad_proof_is_refused(ev):
    voter = ev.voters[0]
    data = ev.cast_json(voter)
    # Swap two selections' proofs: every value well formed, the proofs no longer hold.
    selections = data["ballot"]["contests"][0]["selections"]
    selections[0]["proof"], selections[1]["proof"] = selections[1]["proof"], selections[0]["proof"]
    # The signature covers Hb of the body: re-sign so that only the proof is wrong.
    encrypted = ballot.ballot_from_json(data["ballot"], "b")
    data = ballot.cast_to_json(ballot.cast_ballot(ev.manifest, encrypted, voter.key))
    refused(post(voter_client(voter.pin), url(ev, "cast"), data), "ballot.proof", 400)
    assert stored(ev) == (0, 0) and not OutboundSms.objects.exists()


def test_an_unsigned_or_wrongly_signed_ballot_is_refused(ev):
    voter = ev.voters[0]
    client = voter_client(voter.pin)
    data = ev.cast_json(voter)
    unsigned = {key: value for key, value in data.items() if key != "signature"}
    refused(post(client, url(ev, "cast"), unsigned), "cast.signature", 400)
    forged = dict(data, signature=ev.cast_json(ev.voters[1])["signature"])
    refused(post(client, url(ev, "cast"), forged), "cast.signature", 400)
    # Signed by another key while naming the voter's credential.
    encrypted = ballot.ballot_from_json(data["ballot"], "b")
    other = ballot.cast_to_json(ballot.cast_ballot(ev.manifest, encrypted, new_credential()[1]))
    refused(post(client, url(ev, "cast"), dict(other, credential=data["credential"])), "cast.signature", 400)
    assert stored(ev) == (0, 0)


def test_a_credential_not_on_the_list_is_refused(ev):
    late = enrol(ev.territory)  # enrolled after the list was frozen: not on it
    refused(post(voter_client(late.pin), url(ev, "cast"), ev.cast_json(late)), "credential.unknown", 403)
    assert stored(ev) == (0, 0)


def test_another_voters_credential_is_refused(ev):
    mine, theirs = ev.voters
    refused(post(voter_client(mine.pin), url(ev, "cast"), ev.cast_json(theirs)), "credential.not-yours", 403)
    assert stored(ev) == (0, 0)


def test_a_voter_not_enrolled_or_not_signed_in_is_refused(ev):
    from tests.factories import list_voter, make_citizen
    paper = make_citizen(ev.territory.settlement)
    list_voter(paper, ev.territory.election, ev.territory.precinct)
    data = ev.cast_json(ev.voters[0])
    refused(post(voter_client(paper.pin), url(ev, "cast"), data), "voter.not-enrolled", 403)
    refused(post(Client(), url(ev, "cast"), data), "voter.not-signed-in", 401)
    refused(post(Client(), url(ev, "challenge"), ev.challenge_json()), "voter.not-signed-in", 401)
    assert stored(ev) == (0, 0)


@pytest.mark.parametrize("when, code", [("before", "polls.not-open"), ("after", "polls.closed")])
def test_polls_not_yet_open_or_closed_refuse(when, code):
    now = timezone.now()
    hours = dt.timedelta(hours=1)
    window = (now + hours, now + 2 * hours) if when == "before" else (now - 2 * hours, now - hours)
    ev = make_evoting(voters=1, opens=window[0], closes=window[1])
    voter = ev.voters[0]
    refused(post(voter_client(voter.pin), url(ev, "cast"), ev.cast_json(voter)), code, 409)
    refused(post(voter_client(voter.pin), url(ev, "challenge"), ev.challenge_json()), code, 409)
    assert stored(ev) == (0, 0)


def test_a_replayed_ballot_is_refused(ev):
    first, second = ev.voters
    data = ev.cast_json(first)
    assert post(voter_client(first.pin), url(ev, "cast"), data).status_code == 200
    # The same body under the second voter's credential (a copied ballot): its id is taken.
    encrypted = ballot.ballot_from_json(data["ballot"], "b")
    copy = ballot.cast_to_json(ballot.cast_ballot(ev.manifest, encrypted, second.key))
    refused(post(voter_client(second.pin), url(ev, "cast"), copy), "ballot.replayed", 409)
    assert stored(ev) == (1, 1)


def test_a_ballot_for_another_election_is_refused():
    ev = make_evoting(voters=1, name="Самаркандек")
    other = make_evoting(voters=1, name="Ак-Сай")
    voter = ev.voters[0]
    # The voter's own credential, a ballot made and signed for the other election's manifest.
    encrypted, _ = ballot.encrypt_ballot(other.manifest, other.key, {other.contest_id: frozenset()})
    data = ballot.cast_to_json(ballot.cast_ballot(other.manifest, encrypted, voter.key))
    refused(post(voter_client(voter.pin), url(ev, "cast"), data), "election.mismatch", 400)
    assert stored(ev) == (0, 0) and stored(other) == (0, 0)


def test_a_body_over_the_size_limit_is_refused(ev, settings):
    settings.EVOTING_MAX_BODY_BYTES = 4096
    voter = ev.voters[0]
    data = ev.cast_json(voter)
    data["padding"] = "x" * 5000
    refused(post(voter_client(voter.pin), url(ev, "cast"), data), "body.too-large", 413)
    assert stored(ev) == (0, 0)


@pytest.mark.parametrize("body", [
    b"", b"{", b"[]", b"null", b'"x"', b"1e999", b'{"ballot": 1}', b'{"ballot": {}, "credential": 5}',
    b'{"ballot": {"ballot_id": "00", "contests": []}, "credential": "zz", "signature": "00"}',
    b'{"a": 1, "a": 2}', b"\xff\xfe", b"[" * 5000 + b"]" * 5000,
    json.dumps({"ballot": {"ballot_id": "0" * 32, "contests": [{"contest_id": 7}]}, "credential": None,
                "signature": []}).encode(),
])
def test_malformed_bodies_get_a_json_refusal_never_a_500(ev, body):
    voter = ev.voters[0]
    for what in ("cast", "challenge"):
        response = post(voter_client(voter.pin), url(ev, what), body)
        assert 400 <= response.status_code < 500, (what, body[:40], response.content[:300])
        assert "code" in response.json()["error"]
    assert stored(ev) == (0, 0)


def test_csrf_is_required_and_its_refusal_is_json(ev):
    voter = ev.voters[0]
    client = voter_client(voter.pin, Client(enforce_csrf_checks=True))
    refused(post(client, url(ev, "cast"), ev.cast_json(voter)), "csrf.failed", 403)
    assert stored(ev) == (0, 0)


def test_unknown_board_and_wrong_method(ev):
    refused(Client().get(f"/evoting/api/{ev.slug}/99/booth"), "board.not-found", 404)
    refused(Client().get(url(ev, "cast")), "method.not-allowed", 405)


def test_booth_json_gives_what_the_booth_encrypts_against(ev):
    data = Client().get(url(ev, "booth")).json()
    assert data["manifest_hash"] == ev.manifest.digest.hex() and data["state"] == "open"
    assert data["joint_public_key"] == ev.key.hex() and data["manifest"] == ev.manifest.to_json()


def test_a_submission_committed_by_a_request_that_died_is_appended_once_and_its_retry_gets_the_receipt(ev):
    from shailoo.crypto import jcs as jcs_
    from shailoo.evoting import closing
    from shailoo.evoting.models import Pending
    voter = ev.voters[0]
    data = ev.cast_json(voter)
    # What a request leaves when it is killed between committing its verified ballot and taking the lock.
    Pending.objects.create(board=ev.board, ballot_id=data["ballot"]["ballot_id"], kind="ballot",
                           body=jcs_.canonical(data).decode(), application=voter.application)
    assert closing.tick()["closed"] == 0
    assert stored(ev) == (1, 1) and not Pending.objects.exists()
    assert OutboundSms.objects.count() == 1
    retry = post(voter_client(voter.pin), url(ev, "cast"), data)
    assert retry.status_code == 200 and retry.json()["receipt"] == Entry.objects.get(board=ev.board).receipt
    assert stored(ev) == (1, 1)


def test_a_cast_takes_a_pinned_number_of_queries_and_locks_only_the_board_row(ev, django_assert_max_num_queries):
    """The casting path's SQL cannot creep back (docs/evoting.md "Performance"): with the process's caches
    warm (the first cast), a cast is the board, the session (none when Redis caches it: cached_db), one query
    for enrolment + list entry + listed credential + the ballot id's entry, then, the board's lock being free,
    the append without a pending row (board row locked, pending with their taken ids and phones, our ballot id
    taken? and phone, entries, one board update, the SMS in one insert), counted here with the test's
    savepoints. On PostgreSQL all but the session's are prepared statements (shailoo.lookup.prepared),
    counted all the same."""
    first, second = ev.voters[0], ev.voters[1]
    assert post(voter_client(first.pin), url(ev, "cast"), ev.cast_json(first)).status_code == 200
    body, client = ev.cast_json(second), voter_client(second.pin)
    session_queries = 0 if settings.SESSION_ENGINE.endswith(".cached_db") else 1
    with django_assert_max_num_queries(10 + session_queries) as captured:
        response = post(client, url(ev, "cast"), body)
    assert response.status_code == 200, response.content
    locking = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:  # FOR UPDATE would lock joined rows (the election's) too
        assert len(locking) == 1 and "JOIN" not in locking[0]
    assert not [q["sql"] for q in captured.captured_queries
                if q["sql"].startswith('SELECT "evoting_entry"') and "JOIN" in q["sql"]]
