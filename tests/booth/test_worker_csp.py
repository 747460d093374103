# SPDX-License-Identifier: Apache-2.0
"""The booth's Web Worker may compile WebAssembly (libsodium); no other script may, and none may eval."""
from django.http import HttpResponse
from django.test import RequestFactory

from shailoo.web.middleware import SecurityHeadersMiddleware


def policy_of(path: str) -> str:
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse("x"))
    return middleware(RequestFactory().get(path)).headers["Content-Security-Policy"]


def test_only_the_booth_scripts_may_compile_webassembly():
    worker = policy_of("/static/evoting/booth/worker.js")
    assert "script-src 'self' 'wasm-unsafe-eval';" in worker
    assert "'unsafe-eval'" not in worker.replace("'wasm-unsafe-eval'", "")
    assert "wasm-unsafe-eval" not in policy_of("/cabinet/")
    assert "wasm-unsafe-eval" not in policy_of("/static/web/init.mjs")
