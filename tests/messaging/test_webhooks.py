# SPDX-License-Identifier: Apache-2.0
"""SMS 119 webhooks of Jasmin, Kannel and the generic JSON shape, through the Django test client."""
import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from shailoo.messaging.models import InboundSms, OutboundSms
from shailoo.register.models import VoterListEntry
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.sms_texts import count_segments
from tests.factories import list_voter, make_citizen, make_territory

SECRET = "test-gateway-secret"
HMAC_KEY = "test-hmac-key"
GATEWAYS = {
    name: {"secret": SECRET, "hmac_key": HMAC_KEY, "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")
}
FORM = "application/x-www-form-urlencoded"
SENDER = "+996555123456"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gateways")]


@pytest.fixture
def gateways():
    with override_settings(SMS_INBOUND=GATEWAYS, SMS_DEFAULT_LANGUAGE="ky"):
        yield


@pytest.fixture
def voter():
    territory = make_territory()
    citizen = make_citizen(territory.settlement, surname="Абдыкадырова", name="Бермет")
    list_voter(citizen, territory.election, territory.precinct)
    return citizen, territory


def jasmin(client, fields, *, secret=SECRET, content_type=FORM, body=None):
    return client.post(f"/sms/jasmin?secret={secret}", data=body if body is not None else urlencode(fields),
                       content_type=content_type)


def kannel(client, **params):
    params.setdefault("secret", SECRET)
    return client.get("/sms/kannel?" + urlencode(params))


def inbound(client, payload, *, headers=None, content_type="application/json"):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post("/sms/inbound", data=body, content_type=content_type,
                       headers=headers if headers is not None else {"X-Shailoo-Secret": SECRET})


def test_jasmin_gets_its_ack_and_the_reply_is_queued_in_the_outbox(client, voter):
    citizen, territory = voter
    response = jasmin(client, {"id": "m-1", "from": SENDER, "to": "119", "content": f"RU {citizen.pin}", "coding": "0"})
    assert response.status_code == 200
    assert response.content == b"ACK/Jasmin"
    sms = OutboundSms.objects.get()
    assert sms.to == SENDER and sms.status == OutboundSms.Status.QUEUED
    assert f"№{territory.precinct.number}" in sms.text and "А*********** Б." not in sms.text
    assert sms.text.startswith("А*** Б., выборы")
    assert territory.precinct.address_ru.split(",")[0] in sms.text
    inbound_sms = InboundSms.objects.get()
    assert inbound_sms.outcome == "listed" and inbound_sms.language == "ru"
    assert SENDER not in inbound_sms.sender_hash and citizen.pin not in inbound_sms.pin_hash


def test_a_gateway_retry_gets_the_same_answer_and_sends_no_second_sms(client, voter):
    citizen, _ = voter
    fields = {"id": "m-retry", "from": SENDER, "to": "119", "content": citizen.pin}
    assert jasmin(client, fields).content == b"ACK/Jasmin"
    assert jasmin(client, fields).content == b"ACK/Jasmin"
    assert OutboundSms.objects.count() == 1
    assert InboundSms.objects.count() == 1
    first = kannel(client, id="k-1", **{"from": SENDER, "to": "119", "text": citizen.pin})
    second = kannel(client, id="k-1", **{"from": SENDER, "to": "119", "text": "something else"})
    assert first.content == second.content and first.content
    assert InboundSms.objects.count() == 2


def test_jasmin_ucs2_content_is_read_from_utf16(client, voter):
    citizen, _ = voter
    text = f"Менин ПИН {citizen.pin}".encode("utf-16-be")
    body = urlencode({"id": "m-ucs2", "from": SENDER, "to": "119", "coding": "8", "content": text})
    response = jasmin(client, None, body=body)
    assert response.content == b"ACK/Jasmin"
    assert InboundSms.objects.get().outcome == "listed"
    assert "шайлоо" in OutboundSms.objects.get().text  # Kyrgyz: the words were Kyrgyz


def test_jasmin_0_11_posts_the_data_coding_octet_itself(client, voter):
    """What Jasmin 0.11.1 really posts for a UCS-2 message (seen in tests/integration): coding=%08."""
    citizen, _ = voter
    text = f"ПИН {citizen.pin}".encode("utf-16-be")
    body = urlencode({"id": "m-octet", "from": SENDER, "to": "119", "coding": b"\x08", "content": text,
                      "binary": text.hex(), "origin-connector": "operator"})
    assert jasmin(client, None, body=body).content == b"ACK/Jasmin"
    assert InboundSms.objects.get().language == "ru"
    assert jasmin(client, {"id": "m-bad", "from": SENDER, "to": "119", "coding": "eight", "content": "x"}).status_code == 400


