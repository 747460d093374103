# SPDX-License-Identifier: Apache-2.0
"""A log filter that replaces anything shaped like a PIN with its keyed hash."""
import logging
import re

from django.conf import settings

from shailoo.rules.pin import pin_digest

PIN_LIKE = re.compile(r"(?<!\d)[12](?:[\s-]?\d){13}(?!\d)")


def redact_pins(text: str) -> str:
    return PIN_LIKE.sub(lambda m: "pin#" + pin_digest(re.sub(r"\D", "", m.group()), settings.PIN_HASH_KEY), text)


class RedactPinsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_pins(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
