# SPDX-License-Identifier: Apache-2.0
"""Kannel's smsbox: `GET <url>/cgi-bin/sendsms?username&password&to&text&charset=UTF-8&coding=2`; the
answer is 202 `0: Accepted for delivery` or `3: Queued for later delivery`. Kannel returns no message
id: the delivery-report URL carries ours (dlr-mask=31: delivered, failed, buffered, submitted, rejected)."""
import requests
import requests.adapters

from shailoo.messaging.senders import OutgoingSms, SendFailed, SendResult
from shailoo.rules.sms_texts import Encoding, count_segments

_RETRYABLE_STATUSES = {403, 429}


class KannelSender:
    name = "kannel"

    def __init__(self, *, url: str, username: str, password: str, sender_id: str = "", timeout: float = 10) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/sendsms") else base + "/cgi-bin/sendsms"
        self.username, self.password, self.sender_id, self.timeout = username, password, sender_id, timeout
        self.session = requests.Session()
        # Room for the worker's concurrent requests (shailoo worker --concurrency).
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
        self.session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=32))

    def send(self, message: OutgoingSms) -> SendResult:
        ucs2 = count_segments(message.text).encoding is Encoding.UCS2
        params = {
            "username": self.username, "password": self.password, "to": message.to, "text": message.text,
            "charset": "UTF-8", "coding": "2" if ucs2 else "0",
        }
        if self.sender_id:
            params["from"] = self.sender_id
        if message.dlr_url:
            params.update({"dlr-mask": "31", "dlr-url": message.dlr_url})
        try:
            response = self.session.get(self.url, params=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise SendFailed(f"Kannel unreachable: {type(error).__name__}", retryable=True) from None
        body = response.text.strip()[:200]
        if response.status_code in (200, 202) and body[:2] in ("0:", "3:"):
            return SendResult(gateway=self.name, gateway_message_id=str(message.reference))
        retryable = response.status_code >= 500 or response.status_code in _RETRYABLE_STATUSES
        raise SendFailed(f"Kannel {response.status_code}: {body}", retryable=retryable)
