"""The Immich OpenAPI spec as the double uses it: permissions per operation and JSON-Schema validation.

The double reads ``x-immich-permission`` and request-body schemas from the committed trimmed spec
(``openapi/immich-openapi-trimmed.json``) so it cannot drift from what the client was generated from.
A few endpoints the double serves but the trimmed spec leaves out get their permission from
``EXTRA_OPERATIONS`` (copied from the upstream v3.1.0 spec).

OpenAPI 3.0 schemas are not JSON Schema: ``nullable`` has to become a ``null`` type and
``$ref`` must resolve inside one document. ``to_json_schema`` does that conversion.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import jsonschema

__all__ = [
    "EXTRA_OPERATIONS",
    "Operation",
    "Spec",
    "load_spec",
    "spec_path",
    "convert_components",
    "is_uuid_v4",
    "to_json_schema",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
TRIMMED_SPEC = REPO_ROOT / "openapi" / "immich-openapi-trimmed.json"
UPSTREAM_SPEC = REPO_ROOT.parent / "shared" / "immich-openapi" / "immich-openapi-specs.json"

# (method, path template) -> (permission or None, public?) for endpoints the trimmed spec omits.
# Values from the upstream v3.1.0 spec.
EXTRA_OPERATIONS: dict[tuple[str, str], tuple[str | None, bool]] = {
    ("PUT", "/tags/{id}/assets"): ("tag.asset", False),
    ("DELETE", "/albums/{id}/assets"): ("albumAsset.delete", False),
    ("POST", "/trash/restore"): ("asset.delete", False),
    ("POST", "/trash/empty"): ("asset.delete", False),
    ("GET", "/api-keys"): ("apiKey.read", False),
    ("GET", "/spec.json"): (None, True),
}

_HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def spec_path() -> Path:
    """The trimmed spec when it exists (always, once committed), else the upstream copy."""
    return TRIMMED_SPEC if TRIMMED_SPEC.exists() else UPSTREAM_SPEC


@attrs.frozen(kw_only=True)
class Operation:
    method: str
    template: str
    operation_id: str | None
    permission: str | None
    public: bool
    request_schema: Mapping[str, Any] | None
    response_schemas: Mapping[str, Mapping[str, Any] | None]  # status -> JSON schema (None = no body)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("example", "nullable", "discriminator", "xml"):
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        else:
            out[key] = _convert(value)
    if node.get("nullable"):
        if "type" in out and not ("$ref" in out or "allOf" in out or "oneOf" in out or "anyOf" in out):
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def convert_components(components: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _convert(s) for name, s in components.items()}


def to_json_schema(
    schema: Mapping[str, Any], components: Mapping[str, Any], *, converted: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One self-contained Draft 2020-12 schema: ``schema`` plus every component under ``$defs``
    (pass ``converted`` = ``convert_components(components)`` to reuse a conversion)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **_convert(dict(schema)),
        "$defs": dict(converted) if converted is not None else convert_components(components),
    }


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        if "T" not in value:
            raise ValueError("no time part")
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        dt.date.fromisoformat(value)
    return True


class Spec:
    """A loaded spec: operations by (METHOD, template) and cached validators."""

    def __init__(self, document: Mapping[str, Any], source: Path | None = None) -> None:
        self.document = document
        self.source = source
        self.version: str = str(document.get("info", {}).get("version", ""))
        self.components: Mapping[str, Any] = document.get("components", {}).get("schemas", {})
        self.permissions_enum: tuple[str, ...] = tuple(self.components.get("Permission", {}).get("enum", ()))
        self.operations: dict[tuple[str, str], Operation] = {}
        for template, item in document.get("paths", {}).items():
            for method in _HTTP_METHODS:
                op = item.get(method)
                if op is not None:
                    self.operations[(method.upper(), template)] = self._operation(
                        method.upper(), template, op
                    )
        self._validators: dict[int, jsonschema.protocols.Validator] = {}
        self._converted: dict[str, Any] | None = None

    def _operation(self, method: str, template: str, op: Mapping[str, Any]) -> Operation:
        request_schema = None
        body = op.get("requestBody")
        if body:
            request_schema = body.get("content", {}).get("application/json", {}).get("schema")
        responses: dict[str, Mapping[str, Any] | None] = {}
        for status, response in op.get("responses", {}).items():
            content = response.get("content") or {}
            json_content = content.get("application/json")
            responses[status] = json_content.get("schema") if json_content else None
        return Operation(
            method=method,
            template=template,
            operation_id=op.get("operationId"),
            permission=op.get("x-immich-permission"),
            public=not op.get("security"),
            request_schema=request_schema,
            response_schemas=responses,
        )

    def permission(self, method: str, template: str) -> tuple[str | None, bool]:
        """``(permission, public)`` for an endpoint; KeyError when neither the spec nor the extras know it."""
        op = self.operations.get((method, template))
        if op is not None:
            return op.permission, op.public
        return EXTRA_OPERATIONS[(method, template)]

    def validator(self, schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
        key = id(schema)
        found = self._validators.get(key)
        if found is None:
            if self._converted is None:
                self._converted = convert_components(self.components)
            full = to_json_schema(schema, self.components, converted=self._converted)
            found = jsonschema.Draft202012Validator(full, format_checker=_FORMATS)
            self._validators[key] = found
        return found

    def schema_validator(self, name: str) -> jsonschema.protocols.Validator:
        return self.validator(self.components_ref(name))

    @functools.cache  # noqa: B019 - one Spec per process; the cache is meant to live as long
    def components_ref(self, name: str) -> Mapping[str, Any]:
        return {"$ref": f"#/components/schemas/{name}"}

    def iter_errors(self, schema: Mapping[str, Any], instance: Any) -> Iterator[jsonschema.ValidationError]:
        return self.validator(schema).iter_errors(instance)


@functools.cache
def load_spec(path: Path | None = None) -> Spec:
    source = path or spec_path()
    with source.open("rb") as fh:
        return Spec(json.load(fh), source)


_UUID_V4 = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)


def is_uuid_v4(value: object) -> bool:
    return isinstance(value, str) and _UUID_V4.match(value) is not None
