# SPDX-License-Identifier: Apache-2.0
"""The relay's public JSON API (EVOTING-CONTRACT.md 3): no session and no CSRF token, because every body
is signed by a holder's key (or carries the one-time code); errors as {"error": {"code", "message"}}."""
from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shailoo.ceremony import selectors, services
from shailoo.ceremony.services import CeremonyRefused
from shailoo.elections.models import Election

MAX_REGISTRATION_BYTES = 4096


def _error(refused: CeremonyRefused) -> JsonResponse:
    return JsonResponse({"error": {"code": refused.code, "message": refused.messages()}}, status=refused.status,
                        json_dumps_params={"ensure_ascii": False})


def _body(request: HttpRequest, limit: int) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise CeremonyRefused("body.too-large", f"the body is at most {limit} bytes", 413)
    body = request.body
    if len(body) > limit:
        raise CeremonyRefused("body.too-large", f"the body is at most {limit} bytes", 413)
    return body


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    """{"election", "code", "public_key", "name"} -> {"holder": index, "name": the commission's name}."""
    try:
        try:
            data = json.loads(_body(request, MAX_REGISTRATION_BYTES))
        except (ValueError, UnicodeDecodeError) as error:
            raise CeremonyRefused("body.json", "the body is not JSON") from error
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("election", "code", "public_key")):
            raise CeremonyRefused("body.schema", "expected {\"election\", \"code\", \"public_key\", \"name\"} as texts")
        holder, new = services.register_holder(data["election"], data["code"], data["public_key"])
    except CeremonyRefused as refused:
        return _error(refused)
    return JsonResponse({"election": holder.election.slug, "holder": holder.index, "name": holder.name,
                         "public_key": holder.public_key, "registered": new},
                        json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def state(request: HttpRequest, slug: str) -> JsonResponse:
    election = Election.objects.filter(slug=slug).first()
    if election is None:
        return _error(CeremonyRefused("election.unknown", f"no election {slug!r}", 404))
    return JsonResponse(selectors.relay_state(election), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def message(request: HttpRequest, slug: str, number: int) -> JsonResponse:
    try:
        stored, new = services.accept_message(slug, number, _body(request, services.MAX_MESSAGE_BYTES))
    except CeremonyRefused as refused:
        return _error(refused)
    return JsonResponse({"board": f"{slug}/{number}", "kind": services.KIND_OF_ROUND[stored.round],
                         "holder": stored.holder, "attempt": stored.attempt, "digest": stored.digest, "stored": new})
