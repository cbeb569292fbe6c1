"""The committed trimmed spec and generated client are exactly what the scripts produce.

Nobody hand-edits ``immich_client/``: regenerating it from ``openapi/immich-openapi-trimmed.json`` must
give identical files, and re-trimming the upstream spec (when it is beside the clone, as in CI) must give
the committed trimmed spec byte for byte.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_DIR = ROOT / "openapi"
TRIMMED = OPENAPI_DIR / "immich-openapi-trimmed.json"
CLIENT = ROOT / "immich_client"

EXPECTED_OPERATIONS = {
    "getAssetDuplicates",
    "deleteDuplicates",
    "deleteDuplicate",
    "resolveDuplicates",
    "getAssetInfo",
    "downloadAsset",
    "viewAsset",
    "deleteAssets",
    "updateAssets",
    "updateAsset",
    "restoreAssets",
    "getAllAlbums",
    "getAlbumInfo",
    "addAssetsToAlbums",
    "addAssetsToAlbum",
    "getAllTags",
    "bulkTagAssets",
    "pingServer",
    "getServerVersion",
    "getServerConfig",
    "getServerFeatures",
    "getAboutInfo",
    "getMyUser",
    "getMyApiKey",
    "createStack",
    "deleteStack",
    "deleteStacks",
    "searchStacks",
    "getStack",
    "searchAssets",
}


def _load(name: str) -> ModuleType:
    """Import one of the openapi/ scripts (they are not a package)."""
    spec = importlib.util.spec_from_file_location(f"_openapi_{name}", OPENAPI_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


trim_spec = _load("trim_spec")
generate_client = _load("generate_client")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _diff_summary(expected: dict[str, bytes], actual: dict[str, bytes], limit: int = 40) -> str:
    lines: list[str] = []
    for name in sorted(expected.keys() - actual.keys()):
        lines.append(f"only in regenerated output: immich_client/{name}")
    for name in sorted(actual.keys() - expected.keys()):
        lines.append(f"only in committed immich_client/: {name}")
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            lines.append(f"differs: immich_client/{name}")
            diff = difflib.unified_diff(
                actual[name].decode("utf-8", "replace").splitlines(),
                expected[name].decode("utf-8", "replace").splitlines(),
                "committed",
                "regenerated",
                lineterm="",
                n=1,
            )
            lines.extend(f"    {line}" for line in list(diff)[:12])
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more lines"]
    return "\n".join(lines)


def test_generated_client_matches_committed_spec(tmp_path: Path) -> None:
    if generate_client.generator_version() is None:
        pytest.skip("openapi-python-client is not installed; cannot regenerate immich_client/")
    generated = generate_client.generate(TRIMMED, tmp_path)
    expected, actual = _tree(generated), _tree(CLIENT)
    if expected != actual:
        pytest.fail(
            "immich_client/ differs from what `invoke regen-client` generates from the committed spec "
            "(generated code must not be edited by hand):\n" + _diff_summary(expected, actual),
            pytrace=False,
        )


def test_trimming_upstream_spec_reproduces_committed_trimmed_spec() -> None:
    upstream = trim_spec.DEFAULT_SPEC
    if not upstream.is_file():
        pytest.skip(f"upstream spec not present at {upstream}")
    text = trim_spec.dumps(trim_spec.trim(trim_spec.load_spec(str(upstream))))
    committed = TRIMMED.read_text(encoding="utf-8")
    assert text == committed, (
        "re-trimming the upstream spec changed it; run `invoke regen-client`:\n"
        + "\n".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(), text.splitlines(), "committed", "re-trimmed", lineterm=""
                )
            )[:40]
        )
    )


def test_trimmed_spec_has_exactly_the_kept_operations() -> None:
    spec = json.loads(TRIMMED.read_text(encoding="utf-8"))
    operation_ids = [
        operation["operationId"]
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method in trim_spec.HTTP_METHODS
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert set(operation_ids) == EXPECTED_OPERATIONS
    assert set(trim_spec.KEPT_OPERATIONS) == EXPECTED_OPERATIONS
    assert spec["info"]["version"] == "3.1.0"
    assert "api_key" in spec["components"]["securitySchemes"]


def test_trimmed_spec_is_closed_under_refs() -> None:
    """Every $ref resolves inside the trimmed spec, and no schema is kept that nothing reaches."""
    spec = json.loads(TRIMMED.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    reachable = trim_spec._reachable_schemas(list(spec["paths"].values()), schemas)
    assert reachable == set(schemas)


def test_missing_operation_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = json.loads(TRIMMED.read_text(encoding="utf-8"))
    del spec["paths"]["/duplicates"]["get"]
    source = tmp_path / "spec.json"
    source.write_text(json.dumps(spec), encoding="utf-8")
    out = tmp_path / "out.json"
    assert trim_spec.main(["--spec", str(source), "--out", str(out)]) == 1
    assert "getAssetDuplicates" in capsys.readouterr().err
    assert not out.exists()


def test_trim_drops_sibling_operations_and_keeps_output_stable(tmp_path: Path) -> None:
    spec = json.loads(TRIMMED.read_text(encoding="utf-8"))
    spec["paths"]["/duplicates"]["patch"] = {
        "operationId": "notOurs",
        "responses": {
            "200": {
                "description": "",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Extra"}}},
            }
        },
    }
    spec["components"]["schemas"]["Extra"] = {"type": "object"}
    trimmed = trim_spec.trim(spec)
    assert "patch" not in trimmed["paths"]["/duplicates"]
    assert "Extra" not in trimmed["components"]["schemas"]
    # Input key order must not matter to the output bytes.
    shuffled = json.loads(json.dumps(spec, sort_keys=True))
    shuffled["paths"] = dict(reversed(list(shuffled["paths"].items())))
    assert trim_spec.dumps(trim_spec.trim(shuffled)) == trim_spec.dumps(trimmed)
