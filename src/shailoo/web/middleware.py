# SPDX-License-Identifier: Apache-2.0
"""Security headers that Django 5.2 does not set by itself."""
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

# The voting booth's Web Worker compiles libsodium's WebAssembly (docs/evoting-booth.md): its script alone
# may, and nothing may evaluate JavaScript from strings ('wasm-unsafe-eval' is not 'unsafe-eval').
WASM_PATHS = ("/static/evoting/booth/",)
WASM_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin brings its own inline scripts and styles.
        if request.path.startswith(WASM_PATHS):
            response.headers.setdefault("Content-Security-Policy", WASM_CONTENT_SECURITY_POLICY)
        elif not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class BodyCapMiddleware:
    """Refuse a request whose declared body is larger than any form of ours takes, before anything reads it.

    The largest is a correction application with a passport scan (SHAILOO_SCAN_MAX_BYTES, 5 MB) and its
    fields; settings.MAX_REQUEST_BYTES is that plus room for the form. Without this, a 100 MB anonymous
    POST to /check/ was read in full before CSRF refused it. The reverse proxy caps bodies too
    (docs/operations.md); this holds when there is none (`make run`). The JSON API and the SMS webhooks
    have smaller caps of their own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            return HttpResponse(
                f"Request body too large: at most {limit // (1024 * 1024)} MB.\n", status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
