# SPDX-License-Identifier: Apache-2.0
"""The demo sender: the message goes to the log, with the recipient's number as a keyed hash."""
import logging
import uuid

from django.conf import settings

from shailoo.messaging.senders import OutgoingSms, SendResult
from shailoo.rules.pin import pin_digest

logger = logging.getLogger("shailoo.sms")


class LogSender:
    name = "log"

    def send(self, message: OutgoingSms) -> SendResult:
        recipient = "tel#" + pin_digest(message.to, settings.PIN_HASH_KEY)
        logger.info("SMS %s to %s: %s", message.reference, recipient, message.text)
        return SendResult(gateway=self.name, gateway_message_id=str(uuid.uuid4()))
