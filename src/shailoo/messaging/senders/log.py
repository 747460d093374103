# SPDX-License-Identifier: Apache-2.0
"""The demo sender: the message goes to the log, with the recipient's number as a keyed hash."""
import logging
import uuid

from shailoo.messaging.senders import OutgoingSms, SendResult

logger = logging.getLogger("shailoo.sms")


class LogSender:
    name = "log"

    def send(self, message: OutgoingSms) -> SendResult:
        from shailoo.messaging.services import number_digest  # the same hash as in the inbound log line

        recipient = "tel#" + number_digest(message.to)
        logger.info("SMS %s to %s: %s", message.reference, recipient, message.text)
        return SendResult(gateway=self.name, gateway_message_id=str(uuid.uuid4()))
