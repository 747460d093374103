# SPDX-License-Identifier: Apache-2.0
"""Entering, accepting and changing protocols; the scan; lots; the e-vote's count (docs/results.md).

Every change runs in one transaction with its audit entry and the recomputed publication of its election:
a refusal leaves nothing behind."""
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.cabinet.scans import InvalidScan, read_scan
from shailoo.elections.models import Constituency, Election
from shailoo.register.models import VoterListEntry
from shailoo.results import publication
from shailoo.results.models import ElectronicCount, Lot, Protocol, ProtocolChange, ProtocolEntry
from shailoo.rules import protocol as rules
from shailoo.rules.protocol import Failure
from shailoo.staff.models import StaffAssignment
from shailoo.staff.scope import OutOfScope

LINES = [line.value for line in rules.Line if line is not rules.Line.AGAINST_ALL]


@dataclass
class ProtocolRefused(Exception):
    code: str
    message: dict[str, str]
    failures: list[Failure] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message["en"]


def _refused(code: str, ky: str, ru: str, en: str) -> ProtocolRefused:
    return ProtocolRefused(code, {"ky": ky, "ru": ru, "en": en})


# ---------------------------------------------------------------------------------------------------
# Figures: the JSON form of a protocol ({"valid": 700, ..., "against_all": null, "votes": {"12": 650}})


def to_rules(figures: dict) -> rules.Protocol:
    return rules.Protocol(
        **{line: int(figures[line]) for line in LINES},
        votes={int(option): int(count) for option, count in figures.get("votes", {}).items()},
        against_all=None if figures.get("against_all") is None else int(figures["against_all"]),
    )


def to_figures(protocol: rules.Protocol) -> dict:
    return {
        **{line: getattr(protocol, line) for line in LINES},
        "against_all": protocol.against_all,
        "votes": {str(option): count for option, count in sorted(protocol.votes.items())},
    }


def line_label(name: str) -> str:
    """A line's name in the page's language ("cancelled" → "ballots cancelled")."""
    from django.utils.translation import get_language

    language = (get_language() or "ky")[:2]
    try:
        names = rules.LINE_NAMES[rules.Line(name)]
    except ValueError:
        return name
    label = names.get(language, names["en"])
    return label[:1].upper() + label[1:]


def is_list_election(election: Election) -> bool:
    return election.kenesh.kind == "city"


def options_of(constituency: Constituency) -> list:
    """What the ballot offers, in ballot order: the candidates standing, or the party lists."""
    election = constituency.election
    if is_list_election(election):
        return list(election.party_lists.order_by("ballot_order"))
    return list(constituency.candidates.filter(withdrawal__isnull=True).order_by("ballot_order"))


def marks_allowed(constituency: Constituency) -> int:
    if is_list_election(constituency.election):
        return 1
    return constituency.max_marks or constituency.seats


def against_all_on_ballot(election: Election) -> bool:
    rules_row = getattr(election, "result_rules", None)
    return bool(rules_row and rules_row.against_all)


def compiled_list(protocol: Protocol) -> int | None:
    """Voters the compiled list holds for this precinct on paper; None when no list was compiled."""
    entries = VoterListEntry.objects.filter(election_id=protocol.constituency.election_id)
    if not entries.exists():
        return None
    return entries.filter(
        precinct_id=protocol.precinct_id, status=VoterListEntry.Status.LISTED,
        voting_mode=VoterListEntry.VotingMode.PAPER,
    ).count()


def check(protocol: Protocol, figures: rules.Protocol) -> list[Failure]:
    constituency = protocol.constituency
    return rules.check(
        figures, options=frozenset(option.pk for option in options_of(constituency)),
        marks_allowed=marks_allowed(constituency), against_all=against_all_on_ballot(constituency.election),
        compiled_list=compiled_list(protocol),
    )


# ---------------------------------------------------------------------------------------------------
# Who may


def _is_precinct_member(user: AbstractBaseUser, protocol: Protocol) -> bool:
    return StaffAssignment.objects.filter(
        user=user, role=StaffAssignment.Role.PRECINCT, precinct_id=protocol.precinct_id).exists()


def _is_territorial_for(user: AbstractBaseUser, district_id: int) -> bool:
    return StaffAssignment.objects.filter(
        user=user, role=StaffAssignment.Role.TERRITORIAL, district_id=district_id).exists()


def may_enter(user: AbstractBaseUser, protocol: Protocol) -> bool:
    return user.is_authenticated and _is_precinct_member(user, protocol)


def may_decide(user: AbstractBaseUser, protocol: Protocol) -> bool:
    return user.is_authenticated and _is_territorial_for(user, protocol.precinct.municipality.district_id)


