# SPDX-License-Identifier: Apache-2.0
"""The server's ceremony and e-voting APIs over HTTP(S), with the standard library only. The server is a
relay the program does not trust: what it answers is checked by the caller."""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from shailoo.crypto import jcs

USER_AGENT = "shailoo-keyholder/1"
TIMEOUT = 60


class ServerError(Exception):
    """The server refused (an error code of its own) or could not be reached."""

    def __init__(self, code: str, message: str, status: int = 0) -> None:
        super().__init__(f"[{code}] {message}")
        self.code, self.message, self.status = code, message, status


class Client:
    def __init__(self, server: str) -> None:
        self.server = server.rstrip("/")
        if not self.server.startswith(("https://", "http://")):
            raise ServerError("client.url", f"{server!r} is not an http(s) address")

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else jcs.canonical(body)
        request = urllib.request.Request(self.server + path, data=data, method=method,  # noqa: S310 - http(s) only
                                         headers={"Content-Type": "application/json", "User-Agent": USER_AGENT,
                                                  "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - checked above
                return jcs.loads(response.read(), f"{method} {path}")
        except urllib.error.HTTPError as error:
            raise _refusal(error) from error
        except (urllib.error.URLError, OSError) as error:
            raise ServerError("client.unreachable", f"{self.server} cannot be reached: {error}") from error
        except jcs.UnreadableInput as error:
            raise ServerError("client.unreadable", f"the server's answer to {path} is not JSON as the strict "
                              f"reader accepts it: {error.what}") from error

    def get(self, path: str) -> Any:
        return self._request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self._request("POST", path, body)

    def download(self, path: str, target: Path) -> None:
        request = urllib.request.Request(self.server + path, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response, target.open("wb") as out:  # noqa: S310
                shutil.copyfileobj(response, out, 1 << 20)
        except urllib.error.HTTPError as error:
            raise _refusal(error) from error
        except (urllib.error.URLError, OSError) as error:
            raise ServerError("client.unreachable", f"{self.server} cannot be reached: {error}") from error


def _refusal(error: urllib.error.HTTPError) -> ServerError:
    try:
        answer = json.loads(error.read(65536))
        refusal = answer["error"]
        message = refusal["message"]
        text = str(message.get("en") if isinstance(message, dict) else message)
        if refusal.get("detail"):
            text = f"{text} ({refusal['detail']})"
        return ServerError(str(refusal["code"]), text, error.code)
    except (ValueError, KeyError, TypeError, AttributeError):
        return ServerError("client.http", f"HTTP {error.code} {error.reason}", error.code)
