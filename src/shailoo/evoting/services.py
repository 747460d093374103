# SPDX-License-Identifier: Apache-2.0
"""The e-voting board's life (docs/evoting.md), one service function a step, each refusing to run out of
order and writing its audit entry in the same transaction: create the boards, set the polls, fix the
manifests, adopt the ceremony, freeze and sign the credential list; then, while the polls are open, accept
challenges and cast ballots (docs/protocol.md 8.5: every check of shailoo.crypto.board, then one
transaction that locks the board's head row, appends the entry and answers the signed receipt)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.cabinet.models import Application
from shailoo.ceremony import selectors as ceremony_selectors
from shailoo.ceremony import services as ceremony_services
from shailoo.crypto import board as chain
from shailoo.crypto import credential as credentials_core
from shailoo.crypto import jcs, record, signature
from shailoo.crypto.ballot import (
    ballot_from_json,
    cast_from_json,
    cast_parts,
    opening_from_json,
    tracking_hash,
)
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import Point
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.transcript import check_transcript
from shailoo.elections.models import Candidate, Constituency, Election, PartyList
from shailoo.evoting import keys
from shailoo.evoting.errors import CRYPTO_CODES, EvotingError, PollsRefused
from shailoo.evoting.models import Board, Entry, ListedCredential, Pending
from shailoo.lookup import prepared
from shailoo.messaging.services import Sms, queue_sms_batch
from shailoo.register.models import VoterListEntry
from shailoo.rules import calendar as calendar_rules

log = logging.getLogger("shailoo.evoting")
BISHKEK = ZoneInfo("Asia/Bishkek")
ENROLLED = (Application.Status.APPLIED,)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def to_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def audit(board: Board, step: str, detail: dict[str, Any], by: AbstractBaseUser | None) -> None:
    record_event(kind=AuditKind.EVOTING_STEP, actor=by, subject=f"board:{board.board_id}",
                 payload={"board": board.board_id, "step": step, "detail": detail})


def _locked(board: Board) -> Board:
    return Board.objects.select_for_update().select_related("election", "constituency").get(pk=board.pk)


# --- set-up ------------------------------------------------------------------------------------------------

def default_polls(election: Election) -> tuple[dt.datetime, dt.datetime]:
    """Election day from settings.EVOTING_DEFAULT_OPENS to EVOTING_DEFAULT_CLOSES, Asia/Bishkek."""
    def at(text: str) -> dt.datetime:
        hours, minutes = (int(part) for part in text.split(":"))
        return dt.datetime.combine(election.election_day, dt.time(hours, minutes), tzinfo=BISHKEK)
    return at(settings.EVOTING_DEFAULT_OPENS), at(settings.EVOTING_DEFAULT_CLOSES)


def create_boards(election: Election, *, by: AbstractBaseUser | None) -> list[Board]:
    """One board per constituency of an e-voting election (EVOTING-CONTRACT.md 0); idempotent."""
    if not election.evoting:
        raise EvotingError("step.out-of-order", f"election {election.slug} does not offer e-voting")
    opens, closes = default_polls(election)
    boards = []
    with transaction.atomic():
        for constituency in Constituency.objects.filter(election=election).order_by("number"):
            board, created = Board.objects.get_or_create(
                election=election, constituency=constituency, defaults={"opens": opens, "closes": closes})
            if created:
                audit(board, "created", {"opens": opens.isoformat(), "closes": closes.isoformat()}, by)
            boards.append(board)
    return boards


def set_polls(board: Board, *, opens: dt.datetime, closes: dt.datetime, by: AbstractBaseUser | None,
              now: dt.datetime | None = None, override: str = "") -> Board:
    """Change the polling window; only before the manifest (which fixes it) is, and only as the polls rules
    allow (shailoo.rules.calendar.polls_breaches: close after opening, nothing in the past, open after
    e-voting enrolment has closed), refusing with every rule broken named (PollsRefused).

    ``override`` (the reason, required to be said) waives the time rules but never the order: for the demo
    and tests, which open the polls at once while enrolment is still open; refused in production, and the
    reason and the rules it waived are in the audit entry."""
    now = now or timezone.now()
    if override and settings.PRODUCTION:
        raise EvotingError("polls.override-refused", f"override {override!r} refused in production")
    with transaction.atomic():
        board = _locked(board)
        if board.state != Board.State.SETUP:
            raise EvotingError("step.out-of-order", "the manifest is fixed: its polling times cannot change")
        calendar = board.election.calendar
        breaches = calendar_rules.polls_breaches(calendar, opens, closes, now)
        waived = tuple(b for b in breaches if b != calendar_rules.POLLS_ORDER) if override else ()
        breaches = tuple(b for b in breaches if b not in waived)
        if breaches:
            raise PollsRefused(breaches, params={"date": f"{calendar.enrolment_until:%d.%m.%Y}"})
        board.opens, board.closes = opens, closes
        board.save(update_fields=["opens", "closes"])
        detail: dict[str, Any] = {"opens": opens.isoformat(), "closes": closes.isoformat()}
        if override:
            detail.update(override=override, waived=list(waived))
        audit(board, "polls-set", detail, by)
    return board


def _title(ky: str, ru: str) -> str:
    return f"{ky} / {ru}"


def manifest_json(board: Board, holder_keys: list[str], quorum: int) -> dict[str, Any]:
    """manifest.json of a board (EVOTING-CONTRACT.md 0): one contest, the constituency's candidates in ballot
    order (party lists in a party-list election), marks 0..max_marks, the authorities' keys."""
    election, constituency = board.election, board.constituency
    options: list[dict[str, str]] = []
    lists = list(PartyList.objects.filter(election=election).order_by("ballot_order"))
    if lists:
        options = [{"option_id": f"party-{p.pk}", "title": _title(p.party_ky, p.party_ru)} for p in lists]
        max_marks = 1
    else:
        for candidate in Candidate.objects.filter(constituency=constituency).order_by("ballot_order", "pk"):
            options.append({"option_id": f"candidate-{candidate.pk}", "title": str(candidate)})
        max_marks = constituency.max_marks or constituency.seats
    if not options:
        raise EvotingError("step.out-of-order", f"constituency {constituency.number} has no candidates yet")
    return {
        "version": 2, "kind": "manifest", "election_id": board.board_id,
        "title": _title(f"{election.name_ky}, {constituency.name_ky}", f"{election.name_ru}, {constituency.name_ru}"),
        "opens": to_ms(board.opens), "closes": to_ms(board.closes),
        "authorities": {"commission": keys.commission_key().public.hex(), "board": keys.board_key().public.hex(),
                        "holders": list(holder_keys), "quorum": quorum},
        "contests": [{"contest_id": f"constituency-{constituency.number}", "title": _title(constituency.name_ky,
                                                                                          constituency.name_ru),
                      "min_marks": 0, "max_marks": min(max_marks, len(options)), "against_all": None,
                      "options": options}],
    }


