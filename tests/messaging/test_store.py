# SPDX-License-Identifier: Apache-2.0
"""The write of an answered message: one statement on PostgreSQL, the ORM elsewhere, the same rows."""
import pytest

from shailoo.messaging import services
from shailoo.messaging.models import InboundSms, OutboundSms
from tests.factories import list_voter, make_citizen, make_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pin():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    return citizen.pin


def answer(pin, *, message_id, gateway="jasmin", through_outbox=True):
    return services.answer_inbound_sms(gateway=gateway, message_id=message_id, sender="+996555000001",
                                       recipient="119", text=f"RU {pin}", reply_through_outbox=through_outbox)


def test_the_message_and_its_queued_reply_are_stored_together(pin):
    answered = answer(pin, message_id="m-1")

    inbound = InboundSms.objects.get()
    reply = OutboundSms.objects.get()
    assert answered.reply_sms_id == reply.pk == inbound.reply_sms_id
    assert (reply.to, reply.text, reply.dedup_key, reply.status) == (
        "+996555000001", answered.reply, "sms119:jasmin:m-1", OutboundSms.Status.QUEUED)
    assert reply.attempts == 0 and reply.created_at is not None
    assert (inbound.gateway, inbound.message_id, inbound.outcome, inbound.language) == ("jasmin", "m-1", "listed", "ru")
    assert inbound.sender_hash == services.number_digest("+996555000001") and inbound.pin_hash
    assert inbound.reply == answered.reply


def test_a_kannel_message_is_stored_without_an_outbox_entry(pin):
    answered = answer(pin, message_id="k-1", gateway="kannel", through_outbox=False)

    assert answered.reply_sms_id is None
    assert InboundSms.objects.get().reply == answered.reply
    assert not OutboundSms.objects.exists()


def test_a_duplicate_that_slips_past_the_check_gets_the_first_answer_and_queues_nothing(pin, monkeypatch):
    first = answer(pin, message_id="race")
    already_answered = services._answered
    checks = []

    def answered_after_the_check(gateway, message_id):
        # The first check misses the row, as when two deliveries of one message race each other.
        checks.append(message_id)
        return None if len(checks) == 1 else already_answered(gateway, message_id)

    monkeypatch.setattr(services, "_answered", answered_after_the_check)
    second = answer(pin, message_id="race")

    assert second.duplicate and second.reply == first.reply and second.reply_sms_id == first.reply_sms_id
    # The caller's transaction is still usable after the refused insert.
    assert InboundSms.objects.count() == 1 and OutboundSms.objects.count() == 1
