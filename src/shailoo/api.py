# SPDX-License-Identifier: Apache-2.0
"""The one JSON API of the platform, at /api/v1/, its OpenAPI document at /api/v1/openapi.json and
its docs at /api/docs. Every error has one shape: {"error": code, "message": text, "details": {...}}.

Apps add their routers here; an app raises `ApiError` (or a subclass) for a refusal of its own.
"""
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from shailoo.api_errors import ApiError, ErrorOut, error_response  # noqa: F401 - re-exported
from shailoo.lookup.ratelimit import RateLimited

api = NinjaAPI(
    title="Shailoo API",
    version="1",
    description="Public voter-list check and election results of the Central Election Commission of the Kyrgyz Republic. "
    "Every error has the shape {\"error\": code, \"message\": text, \"details\": {...}}.",
    docs_url=None,
    urls_namespace="api-v1",
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(status=exc.status, code=exc.code, message=exc.message, details=exc.details)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(
        status=429, code="rate_limited", message="Too many requests: try again later.",
        details={"retry_after": exc.retry_after},
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [
        {"field": ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload")),
         "problem": error.get("type", "invalid"), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return error_response(status=422, code="invalid_request",
                          message="The request does not match the schema.", details={"fields": fields})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return error_response(status=400, code="malformed_body", message="The body is not valid JSON.")
    return error_response(status=exc.status_code, code="http_error", message=str(exc))


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(status=404, code="not_found", message="No such resource.")


api.add_exception_handler(Http404, _not_found)


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type_of(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(option, components) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f'"{value}"' for value in schema["enum"])
    if schema.get("type") == "array":
        return f"array of {_type_of(schema.get('items', {}), components)}"
    if "const" in schema:
        return f'"{schema["const"]}"'
    return schema.get("format") or schema.get("type") or "any"


def _fields(schema: dict, components: dict) -> list[dict]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    return [
        {"name": name, "type": _type_of(field, components), "required": name in required,
         "description": field.get("description", "")}
        for name, field in schema.get("properties", {}).items()
    ]


def docs(request: HttpRequest) -> HttpResponse:
    """The API's reference, rendered on the server from its OpenAPI document in the design system (the
    machine-readable document is at /api/v1/openapi.json). Swagger UI's page failed accessibility checks
    (contrast, a page without a language, buttons inside buttons) and needs inline scripts."""
    openapi_url = reverse("api-v1:openapi-json")
    schema = api.get_openapi_schema(path_prefix=openapi_url.removesuffix("openapi.json"))
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {}).get("schema", {})
                responses.append({"status": status, "description": response.get("description", ""),
                                  "type": _type_of(content, components) if content else ""})
            operations.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "request": _fields(body, components) if body else [], "responses": responses,
            })
    models = [{"name": name, "fields": _fields(model, components), "description": model.get("description", "")}
              for name, model in components.items()]
    return render(request, "web/api_docs.html", {
        "info": schema.get("info", {}), "operations": operations, "models": models,
        "openapi_url": openapi_url,
    })


def _register_routers() -> None:
    from shailoo.lookup.api import router as lookup_router
    from shailoo.results.api import router as results_router

    api.add_router("", lookup_router)
    api.add_router("", results_router)


_register_routers()
