# SPDX-License-Identifier: Apache-2.0
"""The outbox and its worker, sending through real HTTP servers that speak Jasmin's and Kannel's protocols."""
import datetime as dt
import logging
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from shailoo.messaging import outbox, services
from shailoo.messaging.models import OutboundSms
from shailoo.messaging.senders import OutgoingSms, SendFailed, get_sender
from shailoo.messaging.senders.jasmin import JasminHttpSender
from shailoo.messaging.senders.kannel import KannelSender
from shailoo.messaging.senders.log import LogSender
from shailoo.messaging.services import delivery_token, queue_sms
from tests.messaging.gateways import GatewayServer

pytestmark = pytest.mark.django_db

CYRILLIC = "А***** Б., выборы 09.04.2026: голосуете на участке №5123, с. Самаркандек. Тел. +996 3622 5 00 00"


def test_jasmin_sender_posts_ucs2_as_hex_content_with_a_delivery_report_request():
    with GatewayServer([(200, 'Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d"')]) as jasmin:
        sender = JasminHttpSender(url=jasmin.url, username="shailoo", password="pw", sender_id="119")
        result = sender.send(OutgoingSms(reference=7, to="+996555123456", text=CYRILLIC, dlr_url="https://x/dlr"))
    assert result.gateway_message_id == "07033084-5cfd-4812-90a4-e4d24ffb6e3d"
    request = jasmin.requests[0]
    assert request.method == "POST" and request.path == "/send"
    assert request.params["coding"] == "8"
    assert bytes.fromhex(request.params["hex-content"]).decode("utf-16-be") == CYRILLIC
    assert request.params["username"] == "shailoo" and request.params["to"] == "+996555123456"
    assert request.params["from"] == "119"
    assert request.params["dlr"] == "yes" and request.params["dlr-level"] == "3"
    assert request.params["dlr-url"] == "https://x/dlr" and request.params["dlr-method"] == "POST"


def test_jasmin_sender_sends_latin_text_as_gsm7_content():
    with GatewayServer([(200, 'Success "abc"')]) as jasmin:
        JasminHttpSender(url=jasmin.url + "/send", username="u", password="p").send(
            OutgoingSms(reference=1, to="996555123456", text="Hello 119"))
    assert jasmin.requests[0].params["coding"] == "0"
    assert jasmin.requests[0].params["content"] == "Hello 119"
    assert "dlr" not in jasmin.requests[0].params


@pytest.mark.parametrize(("status", "body", "retryable"), [
    (400, 'Error "Argument to has an invalid value"', False),
    (403, 'Error "Authentication failure for username:u"', True),
    (412, 'Error "No route found"', True),
    (500, 'Error "Cannot send submit_sm"', True),
    (200, "something else", False),
])
def test_jasmin_errors_say_whether_a_retry_may_help(status, body, retryable):
    with GatewayServer([(status, body)]) as jasmin, pytest.raises(SendFailed) as failure:
        JasminHttpSender(url=jasmin.url, username="u", password="p").send(OutgoingSms(reference=1, to="1", text="x"))
    assert failure.value.retryable is retryable


def test_kannel_sender_uses_sendsms_with_utf8_and_ucs2_coding():
    with GatewayServer([(202, "0: Accepted for delivery")]) as kannel:
        result = KannelSender(url=kannel.url, username="sms", password="pw").send(
            OutgoingSms(reference=42, to="+996555123456", text=CYRILLIC, dlr_url="https://x/dlr?ref=42&status=%d"))
    request = kannel.requests[0]
    assert request.method == "GET" and request.path == "/cgi-bin/sendsms"
    assert request.params["text"] == CYRILLIC
    assert request.params["charset"] == "UTF-8" and request.params["coding"] == "2"
    assert request.params["dlr-mask"] == "31" and request.params["dlr-url"] == "https://x/dlr?ref=42&status=%d"
    assert result.gateway_message_id == "42"


def test_an_unreachable_gateway_is_a_retryable_failure():
    with GatewayServer([(200, "")]) as gone:
        url = gone.url
    with pytest.raises(SendFailed) as failure:
        KannelSender(url=url, username="u", password="p", timeout=2).send(OutgoingSms(reference=1, to="1", text="x"))
    assert failure.value.retryable


def test_the_log_sender_logs_the_text_but_not_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="shailoo.sms"):
        LogSender().send(OutgoingSms(reference=3, to="+996555123456", text="Салам"))
    assert "Салам" in caplog.text and "555123456" not in caplog.text and "tel#" in caplog.text