def may_record_lot(user: AbstractBaseUser, election: Election) -> bool:
    """The territorial commission of the kenesh's district, or the CEC."""
    if not user.is_authenticated:
        return False
    district_id = election.kenesh.territory.district_id
    return StaffAssignment.objects.filter(user=user).filter(
        Q(role=StaffAssignment.Role.CEC_ADMIN) | Q(role=StaffAssignment.Role.TERRITORIAL, district_id=district_id)
    ).exists()


# ---------------------------------------------------------------------------------------------------
# Entering and accepting


@dataclass(frozen=True)
class EntryOutcome:
    state: str
    differences: list[str]


def latest_entries(protocol: Protocol) -> list[ProtocolEntry]:
    """Each member's newest entry, newest first."""
    seen: set[int] = set()
    newest = []
    for entry in protocol.entries.order_by("-entered_at", "-pk"):
        if entry.entered_by_id not in seen:
            seen.add(entry.entered_by_id)
            newest.append(entry)
    return newest


def current_differences(protocol: Protocol) -> list[str]:
    newest = latest_entries(protocol)
    if len(newest) < 2:
        return []
    return rules.differences(to_rules(newest[1].figures), to_rules(newest[0].figures))


def enter_protocol(protocol: Protocol, figures: rules.Protocol, *, by: AbstractBaseUser) -> EntryOutcome:
    """One member's entry; accepted when it agrees with another member's newest entry."""
    if not may_enter(by, protocol):
        raise OutOfScope(f"precinct {protocol.precinct.number} is not this member's precinct")
    failures = check(protocol, figures)
    if failures:
        raise ProtocolRefused("control", {
            language: " ".join(failure.message[language] for failure in failures) for language in ("ky", "ru", "en")
        }, failures)
    with transaction.atomic():
        locked = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if locked.state == Protocol.State.ACCEPTED:
            raise _refused(
                "accepted",
                "Протокол кабыл алынган: аны аймактык комиссиянын чечими менен гана өзгөртүүгө болот.",
                "Протокол принят: изменить его можно только решением территориальной комиссии.",
                "The protocol is accepted: only the territorial commission's decision can change it.",
            )
        stored = to_figures(figures)
        entry = ProtocolEntry.objects.create(protocol=locked, entered_by=by, figures=stored)
        record_event(kind=AuditKind.PROTOCOL_ENTERED, actor=by, subject=f"protocol:{locked.pk}",
                     payload={"protocol": locked.pk, "entry": entry.pk, "figures": stored})
        others = [e for e in latest_entries(locked) if e.entered_by_id != by.pk]
        agreeing = [e for e in others if e.figures == stored]
        if agreeing:
            locked.state, locked.figures, locked.accepted_at = Protocol.State.ACCEPTED, stored, timezone.now()
            locked.save(update_fields=["state", "figures", "accepted_at"])
            record_event(kind=AuditKind.PROTOCOL_ACCEPTED, actor=by, subject=f"protocol:{locked.pk}",
                         payload={"protocol": locked.pk, "entries": [agreeing[0].pk, entry.pk], "figures": stored})
            publication.recompute(locked.constituency.election)
            outcome = EntryOutcome(locked.state, [])
        else:
            locked.state = Protocol.State.MISMATCH if others else Protocol.State.AWAITING_SECOND
            locked.save(update_fields=["state"])
            diff = rules.differences(to_rules(others[0].figures), figures) if others else []
            outcome = EntryOutcome(locked.state, diff)
    protocol.refresh_from_db()
    return outcome


def change_protocol(protocol: Protocol, figures: rules.Protocol, *, by: AbstractBaseUser, decision: str,
                    reason: str) -> ProtocolChange:
    """An accepted protocol changed by the territorial commission's decision, with its reason."""
    if not may_decide(by, protocol):
        raise OutOfScope("only the territorial commission of the precinct's district changes an accepted protocol")
    if not decision.strip() or not reason.strip():
        raise _refused(
            "decision_needed",
            "Өзгөртүү үчүн чечимдин номери жана себеби керек.",
            "Для изменения нужны номер решения и причина.",
            "A change needs the decision's number and its reason.",
        )
    failures = check(protocol, figures)
    if failures:
        raise ProtocolRefused("control", {
            language: " ".join(failure.message[language] for failure in failures) for language in ("ky", "ru", "en")
        }, failures)
    with transaction.atomic():
        locked = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if locked.state != Protocol.State.ACCEPTED:
            raise _refused(
                "not_accepted",
                "Протокол али кабыл алына элек: аны эки мүчө киргизет.",
                "Протокол ещё не принят: его вводят два члена комиссии.",
                "The protocol is not accepted yet: two members enter it.",
            )
        before, after = locked.figures, to_figures(figures)
        change = ProtocolChange.objects.create(
            protocol=locked, decided_by=by, decision=decision.strip(), reason=reason.strip(), before=before, after=after)
        locked.figures, locked.changed_at = after, timezone.now()
        locked.save(update_fields=["figures", "changed_at"])
        record_event(kind=AuditKind.PROTOCOL_CHANGED, actor=by, subject=f"protocol:{locked.pk}", payload={
            "protocol": locked.pk, "decision": change.decision, "reason": change.reason, "before": before, "after": after})
        publication.recompute(locked.constituency.election)
    protocol.refresh_from_db()
    return change


