"""OpenAPI schema generation and post-processing: every operation documents the errors the API really answers.

The exception handler (``nrc.api``) turns bad input into 400 naming the field, a missing or invalid token
into 401, a role that may not act into 403, an object outside the user's scope (or an invalid page) into 404,
a clash into 409 and a lockout or throttle into 429. Clients and schemathesis read them from the schema.

An empty filter value means "no filter" (as in the pages' filter forms): every optional query parameter of a
read says so with ``allowEmptyValue``, except the page number and size, which must be whole numbers.
"""

from __future__ import annotations

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    """Only reads are paginated and filtered: a write that answers the list of what it changed (a meeting and the
    following occurrences, a meeting's attendance) answers a plain array and takes no filter."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None

    def get_filter_backends(self):
        return super().get_filter_backends() if self.method == "GET" else []


ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Either {'detail': message} or {field: [messages]} naming each field at fault.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Bad input: the body names each field at fault.",
    "401": "No valid token or session (missing, invalid, expired or revoked).",
    "403": "The user's role may not do this.",
    "404": "Not found, not visible to this user, or an invalid page.",
    "429": "Too many requests (throttled, or locked out after failed logins).",
}
WRITE_ERRORS = {"409": "The change clashes with existing data or the object's state."}
WRITE_METHODS = {"post", "put", "patch", "delete"}
NOT_FILTERS = {"page", "page_size"}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if method == "get":
                for parameter in operation.get("parameters", []):
                    if (
                        parameter["in"] == "query"
                        and not parameter.get("required")
                        and parameter["name"] not in NOT_FILTERS
                    ):
                        parameter["allowEmptyValue"] = True
            errors = dict(ERRORS)
            if method in WRITE_METHODS:
                errors.update(WRITE_ERRORS)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
