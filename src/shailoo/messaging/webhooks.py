# SPDX-License-Identifier: Apache-2.0
"""Reading what an SMS gateway sends: authentication, size and type checks, field decoding.

Every check raises `WebhookRefused` with an HTTP status, a code and a message; the views turn it into
the gateway's error form. Nothing a gateway can send leads to a 500.
"""
import hashlib
import hmac
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest

MAX_BODY = 16 * 1024
MAX_FIELDS = 50  # Jasmin posts 8, Kannel's URLs carry 6: more is not a gateway
MAX_TEXT = 1600  # ten concatenated parts: more than any phone sends as one message
# At most 20 characters with the "+": SMPP's address field, and our columns (a longer one is no number).
MAX_ADDRESS = 20
_PHONE = re.compile(r"^\+?[0-9]{3,20}$")
_RECIPIENT = re.compile(r"^\+?[0-9A-Za-z]{1,20}$")
_MESSAGE_ID = re.compile(r"^[\x21-\x7e]{1,100}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SECRET_HEADER = "HTTP_X_SHAILOO_SECRET"  # noqa: S105 - a header name
SIGNATURE_HEADER = "HTTP_X_SHAILOO_SIGNATURE"


class WebhookRefused(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


def raw_body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise WebhookRefused(400, "bad_request", "Content-Length is not a number") from None
    if declared > MAX_BODY:
        raise WebhookRefused(413, "too_large", f"the request body is limited to {MAX_BODY} bytes")
    body = request.body
    if len(body) > MAX_BODY:
        raise WebhookRefused(413, "too_large", f"the request body is limited to {MAX_BODY} bytes")
    return body


def authenticate(request: HttpRequest, gateway: str, *, signed: bytes) -> None:
    """The gateway proves itself by an HMAC-SHA256 of `signed` (header X-Shailoo-Signature: sha256=<hex>)
    or by the shared secret (header X-Shailoo-Secret, or `secret` in the query string for gateways that
    cannot set headers). A gateway with neither configured is refused, as is one from an address
    outside its allow-list when it has one."""
    config = settings.SMS_INBOUND.get(gateway) or {}
    allowed_ips = config.get("allowed_ips") or []
    if allowed_ips and request.META.get("REMOTE_ADDR") not in allowed_ips:
        raise WebhookRefused(403, "forbidden", "this address may not deliver messages for this gateway")
    secret, hmac_key = config.get("secret", ""), config.get("hmac_key", "")
    if not secret and not hmac_key:
        raise WebhookRefused(403, "gateway_not_configured", f"the {gateway} webhook has no secret configured")
    signature = request.META.get(SIGNATURE_HEADER, "")
    if hmac_key and signature:
        expected = "sha256=" + hmac.new(hmac_key.encode(), signed, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
            return
        raise WebhookRefused(401, "bad_signature", "the signature does not match the request")
    # Not request.GET: Django would decode the query string in the body's charset.
    query = urlencoded_fields(request.META.get("QUERY_STRING", ""))
    given = request.META.get(SECRET_HEADER, "").encode("latin-1", "replace") or query.get("secret", b"")
    if secret and given and hmac.compare_digest(secret.encode(), given):
        return
    raise WebhookRefused(401, "unauthenticated", "a valid gateway secret or signature is required")


def urlencoded_fields(raw: bytes | str) -> dict[str, bytes]:
    """Form fields as raw bytes: the gateway's coding, not ours, says how to read the text."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            raise WebhookRefused(400, "not_form_encoded", "the body is not URL-encoded form data") from None
    fields: dict[str, bytes] = {}
    try:
        for name, value in parse_qsl(raw, keep_blank_values=True, encoding="latin-1", max_num_fields=MAX_FIELDS):
            fields.setdefault(name, value.encode("latin-1"))
    except ValueError:
        raise WebhookRefused(400, "too_many_fields", f"at most {MAX_FIELDS} fields are read") from None
    return fields


def require(fields: dict, names: tuple[str, ...]) -> None:
    missing = [name for name in names if not fields.get(name)]
    if missing:
        raise WebhookRefused(400, "missing_fields", "required fields are missing or empty: " + ", ".join(missing),
                             {"missing": missing})


def as_ascii(value: bytes | str, name: str) -> str:
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise WebhookRefused(400, "invalid_field", f"{name} is not ASCII", {"field": name}) from None
    return value.strip()


def decode_text(value: bytes, *, charset: str = "utf-8") -> str:
    """The message text in the gateway's coding (UTF-8, UTF-16BE for UCS-2, Latin-1, GSM 03.38), with no binary."""
    charset = (charset or "utf-8").strip().lower().replace("_", "-")
    if charset in {"ucs-2", "ucs2", "utf-16", "utf-16be"}:
        charset = "utf-16-be"
    if charset == "gsm-7":
        return check_text(gsm7_decode(value))
    if charset not in {"utf-8", "utf-16-be", "iso-8859-1", "latin-1", "windows-1252", "ascii", "iso-8859-5"}:
        raise WebhookRefused(400, "unknown_charset", f"unknown charset {charset!r}")
    try:
        text = value.decode(charset)
    except UnicodeDecodeError:
        raise WebhookRefused(400, "not_text", f"the message text is not valid {charset}") from None
    return check_text(text)


# GSM 03.38, one septet per octet as SMPP carries the SMSC default alphabet (0x1B escapes the extension).
_GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
         "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM7_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]",
                   0x40: "|", 0x65: "€"}


def gsm7_decode(septets: bytes) -> str:
    """The GSM default alphabet; octets of 0x80 and above are no septets: such a text is read as UTF-8
    (an SMSC whose default alphabet is not GSM's; digits and Latin letters read the same either way)."""
    if any(octet >= 0x80 for octet in septets):
        try:
            return septets.decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookRefused(400, "not_text", "the message text is neither GSM 7-bit nor UTF-8") from None
    text, escaped = [], False
    for septet in septets:
        if escaped:
            text.append(_GSM7_EXTENSION.get(septet, " "))
            escaped = False
        elif septet == 0x1B:
            escaped = True
        else:
            text.append(_GSM7[septet])
    return "".join(text)


def smpp_charset(data_coding: int) -> str:
    """How to read a text of this SMPP data_coding; 8-bit binary messages are refused."""
    charsets = {0: "gsm-7", 1: "ascii", 3: "latin-1", 6: "iso-8859-5", 8: "utf-16-be"}
    if data_coding in charsets:
        return charsets[data_coding]
    alphabet = (data_coding >> 2) & 0x03 if data_coding >> 6 == 0 else None  # GSM 03.38 general data coding
    if data_coding in (2, 4) or (data_coding >> 4 == 0x0F and data_coding & 0x04) or alphabet == 1:
        raise WebhookRefused(400, "binary_content", f"an 8-bit binary message (data_coding {data_coding}) is not "
                             "read")
    if alphabet == 2:
        return "utf-16-be"
    return "gsm-7"


def check_text(text: str) -> str:
    if _CONTROL.search(text):
        raise WebhookRefused(400, "binary_content", "the message text holds control characters: binary data is not read")
    if len(text) > MAX_TEXT:
        raise WebhookRefused(413, "text_too_long", f"a message text is limited to {MAX_TEXT} characters")
    return text


def check_addresses(*, message_id: str, sender: str, recipient: str) -> tuple[str, str, str]:
    sender = sender.replace(" ", "")
    if not _MESSAGE_ID.match(message_id):
        raise WebhookRefused(400, "invalid_field", "id is 1 to 100 printable ASCII characters", {"field": "id"})
    if not _PHONE.match(sender) or len(sender) > MAX_ADDRESS:
        raise WebhookRefused(400, "invalid_field", f"from is not a phone number (at most {MAX_ADDRESS} characters)",
                             {"field": "from"})
    if not _RECIPIENT.match(recipient) or len(recipient) > MAX_ADDRESS:
        raise WebhookRefused(400, "invalid_field", f"to is not a short number or address (at most {MAX_ADDRESS} "
                             "characters)", {"field": "to"})
    return message_id, sender, recipient
