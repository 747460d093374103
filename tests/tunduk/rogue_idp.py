# SPDX-License-Identifier: Apache-2.0
"""A provider under the test's full control, served over real HTTP on a free port: discovery, JWKS and a
token endpoint whose ID token the test shapes (claims, signing key). It lets the tests hand the relying
party tokens that no honest provider would issue: another key, another audience, expired, wrong nonce."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "rogue-client"
CLIENT_SECRET = "rogue-secret"


_keys: dict[str, RSAKey] = {}


def shaped_key(kid: str) -> RSAKey:
    """One RSA key per name for the whole run: generating them is the slow part of these tests."""
    if kid not in _keys:
        _keys[kid] = RSAKey.generate_key(2048, parameters={"kid": kid})
    return _keys[kid]


class RogueProvider:
    def __init__(self) -> None:
        self.published_key = shaped_key("published")
        self.signing_key = self.published_key
        self.claims: dict[str, Any] = {}
        self.drop_claims: set[str] = set()
        self.nonce = ""
        self.access_token = "access-token-1"
        self.token_requests: list[dict[str, str]] = []
        self.token_status = 200
        self.userinfo: dict[str, Any] | None = None
        self.userinfo_requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "RogueProvider":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def id_token(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url, "sub": "citizen-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "nonce": self.nonce, "pin": "21705199000042", "given_name": "Азамат", "family_name": "Токтогулов",
            "at_hash": create_half_hash(self.access_token, "RS256").decode(),
        }
        claims.update(self.claims)
        for name in self.drop_claims:
            claims.pop(name, None)
        return jwt.encode({"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, status: int, document: dict[str, Any]) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/.well-known/openid-configuration":
                    document = {
                        "issuer": provider.url, "authorization_endpoint": f"{provider.url}/authorize",
                        "token_endpoint": f"{provider.url}/token", "jwks_uri": f"{provider.url}/jwks",
                        "code_challenge_methods_supported": ["S256"],
                    }
                    if provider.userinfo is not None:
                        document["userinfo_endpoint"] = f"{provider.url}/userinfo"
                    self._json(200, document)
                elif self.path == "/userinfo" and provider.userinfo is not None:
                    provider.userinfo_requests.append(self.headers.get("Authorization", ""))
                    if self.headers.get("Authorization") != f"Bearer {provider.access_token}":
                        self._json(401, {"error": "invalid_token"})
                    else:
                        self._json(200, provider.userinfo)
                elif self.path == "/jwks":
                    self._json(200, {"keys": [provider.published_key.as_dict(private=False)]})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                from urllib.parse import parse_qsl

                length = int(self.headers.get("Content-Length", "0"))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                form["authorization"] = self.headers.get("Authorization", "")
                provider.token_requests.append(form)
                if provider.token_status != 200:
                    self._json(provider.token_status, {"error": "invalid_grant"})
                    return
                self._json(200, {"access_token": provider.access_token, "token_type": "Bearer",
                                 "expires_in": 300, "id_token": provider.id_token()})

        return Handler