def fix_manifest(board: Board, *, by: AbstractBaseUser | None, holder_keys: list[str] | None = None,
                 quorum: int | None = None) -> Board:
    """Fix the board's manifest once every key holder registered (keys and k from the ceremony app unless
    given); it binds the polls, the ballot and every authority's key, so it never changes after."""
    holder_keys = holder_keys if holder_keys is not None else ceremony_selectors.holder_keys(board.election)
    quorum = quorum if quorum is not None else ceremony_selectors.quorum(board.election)
    if not holder_keys or not quorum:
        raise EvotingError("step.out-of-order", "every key holder must register and the quorum be set first")
    with transaction.atomic():
        board = _locked(board)
        if board.state != Board.State.SETUP:
            raise EvotingError("step.out-of-order", "the manifest is already fixed")
        data = manifest_json(board, holder_keys, quorum)
        try:
            manifest = manifest_from_json(jcs.loads(jcs.canonical(data), "manifest.json"))
        except (CryptoError, UnreadableInput) as error:
            raise EvotingError("step.out-of-order", f"the manifest is not valid: {error}") from error
        board.manifest, board.manifest_hash = manifest.to_json(), manifest.digest.hex()
        board.head = chain.genesis(manifest).head.hex()
        board.last_time = manifest.opens
        board.manifest_fixed_at = timezone.now()
        board.state = Board.State.MANIFEST
        board.save()
        audit(board, "manifest-fixed", {"manifest_hash": board.manifest_hash, "holders": len(holder_keys),
                                         "quorum": quorum}, by)
    return board


def fix_manifests(election: Election, *, by: AbstractBaseUser | None) -> list[Board]:
    """Fix every board's manifest of the election and start their ceremonies (the ceremony app)."""
    with transaction.atomic():
        boards = [fix_manifest(board, by=by) if board.state == Board.State.SETUP else board
                  for board in Board.objects.filter(election=election).select_related("election", "constituency")]
        ceremony_services.open_ceremonies(election, {b.constituency_id: b.manifest for b in boards if b.manifest}, by=by)
    return boards


def adopt_ceremony(board: Board, *, by: AbstractBaseUser | None, ceremony_json: dict[str, Any] | None = None) -> Board:
    """Take the finished ceremony's transcript (from the ceremony app unless given), check it completely
    against the board's manifest, and keep it with the joint key K."""
    if ceremony_json is None:
        result = ceremony_selectors.ceremony_result(board.election, board.constituency)
        if result is None:
            raise EvotingError("step.out-of-order", "the key ceremony of this board has not finished")
        ceremony_json = result.ceremony_json
    with transaction.atomic():
        board = _locked(board)
        if board.state not in (Board.State.MANIFEST, Board.State.READY) or board.ceremony is not None:
            raise EvotingError("step.out-of-order", "the ceremony is adopted after the manifest, once")
        manifest = board_manifest(board)
        try:
            checked = check_transcript(manifest, jcs.loads(jcs.canonical(ceremony_json), "ceremony.json"))
        except (CryptoError, UnreadableInput) as error:
            raise EvotingError("step.out-of-order", f"the ceremony transcript does not verify: {error}") from error
        board.ceremony = ceremony_json
        board.joint_public_key = checked.joint_public_key.hex()
        board.ceremony_adopted_at = timezone.now()
        _ready(board)
        board.save()
        audit(board, "ceremony-adopted", {"joint_public_key": board.joint_public_key,
                                           "qualified": list(checked.qualified)}, by)
    return board


