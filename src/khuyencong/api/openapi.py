"""What the OpenAPI document says beyond what each operation declares: the error body every refusal
has (api.errors) under every status the API answers with, and the `Idempotency-Key` header every POST
accepts (api.idempotency). Checked by a bounded schemathesis run over every operation."""

from typing import Any

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "messages"],
    "properties": {
        "code": {"type": "string", "description": "stable machine-readable code, e.g. duplicate_entry"},
        "message": {"type": "string", "description": "in the request's language"},
        "messages": {
            "type": "object",
            "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
        },
        "details": {"description": "e.g. `field`, `errors` (field → message, or a list by sheet/row/column)"},
    },
}

ERRORS = {
    400: "Refused by a rule (the code says which; `details.errors` by field or by row)",
    401: "Not logged in, or the API token is missing, wrong, expired or revoked",
    403: "Your role does not allow this (or the CSRF check of a session failed)",
    404: "Not found, or outside your jurisdiction",
    409: "Conflict: changed by someone else since you read it (stale_write), a duplicate, "
    "or a request with the same Idempotency-Key still running",
    422: "A value is missing, of the wrong type or out of range (`details` lists each field)",
}
BODY_ERRORS = {413: "The request body is larger than allowed"}
WRITES = {"post", "put", "patch"}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key to retry safely: a repeat answers the first result "
    "(header Idempotent-Replayed: true) without doing it again; kept for 24 hours, per user.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **(BODY_ERRORS if method in WRITES else {})}
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": ref})
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    return schema
