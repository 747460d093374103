# SPDX-License-Identifier: Apache-2.0
"""Jasmin's HTTP API: `POST <url>/send` with username, password, to, content (or hex-content with
coding=8 for UCS-2); the answer is `Success "<message id>"`, or `Error "<reason>"` with a 4xx/5xx.
A delivery report is requested with dlr=yes, dlr-url, dlr-level=3 (the SMSC's acknowledgement, which settles a
message left in doubt by a worker that died, and the handset's), dlr-method=POST."""
import re

import requests
import requests.adapters

from shailoo.messaging.senders import OutgoingSms, SendFailed, SendResult
from shailoo.rules.sms_texts import Encoding, count_segments

_SUCCESS = re.compile(r'^Success "([^"]+)"')
# Credentials, charging and routing problems are fixed on the gateway's side: worth retrying.
_RETRYABLE_STATUSES = {403, 412, 429}


class JasminHttpSender:
    name = "jasmin"

    def __init__(self, *, url: str, username: str, password: str, sender_id: str = "", timeout: float = 10) -> None:
        self.url = url.rstrip("/") + ("" if url.rstrip("/").endswith("/send") else "/send")
        self.username, self.password, self.sender_id, self.timeout = username, password, sender_id, timeout
        self.session = requests.Session()
        # Room for the worker's concurrent requests (shailoo worker --concurrency).
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
        self.session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=32))

    def send(self, message: OutgoingSms) -> SendResult:
        params = {"username": self.username, "password": self.password, "to": message.to}
        if self.sender_id:
            params["from"] = self.sender_id
        if count_segments(message.text).encoding is Encoding.UCS2:
            params["coding"] = "8"
            params["hex-content"] = message.text.encode("utf-16-be").hex()
        else:
            params["coding"] = "0"
            params["content"] = message.text
        if message.dlr_url:
            params.update({"dlr": "yes", "dlr-url": message.dlr_url, "dlr-level": "3", "dlr-method": "POST"})
        try:
            response = self.session.post(self.url, data=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise SendFailed(f"Jasmin unreachable: {type(error).__name__}", retryable=True) from None
        body = response.text.strip()[:200]
        match = _SUCCESS.match(body)
        if response.status_code == 200 and match:
            return SendResult(gateway=self.name, gateway_message_id=match.group(1))
        retryable = response.status_code >= 500 or response.status_code in _RETRYABLE_STATUSES
        raise SendFailed(f"Jasmin {response.status_code}: {body}", retryable=retryable)
