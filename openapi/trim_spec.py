"""Trim Immich's OpenAPI spec to the operations immich-dedupe calls.

The full spec has ~250 operations; generating a client for all of them gives thousands of files we
never import. This keeps the operations in ``KEPT_OPERATIONS`` (by operationId), every component schema
they reach through ``$ref`` (transitively), the security schemes, ``servers``, ``info`` and the tags the
kept operations use. Other operations sharing a kept path are dropped.

Output is deterministic (sorted keys, 2-space indent, trailing newline): the same input gives the same
bytes, so the committed trimmed spec and the generated client diff cleanly.

Usage::

    python openapi/trim_spec.py [--spec PATH_OR_URL] [--out PATH]

``--spec`` defaults to ``../shared/immich-openapi/immich-openapi-specs.json`` beside the repository; a
URL such as ``https://HOST/api/spec.json`` (served by Immich without auth) is fetched with httpx.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "immich-openapi" / "immich-openapi-specs.json"
DEFAULT_OUT = REPO_ROOT / "openapi" / "immich-openapi-trimmed.json"

# Keep in step with immich_dedupe/connection.py and openapi/README.md.
KEPT_OPERATIONS: tuple[str, ...] = (
    # duplicates
    "getAssetDuplicates",
    "deleteDuplicates",
    "deleteDuplicate",
    "resolveDuplicates",
    # assets
    "getAssetInfo",
    "downloadAsset",
    "viewAsset",
    "deleteAssets",
    "updateAssets",
    "updateAsset",
    # trash
    "restoreAssets",
    # albums
    "getAllAlbums",
    "getAlbumInfo",
    "addAssetsToAlbums",
    "addAssetsToAlbum",
    # tags
    "getAllTags",
    "bulkTagAssets",
    # server / auth
    "pingServer",
    "getServerVersion",
    "getServerConfig",
    "getServerFeatures",
    "getAboutInfo",
    "getMyUser",
    "getMyApiKey",
    # stacks
    "createStack",
    "deleteStack",
    "deleteStacks",
    "searchStacks",
    "getStack",
    # search (album memberships by album, one page per 1,000 assets)
    "searchAssets",
)

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
SCHEMA_REF_PREFIX = "#/components/schemas/"


class TrimError(Exception):
    """The input spec cannot be trimmed as asked (missing operation, dangling $ref, bad input)."""


def load_spec(source: str) -> dict[str, Any]:
    """Read a spec from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        import httpx  # only needed for URLs; the default path works with the stdlib alone

        try:
            response = httpx.get(source, timeout=30.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise TrimError(f"cannot fetch spec from {source}: {exc}") from exc
        text = response.text
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise TrimError(f"cannot read spec {source}: {exc.strerror or exc}") from exc
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrimError(f"spec {source} is not JSON: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise TrimError(f"spec {source} has no 'paths' object; is it an OpenAPI document?")
    return spec


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` string anywhere below ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _reachable_schemas(roots: list[Any], schemas: dict[str, Any]) -> set[str]:
    """Names of component schemas reachable from ``roots`` via $ref, transitively."""
    seen: set[str] = set()
    pending = [ref for root in roots for ref in _refs(root)]
    while pending:
        ref = pending.pop()
        if not ref.startswith(SCHEMA_REF_PREFIX):
            raise TrimError(f"unsupported $ref {ref!r}: only {SCHEMA_REF_PREFIX}* is handled")
        name = ref[len(SCHEMA_REF_PREFIX) :]
        if name in seen:
            continue
        if name not in schemas:
            raise TrimError(f"$ref {ref!r} points to a schema the spec does not define")
        seen.add(name)
        pending.extend(_refs(schemas[name]))
    return seen


def trim(spec: dict[str, Any], keep: tuple[str, ...] = KEPT_OPERATIONS) -> dict[str, Any]:
    """Return a new spec holding only the ``keep`` operations and what they need."""
    wanted = set(keep)
    paths: dict[str, Any] = {}
    found: set[str] = set()
    for path, item in spec["paths"].items():
        kept_item: dict[str, Any] = {}
        for method, operation in item.items():
            if method in HTTP_METHODS and operation.get("operationId") in wanted:
                op_id = operation["operationId"]
                if op_id in found:
                    raise TrimError(f"operationId {op_id!r} appears more than once in the spec")
                found.add(op_id)
                kept_item[method] = copy.deepcopy(operation)
        if kept_item:
            # Path-level fields (shared parameters, summary) apply to every operation under it.
            for key, value in item.items():
                if key not in HTTP_METHODS:
                    kept_item[key] = copy.deepcopy(value)
            paths[path] = kept_item

    missing = sorted(wanted - found)
    if missing:
        raise TrimError(
            "operationId(s) not in the input spec: " + ", ".join(missing) + " (is this an Immich 3.x spec?)"
        )

    components = spec.get("components", {})
    schemas = components.get("schemas", {})
    names = _reachable_schemas(list(paths.values()), schemas)

    used_tags = {
        tag
        for item in paths.values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for tag in operation.get("tags", [])
    }

    trimmed: dict[str, Any] = {
        "openapi": spec["openapi"],
        "info": copy.deepcopy(spec["info"]),
        "paths": paths,
        "components": {"schemas": {name: copy.deepcopy(schemas[name]) for name in names}},
    }
    if "securitySchemes" in components:
        trimmed["components"]["securitySchemes"] = copy.deepcopy(components["securitySchemes"])
    for key in ("servers", "security"):
        if key in spec:
            trimmed[key] = copy.deepcopy(spec[key])
    if "tags" in spec:
        trimmed["tags"] = [copy.deepcopy(tag) for tag in spec["tags"] if tag.get("name") in used_tags]
    return trimmed


def dumps(spec: dict[str, Any]) -> str:
    """Deterministic JSON text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="upstream spec: file path or http(s) URL")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the trimmed spec")
    args = parser.parse_args(argv)
    try:
        trimmed = trim(load_spec(args.spec))
    except TrimError as exc:
        print(f"trim_spec: error: {exc}", file=sys.stderr)
        return 1
    text = dumps(trimmed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Write bytes so the output is identical on every platform (no newline translation).
    args.out.write_bytes(text.encode("utf-8"))
    n_schemas = len(trimmed["components"]["schemas"])
    print(
        f"trim_spec: {len(KEPT_OPERATIONS)} operations, {n_schemas} schemas, "
        f"spec version {trimmed['info'].get('version')} -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
