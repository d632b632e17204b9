"""OpenAPI descriptions of Bovenwater's authentication schemes (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)

from bovenwater.reference.serializer_fields import current_codes


class SystemTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bovenwater.api.authentication.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token of an organisation's system account: `Token <token>`.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bovenwater.api.authentication.VerifiedSessionAuthentication"
    name = "verifiedSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Browser session after password and TOTP login.",
        }


class ReferenceCodeFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A reference code is one of the codes the data files define: an enum in the schema
    (the validation accepts exactly the current entries, see ``ReferenceCodeField``)."""

    target_class = "bovenwater.reference.serializer_fields.ReferenceCodeField"

    def get_name(self) -> str:
        """One component per code list (``MunicipalityCode``; ``…OrNull`` where null is
        allowed), so the lists are in the file once."""
        field = self.target
        return f"{field.reference_model.__name__}Code{'OrNull' if field.allow_null else ''}"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        codes: list[str | None] = list(current_codes(field.reference_model))
        if field.allow_null:
            codes.append(None)
        return {"type": "string", "enum": codes}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error as RFC 7807 problem details, in Dutch.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "current_version": {
            "type": "integer",
            "description": "409/412 on a stale version: the object's version now.",
        },
        "changes": {
            "type": "array",
            "description": "409/412 on a stale version: what changed since the version "
            "sent, as far as the caller may see it.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "old": {"type": "string"},
                    "new": {"type": "string"},
                    "by": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"},
                },
            },
        },
        "invalid_params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status"],
}

_DESCRIPTIONS = {
    "400": "Invalid input (a field, a query parameter, malformed JSON, JSON nested deeper than 32 levels).",
    "401": "No valid token or verified session.",
    "403": "The acting role or organisation may not do this.",
    "404": "Not found, or outside the caller's scope (the two are not told apart).",
    "409": "The change does not fit the current state of the object.",
    "412": "The `If-Match` header names a version the object no longer has.",
    "413": "The request body is larger than the limit.",
    "415": "The request body is not JSON.",
    "429": "Too many requests from this network address; try again later.",
}
_STATE_CHANGES = ("transition", "transitions", "depart", "respond")


def _problem(code: str) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[code],
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _refers_by_id(result: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Whether the request body names other objects by id (an integer property): an id
    that does not exist, or lies outside the caller's scope, is a 404."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        schema = media.get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            schema = result["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        properties = schema.get("properties", {})
        if any(p.get("type") == "integer" for p in properties.values()):
            return True
    return False


NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(schema: dict[str, Any]) -> None:
    """Text fields refuse the NUL character (the database cannot store it): say so."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
        schema["pattern"] = NO_NUL
    for child in schema.get("properties", {}).values():
        _forbid_nul(child)
    if isinstance(schema.get("items"), dict):
        _forbid_nul(schema["items"])


def document_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing: every status an operation can answer, documented.

    What each operation can return besides its success follows from how it is reached:
    invalid input (400) wherever it takes parameters or a body; 401 and 403 behind
    authentication; 404 with a path parameter, a receipt code or an object's id in the
    body; 409 on state changes
    and creations that check state; 413 and 415 with a body; 429 on the throttled
    anonymous endpoints. The schemathesis run in the test suite fails on any status not
    listed here, so this list and the code cannot drift apart unnoticed.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _forbid_nul(schema)
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes: set[str] = set()
            anonymous = operation.get("security") in ([], [{}]) or {} in operation.get(
                "security", []
            )
            has_body = "requestBody" in operation
            if has_body or operation.get("parameters"):
                codes.add("400")
            if not anonymous:
                codes |= {"401", "403"}
            if "{" in path or _refers_by_id(result, operation):
                codes.add("404")
            if has_body:
                codes |= {"413", "415"}
                if not anonymous:
                    codes.add("409" if method == "post" else "400")
            if path.rstrip("/").split("/")[-1] in _STATE_CHANGES:
                codes.add("409")
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                codes.add("412")
            if anonymous and method == "post":
                codes |= {"429"}
                if "additions" in path:
                    codes.add("404")
            for code in sorted(codes):
                operation["responses"].setdefault(code, _problem(code))
    return result
