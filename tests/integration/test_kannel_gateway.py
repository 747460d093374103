# SPDX-License-Identifier: Apache-2.0
"""SMS 119 through Debian's Kannel, run from docs/gateways/kannel.conf: fakesmsc (the operator's SMSC and
the voter's phone) → bearerbox → smsbox → Shailoo on loopback → back to the phone. Each test checks what
the phone received: the coding bearerbox sent with, the bytes of every part, the text they decode to."""
import pytest

from shailoo.messaging.models import InboundSms, OutboundSms
from shailoo.messaging.outbox import send_due
from shailoo.messaging.senders import get_sender
from shailoo.messaging.services import queue_sms
from shailoo.register.models import VoterListEntry
from shailoo.rules.eligibility import Ineligibility
from tests.factories import list_voter, make_citizen, make_territory
from tests.integration.harness import database_turn, shailoo_on_loopback, wait_for
from tests.integration.kannel import Kannel, Part, Received, mo_line, smsbox_answers

SECRET = "kannel-integration-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}
UCS2_PART_OCTETS = 140  # the user data of one SMS: a 6-octet concatenation header and 67 UTF-16 units

pytestmark = pytest.mark.usefixtures("transactional_db", "inbound_secret")


@pytest.fixture(scope="module")
def kannel(django_db_setup, django_db_blocker, tmp_path_factory):
    with shailoo_on_loopback() as server:
        gateway = Kannel(shailoo_url=server.url, secret=SECRET, work_dir=tmp_path_factory.mktemp("kannel")).start()
        gateway.shailoo_url = server.url
        try:
            yield gateway
        finally:
            gateway.stop()


@pytest.fixture
def inbound_secret(settings):
    settings.SMS_INBOUND = GATEWAYS
    settings.SMS_DEFAULT_LANGUAGE = "ky"


@pytest.fixture
def territory():
    with database_turn():
        return make_territory()


def listed_pin(territory) -> str:
    with database_turn():
        citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
        list_voter(citizen, territory.election, territory.precinct)
        return citizen.pin


def stored_reply() -> list[InboundSms]:
    with database_turn():
        return list(InboundSms.objects.order_by("pk"))


def voter_sends(kannel: Kannel, sender: str, text: str) -> Received:
    """The voter's phone sends `text` to 119 and waits for the whole answer."""
    mark, access = kannel.smsbox_log.mark(), kannel.access_log.mark()
    with kannel.handset(mo_line(sender, text)) as phone:
        parts = phone.receive()
    assert smsbox_answers(kannel, mark) == ["200"]
    return Received(parts=parts, coding=kannel.coding_sent_to(sender, since=access))


def assert_concatenated_within_ucs2_limits(parts: list[Part]) -> None:
    assert [part.kind for part in parts] == ["udh"] * len(parts)
    references = {part.udh[3] for part in parts}
    assert len(references) == 1, "one concatenation reference for every part"
    assert sorted(part.udh[5] for part in parts) == list(range(1, len(parts) + 1))
    for part in parts:
        assert part.udh[:3] == b"\x05\x00\x03" and part.udh[4] == len(parts)
        assert len(part.udh) + len(part.data) <= UCS2_PART_OCTETS
        assert len(part.data) % 2 == 0 and len(part.data) <= 134


def test_a_kyrgyz_reply_reaches_the_phone_in_ucs2_with_its_kyrgyz_letters(kannel, territory):
    received = voter_sends(kannel, "996700100001", "KG 21705199099999")  # a PIN on no list
    (inbound,) = stored_reply()
    assert inbound.outcome == "not_listed" and inbound.language == "ky"
    assert received.coding == 2
    assert len(received.parts) == 2
    assert_concatenated_within_ucs2_limits(received.parts)
    assert received.text == inbound.reply
    assert received.text.startswith("Сиз шайлоочулардын тизмесинде жоксуз.")
    assert {"ң", "ө", "ү"} <= set(received.text)
    assert "?" not in received.text


def test_a_russian_reply_to_a_cyrillic_sms_is_one_ucs2_part(kannel, territory):
    with database_turn():
        citizen = make_citizen(territory.settlement, biometric=False)
        VoterListEntry.objects.create(election=territory.election, citizen=citizen, status="ineligible",
                                      reasons=Ineligibility.NO_BIOMETRICS.value)
    received = voter_sends(kannel, "996700100002", f"мой ПИН {citizen.pin}")  # the phone sends it in UCS-2
    (inbound,) = stored_reply()
    assert inbound.outcome == "ineligible" and inbound.language == "ru"
    assert received.coding == 2
    assert [part.kind for part in received.parts] == ["ucs-2"]
    assert len(received.parts[0].data) <= UCS2_PART_OCTETS
    assert received.text == inbound.reply == "Вас нет в списке: нет биометрической регистрации: обратитесь в ЦОН."


