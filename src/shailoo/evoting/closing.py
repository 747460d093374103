# SPDX-License-Identifier: Apache-2.0
"""After the polls: the board closes itself at `closes` (the worker, or the first request after it); the
server verifies its own closed record with the project's verifier and keeps the sums it recomputed
(tally.json); key holders post partial decryptions, each checked against those sums; at k of them the
server combines, and results.json joins the record (docs/protocol.md 10, 11). The heads are published
every minute (PublishedHead, append-only)."""
from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from shailoo.crypto import board as chain
from shailoo.crypto import record, tally
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.transcript import check_transcript
from shailoo.crypto.verify import verify_record
from shailoo.evoting import keys, published, services
from shailoo.evoting.errors import EvotingError
from shailoo.evoting.models import Board, Decryption, Entry, Pending, PublishedHead

log = logging.getLogger("shailoo.evoting")
CLOSED = (Board.State.CLOSED, Board.State.TALLIED)


def close_board(board: Board, *, at: int | None = None, by: AbstractBaseUser | None = None) -> Board:
    """Append the board's signed close entry (no entry can follow it). Idempotent; refused before `closes`."""
    at = services.now_ms() if at is None else at
    with transaction.atomic():
        board = Board.objects.select_for_update().select_related("election", "constituency").get(pk=board.pk)
        if board.state in CLOSED:
            return board
        if board.state != Board.State.READY:
            raise EvotingError("step.out-of-order", "only a board that was ready to vote can be closed")
        manifest = services.board_manifest(board)
        if at < manifest.closes:
            raise EvotingError("step.out-of-order", "the polls close at the manifest's closing time, not before")
        time_ = max(at, manifest.closes, board.last_time)
        Pending.objects.filter(board=board).delete()  # never answered: their requests say polls.closed
        appended = chain.close_board(manifest, services.chain_state(board), time_, board.ballots, board.challenges,
                                     keys.board_key())
        Entry.objects.create(board=board, position=appended.state.position, kind=Entry.Kind.CLOSE, time=time_,
                             line=record.dumps_line(appended.entry).rstrip("\n"),
                             head=appended.state.head.hex())
        board.position, board.head, board.last_time = appended.state.position, appended.state.head.hex(), time_
        board.state, board.closed_at = Board.State.CLOSED, timezone.now()
        board.save()
        _publish_head(board)
        services.audit(board, "closed", {"position": board.position, "head": board.head, "ballots": board.ballots,
                                          "challenges": board.challenges}, by)
    return board


def close_if_due(board: Board, *, at: int | None = None) -> Board:
    """Close a ready board whose polls have closed (any request after `closes` does it, lazily)."""
    at = services.now_ms() if at is None else at
    if board.state == Board.State.READY and at >= services.to_ms(board.closes):
        return close_board(board, at=at)
    return board


def close_due(*, at: int | None = None) -> list[Board]:
    at = services.now_ms() if at is None else at
    due = Board.objects.filter(state=Board.State.READY, closes__lte=dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC))
    return [close_board(board, at=at) for board in due.select_related("election", "constituency")]


def _publish_head(board: Board) -> PublishedHead | None:
    last = PublishedHead.objects.filter(board=board).order_by("-position").first()
    if board.manifest is None or (last is not None and last.position >= board.position):
        return None
    return PublishedHead.objects.create(board=board, position=board.position, head=board.head,
                                        published_at=timezone.now())


def publish_heads() -> int:
    """Publish the head of every board that changed since its last published head (the worker: every minute)."""
    published_count = 0
    for board in Board.objects.exclude(manifest__isnull=True).only("pk", "position", "head", "manifest"):
        with transaction.atomic():
            if _publish_head(board) is not None:
                published_count += 1
    return published_count


# --- the server's own verification of the closed board -----------------------------------------------------

def verify_closed(board: Board, *, workers: int = 1) -> Board:
    """Verify the closed board's record with shailoo.crypto.verify (as a holder would) and keep the sums the
    verifier recomputed: the only sums partial decryptions are checked against. Idempotent."""
    board = Board.objects.select_related("election", "constituency").get(pk=board.pk)
    if board.state not in CLOSED:
        raise EvotingError("decryption.not-ready", "the board is not closed yet")
    if board.tally is not None:
        return board
    with tempfile.TemporaryDirectory(prefix="shailoo-verify-") as folder:
        path = Path(folder) / "record.zip"
        with path.open("wb") as out:
            for chunk in published.record_chunks(board):
                out.write(chunk)
        code, report, verified = verify_record(path, workers=workers, before_decryption=True)
    if code != 0 or verified is None:
        log.error("the closed board %s does not verify:\n%s", board.board_id, report.render())
        raise EvotingError("decryption.not-ready", "the server's own verification of the closed board failed: "
                           + report.render()[-500:])
    tally_json = tally.tally_json(verified.manifest, verified.tally)
    with transaction.atomic():
        locked = Board.objects.select_for_update().select_related("election", "constituency").get(pk=board.pk)
        if locked.tally is None:
            locked.tally = tally_json
            locked.save(update_fields=["tally"])
            services.audit(locked, "verified", {"ballots_counted": verified.tally.ballots_counted,
                                                 "head": verified.tally.head.hex()}, None)
    return locked


