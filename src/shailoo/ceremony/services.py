# SPDX-License-Identifier: Apache-2.0
"""What changes the ceremony's state: naming the holders and the quorum, one-time codes, registration,
opening each board's ceremony (called by evoting), a new attempt, and the relay's acceptance of a message.

The relay is untrusted by design (docs/protocol.md 0): each holder's program checks every message itself.
The server still checks each message with shailoo.crypto as it arrives, so that a bad message is refused
with its check code at once and the stored transcript is always one a verifier accepts."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.ceremony.models import Ceremony, KeyHolder, Message, Quorum
from shailoo.crypto import ceremony as c
from shailoo.crypto import jcs
from shailoo.crypto.errors import CryptoError, check_code
from shailoo.crypto.group import Point
from shailoo.crypto.jcs import UnreadableInput
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.transcript import check_transcript, transcript_json
from shailoo.elections.models import Election
from shailoo.staff.models import StaffAssignment

#: The largest ceremony message the relay reads: 64 holders' encrypted shares fit well within it.
MAX_MESSAGE_BYTES = 256 * 1024
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32, as the recovery codes (protocol 5)
CODE_LETTERS = 20  # 100 bits: not guessable, short enough to read out over the phone
KINDS = {c.KEY: Message.Round.KEYS, c.SHARES: Message.Round.SHARES, c.CHECK: Message.Round.CHECKS,
         c.FINAL: Message.Round.FINALS}
KIND_OF_ROUND = {number: kind for kind, number in KINDS.items()}

_TEXTS = {
    "ceremony": ("Ачкычтар аземинин билдирүүсү текшерүүдөн өткөн жок", "Сообщение церемонии ключей не прошло проверку"),
    "register": ("Ачкыч ээсин каттоо мүмкүн эмес", "Регистрация держателя ключа невозможна"),
    "election": ("Мындай шайлоо жок", "Таких выборов нет"),
    "board": ("Мындай округдун аземи жок", "Церемонии для такого округа нет"),
    "body": ("Суроо-талап окулбай калды", "Запрос не удалось прочитать"),
}


class CeremonyRefused(Exception):
    """A refusal with the check code of docs/protocol.md (or of registration), an HTTP status and what is wrong."""

    def __init__(self, code: str, what: str, status: int = 400) -> None:
        super().__init__(f"[{code}] {what}")
        self.code, self.what, self.status = code, what, status

    def messages(self) -> dict[str, str]:
        ky, ru = _TEXTS.get(self.code.split(".")[0], _TEXTS["body"])
        return {"ky": f"{ky}: {self.code}", "ru": f"{ru}: {self.code}", "en": self.what}


def board_id(ceremony: Ceremony) -> str:
    return f"{ceremony.election.slug}/{ceremony.constituency.number}"


def hash_code(code: str) -> str:
    """Codes are typed by people: case, spaces and hyphens do not matter; O is 0, I and L are 1."""
    normal = code.upper().replace("-", "").replace(" ", "").replace("O", "0").replace("I", "1").replace("L", "1")
    return hashlib.sha256(f"shailoo/keyholder-code/{normal}".encode()).hexdigest()


def _opened(election: Election) -> bool:
    return Ceremony.objects.filter(election=election).exists()


# The commission -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HolderEntry:
    name: str
    user: AbstractBaseUser | None = None


#: The roles of commission members (a call-centre operator is not one).
COMMISSION_ROLES = (StaffAssignment.Role.CEC_ADMIN, StaffAssignment.Role.TERRITORIAL, StaffAssignment.Role.PRECINCT)


def can_hold_a_key(user: AbstractBaseUser) -> bool:
    """A holder's login is a commission member's own, active, with a confirmed second factor (TOTP)."""
    return (user.is_active and StaffAssignment.objects.filter(user=user, role__in=COMMISSION_ROLES).exists()
            and TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def name_holders(election: Election, entries: Sequence[HolderEntry], quorum: int, *,
                 by: AbstractBaseUser | None) -> list[KeyHolder]:
    """Name the election's holders 1..n in this order and the quorum k. Only before any ceremony opened
    (the manifests fix the keys); a holder kept at the same place keeps their registration. A holder named
    with a login must be a commission member with a second factor (`can_hold_a_key`)."""
    n = len(entries)
    if not 1 <= n <= 64:
        raise CeremonyRefused("register.holders", "an election has 1 to 64 key holders")
    if not 1 <= quorum <= n:
        raise CeremonyRefused("register.quorum", f"the quorum must be between 1 and {n}")
    users = [entry.user.pk for entry in entries if entry.user is not None]
    if len(users) != len(set(users)):
        raise CeremonyRefused("register.holders", "a login is named twice: each holder has their own")
    for entry in entries:
        if entry.user is not None and not can_hold_a_key(entry.user):
            raise CeremonyRefused("register.holder-account", f"{entry.user} is not a commission member with an "
                                  "active login and a confirmed second factor")
    if _opened(election):
        raise CeremonyRefused("register.closed", "the ceremony has opened: the holders are fixed", 409)
    with transaction.atomic():
        KeyHolder.objects.filter(election=election, index__gt=n).delete()
        holders = []
        for index, entry in enumerate(entries, start=1):
            holder, created = KeyHolder.objects.get_or_create(
                election=election, index=index, defaults={"name": entry.name, "user": entry.user})
            if not created and (holder.name, holder.user_id) != (entry.name, getattr(entry.user, "pk", None)):
                holder.name, holder.user = entry.name, entry.user
                holder.public_key, holder.code_hash, holder.registered_at, holder.code_issued_at = "", "", None, None
                try:
                    with transaction.atomic():
                        holder.save()
                except IntegrityError as error:
                    raise CeremonyRefused("register.holders", f"user {entry.user} is named twice") from error
            holders.append(holder)
        Quorum.objects.update_or_create(election=election, defaults={"k": quorum})
        record_event(kind=AuditKind.CEREMONY_HOLDERS, actor=by, subject=f"election:{election.slug}",
                     payload={"election": election.slug, "quorum": quorum,
                              "holders": [{"index": h.index, "name": h.name, "user": h.user_id} for h in holders]})
    return holders


def issue_code(holder: KeyHolder, *, by: AbstractBaseUser | None) -> str:
    """A fresh one-time code for a holder who has not registered; only its hash is stored. The caller
    shows it once (it cannot be shown again)."""
    if holder.registered_at is not None:
        raise CeremonyRefused("register.code-used", f"holder {holder.index} has already registered", 409)
    if _opened(holder.election):
        raise CeremonyRefused("register.closed", "the ceremony has opened: the holders are fixed", 409)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LETTERS))
    with transaction.atomic():
        holder.code_hash = hash_code(code)
        holder.code_issued_at = timezone.now()
        holder.save(update_fields=["code_hash", "code_issued_at"])
        record_event(kind=AuditKind.CEREMONY_CODE, actor=by, subject=f"election:{holder.election.slug}",
                     payload={"election": holder.election.slug, "holder": holder.index})
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def register_holder(slug: str, code: str, public_key: str) -> tuple[KeyHolder, bool]:
    """The holder's program sends its long-term public key with the one-time code. Returns the holder and
    whether this call registered it (False: the same registration again, answered the same)."""
    election = Election.objects.filter(slug=slug).first()
    if election is None:
        raise CeremonyRefused("election.unknown", f"no election {slug!r}", 404)
    try:
        key = Point.from_hex(public_key)
        if key.is_identity():
            raise ValueError("the identity")
    except (CryptoError, ValueError, TypeError) as error:
        raise CeremonyRefused("register.key", "public_key is not a valid ristretto255 key (64 hex)") from error
    with transaction.atomic():
        holder = (KeyHolder.objects.select_for_update().select_related("election")
                  .filter(election=election, code_hash=hash_code(code)).first() if code else None)
        if holder is None:
            raise CeremonyRefused("register.code", "this code is not a registration code of this election", 403)
        if holder.registered_at is not None:
            if holder.public_key == key.hex():
                return holder, False
            raise CeremonyRefused("register.code-used", "this code has already been used: ask the commission "
                                  "for a new one if you did not use it", 409)
        if _opened(election):
            raise CeremonyRefused("register.closed", "the ceremony has opened: registration is closed", 409)
        if KeyHolder.objects.filter(election=election, public_key=key.hex()).exists():
            raise CeremonyRefused("register.key-taken", "another holder registered this key", 409)
        holder.public_key, holder.registered_at = key.hex(), timezone.now()
        holder.save(update_fields=["public_key", "registered_at"])
        record_event(kind=AuditKind.CEREMONY_REGISTERED, actor=holder.user, subject=f"election:{slug}",
                     payload={"election": slug, "holder": holder.index, "public_key": key.hex()})
    return holder, True


# Opening (called by evoting) -------------------------------------------------------------------------

def open_ceremonies(election: Election, manifests: dict[int, dict[str, Any]], *, by: AbstractBaseUser | None) -> None:
    """constituency pk -> manifest.json: start attempt 1 of each board's ceremony. The manifest must name
    the election's registered holders in order and its quorum. Opening the same manifest again changes
    nothing; another manifest replaces it only while no holder has sent a message."""
    keys = [h.public_key for h in KeyHolder.objects.filter(election=election).order_by("index")]
    k = Quorum.objects.filter(election=election).values_list("k", flat=True).first()
    if not keys or "" in keys or k is None:
        raise CeremonyRefused("register.incomplete", "every key holder must register and the quorum be set first", 409)
    with transaction.atomic():
        for pk, data in manifests.items():
            constituency = election.constituencies.get(pk=pk)
            try:
                manifest = manifest_from_json(data)
            except CryptoError as error:
                raise CeremonyRefused(error.check or "manifest.schema", f"manifest of {pk}: {error}") from error
            if [key.hex() for key in manifest.authorities.holders] != keys or manifest.quorum != k:
                raise CeremonyRefused("manifest.authority-key", "the manifest must name the election's registered "
                                      "key holders in order and its quorum")
            if manifest.election_id != f"{election.slug}/{constituency.number}":
                raise CeremonyRefused("manifest.ids", f"election_id must be {election.slug}/{constituency.number}")
            digest = manifest.digest.hex()
            existing = Ceremony.objects.select_for_update().filter(constituency=constituency).first()
            if existing is not None:
                if existing.manifest_hash == digest:
                    continue
                if existing.messages.exists():
                    raise CeremonyRefused("ceremony.opened", f"the ceremony of {board_id(existing)} has begun: "
                                          "its manifest is fixed", 409)
                existing.manifest, existing.manifest_hash, existing.opened_at = data, digest, timezone.now()
                existing.save(update_fields=["manifest", "manifest_hash", "opened_at"])
                ceremony = existing
            else:
                ceremony = Ceremony.objects.create(election=election, constituency=constituency, manifest=data,
                                                   manifest_hash=digest, opened_at=timezone.now())
            record_event(kind=AuditKind.CEREMONY_OPENED, actor=by, subject=f"board:{board_id(ceremony)}",
                         payload={"board": board_id(ceremony), "attempt": ceremony.attempt, "manifest_hash": digest})


def restart(ceremony: Ceremony, *, by: AbstractBaseUser | None) -> Ceremony:
    """The next attempt of a stalled ceremony: messages of the earlier attempts stay stored, worthless here."""
    with transaction.atomic():
        ceremony = Ceremony.objects.select_for_update().select_related("election", "constituency").get(pk=ceremony.pk)
        if ceremony.finished_at is not None:
            raise CeremonyRefused("ceremony.finished", "this ceremony has finished", 409)
        ceremony.attempt += 1
        ceremony.save(update_fields=["attempt"])
        record_event(kind=AuditKind.CEREMONY_OPENED, actor=by, subject=f"board:{board_id(ceremony)}",
                     payload={"board": board_id(ceremony), "attempt": ceremony.attempt,
                              "manifest_hash": ceremony.manifest_hash})
    return ceremony


# The relay -------------------------------------------------------------------------------------------

@dataclass
class Rounds:
    """One attempt's stored messages, round by round, checked again as the holders check them."""

    crypto: c.Ceremony
    raw: dict[int, dict[int, dict[str, Any]]]  # round -> holder -> body

    def complete(self, number: int) -> bool:
        return len(self.raw[number]) == self.crypto.holders

    def ordered(self, number: int) -> list[dict[str, Any]]:
        return [self.raw[number][h] for h in sorted(self.raw[number])]

    def keys(self) -> tuple[c.KeyMessage, ...]:
        return tuple(c.check_key_message(self.crypto, m, f"keys[{i}]") for i, m in enumerate(self.ordered(1)))

    def shares(self, keys: Sequence[c.KeyMessage]) -> tuple[c.SharesMessage, ...]:
        return tuple(c.check_shares_message(self.crypto, m, keys, f"shares[{i}]") for i, m in enumerate(self.ordered(2)))

    def checks(self, keys: Sequence[c.KeyMessage], shares: Sequence[c.SharesMessage]) -> tuple[c.CheckMessage, ...]:
        return tuple(c.check_check_message(self.crypto, m, keys, shares, f"checks[{i}]")
                     for i, m in enumerate(self.ordered(3)))


