# SPDX-License-Identifier: Apache-2.0
"""Outbound SMS senders: one `SmsSender` per gateway protocol, chosen by settings.SMS_SENDER.

`log` (demo and development: writes the message to the log with the number hashed), `jasmin`
(Jasmin's HTTP API `/send`), `kannel` (Kannel's smsbox `/cgi-bin/sendsms`).
"""
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class OutgoingSms:
    """What a sender needs: the recipient, the text, and where the gateway reports delivery."""

    reference: int
    to: str
    text: str
    dlr_url: str = ""
    """Our delivery-report URL for this message, empty when none is wanted (no public base URL)."""


@dataclass(frozen=True)
class SendResult:
    gateway: str
    gateway_message_id: str = ""


class SendFailed(Exception):
    """The gateway did not take the message; `retryable` says whether trying again may help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class SmsSender(Protocol):
    name: str

    def send(self, message: OutgoingSms) -> SendResult:
        """Hand one message to the gateway; raise SendFailed when it is not taken."""
        ...


def get_sender() -> SmsSender:
    """The sender configured in settings (SHAILOO_SMS_SENDER)."""
    kind = settings.SMS_SENDER
    if kind == "log":
        from shailoo.messaging.senders.log import LogSender

        return LogSender()
    if not settings.SMS_GATEWAY_URL:
        raise ImproperlyConfigured(f"SHAILOO_SMS_SENDER={kind} needs SHAILOO_SMS_GATEWAY_URL")
    options = {
        "url": settings.SMS_GATEWAY_URL, "username": settings.SMS_GATEWAY_USERNAME,
        "password": settings.SMS_GATEWAY_PASSWORD, "sender_id": settings.SMS_FROM,
    }
    if kind == "jasmin":
        from shailoo.messaging.senders.jasmin import JasminHttpSender

        return JasminHttpSender(**options)
    if kind == "kannel":
        from shailoo.messaging.senders.kannel import KannelSender

        return KannelSender(**options)
    raise ImproperlyConfigured(f"SHAILOO_SMS_SENDER must be log, jasmin or kannel, not {kind!r}")
