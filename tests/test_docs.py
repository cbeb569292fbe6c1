"""Docs are product: every command is documented in docs/cli.md with its current --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"


def _updater():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "update_cli_reference", ROOT / "docs" / "update_cli_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("command", ["", "analyze", "execute", "restore", "show", "report"])
def test_every_command_has_its_current_help_in_docs_cli_md(command: str) -> None:
    updater = _updater()
    doc = DOC.read_text(encoding="utf-8")
    expected = updater.block(command)
    assert expected in doc, (
        f"docs/cli.md is out of date for `{command or 'immich-dedupe'}`: "
        "run `python docs/update_cli_reference.py` and commit the result"
    )


def test_readme_first_screen_gives_install_run_and_install_test() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "Install and run" in first_screen and "Install and test" in first_screen
    assert "python -m pytest" in first_screen
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
