# SPDX-License-Identifier: Apache-2.0
"""A gateway that delivers the same message several times at once still gets one answer and one SMS."""
import contextlib
import threading

import pytest
from django.db import connection
from django.test import Client, override_settings

from shailoo.messaging.models import InboundSms, OutboundSms
from tests.factories import list_voter, make_citizen, make_territory

SECRET = "test-gateway-secret"
GATEWAYS = {name: {"secret": SECRET, "hmac_key": "", "allowed_ips": []} for name in ("jasmin", "kannel", "inbound")}


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_of_one_message_queue_one_reply():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    barrier = threading.Barrier(6)
    answers: list[tuple[int, bytes]] = []
    # The test run's SQLite is in memory with a shared cache, whose table locks ignore the busy timeout:
    # there the deliveries take turns (a deployed SQLite file queues writers for up to 30 s instead).
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def deliver() -> None:
        try:
            barrier.wait()
            with turns:
                response = Client().post(f"/sms/jasmin?secret={SECRET}", data=f"id=same&from=996555000001&to=119&content={citizen.pin}",
                                         content_type="application/x-www-form-urlencoded")
            answers.append((response.status_code, response.content))
        except Exception as error:  # shown in the assertion below, not lost in the thread
            answers.append((0, repr(error).encode()))
        finally:
            connection.close()

    with override_settings(SMS_INBOUND=GATEWAYS):
        threads = [threading.Thread(target=deliver) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert answers == [(200, b"ACK/Jasmin")] * 6
    assert InboundSms.objects.count() == 1
    assert OutboundSms.objects.count() == 1
