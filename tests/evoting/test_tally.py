# SPDX-License-Identifier: Apache-2.0
"""From the open polls to the published results, through the HTTP API: casting, revoting and a challenge;
the close entry; the record the verifier finds valid; holders' decryptions checked against the server's own
verified sums (a decryption of other sums is refused); results at k; evote_totals; every receipt checked."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from django.test import Client

from shailoo.crypto import decryption, receipt, tally
from shailoo.crypto.verify import verify_record
from shailoo.evoting import closing, selectors
from shailoo.evoting.models import Board, Decryption, Entry, PublishedHead
from tests.cabinet.helpers import voter_client

from .helpers import HOLDERS, make_evoting
from .test_casting import post, refused, url

pytestmark = pytest.mark.django_db


def download(ev, path: Path) -> Path:
    response = Client().get(url(ev, "record.zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_close_verify_decrypt_tally_and_every_receipt(tmp_path):
    ev = make_evoting(voters=3)
    a, b, c = ev.voters
    options = ev.options()
    receipts = []
    receipts.append(post(voter_client(a.pin), url(ev, "cast"), ev.cast_json(a, frozenset(options[:2]))).json()["receipt"])
    receipts.append(post(voter_client(a.pin), url(ev, "challenge"), ev.challenge_json(frozenset(options[3:]))
                         ).json()["receipt"])
    receipts.append(post(voter_client(a.pin), url(ev, "cast"), ev.cast_json(a, frozenset(options[1:2]))).json()["receipt"])
    receipts.append(post(voter_client(b.pin), url(ev, "cast"), ev.cast_json(b, frozenset(options[1:3]))).json()["receipt"])
    assert [r["position"] for r in receipts] == [1, 2, 3, 4]
    # c never votes. Decryptions are refused while the polls are open.
    refused(post(Client(), url(ev, "decryptions"), {}), "decryption.not-ready", 409)

    board = closing.close_board(ev.board, at=ev.manifest.closes + 5)
    assert board.state == Board.State.CLOSED and board.position == 5
    assert Entry.objects.get(board=board, position=5).kind == "close"
    assert PublishedHead.objects.filter(board=board, position=5, head=board.head).exists()
    refused(post(voter_client(b.pin), url(ev, "cast"), ev.cast_json(b)), "polls.closed", 409)
    assert closing.close_board(board, at=ev.manifest.closes + 10).position == 5  # closing twice changes nothing

    # Each holder downloads the closed board, verifies it, and decrypts only what its verifier added up.
    before = download(ev, tmp_path / "before.zip")
    code, report, verified = verify_record(before, before_decryption=True)
    assert code == 0 and verified is not None, report.render()
    shares = {j: decryption.decrypt_share(verified, j, ev.ceremony.secret_shares[j], HOLDERS[j]) for j in (1, 2, 4, 5)}

    # A decryption of other sums (only the first ballot's) is refused, whatever its own proofs say.
    other = dataclasses.replace(verified.tally, sums=tally.add_ballot(tally.empty_sums(ev.manifest),
                                                                       _first_ballot(ev, before)))
    forged = tally.make_partial(ev.manifest, other, 3, ev.ceremony.secret_shares[3], HOLDERS[3])
    refused(post(Client(), url(ev, "decryptions"), forged), "decryption.invalid", 400)
    wrong_head = tally.make_partial(ev.manifest, dataclasses.replace(verified.tally, head=bytes(64)), 3,
                                    ev.ceremony.secret_shares[3], HOLDERS[3])
    response = post(Client(), url(ev, "decryptions"), wrong_head)
    refused(response, "decryption.invalid", 400)
    assert "decryption.head" in response.json()["error"]["detail"]
    unsigned = dict(shares[1], signature="00" * 64)
    refused(post(Client(), url(ev, "decryptions"), unsigned), "decryption.invalid", 400)
    assert not Decryption.objects.exists()

    first = post(Client(), url(ev, "decryptions"), shares[1]).json()
    again = post(Client(), url(ev, "decryptions"), shares[1]).json()
    assert (first["stored"], again["stored"], again["received"]) == (True, False, 1)
    assert selectors.evote_totals(ev.territory.election) is None
    post(Client(), url(ev, "decryptions"), shares[2])
    done = post(Client(), url(ev, "decryptions"), shares[4]).json()
    assert done["tallied"] is True
    refused(post(Client(), url(ev, "decryptions"), shares[5]), "step.out-of-order", 409)

    # The whole record verifies and the totals are what was cast (a's last ballot and b's).
    full = download(ev, tmp_path / "full.zip")
    code, report, _ = verify_record(full)
    assert code == 0, report.render()
    (totals,) = selectors.evote_totals(ev.territory.election)
    pks = [int(o.rsplit("-", 1)[1]) for o in options]
    assert totals.ballots == 2 and totals.constituency_id == ev.constituency.pk
    assert totals.votes == {pks[0]: 0, pks[1]: 2, pks[2]: 1, pks[3]: 0}
    assert totals.record_url == url(ev, "record.zip")

    answers = []
    for number, value in enumerate(receipts):
        path = tmp_path / f"receipt-{number}.json"
        path.write_text(json.dumps(value))
        answers.append(receipt.check(full, path).code)
    assert answers == [receipt.SUPERSEDED, receipt.COUNTED, receipt.COUNTED, receipt.COUNTED]


def _first_ballot(ev, record_zip: Path):
    from shailoo.crypto.ballot import ballot_from_json
    line = Entry.objects.get(board=ev.board, position=1).line
    return ballot_from_json(json.loads(line)["cast"]["ballot"], "entry")


def test_the_board_closes_by_itself_on_the_first_request_after_closing_and_the_worker_does_too():
    import datetime as dt

    from django.utils import timezone
    now = timezone.now()
    ev = make_evoting(voters=1, opens=now - dt.timedelta(hours=2), closes=now - dt.timedelta(minutes=1))
    assert Board.objects.get(pk=ev.board.pk).state == Board.State.READY
    Client().get(url(ev, "booth"))  # any request after closing
    board = Board.objects.get(pk=ev.board.pk)
    assert board.state == Board.State.CLOSED and board.position == 1
    other = make_evoting(voters=1, name="Ак-Сай", opens=now - dt.timedelta(hours=2), closes=now - dt.timedelta(minutes=1))
    result = closing.tick()
    assert result["closed"] == 1 and result["verified"] == 2
    assert Board.objects.get(pk=other.board.pk).tally["ballots_counted"] == 0


def test_heads_are_published_when_the_board_changed_and_never_rewritten():
    ev = make_evoting(voters=1)
    assert closing.publish_heads() == 1  # the genesis head
    assert closing.publish_heads() == 0
    post(voter_client(ev.voters[0].pin), url(ev, "cast"), ev.cast_json(ev.voters[0]))
    assert closing.publish_heads() == 1
    heads = list(PublishedHead.objects.filter(board=ev.board).values_list("position", "head"))
    assert heads[0][0] == 0 and heads[1] == (1, Entry.objects.get(board=ev.board, position=1).head)
