# SPDX-License-Identifier: Apache-2.0
"""The WSGI application: the hottest public endpoints through a short middleware chain, the rest as usual.

The voter-list check API and the SMS 119 webhooks are anonymous or gateway-authenticated, keep no
session and set no cookie, so sessions, CSRF, authentication, OTP, messages, axes, WhiteNoise and the
common middleware only cost time there (about 0.05 ms of CPU per request, a quarter of a bare refusal).
They go through settings.LEAN_MIDDLEWARE instead: the security headers, the clickjacking header, the
language of the request, and the common middleware (the Host header checked against ALLOWED_HOSTS, a
Content-Length on every answer). Everything else, including the same paths with another spelling (a trailing
slash), goes through settings.MIDDLEWARE. The same URL map and views serve both.
"""
from collections.abc import Callable, Iterable
from importlib import import_module

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils.module_loading import import_string


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler with its own middleware list (synchronous middleware only)."""

    def __init__(self, middleware: Iterable[str]) -> None:
        self.middleware_paths = list(middleware)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        if is_async:
            raise NotImplementedError("the lean handler serves WSGI only")
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(self.middleware_paths):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class PathDispatcher:
    """Sends requests whose path is exactly one of `lean_paths` to `lean`, every other one to `full`."""

    def __init__(self, *, full: Callable, lean: Callable, lean_paths: Iterable[str]) -> None:
        self.full, self.lean, self.lean_paths = full, lean, frozenset(lean_paths)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.lean if environ.get("PATH_INFO") in self.lean_paths else self.full
        return handler(environ, start_response)


def warm_up() -> None:
    """Import now what each worker's first request would otherwise import: the URL map with every app's views
    (and what they import), and Redis's client library when the cache is Redis. Under gunicorn --preload this
    happens once, in the master; otherwise when a worker starts, before it takes requests. Nothing connects."""
    get_resolver().url_patterns  # noqa: B018 - the property imports the URL modules
    if any("redis" in cache["BACKEND"].lower() for cache in settings.CACHES.values()):
        import_module("redis")


def application_from_settings() -> Callable:
    """The platform's WSGI application (warmed up); just Django's when settings.LEAN_PATHS is empty."""
    full = get_wsgi_application()
    warm_up()
    if not settings.LEAN_PATHS:
        return full
    return PathDispatcher(full=full, lean=LeanWSGIHandler(settings.LEAN_MIDDLEWARE), lean_paths=settings.LEAN_PATHS)