def _ready(board: Board) -> None:
    if board.ceremony is not None and board.credentials_frozen_at is not None:
        board.state = Board.State.READY


def enrolled_credentials(board: Board) -> tuple[list[str], int]:
    """(credential keys of the board's enrolled e-voters, number of entries marked "votes electronically")
    in the board's constituency: the applications applied to the list, reconciled with the list."""
    precincts = board.constituency.precincts.all()
    electronic = VoterListEntry.objects.filter(
        election=board.election, precinct__in=precincts, status=VoterListEntry.Status.LISTED,
        voting_mode=VoterListEntry.VotingMode.ELECTRONIC)
    citizens = set(electronic.values_list("citizen_id", flat=True))
    applications = Application.objects.filter(election=board.election, kind=Application.Kind.EVOTING,
                                              status__in=ENROLLED, citizen_id__in=citizens)
    found = dict(applications.values_list("citizen_id", "credential_public_key"))
    return [key for key in found.values() if key], len(citizens)


def freeze_credentials(board: Board, *, by: AbstractBaseUser | None) -> Board:
    """When enrolment has closed: sign the board's credential list with the commission's key, after checking
    that it has exactly one credential per voter marked "votes electronically" (docs/protocol.md 5)."""
    with transaction.atomic():
        board = _locked(board)
        if board.state not in (Board.State.MANIFEST, Board.State.READY) or board.credentials_frozen_at:
            raise EvotingError("step.out-of-order", "the list is frozen after the manifest, once")
        manifest = board_manifest(board)
        found, electronic = enrolled_credentials(board)
        if len(found) != electronic:
            raise EvotingError("step.out-of-order", f"{electronic} voters are marked to vote electronically in "
                               f"constituency {board.constituency.number} but {len(found)} of them enrolled a "
                               "credential: resolve the difference before freezing")
        points = []
        for key in found:
            try:
                points.append(Point.from_hex(key, "credential_public_key"))
            except CryptoError as error:
                raise EvotingError("step.out-of-order", f"an enrolled credential is not a valid key: {error}") from error
        commission = keys.commission_key()
        if commission.public != manifest.authorities.commission:
            raise EvotingError("step.out-of-order", "the commission's key file is not the key the manifest names")
        try:
            signed = credentials_core.sign_list(manifest, points, commission)
        except ValueError as error:
            raise EvotingError("step.out-of-order", str(error)) from error
        ListedCredential.objects.bulk_create(
            [ListedCredential(board=board, credential=encoding.hex()) for encoding in signed.encodings],
            batch_size=5000)
        board.credentials_count = len(signed)
        board.credentials_signature = signed.signature.hex()
        board.credentials_frozen_at = timezone.now()
        _ready(board)
        board.save()
        audit(board, "credentials-frozen", {"count": len(signed), "signature": board.credentials_signature}, by)
    return board


# --- the manifest, parsed once per process ---------------------------------------------------------------

_parsed: dict[tuple[int, str], tuple[Manifest, Point | None]] = {}
_parsed_lock = threading.Lock()


def _parse(board: Board) -> tuple[Manifest, Point | None]:
    cache_key = (board.pk, board.manifest_hash + board.joint_public_key)
    found = _parsed.get(cache_key)
    if found is None:
        manifest = manifest_from_json(board.manifest)
        key = Point.from_hex(board.joint_public_key) if board.joint_public_key else None
        found = (manifest, key)
        with _parsed_lock:
            _parsed[cache_key] = found
    return found


def board_manifest(board: Board) -> Manifest:
    # The hash is set with the manifest (fix_manifest): a board fetched without its manifest column
    # (the append's locked row) reads that column only when this process has not parsed it yet.
    if not board.manifest_hash:
        raise EvotingError("board.not-ready", "the board's manifest is not fixed yet")
    return _parse(board)[0]


def election_key(board: Board) -> Point:
    key = _parse(board)[1] if board.manifest_hash else None
    if key is None:
        raise EvotingError("board.not-ready", "the key ceremony has not been adopted yet")
    return key


# --- voters ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Voter:
    application_id: int
    credential: str
    listed: bool = False  # the credential is on the board's frozen, signed list
    entry_id: int | None = None  # the board's entry holding the ballot id asked about, if any


_precincts: dict[tuple[int, str, str], tuple[float, frozenset[int]]] = {}
PRECINCTS_TTL = 60.0  # seconds a process trusts its copy of a constituency's precincts


def _constituency_precincts(board: Board) -> frozenset[int]:
    key = (board.constituency_id, board.manifest_hash, str(board.created_at))  # a board, not a reused pk
    found = _precincts.get(key)
    if found is None or time.monotonic() - found[0] > PRECINCTS_TTL:
        found = (time.monotonic(), frozenset(Constituency.precincts.through.objects.filter(
            constituency_id=board.constituency_id).values_list("precinct_id", flat=True)))
        _precincts[key] = found
    return found[1]


