"""Regenerate the `--help` blocks in docs/cli.md from the real parser (tests/test_docs.py checks them).

Run: python docs/update_cli_reference.py
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

DOC = Path(__file__).with_name("cli.md")
BEGIN = "<!-- help:{name} -->"
END = "<!-- /help:{name} -->"
COMMANDS = ("", "analyze", "execute", "restore", "show", "report")


def help_text(command: str) -> str:
    """The --help output of one command, at a fixed width so the docs do not depend on the terminal."""
    os.environ["COLUMNS"] = "100"
    sys.path.insert(0, str(DOC.parent.parent))
    from immich_dedupe.cli import build_parser

    buf = io.StringIO()
    argv = [command, "--help"] if command else ["--help"]
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        build_parser().parse_args(argv)
    return buf.getvalue().rstrip() + "\n"


def block(command: str) -> str:
    name = command or "main"
    return f"{BEGIN.format(name=name)}\n```text\n{help_text(command)}```\n{END.format(name=name)}"


def render(doc: str) -> str:
    for command in COMMANDS:
        name = command or "main"
        pattern = re.compile(
            re.escape(BEGIN.format(name=name)) + r".*?" + re.escape(END.format(name=name)), re.S
        )
        doc = pattern.sub(lambda _m, c=command: block(c), doc)
    return doc


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {DOC}")
