# SPDX-License-Identifier: Apache-2.0
"""What an attacker or a broken gateway sends to the SMS webhooks gets a 4xx, on SQLite and on PostgreSQL
(issue 13, finding 2), and the per-sender limit cannot be dodged by spelling the number another way
(finding 7)."""
import json
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from shailoo.messaging.models import InboundSms, OutboundSms
from tests.factories import list_voter, make_citizen, make_territory

SECRET = "test-gateway-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}
FORM = "application/x-www-form-urlencoded"
TOO_MANY = "&".join(f"f{n}=1" for n in range(60))
SENDER_21 = "+" + "9" * 20  # what the old pattern allowed: one character more than the columns hold
RECIPIENT_21 = "+" + "1" * 20

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def gateways():
    with override_settings(SMS_INBOUND=GATEWAYS):
        yield


@pytest.fixture
def citizen():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    return citizen


@pytest.mark.parametrize("path", ["/sms/jasmin", "/sms/kannel", "/sms/inbound", "/sms/jasmin/dlr", "/sms/kannel/dlr"])
@pytest.mark.parametrize("with_secret", [True, False])
def test_more_than_fifty_query_fields_get_a_400_with_or_without_the_secret(client, path, with_secret):
    query = (f"secret={SECRET}&" if with_secret else "") + TOO_MANY
    response = client.post(f"{path}?{query}", data=b"", content_type="application/json" if path == "/sms/inbound"
                           else FORM)
    assert response.status_code == 400
    assert b"too_many_fields" in response.content
    assert InboundSms.objects.count() == 0


@pytest.mark.parametrize("path", ["/sms/jasmin", "/sms/kannel"])
def test_more_than_fifty_body_fields_get_a_400(client, path):
    response = client.post(f"{path}?secret={SECRET}", data=TOO_MANY, content_type=FORM)
    assert response.status_code == 400 and b"too_many_fields" in response.content


@pytest.mark.parametrize(("sender", "recipient", "field"), [(SENDER_21, "119", "from"), ("996555000001", RECIPIENT_21, "to")])
def test_a_21_character_address_gets_a_400_on_every_webhook(client, citizen, sender, recipient, field):
    jasmin = client.post(f"/sms/jasmin?secret={SECRET}", content_type=FORM,
                         data=urlencode({"id": "a-1", "from": sender, "to": recipient, "content": citizen.pin}))
    kannel = client.get("/sms/kannel?" + urlencode({"secret": SECRET, "id": "a-2", "from": sender, "to": recipient,
                                                    "text": citizen.pin}))
    generic = client.post("/sms/inbound", content_type="application/json", headers={"X-Shailoo-Secret": SECRET},
                          data=json.dumps({"id": "a-3", "from": sender, "to": recipient, "text": citizen.pin}))
    for response in (jasmin, kannel):
        assert response.status_code == 400
        assert response.content.decode().startswith(f'Error "invalid_field: {field} is')
    assert generic.status_code == 400 and generic.json()["details"] == {"field": field}
    assert InboundSms.objects.count() == 0 and OutboundSms.objects.count() == 0


def test_a_20_character_sender_is_answered_and_its_reply_queued(client, citizen):
    sender = "+" + "9" * 19
    response = client.post(f"/sms/jasmin?secret={SECRET}", content_type=FORM,
                           data=urlencode({"id": "a-20", "from": sender, "to": "1" * 20, "content": citizen.pin}))
    assert response.content == b"ACK/Jasmin"
    assert OutboundSms.objects.get().to == sender


@pytest.mark.parametrize("fields", [
    {"id": "n\x00ul", "from": "996555000001", "to": "119", "text": "x"},
    {"id": "n-1", "from": "99655\x00000001", "to": "119", "text": "x"},
    {"id": "n-2", "from": "996555000001", "to": "11\x009", "text": "x"},
    {"id": "n-3", "from": "996555000001", "to": "119", "text": "x\x00y"},
    {"id": "n-4", "from": "996555000001", "to": "119", "text": "x", "charset": "utf\x00-8"},
    {"id": "i" * 5000, "from": "996555000001", "to": "119", "text": "x"},
    {"id": "n-5", "from": "9" * 5000, "to": "119", "text": "x"},
])
def test_nul_bytes_and_long_values_get_a_4xx(client, fields):
    kannel = client.get("/sms/kannel?" + urlencode({"secret": SECRET, **fields}))
    assert 400 <= kannel.status_code < 500, kannel.content
    if "charset" not in fields:  # Jasmin has no charset field
        jasmin = client.post(f"/sms/jasmin?secret={SECRET}", content_type=FORM, data=urlencode(
            {**{k: v for k, v in fields.items() if k != "text"}, "content": fields["text"]}))
        assert 400 <= jasmin.status_code < 500, jasmin.content
    assert InboundSms.objects.count() == 0


@pytest.mark.parametrize("query", [
    "ref=1&t=x&status=1", "ref=99999999999999999999999&t=x&status=1", "ref=%00&t=x&status=1", "ref=1&t=%00&status=1",
    "ref=" + "9" * 5000 + "&t=x&status=1",
])
def test_forged_delivery_reports_get_a_4xx(client, query):
    for path in ("/sms/kannel/dlr", "/sms/jasmin/dlr"):
        response = client.get(f"{path}?{query}&message_status=DELIVRD")
        assert response.status_code in (400, 403), (path, query, response.content)


def test_one_subscriber_has_one_limit_however_the_gateway_spells_the_number(client, citizen):
    """996700222333, +996700222333, 00996700222333 and 0700222333 are one sender: the third message of
    a limit of 2 is refused whichever spelling it uses."""
    limits = {"ip": "30/60", "pin": "100/3600", "sms_sender": "2/3600", "operator": "600/3600"}
    spellings = ["996700222333", "+996700222333", "00996700222333", "0700222333"]
    with override_settings(LOOKUP_RATE_LIMITS=limits):
        replies = [client.get("/sms/kannel?" + urlencode({"secret": SECRET, "id": f"s-{n}", "from": number,
                                                          "to": "119", "text": f"RU {citizen.pin}"})).content.decode()
                   for n, number in enumerate(spellings)]
    assert "№" in replies[0] and "№" in replies[1]
    assert replies[2] == "Слишком много запросов. Повторите позже или позвоните 1255."
    assert replies[3] == ""
    assert InboundSms.objects.values("sender_hash").distinct().count() == 1
