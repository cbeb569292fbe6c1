"""The layering rules of docs/design.md, checked on the source so they cannot silently erode."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "immich_dedupe"

# Modules that must stay pure: no network, no terminal, no generated client.
PURE = {"facts", "plan", "progress", "errors", "policy", "scoring", "planner", "listing"}
NETWORK = {"httpx", "immich_client", "httpcore", "urllib3", "requests", "http", "aiohttp"}


def _imports(path: Path) -> set[str]:
    """Top-level package names a module imports, at any depth in the file (lazy imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = sorted(p for p in PKG.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_only_connection_talks_to_the_server(path: Path) -> None:
    if path.stem == "connection":
        return
    leaked = _imports(path) & NETWORK
    assert not leaked, f"{path.name} imports {sorted(leaked)}; only connection.py may"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_only_the_presentation_layer_imports_rich(path: Path) -> None:
    if path.stem in {"cli", "show", "report"}:
        return
    assert "rich" not in _imports(path), f"{path.name} imports rich; only cli/show/report may"


@pytest.mark.parametrize("path", [p for p in MODULES if p.stem in PURE], ids=lambda p: p.stem)
def test_pure_modules_do_no_io(path: Path) -> None:
    forbidden = {"subprocess", "shutil", "threading", "concurrent"} | NETWORK
    leaked = _imports(path) & forbidden
    assert not leaked, f"{path.name} should be pure but imports {sorted(leaked)}"


def test_fsync_and_replace_live_in_durable_only() -> None:
    offenders = []
    for path in MODULES:
        if path.stem == "durable":
            continue
        text = path.read_text(encoding="utf-8")
        if "os.fsync(" in text or "os.replace(" in text:
            offenders.append(path.name)
    assert not offenders, f"durable writes outside durable.py: {offenders}"


def test_generated_client_is_not_imported_outside_the_package_boundary() -> None:
    users = [p.name for p in MODULES if "immich_client" in _imports(p)]
    assert users in ([], ["connection.py"]), users


def test_help_starts_without_heavy_imports() -> None:
    """`--help` must not import httpx, rich or the generated client (start-up time)."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['immich-dedupe', '--help']\n"
        "try:\n"
        "    runpy.run_module('immich_dedupe', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('httpx', 'rich', 'immich_client', 'jsonschema') "
        "if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "HEAVY=\n" in out or out.rstrip().endswith("HEAVY="), out