def test_jasmin_reads_the_smsc_default_alphabet_as_gsm_and_refuses_8_bit_binary(client, voter):
    citizen, _ = voter
    gsm = b"PIN\x00\x01\x02\x11 " + citizen.pin.encode()  # "PIN@£$_ <pin>" in GSM 03.38 septets
    body = urlencode({"id": "m-gsm", "from": SENDER, "to": "119", "coding": b"\x00", "content": gsm,
                      "binary": gsm.hex()})
    assert jasmin(client, None, body=body).content == b"ACK/Jasmin"
    assert InboundSms.objects.get().outcome == "listed"
    binary = urlencode({"id": "m-bin8", "from": SENDER, "to": "119", "coding": b"\x04", "content": b"\x06\x05\x04",
                        "binary": "060504"})
    response = jasmin(client, None, body=binary)
    assert response.status_code == 400 and b"binary_content" in response.content


def test_jasmin_binary_field_is_read_as_the_hex_of_the_content(client, voter):
    citizen, _ = voter
    fields = {"id": "m-bin", "from": SENDER, "to": "119", "coding": "8", "content": "?",
              "binary": f"RU {citizen.pin}".encode("utf-16-be").hex()}
    assert jasmin(client, fields).status_code == 200
    assert InboundSms.objects.get().language == "ru"


