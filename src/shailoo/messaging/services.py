# SPDX-License-Identifier: Apache-2.0
"""Writes of the messaging app: queueing SMS, answering a message to 119, recording delivery reports.

SMS 119 answers are public reads of the voter list, like the web page: they are not written to the
audit log (whose appends are serialised), but each inbound message is kept with its outcome, the
keyed hashes of the sender's number and of the PIN, and the reply.
"""
import contextlib
import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shailoo.lookup import prepared, ratelimit
from shailoo.lookup.outcomes import LookupKind
from shailoo.lookup.selectors import lookup_voter
from shailoo.messaging.models import InboundSms, OutboundSms
from shailoo.rules import sms_texts
from shailoo.rules.pin import pin_digest
from shailoo.rules.sms_texts import Language, NoPinInText, PinNotFound

logger = logging.getLogger("shailoo.sms")


def queue_sms(*, to: str, text: str, dedup_key: str | None = None) -> OutboundSms:
    """Queue one SMS; with a dedup_key already queued, return that message and queue nothing."""
    if dedup_key is not None:
        existing = OutboundSms.objects.filter(dedup_key=dedup_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return OutboundSms.objects.create(to=to, text=text, dedup_key=dedup_key)
    except IntegrityError:
        return OutboundSms.objects.get(dedup_key=dedup_key)


@dataclass(frozen=True)
class Sms:
    to: str
    text: str
    dedup_key: str | None = None


def queue_sms_batch(messages: list[Sms]) -> None:
    """Queue several SMS in one INSERT; one whose dedup_key is queued already is skipped (queue_sms's rule)."""
    # One statement, prepared on PostgreSQL (shailoo.lookup.prepared): a cast ballot's confirmation is queued
    # in its append's transaction, where bulk_create's compiling cost more CPU than the INSERT.
    prepared.insert([OutboundSms(to=m.to, text=m.text, dedup_key=m.dedup_key) for m in messages],
                    ignore_conflicts=True)


COUNTRY_CODE = "996"


def canonical_number(number: str) -> str:
    """One spelling per subscriber: `+996700222333`, `996700222333`, `00996700222333` and the national
    `0700222333` are all `996700222333`, so that a rate limit or a hash cannot be dodged by the prefix."""
    digits = number.strip().replace(" ", "").lstrip("+")
    if digits.startswith("00"):
        return digits[2:]
    if len(digits) == 10 and digits.startswith("0"):  # Kyrgyz national form: trunk 0 and 9 digits
        return COUNTRY_CODE + digits[1:]
    return digits


def number_digest(number: str) -> str:
    """The keyed hash under which a phone number appears in the database and the logs (of its canonical
    spelling: the same subscriber has one hash however the gateway writes the number)."""
    return pin_digest("tel:" + canonical_number(number), settings.PIN_HASH_KEY)


@dataclass(frozen=True)
class SmsAnswer:
    reply: str
    """The reply text; empty when nothing is to be sent (a refusal already went out in this window)."""
    outcome: str
    language: str
    duplicate: bool
    """A gateway retry of a message already answered: the same reply, nothing queued again."""
    reply_sms_id: int | None = None


def compose_reply(text: str, *, sender: str, now=None) -> tuple[str, str, str, Language]:
    """(outcome, reply, pin_hash, language) for one message: rate limits, PIN, lookup, texts.

    Every message counts against its sender's limit, and one with a PIN against that PIN's limit
    (shared with the web page and the API); both counters move in one round trip.
    """
    language = detect_reply_language(text)
    subscriber = canonical_number(sender)
    pin, no_digits = "", False
    try:
        pin = sms_texts.extract_pin(text)
    except NoPinInText:
        no_digits = True
    except PinNotFound:
        pass
    if pin:
        sender_decision, pin_decision = ratelimit.hit_many([("sms_sender", subscriber), ("pin", pin)])
    else:
        sender_decision, pin_decision = ratelimit.check_sms_sender(subscriber), ratelimit.Decision(True)
    refusal = sender_decision if not sender_decision.allowed else pin_decision
    if not refusal.allowed:
        # One polite refusal per window; after it the number gets no further SMS until the window passes.
        refused_key = "sms-refused:" + number_digest(sender)
        if cache.add(refused_key, 1, timeout=max(refusal.retry_after, 60)):
            return InboundSms.Outcome.RATE_LIMITED, sms_texts.rate_limited(language), "", language
        return InboundSms.Outcome.SILENCED, "", "", language
    if no_digits:
        return InboundSms.Outcome.HELP, sms_texts.help_text(language), "", language
    if not pin:
        return InboundSms.Outcome.INVALID_PIN, sms_texts.malformed_pin(language), "", language

    outcome = lookup_voter(pin, now=now)
    if outcome.kind is LookupKind.LISTED:
        reply = sms_texts.listed(
            language, mode=sms_texts.VotingMode(outcome.voting_mode.value if outcome.voting_mode else "paper"),
            initials=outcome.initials_masked, election_day=outcome.election_day,
            precinct_number=outcome.precinct_number, precinct_address=outcome.precinct_address(language),
            phone=outcome.commission_phone,
        )
    elif outcome.kind is LookupKind.NOT_LISTED:
        reply = sms_texts.not_listed(
            language, corrections_until=outcome.corrections_until, corrections_open=outcome.corrections_open
        )
    elif outcome.kind is LookupKind.INELIGIBLE:
        reply = sms_texts.ineligible(language, outcome.reasons)
    else:
        reply = sms_texts.malformed_pin(language)
    return str(outcome.kind), reply, outcome.pin_hash, language


def detect_reply_language(text: str) -> Language:
    try:
        default = Language(settings.SMS_DEFAULT_LANGUAGE)
    except ValueError:
        default = Language.KY
    return sms_texts.detect_language(text, default=default)


def answer_inbound_sms(
    *, gateway: str, message_id: str, sender: str, recipient: str, text: str, reply_through_outbox: bool,
    now=None,
) -> SmsAnswer:
    """Answer one message to 119, once per (gateway, message id).

    With `reply_through_outbox` the reply is queued in the outbox in the same transaction (Jasmin, the
    generic JSON webhook); without it the gateway sends the reply itself (Kannel's response body).
    """
    existing = _answered(gateway, message_id)
    if existing is not None:
        return existing
    outcome, reply, pin_hash, language = compose_reply(text, sender=sender, now=now)
    inbound = InboundSms(
        gateway=gateway, message_id=message_id, sender_hash=number_digest(sender), recipient=recipient,
        language=language.value, outcome=outcome, pin_hash=pin_hash, reply=reply, received_at=now or timezone.now(),
    )
    outbox = (sender, reply, f"sms119:{gateway}:{message_id}") if reply and reply_through_outbox else None
    try:
        reply_sms_id = _store_answer(inbound, outbox)
    except IntegrityError:
        # The same message arrived twice at once: the first one's answer stands.
        existing = _answered(gateway, message_id)
        if existing is None:
            raise
        return existing
    logger.info(
        "SMS 119 %s:%s from tel#%s: %s pin#%s", gateway, message_id[:40], inbound.sender_hash, outcome,
        pin_hash or "-",
    )
    return SmsAnswer(
        reply=reply, outcome=outcome, language=language.value, duplicate=False, reply_sms_id=reply_sms_id
    )


# The inbound message and its queued reply in one statement, so one round trip and one commit: a
# statement is atomic, and the unique (gateway, message_id) makes a concurrent duplicate fail as a whole.
_STORE_WITH_REPLY_SQL = """
WITH reply AS (
    INSERT INTO {outbound} ("to", text, dedup_key, status, attempts, gateway, gateway_message_id, last_error,
                            delivery_report, created_at)
    VALUES (%s, %s, %s, %s, 0, '', '', '', '', %s)
    RETURNING id
)
INSERT INTO {inbound} (gateway, message_id, sender_hash, recipient, language, outcome, pin_hash, reply,
                       received_at, reply_sms_id)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, reply.id FROM reply
RETURNING reply_sms_id
"""
_STORE_SQL = """
INSERT INTO {inbound} (gateway, message_id, sender_hash, recipient, language, outcome, pin_hash, reply, received_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _store_answer(inbound: InboundSms, outbox: tuple[str, str, str] | None) -> int | None:
    """Write an answered message and, given (to, text, dedup key), its reply in the outbox; the reply's id.

    On PostgreSQL one prepared statement, the busiest write of the platform; elsewhere (SQLite in
    development) the same rows through the ORM in one transaction.
    """
    if connection.vendor != "postgresql":
        if outbox is None:
            inbound.save(force_insert=True)
            return None
        with transaction.atomic():
            to, text, dedup_key = outbox
            inbound.reply_sms = OutboundSms.objects.create(to=to, text=text, dedup_key=dedup_key)
            inbound.save(force_insert=True)
        return inbound.reply_sms.pk
    fields = [inbound.gateway, inbound.message_id, inbound.sender_hash, inbound.recipient, inbound.language,
              inbound.outcome, inbound.pin_hash, inbound.reply, inbound.received_at]
    tables = {"inbound": InboundSms._meta.db_table, "outbound": OutboundSms._meta.db_table}
    # Inside a caller's transaction a savepoint keeps it usable after a duplicate; outside, none is needed.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with guard:
        if outbox is None:
            prepared.run(_STORE_SQL.format(**tables), fields, rows=False)
            return None
        to, text, dedup_key = outbox
        rows = prepared.run(_STORE_WITH_REPLY_SQL.format(**tables),
                            [to, text, dedup_key, OutboundSms.Status.QUEUED.value, inbound.received_at, *fields])
        return rows[0][0]


def _answered(gateway: str, message_id: str) -> SmsAnswer | None:
    # Plain SQL on the hottest path: one probe of the (gateway, message_id) unique index per message.
    rows = prepared.run(
        f"SELECT reply, outcome, language, reply_sms_id FROM {InboundSms._meta.db_table} "  # noqa: S608
        "WHERE gateway = %s AND message_id = %s",
        (gateway, message_id),
    )
    if not rows:
        return None
    reply, outcome, language, reply_sms_id = rows[0]
    return SmsAnswer(reply=reply, outcome=outcome, language=language, duplicate=True, reply_sms_id=reply_sms_id)


# ---------------------------------------------------------------------------------------------------
# Delivery reports


def delivery_token(reference: int) -> str:
    """The token in one message's delivery-report URL: the gateway proves it was given this URL."""
    return hmac.new(settings.SECRET_KEY.encode(), f"sms-dlr:{reference}".encode(), hashlib.sha256).hexdigest()[:32]


def delivery_token_valid(reference: int, token: str) -> bool:
    return hmac.compare_digest(delivery_token(reference), token)


def record_delivery_report(*, reference: int, delivered: bool | None, report: str) -> OutboundSms | None:
    """Note a gateway's delivery report: delivered, undeliverable (failed), or an intermediate state.

    Any report proves the gateway has the message: one still being sent, or queued again after an answer
    we did not get (a timeout, a worker that died), is marked sent and not sent again. A final state is
    never undone by a late intermediate report.
    """
    with transaction.atomic():
        sms = OutboundSms.objects.select_for_update().filter(pk=reference).first()
        if sms is None:
            return None
        sms.delivery_report = report[:100]
        fields = ["delivery_report"]
        if sms.status in (OutboundSms.Status.SENDING, OutboundSms.Status.QUEUED):
            sms.status, sms.next_attempt_at, sms.last_error = OutboundSms.Status.SENT, None, ""
            sms.sent_at = sms.sent_at or timezone.now()
            fields += ["status", "next_attempt_at", "last_error", "sent_at"]
        if sms.status not in (OutboundSms.Status.DELIVERED, OutboundSms.Status.FAILED):
            if delivered is True:
                sms.status, sms.delivered_at = OutboundSms.Status.DELIVERED, timezone.now()
                fields += ["status", "delivered_at"]
            elif delivered is False:
                sms.status, sms.last_error = OutboundSms.Status.FAILED, f"delivery report: {report}"[:500]
                fields += ["status", "last_error"]
        sms.save(update_fields=fields)
        return sms


# ---------------------------------------------------------------------------------------------------
# Retention


@dataclass(frozen=True)
class PurgeReport:
    inbound_deleted: int
    outbound_deleted: int


def purge_old_sms(*, older_than_days: int, now=None) -> PurgeReport:
    """Delete SMS records older than the retention period: inbound messages (hashes and replies) and
    outbound messages that reached a final state (their recipients' numbers with them). Queued and
    in-flight messages are kept whatever their age."""
    if older_than_days < 1:
        raise ValueError("keep SMS records at least one day")
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        inbound_deleted, _ = InboundSms.objects.filter(received_at__lt=cutoff).delete()
        outbound_deleted, _ = OutboundSms.objects.filter(
            created_at__lt=cutoff,
            status__in=[OutboundSms.Status.SENT, OutboundSms.Status.DELIVERED, OutboundSms.Status.FAILED],
        ).delete()
    return PurgeReport(inbound_deleted=inbound_deleted, outbound_deleted=outbound_deleted)