def test_a_two_part_reply_is_concatenated_and_each_part_within_ucs2_limits(kannel, territory):
    pin = listed_pin(territory)
    received = voter_sends(kannel, "+996700100003", f"RU {pin}")
    (inbound,) = stored_reply()
    assert inbound.outcome == "listed"
    assert received.coding == 2
    assert len(received.parts) == 2
    assert_concatenated_within_ucs2_limits(received.parts)
    assert received.text == inbound.reply
    assert received.text.startswith("А*** Б., выборы ")
    assert f"голосуете на участке №{territory.precinct.number}, с. Самаркандек, ул. Мектеп" in received.text


def test_an_empty_reply_sends_nothing_to_the_phone(kannel, territory, settings):
    """Over the sender's limit: one polite refusal, then silence (an empty body that Kannel omits)."""
    settings.LOOKUP_RATE_LIMITS = {"ip": "30/60", "pin": "100/3600", "sms_sender": "1/3600", "operator": "600/3600"}
    pin = listed_pin(territory)
    first = voter_sends(kannel, "996700100004", f"KG {pin}")
    refusal = voter_sends(kannel, "996700100004", f"KG {pin}")
    assert refusal.coding == 2 and [part.kind for part in refusal.parts] == ["ucs-2"]
    assert refusal.text == "Суроолор өтө көп. Кийинчерээк кайталаңыз же 1255 номерине чалыңыз."
    mark, access = kannel.smsbox_log.mark(), kannel.access_log.mark()
    with kannel.handset(mo_line("996700100004", f"KG {pin}")) as phone:
        assert smsbox_answers(kannel, mark) == ["200"]
        kannel.access_log.wait(r"Receive SMS .*\[from:996700100004\]", since=access)
        with pytest.raises(AssertionError, match="waited"):
            phone.receive(timeout=2)
    assert "Sent SMS" not in kannel.access_log.since(access)
    assert [sms.outcome for sms in stored_reply()] == ["listed", "rate_limited", "silenced"]
    assert len(first.parts) == 2


def test_an_outbox_message_goes_through_sendsms_and_its_delivery_report_comes_back(kannel, settings):
    settings.SMS_SENDER, settings.SMS_GATEWAY_URL = "kannel", kannel.sendsms_url
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = "shailoo", kannel.sendsms_password
    settings.SMS_DLR_BASE_URL = kannel.shailoo_url
    kyrgyz = "Арызыңыз канааттандырылды: сиз электрондук добуш берүүчүлөрдүн тизмесиндесиз."
    latin = "Shailoo 119: test @ £ $ _ ok"
    access = kannel.access_log.mark()
    with database_turn():
        messages = [queue_sms(to="996700100005", text=kyrgyz), queue_sms(to="996700100006", text=latin)]
        # Sent while no SMSC is connected: bearerbox keeps them, so no report can race this write.
        report = send_due(get_sender())
    assert report.sent == 2
    with kannel.handset() as phone:
        wait_for(lambda: len(phone.parts()) >= 3, timeout=15, what="both messages at the handset")
        parts = phone.parts()
    kyrgyz_parts = [part for part in parts if part.kind == "udh"]
    assert_concatenated_within_ucs2_limits(kyrgyz_parts)
    assert Received(kyrgyz_parts, coding=kannel.coding_sent_to("996700100005", since=access)).text == kyrgyz
    (latin_part,) = [part for part in parts if part.kind != "udh"]
    assert latin_part.kind == "text" and kannel.coding_sent_to("996700100006", since=access) == 0
    assert Received([latin_part], coding=0).text == latin

    def delivered():
        with database_turn():
            return all(OutboundSms.objects.get(pk=sms.pk).status == "delivered" for sms in messages)

    wait_for(delivered, timeout=15, what="Kannel's delivery reports")
    with database_turn():
        sent = list(OutboundSms.objects.order_by("pk"))
    # Kannel reports 8 (taken by the SMSC) and 1 (delivered), in either order: a late 8 keeps "delivered".
    assert all(sms.delivered_at and sms.delivery_report in ("kannel:1", "kannel:8") for sms in sent)


def test_a_message_shailoo_refuses_gets_no_sms_at_all(kannel, territory):
    """A 4xx answer: with the configuration's empty reply-couldnotfetch the voter gets nothing, not Kannel's
    English "Could not fetch content, sorry." (sent as 7-bit, so it could not even be Kyrgyz)."""
    mark, access = kannel.smsbox_log.mark(), kannel.access_log.mark()
    too_long = "+" + "9" * 20
    with kannel.handset(mo_line(too_long, "KG 21705199099999")) as phone:
        assert smsbox_answers(kannel, mark) == ["400"]
        with pytest.raises(AssertionError, match="waited"):
            phone.receive(timeout=2)
    assert "Sent SMS" not in kannel.access_log.since(access)
    assert stored_reply() == []
