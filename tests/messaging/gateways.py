# SPDX-License-Identifier: Apache-2.0
"""Small real HTTP servers speaking the gateways' sending protocols, for the sender and worker tests."""
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]


@dataclass
class GatewayServer:
    """Answers each request with the next (status, body) of `answers`, the last one repeated."""

    answers: list[tuple[int, str]]
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def __enter__(self) -> "GatewayServer":
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("ascii") if length else ""
                params = {key: values[0] for key, values in parse_qs(split.query, keep_blank_values=True).items()}
                params.update({key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()})
                gateway.requests.append(Recorded(self.command, split.path, params))
                index = min(len(gateway.requests) - 1, len(gateway.answers) - 1)
                status, text = gateway.answers[index]
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
