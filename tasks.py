"""Developer tasks (invoke): ``invoke regen-client``, ``invoke check``, ``invoke test``.

Every task runs tools through the project's interpreter (``sys.executable -m ...``), so it works from
the venv without activating it: ``.venv/bin/invoke check``.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from invoke import Context, task

ROOT = Path(__file__).resolve().parent
PY = shlex.quote(sys.executable)


@task(
    help={
        "spec": "upstream Immich spec: file path or https://HOST/api/spec.json "
        "(default ../shared/immich-openapi/immich-openapi-specs.json)",
    }
)
def regen_client(c: Context, spec: str = "") -> None:
    """Trim the upstream OpenAPI spec and regenerate immich_client/ from it (deterministic)."""
    spec_arg = f" --spec {shlex.quote(spec)}" if spec else ""
    with c.cd(str(ROOT)):
        c.run(f"{PY} openapi/trim_spec.py{spec_arg}", pty=False)
        c.run(f"{PY} openapi/generate_client.py", pty=False)


@task
def check(c: Context) -> None:
    """The one gate CI runs: ruff format --check, ruff check, then the test suite."""
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m ruff format --check .", pty=False)
        c.run(f"{PY} -m ruff check .", pty=False)
        c.run(f"{PY} -m pytest", pty=False)


@task(help={"args": "extra arguments passed to pytest, e.g. -a '-k planner -x'"})
def test(c: Context, args: str = "") -> None:
    """Run pytest, passing extra arguments through."""
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m pytest {args}".rstrip(), pty=False)


# --- bench -------------------------------------------------------------------------------------
@task(
    help={
        "quick": "analyze at 2,000 groups only (skip 50,000)",
        "only": "comma-separated suites: startup,analyze,execute (default: all)",
        "repeat": "repeats of analyze and execute (default: 3)",
        "exec_groups": "groups for the execute benchmark (default: 2000)",
        "original_size": "typical original size in bytes for execute (default: 2 MiB)",
        "output": "Markdown file to rewrite (default: docs/benchmarks.md)",
        "update": "keep the measurements of the suites not run now (with --only)",
    }
)
def bench(
    c: Context,
    quick: bool = False,
    only: str = "",
    repeat: int = 3,
    exec_groups: int = 2000,
    original_size: int = 2 * 1024 * 1024,
    output: str = "",
    update: bool = False,
) -> None:
    """Benchmarks of issue 7 against the test double; rewrites docs/benchmarks.md (takes minutes)."""
    args = [f"--repeat {repeat}", f"--exec-groups {exec_groups}", f"--original-size {original_size}"]
    if quick:
        args.append("--quick")
    if only:
        args.append(f"--only {shlex.quote(only)}")
    if output:
        args.append(f"--output {shlex.quote(output)}")
    if update:
        args.append("--update")
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m benchmarks {' '.join(args)}", pty=False)


# --- end bench ---------------------------------------------------------------------------------