# ---------------------------------------------------------------------------------------------------
# The scan of the signed paper protocol, published beside it


def scan_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "protocols"


def scan_path(protocol: Protocol) -> Path | None:
    if not protocol.scan_name:
        return None
    root = scan_root().resolve()
    path = (root / protocol.scan_name).resolve()
    return path if root in path.parents and path.exists() else None


def upload_scan(protocol: Protocol, upload: IO[bytes], *, by: AbstractBaseUser) -> None:
    """The signed paper protocol as a PDF, JPEG or PNG (told by its content); replaces an earlier scan."""
    if not (may_enter(by, protocol) or may_decide(by, protocol)):
        raise OutOfScope(f"precinct {protocol.precinct.number} is not in this member's scope")
    data, content_type, extension = read_scan(upload)  # InvalidScan names what is wrong
    name = f"{protocol.constituency.election_id}/{secrets.token_hex(16)}{extension}"
    path = scan_root() / name
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with transaction.atomic():
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        Protocol.objects.filter(pk=protocol.pk).update(scan_name=name, scan_type=content_type, scan_sha256=digest)
        record_event(kind=AuditKind.PROTOCOL_SCAN, actor=by, subject=f"protocol:{protocol.pk}",
                     payload={"protocol": protocol.pk, "sha256": digest, "content_type": content_type})
        publication.recompute(protocol.constituency.election)
    protocol.refresh_from_db()


__all__ = ["InvalidScan", "OutOfScope", "ProtocolRefused"]


# ---------------------------------------------------------------------------------------------------
# Lots


def record_lot(election: Election, *, constituency: Constituency | None, order: list[int], drawn_by: str,
               drawn_at: dt.datetime, by: AbstractBaseUser) -> Lot:
    """The order a lot gave between tied candidates (or lists); it must be the tie the results wait for."""
    if not may_record_lot(by, election):
        raise OutOfScope("only the territorial commission of the kenesh or the CEC records a lot")
    waiting = publication.lots_needed(election)
    key = constituency.number if constituency else None
    match = [need for need in waiting if need["constituency"] == key and sorted(order) == need["between"]]
    if not match or len(set(order)) != len(order):
        raise _refused(
            "no_such_tie",
            "Бул талапкерлердин ортосунда чечилбеген теңдик жок.",
            "Между этими кандидатами нет ожидающей жеребьёвки ничьей.",
            "No tie waits for a lot between these.",
        )
    if not drawn_by.strip():
        raise _refused("drawn_by", "Ким чүчүкулак тартканын жазыңыз.", "Укажите, кто тянул жребий.",
                       "Say who drew the lot.")
    with transaction.atomic():
        lot = Lot.objects.create(election=election, constituency=constituency, purpose=match[0]["purpose"],
                                 between=sorted(order), order=list(order), drawn_by=drawn_by.strip(),
                                 drawn_at=drawn_at, recorded_by=by)
        record_event(kind=AuditKind.LOT_RECORDED, actor=by, subject=f"election:{election.slug}", payload={
            "election": election.slug, "constituency": key, "between": lot.between, "order": lot.order,
            "drawn_by": lot.drawn_by, "drawn_at": drawn_at.isoformat()})
        publication.recompute(election)
    return lot


# ---------------------------------------------------------------------------------------------------
# The e-vote


def count_evote(constituency: Constituency, *, ballots: int, votes: dict[int, int], against_all: int | None,
                source: str, sha256: str = "", by: AbstractBaseUser | None = None) -> ElectronicCount:
    """The e-vote's totals of one constituency (from a verified record), as its own counting unit."""
    known = {option.pk for option in options_of(constituency)}
    unknown = sorted(set(votes) - known)
    if unknown:
        raise ValueError(f"the record counts options that are not on this constituency's ballot: {unknown}")
    with transaction.atomic():
        count, _ = ElectronicCount.objects.update_or_create(constituency=constituency, defaults={
            "ballots": ballots, "votes": {str(k): v for k, v in sorted(votes.items())}, "against_all": against_all,
            "source": source, "record_sha256": sha256})
        record_event(kind=AuditKind.EVOTE_COUNTED, actor=by, subject=f"constituency:{constituency.pk}", payload={
            "election": constituency.election.slug, "constituency": constituency.number, "ballots": ballots,
            "source": source, "sha256": sha256})
        publication.recompute(constituency.election)
    return count