def crypto_ceremony(ceremony: Ceremony) -> c.Ceremony:
    manifest: Manifest = manifest_from_json(ceremony.manifest)
    return c.Ceremony(manifest, ceremony.attempt)


def load_rounds(ceremony: Ceremony) -> Rounds:
    raw: dict[int, dict[int, dict[str, Any]]] = {number: {} for number in Message.Round.values}
    for message in ceremony.messages.filter(attempt=ceremony.attempt).order_by("round", "holder"):
        raw[message.round][message.holder] = message.body
    return Rounds(crypto_ceremony(ceremony), raw)


def _digest(data: Any) -> str:
    return hashlib.sha256(jcs.canonical(data)).hexdigest()


def _refuse(error: CryptoError, default: str) -> CeremonyRefused:
    return CeremonyRefused(check_code(error, default), str(error))


def accept_message(slug: str, number: int, body: bytes) -> tuple[Message, bool]:
    """Check one signed message as a holder would and store it: returns it and whether it is new (False:
    the same message was already stored, answered the same). Refuses with the failed check's code."""
    if len(body) > MAX_MESSAGE_BYTES:
        raise CeremonyRefused("body.too-large", f"a ceremony message is at most {MAX_MESSAGE_BYTES} bytes", 413)
    try:
        data = jcs.loads(body, "message", MAX_MESSAGE_BYTES)
    except UnreadableInput as error:
        raise CeremonyRefused("ceremony.read", f"unreadable: {error.what}") from error
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in KINDS:
        raise CeremonyRefused("ceremony.schema", f"kind must be one of {sorted(KINDS)}")
    number_of_round = KINDS[kind]
    with transaction.atomic():
        ceremony = (Ceremony.objects.select_for_update().select_related("election", "constituency")
                    .filter(election__slug=slug, constituency__number=number).first())
        if ceremony is None:
            raise CeremonyRefused("board.unknown", f"no ceremony for {slug}/{number}", 404)
        digest = _digest(data)
        holder, attempt = data.get("holder"), data.get("attempt")
        if all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**15 for v in (holder, attempt)):
            stored = ceremony.messages.filter(attempt=attempt, round=number_of_round, holder=holder).first()
            if stored is not None and stored.digest == digest:
                return stored, False
        rounds = load_rounds(ceremony)
        crypto, where = rounds.crypto, f"{board_id(ceremony)} {kind} message"
        try:
            if number_of_round == Message.Round.KEYS:
                sender = c.check_key_message(crypto, data, where).holder
            else:
                if not rounds.complete(number_of_round - 1):
                    missing = sorted(set(range(1, crypto.holders + 1)) - set(rounds.raw[number_of_round - 1]))
                    raise CeremonyRefused("ceremony.too-early", f"round {number_of_round - 1} is not complete: "
                                          f"holders {missing} have not sent their message", 409)
                keys = rounds.keys()
                if number_of_round == Message.Round.SHARES:
                    sender = c.check_shares_message(crypto, data, keys, where).holder
                else:
                    shares = rounds.shares(keys)
                    if number_of_round == Message.Round.CHECKS:
                        sender = c.check_check_message(crypto, data, keys, shares, where).holder
                    else:
                        checks = rounds.checks(keys, shares)
                        qualified, joint_key = c.outcome(crypto, keys, shares, checks)
                        sender = c.check_final(crypto, data, checks, qualified, joint_key, where)
        except CryptoError as error:
            raise _refuse(error, "ceremony.schema") from error
        if sender in rounds.raw[number_of_round]:
            raise CeremonyRefused("ceremony.duplicate", f"holder {sender} has already sent another {kind} message "
                                  "in this attempt", 409)
        if ceremony.finished_at is not None:
            raise CeremonyRefused("ceremony.finished", "this ceremony has finished", 409)
        message = Message.objects.create(ceremony=ceremony, attempt=crypto.attempt, round=number_of_round,
                                         holder=sender, body=data, digest=digest, received_at=timezone.now())
        record_event(kind=AuditKind.CEREMONY_MESSAGE, actor=None, actor_label=f"key holder {sender}",
                     subject=f"board:{board_id(ceremony)}",
                     payload={"board": board_id(ceremony), "attempt": crypto.attempt, "kind": kind,
                              "holder": sender, "digest": digest})
        rounds.raw[number_of_round][sender] = data
        if number_of_round == Message.Round.FINALS:
            _finish_if_complete(ceremony, rounds, qualified, joint_key)
    return message, True


def _finish_if_complete(ceremony: Ceremony, rounds: Rounds, qualified: tuple[int, ...], joint_key: Point) -> None:
    if set(rounds.raw[Message.Round.FINALS]) != set(qualified):
        return
    transcript = transcript_json(rounds.crypto, rounds.ordered(1), rounds.ordered(2), rounds.ordered(3), qualified,
                                 joint_key, rounds.ordered(4))
    result = check_transcript(rounds.crypto.manifest, transcript)  # the whole ceremony.json, as a verifier does
    ceremony.transcript = transcript
    ceremony.joint_public_key = result.joint_public_key.hex()
    ceremony.finished_at = timezone.now()
    ceremony.save(update_fields=["transcript", "joint_public_key", "finished_at"])
    record_event(kind=AuditKind.CEREMONY_FINISHED, actor=None, actor_label="ceremony relay",
                 subject=f"board:{board_id(ceremony)}",
                 payload={"board": board_id(ceremony), "attempt": ceremony.attempt, "qualified": list(qualified),
                          "joint_public_key": ceremony.joint_public_key})