# Every cast asks this: written out rather than built by the ORM, whose compiling of four subqueries cost
# more CPU than the database's running them (docs/evoting.md "Performance"). The voter's newest applied
# e-voting application of the election, its list entry (one per voter and election), whether its credential
# is on the board's list, and the board's entry holding a ballot id (NULL matches none). Scalar subqueries
# with LIMIT: index probes, which the planner cannot turn into a hash of the whole list or board.
_ENROLMENT_SQL = """
SELECT a.id, a.credential_public_key, e.precinct_id, e.voting_mode,
       (SELECT 1 FROM {listed} l WHERE l.board_id = %s AND l.credential = a.credential_public_key LIMIT 1) IS NOT NULL,
       (SELECT n.id FROM {entry} n WHERE n.board_id = %s AND n.ballot_id = %s ORDER BY n.position LIMIT 1)
FROM {application} a
LEFT JOIN {list_entry} e ON e.citizen_id = a.citizen_id AND e.election_id = a.election_id
WHERE a.election_id = %s AND a.pin = %s AND a.kind = %s AND a.status IN ({statuses})
ORDER BY a.id DESC
LIMIT 1
"""


@functools.cache
def _enrolment_sql() -> str:
    return _ENROLMENT_SQL.format(listed=ListedCredential._meta.db_table, entry=Entry._meta.db_table,
                                 application=Application._meta.db_table, list_entry=VoterListEntry._meta.db_table,
                                 statuses=", ".join(["%s"] * len(ENROLLED)))


def enrolled_voter(board: Board, pin: str | None, *, ballot_id: str | None = None) -> Voter:
    """The signed-in voter's enrolment on this board, or the refusal that says why not: an applied e-voting
    application with a credential, the list entry marked "votes electronically" in a precinct of the board's
    constituency, whether the credential is on the board's list and, given a ballot id, the board's entry
    holding it (one query)."""
    if not pin:
        raise EvotingError("voter.not-signed-in")
    rows = prepared.run(_enrolment_sql(), [board.pk, board.pk, ballot_id, board.election_id, pin,
                                           Application.Kind.EVOTING, *ENROLLED])
    if not rows or not rows[0][1]:
        raise EvotingError("voter.not-enrolled")
    application_id, credential, precinct_id, voting_mode, listed, entry_id = rows[0]
    if voting_mode != VoterListEntry.VotingMode.ELECTRONIC:
        raise EvotingError("voter.not-enrolled", "the voter list does not mark this voter as voting electronically")
    if precinct_id not in _constituency_precincts(board):
        raise EvotingError("voter.other-board", "the voter's precinct is in another constituency")
    return Voter(application_id, credential, bool(listed), entry_id)


# --- casting ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    receipt: dict[str, Any]
    stored: bool  # False: a retry of an entry already on the board (nothing stored again)
    verify_seconds: float = 0.0  # time spent in the ballot's cryptographic checks (Server-Timing)
    verify_cpu_seconds: float = 0.0  # the same, CPU time of the request's thread (steady on a busy machine)

    def as_json(self) -> dict[str, Any]:
        return {"receipt": self.receipt, "display_code": self.receipt["code"], "position": self.receipt["position"]}


def _open_board(board: Board, at: int) -> tuple[Manifest, Point]:
    if board.state in (Board.State.CLOSED, Board.State.TALLIED):
        raise EvotingError("polls.closed")
    if board.state != Board.State.READY:
        raise EvotingError("board.not-ready")
    manifest = board_manifest(board)
    if at < manifest.opens:
        raise EvotingError("polls.not-open")
    if at >= manifest.closes:
        raise EvotingError("polls.closed")
    return manifest, election_key(board)


def read_body(body: bytes, where: str) -> Any:
    if len(body) > settings.EVOTING_MAX_BODY_BYTES:
        raise EvotingError("body.too-large", f"at most {settings.EVOTING_MAX_BODY_BYTES} bytes")
    try:
        return jcs.loads(body, where, settings.EVOTING_MAX_BODY_BYTES)
    except UnreadableInput as error:
        raise EvotingError("body.unreadable", str(error)) from None
    except RecursionError:
        raise EvotingError("body.unreadable", "nested too deeply") from None


def _refusal(error: CryptoError) -> EvotingError:
    return EvotingError(CRYPTO_CODES.get(error.check or "", "ballot.schema"), str(error))


