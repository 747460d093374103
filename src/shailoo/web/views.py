# SPDX-License-Identifier: Apache-2.0
"""Pages every part of the platform shares: the statements, the error pages, the health check."""
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shailoo.messaging.health import outbox_health

log = logging.getLogger(__name__)


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


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html", {
        "voter_session_minutes": settings.VOTER_SESSION_SECONDS // 60,
        "scan_max_mb": settings.SHAILOO_SCAN_MAX_BYTES // (1024 * 1024),
    })


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def _error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, status=400, title=_("The request could not be understood"),
                       message=_("The page received something it cannot read. Go back and try again."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, status=403, title=_("No access"),
                       message=_("You cannot open this page with the account you are signed in with."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, status=404, title=_("Page not found"),
                       message=_("If you typed the address, check it is correct. If you pasted it, check you "
                                 "copied all of it."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, status=403, title=_("The form has expired"),
                       message=_("The page was open too long or cookies are switched off. Go back, reload "
                                 "the page and send the form again."))


def server_error(request: HttpRequest) -> HttpResponse:
    """Our 500 page, in the visitor's language; if even that fails, a plain page in both state languages."""
    try:
        return _error_page(request, status=500, title=_("Sorry, something went wrong"),
                           message=_("The fault is ours. Try again later; what you sent was not saved."))
    except Exception:  # noqa: BLE001 - the last resort must not raise
        log.exception("the 500 page itself failed")
        return HttpResponseServerError(loader.get_template("web/500_plain.html").render())
