# SPDX-License-Identifier: Apache-2.0
"""gunicorn's access log with PINs replaced by their keyed hash, as Django's own log lines have them.

`shailoo runplatform` passes `--logger-class shailoo.web.gunicorn_log.PinRedactingLogger`: a path such as
/precincts/<PIN>/ or a gateway's callback would otherwise print a PIN in clear.
"""
from gunicorn.glogging import Logger

from shailoo.web.logging import redact_pins


class PinRedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact_pins(value) if isinstance(value, str) else value for name, value in atoms.items()}
