# SPDX-License-Identifier: Apache-2.0
"""The published record (GET /evoting/api/<slug>/<n>/record.zip): the same bytes whether the pieces that
never change are deflated now or read from the files kept under EVOTING_RECORD_DIR, and the verifier finds
it valid; the ETag follows the board and answers 304; a closed board's record is written once to a file and
then served from it with its length; a download cut half-way keeps no file."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from shailoo.crypto import record
from shailoo.crypto.verify import verify_record
from shailoo.evoting import closing, published
from shailoo.evoting.models import Entry
from tests.cabinet.helpers import voter_client

from .helpers import make_evoting
from .test_casting import post, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(published, "PIECE", 2)
    monkeypatch.setattr(published, "CREDENTIAL_PIECE", 2)


@pytest.fixture
def voted(small_pieces):
    """Five entries of three voters: a casts, checks a ballot and casts again; b and c cast."""
    ev = make_evoting(voters=3)
    a, b, c = ev.voters
    post(voter_client(a.pin), url(ev, "cast"), ev.cast_json(a))
    post(voter_client(a.pin), url(ev, "challenge"), ev.challenge_json(frozenset(ev.options()[:1])))
    for voter in (a, b, c):
        post(voter_client(voter.pin), url(ev, "cast"), ev.cast_json(voter))
    assert Entry.objects.filter(board=ev.board).count() == 5
    return ev


def get(ev, **headers):
    return Client().get(url(ev, "record.zip"), headers=headers)


def body(response) -> bytes:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def pieces(folder: Path) -> list[str]:
    return sorted(p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in folder.rglob("*.deflate"))


def test_the_record_is_the_same_from_the_database_and_from_the_kept_pieces(voted, settings, tmp_path):
    cold = body(get(voted))
    # Positions 1-2 and 3-4 are whole pieces, 5 is deflated at each download; the three credentials: 2 + 1.
    assert pieces(settings.EVOTING_RECORD_DIR) == ["board-000000000002", "board-000000000004",
                                                   "credentials-000000000", "credentials-000000002"]
    assert body(get(voted)) == cold
    shutil.rmtree(settings.EVOTING_RECORD_DIR)
    assert body(get(voted)) == cold

    path = tmp_path / "record.zip"
    path.write_bytes(cold)
    code, report, _ = verify_record(path)
    assert report.checks == {"board.not-closed"}, report.render()  # every check passes but the open polls
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        lines = archive.read(record.BOARD).decode().splitlines()
        credentials = archive.read(record.CREDENTIALS).decode().splitlines()
    assert lines[1:] == list(Entry.objects.filter(board=voted.board).order_by("position").values_list("line", flat=True))
    assert sorted(credentials[1:]) == credentials[1:] and len(credentials) == 4


def test_the_etag_follows_the_board_and_answers_not_modified(voted):
    first = get(voted)
    etag = first["ETag"]
    body(first)
    assert get(voted, if_none_match=etag).status_code == 304
    a = voted.voters[0]
    post(voter_client(a.pin), url(voted, "cast"), voted.cast_json(a))
    changed = get(voted, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    body(changed)


def test_a_closed_boards_record_is_written_once_and_served_from_the_file(voted, settings, tmp_path):
    closing.close_board(voted.board, at=voted.manifest.closes)
    first = get(voted)
    assert not first.has_header("Content-Length")  # streamed while the file is written
    streamed = body(first)
    (kept,) = settings.EVOTING_RECORD_DIR.rglob("record-*.zip")
    assert kept.read_bytes() == streamed and not list(settings.EVOTING_RECORD_DIR.rglob(".part-*"))
    second = get(voted)
    assert second["Content-Length"] == str(len(streamed)) and second["ETag"] == first["ETag"]
    assert body(second) == streamed
    path = tmp_path / "closed.zip"
    path.write_bytes(streamed)
    code, report, _ = verify_record(path, before_decryption=True)
    assert code == 0, report.render()
    closing.verify_closed(voted.board)  # tally.json joins the record: a new file replaces the old
    with_tally = body(get(voted))
    assert get(voted)["Content-Length"] == str(len(with_tally)) and with_tally != streamed
    assert [p.read_bytes() for p in settings.EVOTING_RECORD_DIR.rglob("record-*.zip")] == [with_tally]


def test_a_download_cut_half_way_keeps_no_file(voted, settings):
    closing.close_board(voted.board, at=voted.manifest.closes)
    response = get(voted)
    chunks = iter(response.streaming_content)
    next(chunks)
    response.close()  # the client left
    assert not list(settings.EVOTING_RECORD_DIR.rglob("record-*.zip"))
    assert not list(settings.EVOTING_RECORD_DIR.rglob(".part-*"))
    assert body(get(voted))  # the next download writes it
    assert len(list(settings.EVOTING_RECORD_DIR.rglob("record-*.zip"))) == 1


def test_the_worker_keeps_the_whole_pieces_so_that_downloads_only_read_them(voted, settings):
    assert closing.tick()["pieces"] == 4  # two of the board (1-2, 3-4), two of the credential list
    assert closing.tick()["pieces"] == 0
    kept = {p: p.stat().st_mtime_ns for p in settings.EVOTING_RECORD_DIR.rglob("*.deflate")}
    body(get(voted))
    assert {p: p.stat().st_mtime_ns for p in settings.EVOTING_RECORD_DIR.rglob("*.deflate")} == kept
    a = voted.voters[0]
    post(voter_client(a.pin), url(voted, "cast"), voted.cast_json(a))  # position 6: the piece 5-6 is whole
    assert closing.tick()["pieces"] == 1
