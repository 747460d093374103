# SPDX-License-Identifier: Apache-2.0
"""The e-voting JSON API (EVOTING-CONTRACT.md 4, 6): thin views over services; every refusal is a 4xx
``{"error": {"code", "message": {"ky", "ru", "en"}}}``, never a 500."""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt

from shailoo.evoting import closing, published, selectors, services
from shailoo.evoting.errors import EvotingError
from shailoo.tunduk.session import current_voter_pin

log = logging.getLogger("shailoo.evoting")


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def refusal(error: EvotingError) -> JsonResponse:
    return _json(error.as_json(), status=error.status)


def api(method: str, *, csrf: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A JSON endpoint: one method, the board looked up, refusals answered as JSON. With ``csrf``, the
    session's CSRF token must come in the X-CSRFToken header (checked here, so that a failure is JSON too)."""
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, slug: str, number: int) -> HttpResponse:
            if request.method != method:
                return refusal(EvotingError("method.not-allowed", f"use {method}"))
            if csrf and CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is not None:
                return _json({"error": {"code": "csrf.failed", "message": {
                    "ky": "Барак эскирди: аны кайра ачыңыз.", "ru": "Страница устарела: откройте её заново.",
                    "en": "The page is stale (CSRF check failed): open it again."}}}, status=403)
            try:
                board = closing.close_if_due(selectors.api_board(slug, number))
                return view(request, board)
            except EvotingError as error:
                return refusal(error)
        return wrapped
    return decorate


def _body(request: HttpRequest) -> bytes:
    """The request body, read no further than the cap (a longer body is refused without reading it all)."""
    limit = settings.EVOTING_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise EvotingError("body.too-large", f"at most {limit} bytes")
    data = request.read(limit + 1)
    if len(data) > limit:
        raise EvotingError("body.too-large", f"at most {limit} bytes")
    return data


@api("GET")
def booth(request: HttpRequest, board: Any) -> HttpResponse:
    response = _json(selectors.booth_json(board))
    response["Cache-Control"] = "public, max-age=30"
    return response


@api("POST", csrf=True)
def cast(request: HttpRequest, board: Any) -> HttpResponse:
    started, started_cpu = time.perf_counter(), time.thread_time()
    answer = services.cast(board, _body(request), pin=current_voter_pin(request))
    response = _json(answer.as_json())
    # Wall time, and the CPU time of the request's thread (what a busy machine does not inflate).
    response["Server-Timing"] = (f"verify;dur={answer.verify_seconds * 1000:.2f}, "
                                 f"cast;dur={(time.perf_counter() - started) * 1000:.2f}, "
                                 f"verify-cpu;dur={answer.verify_cpu_seconds * 1000:.2f}, "
                                 f"cast-cpu;dur={(time.thread_time() - started_cpu) * 1000:.2f}")
    return response


@api("POST", csrf=True)
def challenge(request: HttpRequest, board: Any) -> HttpResponse:
    answer = services.challenge(board, _body(request), pin=current_voter_pin(request))
    return _json({"receipt": answer.receipt})


@api("GET")
def record_zip(request: HttpRequest, board: Any) -> HttpResponse:
    """The board's record as a zip that ``python -m shailoo.crypto.verify`` reads, streamed; its ETag is the
    digest of the board's state, and a closed board's record comes from the file written once, with its length."""
    services.board_manifest(board)
    etag = f'"{published.etag(board)}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        kept, chunks = published.closed_record(board)
        if kept is not None:
            response = FileResponse(kept, content_type="application/zip")
        else:
            response = StreamingHttpResponse(chunks or published.record_chunks(board), content_type="application/zip")
        name = board.board_id.replace("/", "-")
        response["Content-Disposition"] = f'attachment; filename="shailoo-record-{name}.zip"'
    response["ETag"] = etag
    return response


@api("POST")
def decryptions(request: HttpRequest, board: Any) -> HttpResponse:
    """One key holder's partial decryption (no session, no CSRF token: the holder's signature and the proofs
    are the authority)."""
    return _json(closing.accept_decryption(board, _body(request)))
