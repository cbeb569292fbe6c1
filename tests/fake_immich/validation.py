"""Validation failures in the server version's shape.

v3 (Zod): ``{"message": "Validation failed", "errors": [{code, path, message}, ...]}``.
v2 (class-validator): ``message`` is a list of strings such as ``"ids.0 must be a UUID"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsonschema

from tests.fake_immich.model import ApiError, ServerSettings

__all__ = ["Issue", "validation_error"]

Issue = tuple[list[str | int], str, str]  # path, zod code, message

_CODES = {
    "type": "invalid_type",
    "required": "invalid_type",
    "pattern": "invalid_format",
    "format": "invalid_format",
    "enum": "invalid_value",
    "const": "invalid_value",
    "minimum": "too_small",
    "minItems": "too_small",
    "minLength": "too_small",
    "maximum": "too_big",
    "maxItems": "too_big",
    "maxLength": "too_big",
}


def _issue(error: jsonschema.ValidationError) -> Issue:
    path: list[str | int] = list(error.absolute_path)
    code = _CODES.get(str(error.validator), "custom")
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        path.append(missing)
        return path, code, "Invalid input: expected value, received undefined"
    if error.validator in ("pattern", "format"):
        return (
            path,
            code,
            "Invalid UUID"
            if "uuid" in str(error.schema) or "4[0-9a-fA-F]" in str(error.schema)
            else "Invalid format",
        )
    if error.validator == "type":
        return (
            path,
            code,
            f"Invalid input: expected {error.validator_value}, received {_js_type(error.instance)}",
        )
    return path, code, str(error.message)


def _js_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def validation_error(
    settings: ServerSettings, problems: Sequence[jsonschema.ValidationError] | Sequence[Issue]
) -> ApiError:
    issues: list[Issue] = []
    seen: set[str] = set()
    for problem in problems:
        issue = problem if isinstance(problem, tuple) else _issue(problem)
        key = repr(issue[0])
        if key not in seen:  # pattern and format report the same bad value twice; Zod once
            seen.add(key)
            issues.append(issue)
    if settings.is_v3:
        errors = [{"code": code, "path": path, "message": message} for path, code, message in issues]
        return ApiError(400, "Validation failed", errors)
    messages = [f"{'.'.join(str(p) for p in path)} {message}".strip() for path, _, message in issues]
    return ApiError(400, "Validation failed", messages)
