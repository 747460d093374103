# SPDX-License-Identifier: Apache-2.0
"""The one error shape of the JSON API: {"error": code, "message": text, "details": {...}}."""
from django.http import JsonResponse
from ninja import Schema


class ErrorOut(Schema):
    error: str
    message: str
    details: dict = {}


class ApiError(Exception):
    """A refusal with its HTTP status, stable code and human message."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, details: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status


def error_response(*, status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, "details": details or {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})