def _other_election(board: Board, data: Any) -> bool:
    """After a signature failed: is it a valid cast for another board (another election's Q)? Then the
    right answer is election.mismatch. Only boards whose contest ids are the ballot's are tried."""
    try:
        ballot_json, credential = data["ballot"], Point.from_hex(data["credential"])
        ids = [contest["contest_id"] for contest in ballot_json["contests"]]
        signed = bytes.fromhex(data["signature"])
    except (CryptoError, KeyError, TypeError, ValueError):
        return False
    others = (Board.objects.exclude(pk=board.pk).exclude(manifest__isnull=True)
              .only("pk", "manifest", "manifest_hash", "joint_public_key"))
    for other in others:
        manifest = board_manifest(other)
        if [c.contest_id for c in manifest.contests] != ids:
            continue
        tracking = tracking_hash(manifest.digest, ballot_json)
        try:
            signature.verify(credential, "cast", cast_parts(manifest.digest, tracking, credential), signed, "cast")
        except CryptoError:
            continue
        return True
    return False


def _ballot_id(data: Any) -> str | None:
    try:
        ballot_id = data["ballot"]["ballot_id"]
    except (KeyError, TypeError):
        return None
    return ballot_id if isinstance(ballot_id, str) and len(ballot_id) == 32 else None


_ENTRY_FIELDS = ("id", "board_id", "position", "kind", "time", "tracking", "ballot_id", "credential", "line", "head",
                 "receipt")


@functools.cache
def _entry_sql() -> str:
    # Ordered by position, not by Entry's default ordering, whose "board" would join the board, its election
    # and constituency.
    columns = ", ".join(Entry._meta.get_field(name).column for name in _ENTRY_FIELDS)
    return (f"SELECT {columns} FROM {Entry._meta.db_table} WHERE board_id = %s AND ballot_id = %s "  # noqa: S608
            "ORDER BY position LIMIT 1")


def _entry(board: Board, ballot_id: str) -> Entry | None:
    """The board's entry holding this ballot id (unique over the board), if any: a prepared statement (a
    request whose ballot another request's append took reads its entry back with it)."""
    rows = prepared.run(_entry_sql(), [board.pk, ballot_id])
    if not rows:
        return None
    values = list(rows[0])
    field = Entry._meta.get_field("receipt")
    for convert in connection.ops.get_db_converters(field.get_col(Entry._meta.db_table)) + field.get_db_converters(
            connection):
        values[-1] = convert(values[-1], field.get_col(Entry._meta.db_table), connection)
    return Entry.from_db(connection.alias, [Entry._meta.get_field(name).attname for name in _ENTRY_FIELDS], values)


def _is_pending(board: Board, ballot_id: str) -> bool:
    return bool(prepared.run(f"SELECT 1 FROM {Pending._meta.db_table} WHERE board_id = %s AND ballot_id = %s "  # noqa: S608
                             "LIMIT 1", [board.pk, ballot_id]))


def _same_entry(board: Board, ballot_id: str, tracking: str, credential: str, signed: str) -> Entry | None:
    """The entry already holding this ballot id when it is this very submission (a retry); raise
    ballot.replayed when the id is taken by anything else."""
    existing = _entry(board, ballot_id)
    if existing is None:
        return None
    if _is_cast(existing, tracking, credential, signed):
        return existing
    raise EvotingError("ballot.replayed", f"ballot id {ballot_id} is already on the board at position {existing.position}")


def _is_cast(entry: Entry, tracking: str, credential: str, signed: str) -> bool:
    """Whether the entry is this cast ballot (same body, credential and signature)."""
    return (entry.kind == Entry.Kind.BALLOT and entry.tracking == tracking and entry.credential == credential
            and jcs.loads(entry.line, "entry")["cast"]["signature"] == signed)


def cast(board: Board, body: bytes, *, pin: str | None, at: int | None = None) -> Answer:
    """Accept a cast ballot (the JSON of shailoo.crypto.ballot.cast_to_json) from the signed-in voter and
    append it; the same body again answers the same receipt and stores nothing."""
    at = now_ms() if at is None else at
    if not pin:
        raise EvotingError("voter.not-signed-in")
    # The body is read first so that the enrolment's query also finds the ballot id's entry; a body that
    # does not read is refused after the voter's and the polls' checks, as before.
    try:
        data, unreadable = read_body(body, "cast"), None
    except EvotingError as error:
        data, unreadable = None, error
    ballot_id = _ballot_id(data)
    voter = enrolled_voter(board, pin, ballot_id=ballot_id)
    manifest, key = _open_board(board, at)
    if unreadable is not None:
        raise unreadable
    if isinstance(data, dict) and isinstance(data.get("credential"), str) and data["credential"] != voter.credential:
        raise EvotingError("credential.not-yours")
    if isinstance(data, dict) and "ballot" in data and "signature" not in data:
        raise EvotingError("cast.signature", "the ballot is not signed with its credential")
    if ballot_id is not None and voter.entry_id is not None and isinstance(data, dict):
        # The id is on the board already: this very cast again (a retry) or a replay.
        try:
            tracking = manifest_tracking(manifest, data)
        except CryptoError as error:
            raise _refusal(error) from None
        existing = _same_entry(board, ballot_id, tracking, str(data.get("credential")), str(data.get("signature")))
        if existing is not None:
            return Answer(existing.receipt or {}, stored=False)
    listed = voter.listed
    started, started_cpu = time.perf_counter(), time.thread_time()
    try:
        accepted = chain.accept_cast(manifest, key, lambda encoding: listed and encoding.hex() == voter.credential, data)
    except CryptoError as error:
        refusal = _refusal(error)
        if refusal.code == "cast.signature" and _other_election(board, data):
            raise EvotingError("election.mismatch", "the ballot is signed for another election's manifest") from None
        if refusal.code == "ballot.schema" and _other_election(board, data):
            raise EvotingError("election.mismatch", "the ballot is another election's") from None
        raise refusal from None
    verify_seconds, verify_cpu_seconds = time.perf_counter() - started, time.thread_time() - started_cpu
    tracking, signed = accepted.tracking.hex(), accepted.signature.hex()
    answer = _submit(board, kind=Entry.Kind.BALLOT, ballot_id=accepted.ballot.ballot_id,
                     body=lambda: jcs.canonical(data),
                     application_id=voter.application_id,
                     same=lambda entry: _is_cast(entry, tracking, voter.credential, signed), parsed=accepted)
    return dataclasses.replace(answer, verify_seconds=verify_seconds, verify_cpu_seconds=verify_cpu_seconds)