def test_kannel_gets_the_reply_as_its_plain_text_body(client, voter):
    citizen, territory = voter
    response = kannel(client, id="k-2", **{"from": SENDER, "to": "119", "text": f"пин {citizen.pin}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    reply = response.content.decode()
    assert f"№{territory.precinct.number}" in reply and "выборы" in reply
    assert response["X-Kannel-Coding"] == "2"  # else Kannel sends 7-bit GSM: every Cyrillic letter a "?"
    assert OutboundSms.objects.count() == 0  # Kannel sends the body itself


def test_kannel_gets_no_coding_header_for_an_empty_reply(client, voter):
    citizen, _ = voter
    limits = {"ip": "30/60", "pin": "100/3600", "sms_sender": "1/3600", "operator": "600/3600"}
    with override_settings(LOOKUP_RATE_LIMITS=limits):
        responses = [kannel(client, id=f"e-{n}", **{"from": SENDER, "to": "119", "text": citizen.pin}) for n in range(3)]
    assert responses[2].content == b"" and "X-Kannel-Coding" not in responses[2]


def test_kannel_post_with_form_fields_and_with_a_text_body(client, voter):
    citizen, _ = voter
    form = client.post(f"/sms/kannel?secret={SECRET}", data=urlencode(
        {"id": "k-3", "from": SENDER, "to": "119", "text": citizen.pin}), content_type=FORM)
    assert form.status_code == 200 and "№" in form.content.decode()
    plain = client.post(f"/sms/kannel?secret={SECRET}&id=k-4&from=996555000111&to=119",
                        # The test client encodes a str body in the declared charset.
                        data=f"RU {citizen.pin}", content_type="text/plain; charset=UTF-16BE")
    assert plain.status_code == 200 and "выборы" in plain.content.decode()


def test_the_generic_webhook_returns_the_reply_and_queues_it(client, voter):
    citizen, _ = voter
    response = inbound(client, {"id": "g-1", "from": SENDER, "to": "119", "text": f"KG {citizen.pin}"})
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "listed" and body["language"] == "ky" and body["queued"] is True
    assert body["encoding"] == "ucs2" and body["parts"] <= 2
    assert OutboundSms.objects.get().text == body["reply"]
    again = inbound(client, {"id": "g-1", "from": SENDER, "to": "119", "text": f"KG {citizen.pin}"}).json()
    assert again["duplicate"] is True and again["reply"] == body["reply"]
    assert OutboundSms.objects.count() == 1


def test_a_hmac_signature_of_the_body_authenticates_a_gateway(client, voter):
    body = json.dumps({"id": "g-hmac", "from": SENDER, "to": "119", "text": "салам"}).encode()
    signature = "sha256=" + hmac.new(HMAC_KEY.encode(), body, hashlib.sha256).hexdigest()
    response = inbound(client, body, headers={"X-Shailoo-Signature": signature})
    assert response.status_code == 200 and response.json()["outcome"] == "help"
    forged = inbound(client, body.replace(b"g-hmac", b"g-hmac2"), headers={"X-Shailoo-Signature": signature})
    assert forged.status_code == 401 and forged.json()["error"] == "bad_signature"


@pytest.mark.parametrize("secret", ["", "wrong"])
def test_a_gateway_without_the_right_secret_is_refused(client, voter, secret):
    fields = {"id": "m-x", "from": SENDER, "to": "119", "content": "21705199000123"}
    assert jasmin(client, fields, secret=secret).status_code == 401
    assert kannel(client, secret=secret, id="k", **{"from": SENDER, "to": "119", "text": "x"}).status_code == 401
    assert inbound(client, {"id": "g", "from": SENDER, "to": "119", "text": "x"},
                   headers={"X-Shailoo-Secret": secret}).status_code == 401
    assert InboundSms.objects.count() == 0 and OutboundSms.objects.count() == 0


def test_a_gateway_with_no_secret_configured_is_refused(client):
    unconfigured = {name: {"secret": "", "hmac_key": "", "allowed_ips": []} for name in GATEWAYS}
    with override_settings(SMS_INBOUND=unconfigured):
        response = inbound(client, {"id": "g", "from": SENDER, "to": "119", "text": "x"}, headers={})
    assert response.status_code == 403 and response.json()["error"] == "gateway_not_configured"


def test_a_gateway_outside_its_address_allow_list_is_refused(client):
    allow = {name: dict(config, allowed_ips=["10.0.0.5"]) for name, config in GATEWAYS.items()}
    with override_settings(SMS_INBOUND=allow):
        response = inbound(client, {"id": "g", "from": SENDER, "to": "119", "text": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("body", "content_type", "status", "code"), [
    (b"", "application/json", 400, "empty_body"),
    (b"x" * 10_240, "application/json", 400, "invalid_json"),
    (json.dumps({"id": "g", "from": SENDER, "to": "119", "text": "ж" * 5000}).encode(), "application/json", 413,
     "too_large"),
    (json.dumps({"id": "g", "from": SENDER, "to": "119", "text": "ж" * 2000}).encode(), "application/json", 413,
     "text_too_long"),
    (b"\xff\xfe\x00\x01binary\x00", "application/json", 400, "invalid_json"),
    (b'{"id": "g", "from": "x"}', "application/json", 400, "missing_fields"),
    (b"[1, 2]", "application/json", 400, "invalid_json"),
    (b'{"id": "g", "from": "+996555", "to": "119", "text": ["a"]}', "application/json", 400, "invalid_field"),
    (b'{"id": "g", "from": "nobody", "to": "119", "text": "a"}', "application/json", 400, "invalid_field"),
    (b'{"id": "g", "from": "+996555", "to": "119", "text": "a\\u0000b"}', "application/json", 400, "binary_content"),
    (b"id=g&from=1&to=119&text=a", FORM, 415, "unsupported_media_type"),
    (b"x" * 20_000, "application/json", 413, "too_large"),
])
def test_bad_input_to_the_generic_webhook_gets_a_clear_4xx(client, body, content_type, status, code):
    response = inbound(client, body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["message"]


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"", FORM, 400),
    (urlencode({"id": "m", "from": SENDER, "to": "119"}).encode(), FORM, 400),
    (urlencode({"id": "m", "from": SENDER, "to": "119", "content": "x" * 10_000}).encode(), FORM, 413),
    (b"\x00\x01\x02\xff binary", FORM, 400),
    (urlencode({"id": "m", "from": SENDER, "to": "119", "content": "a\x00\x01"}).encode(), FORM, 400),
    (urlencode({"id": "m", "from": SENDER, "to": "119", "content": "\xff\xfe"}, encoding="latin-1").encode(), FORM, 400),
    (json.dumps({"id": "m", "from": SENDER, "to": "119", "content": "x"}).encode(), "application/json", 415),
    (urlencode({"id": "m" * 200, "from": SENDER, "to": "119", "content": "x"}).encode(), FORM, 400),
])
def test_bad_input_to_jasmin_gets_a_clear_4xx_and_no_ack(client, body, content_type, status):
    response = jasmin(client, None, body=body, content_type=content_type)
    assert response.status_code == status
    assert response.content.startswith(b'Error "')
    assert OutboundSms.objects.count() == 0


def test_bad_input_to_kannel_gets_a_clear_4xx(client):
    assert kannel(client, id="k", **{"from": SENDER, "to": "119"}).status_code == 400
    assert kannel(client, id="k", charset="EBCDIC", **{"from": SENDER, "to": "119", "text": "x"}).status_code == 400
    assert client.put(f"/sms/kannel?secret={SECRET}").status_code == 405
    assert client.get(f"/sms/inbound?secret={SECRET}").status_code == 405


def test_each_outcome_gets_its_reply(client, voter):
    citizen, territory = voter
    ineligible = make_citizen(territory.settlement, biometric=False)
    VoterListEntry.objects.create(election=territory.election, citizen=ineligible, status="ineligible",
                                  reasons=Ineligibility.NO_BIOMETRICS.value)
    cases = [
        ("RU 21705199099999", "not_listed", "Вас нет в списке избирателей"),
        (f"RU {ineligible.pin}", "ineligible", "ЦОН"),
        ("RU 12345", "invalid_pin", "ПИН — 14 цифр"),
        ("RU 31705199000123", "invalid_pin", "ПИН — 14 цифр"),
        ("помогите", "help", "Проверка списка"),
    ]
    for number, (text, outcome, words) in enumerate(cases):
        body = kannel(client, id=f"case-{number}", **{"from": f"99655500{number:04d}", "to": "119", "text": text})
        assert body.status_code == 200
        assert words in body.content.decode(), (text, body.content.decode())
        assert count_segments(body.content.decode()).parts <= 2
        assert InboundSms.objects.get(message_id=f"case-{number}").outcome == outcome


def test_a_sender_over_the_limit_gets_one_polite_refusal_then_silence(client, voter):
    citizen, _ = voter
    limits = {"ip": "30/60", "pin": "100/3600", "sms_sender": "3/3600", "operator": "600/3600"}
    with override_settings(LOOKUP_RATE_LIMITS=limits):
        replies = [
            kannel(client, id=f"r-{n}", **{"from": SENDER, "to": "119", "text": f"RU {citizen.pin}"}).content.decode()
            for n in range(6)
        ]
        for n in range(6, 8):
            jasmin(client, {"id": f"rj-{n}", "from": SENDER, "to": "119", "content": citizen.pin})
    assert all("№" in reply for reply in replies[:3])
    assert replies[3] == "Слишком много запросов. Повторите позже или позвоните 1255."
    assert replies[4] == replies[5] == ""
    assert OutboundSms.objects.count() == 0  # no refusal SMS after the first one
    assert list(InboundSms.objects.order_by("pk").values_list("outcome", flat=True)[3:]) == [
        "rate_limited", "silenced", "silenced", "silenced", "silenced"]


def test_a_pin_asked_too_often_is_refused_whatever_the_sender(client, voter):
    citizen, _ = voter
    limits = {"ip": "30/60", "pin": "2/3600", "sms_sender": "100/3600", "operator": "600/3600"}
    with override_settings(LOOKUP_RATE_LIMITS=limits):
        replies = [
            kannel(client, id=f"p-{n}", **{"from": f"99670000{n:04d}", "to": "119", "text": citizen.pin}).content.decode()
            for n in range(3)
        ]
    assert "№" in replies[0] and "№" in replies[1]
    assert "1255" in replies[2] and "№" not in replies[2]


def test_the_log_line_of_a_message_holds_neither_the_pin_nor_the_number(client, voter, caplog):
    citizen, _ = voter
    with caplog.at_level("INFO", logger="shailoo.sms"):
        kannel(client, id="log-1", **{"from": SENDER, "to": "119", "text": citizen.pin})
    assert "SMS 119 kannel:log-1" in caplog.text
    assert citizen.pin not in caplog.text and SENDER.lstrip("+") not in caplog.text


def test_jasmin_may_deliver_with_get_as_its_connector_method(client, voter):
    citizen, _ = voter
    query = urlencode({"secret": SECRET, "id": "m-get", "from": SENDER, "to": "119", "content": citizen.pin})
    response = client.get(f"/sms/jasmin?{query}")
    assert response.content == b"ACK/Jasmin"
    assert OutboundSms.objects.count() == 1
