# SPDX-License-Identifier: Apache-2.0
from django.db import connection
from django.http import HttpRequest, JsonResponse

from shailoo.messaging.health import outbox_health


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the SMS outbox moves; 503 with the reasons when a worker died
    (no heartbeat for SHAILOO_SMS_WORKER_STALE_SECONDS) or a message waits too long to be sent, so that a
    monitor notices. `?scope=web` checks only what the web itself needs (the database): for a load balancer
    that should not take every web node out because the SMS worker died (docs/sms.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if request.GET.get("scope") == "web":
        return JsonResponse({"status": "ok", "scope": "web"})
    sms = outbox_health()
    body = {"status": "ok" if sms.ok else "failing", "sms": sms.as_dict()}
    return JsonResponse(body, status=200 if sms.ok else 503)