def manifest_tracking(manifest: Manifest, data: dict[str, Any]) -> str:
    """Hb of a submitted ballot body (its canonical form), without checking anything else."""
    ballot_json = data.get("ballot")
    if not isinstance(ballot_json, dict):
        raise CryptoError("ballot must be an object", "cast", "board.schema")
    return tracking_hash(manifest.digest, ballot_json).hex()


def challenge(board: Board, body: bytes, *, pin: str | None, at: int | None = None) -> Answer:
    """Publish a ballot the voter checked (Benaloh, docs/protocol.md 7.4): ballot and opening verified; its id
    can never be cast after."""
    at = now_ms() if at is None else at
    enrolled_voter(board, pin)
    manifest, key = _open_board(board, at)
    data = read_body(body, "challenge")
    try:
        challenged = chain.accept_challenge(manifest, key, data)
    except CryptoError as error:
        raise _refusal(error) from None
    ballot_id, tracking = challenged.ballot.ballot_id, challenged.tracking.hex()

    def same(entry: Entry) -> bool:
        return entry.kind == Entry.Kind.CHALLENGE and entry.tracking == tracking

    existing = _entry(board, ballot_id)
    if existing is not None:
        if same(existing):
            return Answer(existing.receipt or {}, stored=False)
        raise EvotingError("ballot.replayed", f"ballot id {ballot_id} is already on the board")
    return _submit(board, kind=Entry.Kind.CHALLENGE, ballot_id=ballot_id, body=lambda: jcs.canonical(data),
                   application_id=None, same=same)


def chain_state(board: Board) -> chain.BoardState:
    return chain.BoardState(board.position, bytes.fromhex(board.head), board.last_time,
                            closed=board.state in (Board.State.CLOSED, Board.State.TALLIED))


#: Submissions appended in one transaction at most (a longer queue takes several).
APPEND_BATCH = 500
#: The board's columns an append reads or writes (manifest_hash and joint_public_key key the parsed manifest).
_APPEND_COLUMNS = ("state", "manifest_hash", "joint_public_key", "position", "head", "last_time", "ballots",
                   "challenges")


class _Waiting(NamedTuple):
    """A pending submission as the append reads it: with its voter's phone and language (for the SMS) and
    whether its ballot id is on the board already."""

    pk: int
    ballot_id: str
    kind: str
    body: str
    application_id: int | None
    phone: str | None
    language: str | None
    taken: bool


class _Own(NamedTuple):
    """The request's own verified submission, appended without a pending row when the lock is free: a cast
    ballot as parsed and verified (its canonical body is written only if it has to wait as pending), a
    challenge as its canonical body."""

    kind: str
    ballot_id: str
    body: str
    application_id: int | None
    parsed: Any = None


class _AppendSql(NamedTuple):
    lock: str
    try_lock: str
    pending: str
    own: str
    update: str
    delete: str