def _verified_sums(board: Board) -> Board:
    if board.tally is not None:
        return board
    if board.position > settings.EVOTING_INLINE_VERIFY_ENTRIES:
        raise EvotingError("decryption.not-ready", "the server is still verifying the closed board; try again later")
    return verify_closed(board)


def accept_decryption(board: Board, body: bytes) -> dict[str, Any]:
    """A holder's partial decryption: its signature, head and every proof checked against the server's
    verified sums and the holder's X_j from the ceremony; stored; at k of them the results are combined."""
    board = close_if_due(board)
    if board.state not in CLOSED:
        raise EvotingError("decryption.not-ready", "the polls are not closed yet")
    if board.state == Board.State.TALLIED:
        raise EvotingError("step.out-of-order", "the board is already tallied")
    board = _verified_sums(board)
    data = services.read_body(body, "decryption")
    manifest = services.board_manifest(board)
    counted = tally.tally_from_json(manifest, board.tally, record.TALLY)
    ceremony = check_transcript(manifest, board.ceremony)
    verification_keys = [ceremony.verification_key(j) for j in range(1, manifest.holders + 1)]
    try:
        partial = tally.check_partial(manifest, counted, verification_keys, data, "decryption")
    except (CryptoError, UnreadableInput) as error:
        check = getattr(error, "check", None) or "decryption.schema"
        raise EvotingError("decryption.invalid", f"[{check}] {error}") from None
    with transaction.atomic():
        locked = Board.objects.select_for_update().select_related("election", "constituency").get(pk=board.pk)
        if locked.state == Board.State.TALLIED:
            raise EvotingError("step.out-of-order", "the board is already tallied")
        stored, created = Decryption.objects.get_or_create(board=locked, holder=partial.holder,
                                                           defaults={"message": partial.json})
        if created:
            services.audit(locked, "decryption", {"holder": partial.holder}, None)
        received = Decryption.objects.filter(board=locked).count()
        if received >= manifest.quorum:
            _combine(locked, counted, verification_keys)
    return {"holder": partial.holder, "stored": created, "received": received, "quorum": manifest.quorum,
            "tallied": received >= manifest.quorum}


def _combine(board: Board, counted: tally.EncryptedTally, verification_keys: list[Any]) -> None:
    manifest = services.board_manifest(board)
    partials = [tally.check_partial(manifest, counted, verification_keys, d.message, f"holder {d.holder}")
                for d in Decryption.objects.filter(board=board).order_by("holder")]
    points = tally.combine(counted, partials, manifest.quorum)
    totals = tally.totals_from_points(points, counted.ballots_counted)
    board.results = tally.results_json(manifest, counted.ballots_counted, totals)
    board.state, board.tallied_at = Board.State.TALLIED, timezone.now()
    board.save(update_fields=["results", "state", "tallied_at"])
    services.audit(board, "tallied", {"ballots_counted": counted.ballots_counted,
                                       "holders": [p.holder for p in partials]}, None)


def tick(*, at: int | None = None) -> dict[str, int]:
    """What the worker does every few seconds: close the boards that are due, verify closed boards, publish
    the heads that changed, deflate the record's new whole pieces (shailoo.evoting.published)."""
    for board in Board.objects.filter(state=Board.State.READY, pending__isnull=False).distinct():
        services.append_pending(board)  # submissions whose request died after committing them
    closed = close_due(at=at)
    verified = 0
    for board in Board.objects.filter(state=Board.State.CLOSED, tally__isnull=True):
        try:
            verify_closed(board)
            verified += 1
        except EvotingError:
            log.exception("closed board %s not verified", board.pk)
    pieces = sum(published.keep_pieces(board) for board in Board.objects.exclude(manifest__isnull=True)
                 .exclude(state=Board.State.SETUP).select_related("election", "constituency"))
    return {"closed": len(closed), "verified": verified, "heads": publish_heads(), "pieces": pieces}
