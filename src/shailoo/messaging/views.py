# SPDX-License-Identifier: Apache-2.0
"""SMS gateway webhooks: messages to 119 (Jasmin, Kannel, generic JSON) and delivery reports.

These views are exempt from CSRF because gateways are not browsers: each authenticates instead (a
shared secret or an HMAC of the request, see webhooks.authenticate). Thin: parse, call the service.
"""
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shailoo.messaging import services
from shailoo.messaging.models import InboundSms
from shailoo.messaging.webhooks import (
    WebhookRefused,
    as_ascii,
    authenticate,
    check_addresses,
    check_text,
    decode_text,
    raw_body,
    require,
    smpp_charset,
    urlencoded_fields,
)
from shailoo.rules.sms_texts import Encoding, count_segments

JASMIN_ACK = "ACK/Jasmin"
# Kannel's data coding of a reply: without it Kannel sends 7-bit GSM and turns every Cyrillic letter into
# "?". It is obeyed only with `accept-x-kannel-headers = true` in the sms-service (docs/sms.md).
KANNEL_CODING_HEADER, KANNEL_UCS2 = "X-Kannel-Coding", "2"
FORM = "application/x-www-form-urlencoded"


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _plain_refusal(refusal: WebhookRefused) -> HttpResponse:
    return _plain(f"Error \"{refusal.code}: {refusal.message}\"", status=refusal.status)


def _json_refusal(refusal: WebhookRefused) -> JsonResponse:
    return JsonResponse(
        {"error": refusal.code, "message": refusal.message, "details": refusal.details}, status=refusal.status
    )