# The append's statements, written out: the ORM's compiling of them cost more CPU than the database's
# running them (docs/evoting.md "Performance"). The lock takes the board row alone: a join would lock the
# election's and constituency's rows too (FOR UPDATE covers joined rows), serialising every board of the
# election; and only the columns the append reads (not the manifest, parsed once per process, nor the
# ceremony's transcript).
@functools.cache
def _append_sql() -> _AppendSql:
    board, pending, entry = Board._meta.db_table, Pending._meta.db_table, Entry._meta.db_table
    application = Application._meta.db_table
    features = connection.features
    lock = " FOR UPDATE" if features.has_select_for_update else ""
    # SKIP LOCKED: no row when another append holds the lock (SQLite serialises its writers anyway).
    try_lock = " FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else lock
    taken = (f"(SELECT 1 FROM {entry} n WHERE n.board_id = %s AND n.ballot_id = %s AND n.ballot_id <> '' "  # noqa: S608
             "LIMIT 1) IS NOT NULL")
    return _AppendSql(
        lock=f"SELECT id, {', '.join(_APPEND_COLUMNS)} FROM {board} WHERE id = %s{lock}",  # noqa: S608
        try_lock=f"SELECT id, {', '.join(_APPEND_COLUMNS)} FROM {board} WHERE id = %s{try_lock}",  # noqa: S608
        own=(f"SELECT {taken}, (SELECT a.phone FROM {application} a WHERE a.id = %s), "  # noqa: S608
             f"(SELECT a.language FROM {application} a WHERE a.id = %s)"),
        # Scalar subqueries, each an index probe per pending row: as a join or EXISTS, the planner may hash
        # the whole entry (or application) table instead, when its statistics of the churning pending
        # table are stale.
        pending=(f"SELECT p.id, p.ballot_id, p.kind, p.body, p.application_id, "  # noqa: S608
                 f"(SELECT a.phone FROM {application} a WHERE a.id = p.application_id), "
                 f"(SELECT a.language FROM {application} a WHERE a.id = p.application_id), "
                 # ballot_id <> '': the condition of the unique index on (board, ballot_id)
                 f"(SELECT 1 FROM {entry} n WHERE n.board_id = p.board_id AND n.ballot_id = p.ballot_id "
                 f"AND n.ballot_id <> '' LIMIT 1) IS NOT NULL FROM {pending} p WHERE p.board_id = %s "
                 "ORDER BY p.id LIMIT %s"),
        update=(f"UPDATE {board} SET position = %s, head = %s, last_time = %s, ballots = %s, "  # noqa: S608
                "challenges = %s WHERE id = %s"),
        delete=f"DELETE FROM {pending} WHERE id IN ",  # noqa: S608
    )


def _delete_pending(keys: list[int]) -> None:
    if keys:
        prepared.run(_append_sql().delete + f"({', '.join(['%s'] * len(keys))})", keys, rows=False)


#: The cast ballots this process verified and is appending, by (board, ballot id): (canonical body, the
#: parsed CastBallot). The append that takes them (the request's own, usually) uses the parsed ballot
#: instead of parsing the body again; a pending body from another process is parsed as always.
_verified: dict[tuple[int, str], tuple[str, Any]] = {}