def test_the_worker_sends_the_outbox_through_jasmin_and_delivery_reports_update_it(client):
    first = queue_sms(to="+996555000001", text=CYRILLIC)
    second = queue_sms(to="+996555000002", text="Hello")
    with GatewayServer([(200, 'Success "j-1"'), (200, 'Success "j-2"')]) as jasmin, override_settings(
        SMS_SENDER="jasmin", SMS_GATEWAY_URL=jasmin.url, SMS_DLR_BASE_URL="https://tizme.example/"
    ):
        out = StringIO()
        call_command("worker", "--once", stdout=out)
    assert "sent 2" in out.getvalue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.gateway, first.attempts) == ("sent", "jasmin", 1)
    assert {first.gateway_message_id, second.gateway_message_id} == {"j-1", "j-2"}
    dlr_url = jasmin.requests[0].params["dlr-url"]
    assert dlr_url.startswith("https://tizme.example/sms/jasmin/dlr?ref=")

    split = urlsplit(dlr_url)
    reported = OutboundSms.objects.get(pk=int(parse_qs(split.query)["ref"][0]))
    response = client.post(split.path + "?" + split.query, data="id=j-1&message_status=DELIVRD&level=2",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and response.content == b"ACK/Jasmin"
    reported.refresh_from_db()
    assert reported.status == "delivered" and reported.delivery_report == "jasmin:DELIVRD" and reported.delivered_at
    late = client.post(split.path + "?" + split.query, data="id=j-1&message_status=ESME_ROK&level=1",
                       content_type="application/x-www-form-urlencoded")
    assert late.status_code == 200
    reported.refresh_from_db()
    assert reported.status == "delivered"
    other = second if reported.pk == first.pk else first
    other.refresh_from_db()
    assert other.status == "sent"


def test_a_delivery_report_with_a_wrong_token_changes_nothing(client):
    sms = queue_sms(to="+996555000001", text="x")
    other = queue_sms(to="+996555000002", text="y")
    response = client.get(f"/sms/kannel/dlr?ref={sms.pk}&t={delivery_token(other.pk)}&status=1")
    assert response.status_code == 403
    assert client.get("/sms/kannel/dlr?ref=abc&t=x&status=1").status_code == 400
    assert client.get(f"/sms/kannel/dlr?ref={sms.pk}&t={delivery_token(sms.pk)}&status=x").status_code == 400
    sms.refresh_from_db()
    assert sms.status == "queued"


def test_kannel_delivery_reports_mark_failed_and_delivered(client):
    sms = queue_sms(to="+996555000001", text="x")
    with GatewayServer([(202, "0: Accepted for delivery")]) as kannel, override_settings(
        SMS_SENDER="kannel", SMS_GATEWAY_URL=kannel.url, SMS_DLR_BASE_URL="https://tizme.example"
    ):
        call_command("worker", "--once", stdout=StringIO())
    dlr_url = kannel.requests[0].params["dlr-url"]
    assert "status=%d" in dlr_url
    split = urlsplit(dlr_url.replace("%d", "8"))
    assert client.get(split.path + "?" + split.query).status_code == 200
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.delivery_report == "kannel:8"
    assert parse_qs(split.query)["ref"] == [str(sms.pk)]
    failed = urlsplit(dlr_url.replace("%d", "2"))
    client.get(failed.path + "?" + failed.query)
    sms.refresh_from_db()
    assert sms.status == "failed" and "kannel:2" in sms.last_error


def test_a_failing_gateway_is_retried_with_backoff_then_the_message_fails():
    sms = queue_sms(to="+996555000001", text="x")
    with GatewayServer([(503, "Service unavailable")]) as jasmin, override_settings(SMS_MAX_ATTEMPTS=3):
        sender = JasminHttpSender(url=jasmin.url, username="u", password="p")
        now = timezone.now()
        assert outbox.send_due(sender, now=now).retried == 1
        sms.refresh_from_db()
        assert sms.status == "queued" and sms.attempts == 1 and sms.next_attempt_at == now + dt.timedelta(seconds=30)
        assert "503" in sms.last_error
        assert outbox.send_due(sender, now=now + dt.timedelta(seconds=29)).handled == 0  # not due yet
        assert outbox.send_due(sender, now=now + dt.timedelta(seconds=31)).retried == 1
        sms.refresh_from_db()
        assert sms.next_attempt_at == now + dt.timedelta(seconds=31) + dt.timedelta(seconds=60)
        assert outbox.send_due(sender, now=now + dt.timedelta(hours=1)).failed == 1
    sms.refresh_from_db()
    assert sms.status == "failed" and sms.attempts == 3 and len(jasmin.requests) == 3


def test_a_rejected_message_fails_at_once():
    sms = queue_sms(to="+996555000001", text="x")
    with GatewayServer([(400, 'Error "Argument to has an invalid value"')]) as jasmin:
        report = outbox.send_due(JasminHttpSender(url=jasmin.url, username="u", password="p"))
    sms.refresh_from_db()
    assert report.failed == 1 and sms.status == "failed" and sms.attempts == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_when_its_lease_ends():
    sms = queue_sms(to="+996555000001", text="x")
    now = timezone.now()
    assert [claimed.pk for claimed in outbox.claim_due(limit=10, now=now)] == [sms.pk]
    assert outbox.claim_due(limit=10, now=now + dt.timedelta(seconds=60)) == []
    assert [claimed.pk for claimed in outbox.claim_due(limit=10, now=now + dt.timedelta(seconds=121))] \
        == [sms.pk]


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(30) == dt.timedelta(hours=1)


def test_the_sender_is_chosen_in_settings():
    with override_settings(SMS_SENDER="log"):
        assert get_sender().name == "log"
    with override_settings(SMS_SENDER="kannel", SMS_GATEWAY_URL="http://127.0.0.1:13013"):
        assert get_sender().name == "kannel"
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(SMS_SENDER="jasmin", SMS_GATEWAY_URL=""), pytest.raises(ImproperlyConfigured):
        get_sender()


def test_the_log_sender_hashes_the_number_as_the_inbound_log_line_does(caplog):
    from shailoo.messaging.services import number_digest

    with caplog.at_level(logging.INFO, logger="shailoo.sms"):
        LogSender().send(OutgoingSms(reference=4, to="+996555123456", text="x"))
    assert f"tel#{number_digest('+996555123456')}" in caplog.text


def test_a_batch_is_sent_concurrently_and_every_outcome_recorded():
    messages = [queue_sms(to=f"+99655500{n:04d}", text=f"m{n}") for n in range(12)]
    answers = [(200, f'Success "id-{n}"') for n in range(5)] + [(503, "busy")] * 1 + [(200, 'Success "later"')]
    with GatewayServer(answers) as jasmin:
        report = outbox.send_due(JasminHttpSender(url=jasmin.url, username="u", password="p"), concurrency=4)
    assert report.handled == 12 and report.retried == 1 and report.sent == 11
    assert len(jasmin.requests) == 12
    statuses = sorted(OutboundSms.objects.filter(pk__in=[m.pk for m in messages]).values_list("status", flat=True))
    assert statuses == ["queued"] + ["sent"] * 11


def test_a_sender_that_breaks_leaves_the_message_to_be_retried():
    class Broken:
        name = "broken"

        def send(self, message):
            raise RuntimeError("bug")

    sms = queue_sms(to="+996555000001", text="x")
    assert outbox.send_due(Broken()).retried == 1
    sms.refresh_from_db()
    assert sms.status == "queued" and "RuntimeError" in sms.last_error


class WorkerDies(BaseException):
    """What kill -9 does to a worker mid-batch, as far as this process can tell: nothing after it runs."""


class DyingSender:
    name = "kannel"

    def __init__(self, survives: int) -> None:
        self.survives, self.calls = survives, 0

    def send(self, message: OutgoingSms):
        self.calls += 1
        if self.calls > self.survives:
            raise WorkerDies
        return outbox.SendResult(gateway=self.name, gateway_message_id=str(message.reference))


def test_each_answer_is_committed_as_soon_as_the_gateway_gives_it():
    """A worker that dies mid-batch has already written down every answer it got (issue 13, finding 5: the
    batch's outcomes were committed together, so all 50 were sent again)."""
    messages = [queue_sms(to=f"+99655500{n:04d}", text="x") for n in range(10)]
    with pytest.raises(WorkerDies):
        outbox.send_due(DyingSender(survives=6), limit=10)
    statuses = [OutboundSms.objects.get(pk=sms.pk).status for sms in messages]
    assert statuses.count("sent") == 6 and statuses.count("sending") == 4


def test_a_delivery_report_settles_a_message_left_in_doubt_so_it_is_not_sent_again():
    first, second = queue_sms(to="+996555000001", text="x"), queue_sms(to="+996555000002", text="y")
    now = timezone.now()
    assert len(outbox.claim_due(limit=10, now=now)) == 2  # then the worker died with both under way
    services.record_delivery_report(reference=first.pk, delivered=None, report="kannel:8")  # the SMSC has it
    after_lease = now + dt.timedelta(seconds=121)
    assert [sms.pk for sms in outbox.claim_due(limit=10, now=after_lease)] == [second.pk]
    first.refresh_from_db()
    assert first.status == "sent" and first.sent_at and first.delivery_report == "kannel:8"


def test_a_failure_after_a_report_does_not_queue_the_message_again():
    """Our request timed out, but the gateway had taken the message and reported it."""
    sms = queue_sms(to="+996555000001", text="x")
    (claimed,) = outbox.claim_due(limit=1)
    services.record_delivery_report(reference=sms.pk, delivered=True, report="jasmin:DELIVRD")
    assert outbox.record_attempt(claimed, "jasmin", SendFailed("Jasmin unreachable: ReadTimeout", retryable=True)) \
        == "retry"
    sms.refresh_from_db()
    assert sms.status == "delivered" and sms.last_error == ""
