# SPDX-License-Identifier: Apache-2.0
"""/healthz shows the SMS worker's heartbeat and the oldest waiting message, and fails when the worker
died or the queue is stuck (issue 13, finding 5: after kill -9 of the worker /healthz still said ok)."""
import datetime as dt

import pytest
from django.utils import timezone

from shailoo.messaging import health
from shailoo.messaging.models import OutboundSms
from shailoo.messaging.services import queue_sms

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float) -> None:
    now = timezone.now()
    health.beat(worker="host:1", started_at=now - dt.timedelta(hours=1), now=now - dt.timedelta(seconds=seconds_ago))


def test_a_live_worker_and_nothing_waiting_is_healthy(client):
    beat(2)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert 1 < response.json()["sms"]["worker_heartbeat_age_s"] < 10
    assert response.json()["sms"]["oldest_queued_age_s"] is None


def test_a_dead_worker_makes_healthz_fail_with_the_reason(client, settings):
    settings.SMS_WORKER_STALE_SECONDS = 30
    beat(45)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["sms"]["problems"] == ["no SMS worker has been alive for 45 s"]


def test_a_stuck_queue_makes_healthz_fail_even_with_a_live_worker(client, settings):
    settings.SMS_QUEUE_STUCK_SECONDS = 300
    beat(1)
    sms = queue_sms(to="+996555000001", text="x")
    OutboundSms.objects.filter(pk=sms.pk).update(created_at=timezone.now() - dt.timedelta(minutes=7))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["sms"]["queued"] == 1
    assert response.json()["sms"]["problems"] == ["an SMS has waited 420 s to be sent"]


def test_no_worker_ever_seen_is_healthy_until_a_message_waits_too_long(client, settings):
    settings.SMS_QUEUE_STUCK_SECONDS = 300
    assert client.get("/healthz").status_code == 200
    queue_sms(to="+996555000001", text="x")
    assert client.get("/healthz").status_code == 200  # just queued: a worker has 5 minutes
    OutboundSms.objects.update(created_at=timezone.now() - dt.timedelta(minutes=6))
    assert client.get("/healthz").status_code == 503


def test_the_web_scope_ignores_the_sms_worker(client):
    beat(3600)
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz?scope=web")
    assert response.status_code == 200 and response.json() == {"status": "ok", "scope": "web"}


def test_heartbeats_of_workers_gone_for_a_day_are_forgotten():
    beat(2 * 24 * 3600)
    health.beat(worker="host:2", started_at=timezone.now())
    assert health.forget_old_heartbeats() == 1
    assert list(health.WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["host:2"]