def _pend(board: Board, *, kind: str, ballot_id: str, body: str, application_id: int | None) -> None:
    """Commit a verified submission as pending; nothing when its ballot id is pending already (a retry
    racing its first attempt, or a replay: the request compares after the append). On PostgreSQL the
    commit does not wait for the WAL flush: nothing has been answered for it yet, and the append that
    answers commits synchronously, flushing the WAL up to it, pending row included (docs/evoting.md)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        prepared.insert([Pending(board=board, ballot_id=ballot_id, kind=kind, body=body,
                                 application_id=application_id)], ignore_conflicts=True)


def _submit(board: Board, *, kind: str, ballot_id: str, body: Callable[[], bytes], application_id: int | None,
            same: Any, parsed: Any = None) -> Answer:
    """Group commit (docs/evoting.md): commit the verified submission as pending, then take the board's lock
    and append every pending submission of the board, ours among them unless another request's append took
    it already; answer our entry's receipt once it is committed. ``same(entry)`` says whether an entry with
    our ballot id is this very submission (a retry) rather than another one (a replay)."""
    if keys.board_key().public != board_manifest(board).authorities.board:
        raise EvotingError("board.not-ready", "the board's key file is not the key the manifest names")
    own = _Own(kind, ballot_id, "" if parsed is not None else body().decode(), application_id, parsed)
    try:
        # When no other request holds the board's lock, append right away, after whatever is pending: no
        # pending row to write, commit and delete. Otherwise join that request's group commit.
        appended = _append(board, own=own)
        if appended is None:
            text = own.body or body().decode()
            if parsed is not None:
                _verified[(board.pk, ballot_id)] = (text, parsed)
            _pend(board, kind=kind, ballot_id=ballot_id, body=text, application_id=application_id)
            appended = _append(board) or []
        # Our entry, when this request's own append took it (the usual case): no query to read it back; it
        # is committed, since _append returns after its transaction.
        entry: Entry | None = next((e for e in appended if e.ballot_id == ballot_id), None)
    finally:
        _verified.pop((board.pk, ballot_id), None)
    for _ in range(1000):
        entry = entry or _entry(board, ballot_id)
        if entry is None and not _is_pending(board, ballot_id):
            entry = _entry(board, ballot_id)
            if entry is None:
                raise EvotingError("polls.closed", "the polls closed before the ballot could be appended")
        if entry is not None:
            if not same(entry):
                raise EvotingError("ballot.replayed", f"ballot id {ballot_id} is already on the board at position "
                                   f"{entry.position}")
            return Answer(entry.receipt or {}, stored=True)
        entry = next((e for e in _append(board) or [] if e.ballot_id == ballot_id), None)
    raise EvotingError("board.not-ready", "the board is too busy; send the same ballot again")  # pragma: no cover


def append_pending(board: Board) -> int:
    """Append the board's pending submissions (up to APPEND_BATCH, in arrival order) under the board row's
    lock: the entries, their heads and receipts, the new head and the confirmation SMS in one transaction.
    Pending submissions that can no longer be appended (the polls closed) are dropped: their requests answer
    polls.closed. Returns the number appended."""
    return len(_append(board) or [])


def _append(board: Board, own: _Own | None = None) -> list[Entry] | None:
    """append_pending's work; returns the entries appended (committed once it returns, unless the caller
    holds a transaction of its own). With ``own``, a verified submission that is not pending: appended
    after the pending ones, unless its ballot id is taken; None (nothing done) when another append holds
    the board's lock."""
    with transaction.atomic():
        sql = _append_sql()
        rows = prepared.run(sql.lock if own is None else sql.try_lock, [board.pk])
        if not rows:
            return None
        locked = Board.from_db(connection.alias, ["id", *_APPEND_COLUMNS], rows[0])
        pending = [_Waiting(*row) for row in prepared.run(sql.pending, [locked.pk, APPEND_BATCH])]
        if own is not None:
            ((taken_, phone, language),) = prepared.run(sql.own, [locked.pk, own.ballot_id, own.application_id,
                                                                  own.application_id])
            pending.append(_Waiting(0, own.ballot_id, own.kind, own.body, own.application_id, phone, language,
                                    bool(taken_)))
        if not pending:
            return []
        manifest = board_manifest(locked)
        time_ = max(now_ms(), locked.last_time)
        if locked.state != Board.State.READY or time_ >= manifest.closes:
            _delete_pending([item.pk for item in pending if item.pk])
            return []
        taken = {item.ballot_id for item in pending if item.taken}
        state, board_key = chain_state(locked), keys.board_key()
        entries, confirmations = [], []
        for item in pending:
            if item.ballot_id in taken:
                continue  # a retry or a replay of an appended ballot: its request compares and answers
            if item.kind == Entry.Kind.BALLOT:
                verified = _verified.get((locked.pk, item.ballot_id))
                if own is not None and not item.pk and own.parsed is not None:
                    cast_ = own.parsed  # this request's own ballot, verified a moment ago
                elif verified is not None and verified[0] == item.body:
                    cast_ = verified[1]
                else:
                    cast_ = cast_from_json(manifest, jcs.loads(item.body, "pending"), "pending")
                appended = chain.append_ballot(manifest, state, cast_, time_, board_key)
                credential, tracking = cast_.credential.hex(), cast_.tracking.hex()
                locked.ballots += 1
                if item.application_id is not None:
                    confirmations.append(_confirmation(item.phone, item.language, appended.receipt))
            else:
                data = jcs.loads(item.body, "pending")
                challenged = chain.ChallengedBallot(ballot_from_json(data["ballot"], "pending"),
                                                    tracking_hash(manifest.digest, data["ballot"]),
                                                    opening_from_json(data["opening"], "pending"))
                appended = chain.append_challenge(manifest, state, challenged, time_, board_key)
                credential, tracking = "", challenged.tracking.hex()
                locked.challenges += 1
            taken.add(item.ballot_id)
            state = appended.state
            entries.append(Entry(board_id=locked.pk, position=state.position, kind=item.kind, time=time_, tracking=tracking,
                                 ballot_id=item.ballot_id, credential=credential,
                                 line=record.dumps_line(appended.entry).rstrip("\n"), head=state.head.hex(),
                                 receipt=appended.receipt))
        prepared.insert(entries)
        _delete_pending([item.pk for item in pending if item.pk])
        # One UPDATE of the head (not save(): Board's post_save receivers have nothing to do with an append).
        prepared.run(sql.update, [state.position, state.head.hex(), state.time, locked.ballots, locked.challenges,
                                  locked.pk], rows=False)
        queue_sms_batch([message for message in confirmations if message is not None])
    return entries


SMS_TEXTS = {
    "ky": "Shailoo: {time} убакта электрондук бюллетениңиз кабыл алынды. Код: {code}. Кайра добуш берсеңиз, "
          "акыркысы эсептелет.",
    "ru": "Shailoo: ваш электронный бюллетень принят в {time}. Код: {code}. Если проголосуете снова, "
          "засчитается последний.",
}


def short_code(receipt: dict[str, Any]) -> str:
    """The first two groups of the displayed code (enough to tell one's ballots apart on the board)."""
    return "-".join(str(receipt["code"]).split("-")[:2])


def _confirmation(phone: str | None, language: str | None, receipt: dict[str, Any]) -> Sms | None:
    """The SMS that confirms a cast ballot (none without a phone): the time and the short code, never the
    choice; deduplicated on the board and position."""
    if not phone:
        return None
    moment = dt.datetime.fromtimestamp(receipt["time"] / 1000, tz=BISHKEK)
    text = SMS_TEXTS.get(language or "ky", SMS_TEXTS["ky"]).format(
        time=moment.strftime("%H:%M %d.%m.%Y"), code=short_code(receipt))
    return Sms(to=phone, text=text, dedup_key=f"evote:{receipt['manifest_hash'][:32]}:{receipt['position']}")