def _content_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def _charset(request: HttpRequest) -> str:
    for part in request.META.get("CONTENT_TYPE", "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')
    return "utf-8"


def _form_fields(request: HttpRequest, body: bytes) -> dict[str, bytes]:
    """Query-string fields, overridden by form-body fields on a POST."""
    fields = urlencoded_fields(request.META.get("QUERY_STRING", ""))
    if request.method == "POST" and body:
        if _content_type(request) != FORM:
            raise WebhookRefused(415, "unsupported_media_type", f"send the fields as {FORM}")
        fields.update(urlencoded_fields(body))
    return fields


def _data_coding(raw: bytes) -> int:
    """Jasmin's `coding`: the SMPP data_coding, posted by Jasmin 0.11 as the octet itself (%08 for UCS-2),
    by older versions and by hand as its decimal digits ("8")."""
    if len(raw) == 1 and not raw.isdigit():
        return raw[0]
    try:
        return int(as_ascii(raw, "coding") or 0)
    except ValueError:
        raise WebhookRefused(400, "invalid_field", "coding is the SMPP data_coding", {"field": "coding"}) from None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def jasmin_inbound(request: HttpRequest) -> HttpResponse:
    """Jasmin's HTTP client connector: fields id, from, to, content, coding (and binary: the hex of
    the content). The answer is `ACK/Jasmin` at once; the reply SMS goes through the outbox."""
    try:
        body = raw_body(request)
        authenticate(request, "jasmin", signed=body or request.META.get("QUERY_STRING", "").encode())
        fields = _form_fields(request, body)
        require(fields, ("id", "from", "to", "content"))
        # Without a coding (a hand-made post, not Jasmin) the content is UTF-8 text.
        charset = smpp_charset(_data_coding(fields["coding"])) if "coding" in fields else "utf-8"
        content = fields["content"]
        if fields.get("binary"):
            try:
                content = bytes.fromhex(as_ascii(fields["binary"], "binary"))
            except ValueError:
                raise WebhookRefused(400, "invalid_field", "binary is not hexadecimal", {"field": "binary"}) from None
        text = decode_text(content, charset=charset)
        message_id, sender, recipient = check_addresses(
            message_id=as_ascii(fields["id"], "id"), sender=as_ascii(fields["from"], "from"),
            recipient=as_ascii(fields["to"], "to"),
        )
    except WebhookRefused as refusal:
        return _plain_refusal(refusal)
    services.answer_inbound_sms(
        gateway=InboundSms.Gateway.JASMIN, message_id=message_id, sender=sender, recipient=recipient, text=text,
        reply_through_outbox=True,
    )
    return _plain(JASMIN_ACK)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_inbound(request: HttpRequest) -> HttpResponse:
    """Kannel's sms-service get-url/post-url: from, to, text, id (and charset) as query or form fields,
    or the text as a text/plain body; the response body is the reply SMS, in UTF-8, with X-Kannel-Coding: 2
    when it needs UCS-2 (Cyrillic) and no coding header when GSM 7-bit carries it."""
    try:
        body = raw_body(request)
        authenticate(request, "kannel", signed=body or request.META.get("QUERY_STRING", "").encode())
        if request.method == "POST" and _content_type(request) == "text/plain":
            fields = urlencoded_fields(request.META.get("QUERY_STRING", ""))
            fields["text"] = body
            charset = _charset(request)
        else:
            fields = _form_fields(request, body)
            charset = as_ascii(fields.get("charset", b"utf-8"), "charset") or "utf-8"
        require(fields, ("id", "from", "to", "text"))
        text = decode_text(fields["text"], charset=charset)
        message_id, sender, recipient = check_addresses(
            message_id=as_ascii(fields["id"], "id"), sender=as_ascii(fields["from"], "from"),
            recipient=as_ascii(fields["to"], "to"),
        )
    except WebhookRefused as refusal:
        return _plain_refusal(refusal)
    answer = services.answer_inbound_sms(
        gateway=InboundSms.Gateway.KANNEL, message_id=message_id, sender=sender, recipient=recipient, text=text,
        reply_through_outbox=False,
    )
    response = _plain(answer.reply)
    if answer.reply and count_segments(answer.reply).encoding is Encoding.UCS2:
        response[KANNEL_CODING_HEADER] = KANNEL_UCS2
    return response


@csrf_exempt
@require_http_methods(["POST"])
def generic_inbound(request: HttpRequest) -> HttpResponse:
    """Any other gateway: a JSON object {id, from, to, text}; the reply goes through the outbox and is
    also returned, with its cost in SMS parts."""
    try:
        body = raw_body(request)
        authenticate(request, "inbound", signed=body)
        if not body:
            raise WebhookRefused(400, "empty_body", "send a JSON object {id, from, to, text}")
        if _content_type(request) != "application/json":
            raise WebhookRefused(415, "unsupported_media_type", "send a JSON object as application/json")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WebhookRefused(400, "invalid_json", "the body is not a UTF-8 JSON document") from None
        if not isinstance(payload, dict):
            raise WebhookRefused(400, "invalid_json", "the body must be a JSON object")
        require(payload, ("id", "from", "to", "text"))
        wrong = [name for name in ("id", "from", "to", "text") if not isinstance(payload[name], str | int)
                 or isinstance(payload[name], bool)]
        if wrong:
            raise WebhookRefused(400, "invalid_field", "fields must be strings: " + ", ".join(wrong), {"fields": wrong})
        text = check_text(str(payload["text"]))
        message_id, sender, recipient = check_addresses(
            message_id=str(payload["id"]).strip(), sender=str(payload["from"]).strip(), recipient=str(payload["to"]).strip()
        )
    except WebhookRefused as refusal:
        return _json_refusal(refusal)
    answer = services.answer_inbound_sms(
        gateway=InboundSms.Gateway.INBOUND, message_id=message_id, sender=sender, recipient=recipient, text=text,
        reply_through_outbox=True,
    )
    segments = count_segments(answer.reply)
    return JsonResponse({
        "id": message_id, "reply": answer.reply, "outcome": answer.outcome, "language": answer.language,
        "duplicate": answer.duplicate, "queued": answer.reply_sms_id is not None,
        "encoding": segments.encoding.value, "parts": segments.parts,
    }, json_dumps_params={"ensure_ascii": False})


def _dlr_reference(request: HttpRequest, fields: dict) -> int:
    try:
        reference = int(as_ascii(fields.get("ref", b""), "ref"))
    except ValueError:
        raise WebhookRefused(400, "invalid_field", "ref is our message number", {"field": "ref"}) from None
    token = as_ascii(fields.get("t", b""), "t")
    if not services.delivery_token_valid(reference, token):
        raise WebhookRefused(403, "bad_token", "this delivery-report URL was not issued for that message")
    return reference


# Jasmin's message_status: final states of the handset report (level 2), and SMPP errors (level 1).
_JASMIN_DELIVERED = {"DELIVRD"}
_JASMIN_FAILED = {"UNDELIV", "REJECTD", "EXPIRED", "DELETED"}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def jasmin_delivery_report(request: HttpRequest) -> HttpResponse:
    try:
        body = raw_body(request)
        fields = _form_fields(request, body)
        reference = _dlr_reference(request, fields)
        require(fields, ("message_status",))
        status = as_ascii(fields["message_status"], "message_status").upper()[:40]
    except WebhookRefused as refusal:
        return _plain_refusal(refusal)
    if status in _JASMIN_DELIVERED:
        delivered = True
    elif status in _JASMIN_FAILED or (status.startswith("ESME_") and status != "ESME_ROK"):
        delivered = False
    else:
        delivered = None
    services.record_delivery_report(reference=reference, delivered=delivered, report=f"jasmin:{status}")
    return _plain(JASMIN_ACK)


# Kannel's %d: 1 delivered, 2 undeliverable, 4 buffered, 8 submitted to the SMSC, 16 rejected by it.
_KANNEL_DELIVERED, _KANNEL_FAILED = {1}, {2, 16}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_delivery_report(request: HttpRequest) -> HttpResponse:
    try:
        body = raw_body(request)
        fields = _form_fields(request, body)
        reference = _dlr_reference(request, fields)
        require(fields, ("status",))
        try:
            status = int(as_ascii(fields["status"], "status"))
        except ValueError:
            raise WebhookRefused(400, "invalid_field", "status is Kannel's %d number", {"field": "status"}) from None
    except WebhookRefused as refusal:
        return _plain_refusal(refusal)
    delivered = True if status in _KANNEL_DELIVERED else (False if status in _KANNEL_FAILED else None)
    services.record_delivery_report(reference=reference, delivered=delivered, report=f"kannel:{status}")
    return _plain("OK")
