"""Generate ``immich_client/`` from the trimmed spec with the pinned openapi-python-client.

Used by ``invoke regen-client`` and by ``tests/test_regen_client.py`` so both run the generator the same
way. The generator writes into a fresh temporary directory; ``install`` then swaps the result in for the
whole of ``immich_client/``, so files for operations we dropped never linger.

Usage::

    python openapi/generate_client.py [--spec TRIMMED_SPEC] [--dest DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TRIMMED_SPEC = REPO_ROOT / "openapi" / "immich-openapi-trimmed.json"
CONFIG = REPO_ROOT / "openapi" / "config.yml"
PACKAGE = "immich_client"
GENERATOR_VERSION = "0.29.1"


class GenerateError(Exception):
    """The generator is missing, has the wrong version, or failed."""


def generator_version() -> str | None:
    """The installed openapi-python-client version, or None when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version("openapi-python-client")
    except metadata.PackageNotFoundError:
        return None


def generate(spec: Path, out_parent: Path) -> Path:
    """Run the generator on ``spec``; return the package directory it made under ``out_parent``."""
    version = generator_version()
    if version is None:
        raise GenerateError("openapi-python-client is not installed (pip install -e '.[dev]')")
    if version != GENERATOR_VERSION:
        # Another version would produce different code and a spurious diff.
        raise GenerateError(f"openapi-python-client {version} is installed; {GENERATOR_VERSION} is pinned")
    package_dir = out_parent / PACKAGE
    cmd = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--meta",
        "none",
        "--fail-on-warning",
        "--output-path",
        str(package_dir),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (package_dir / "__init__.py").is_file():
        raise GenerateError(
            f"openapi-python-client failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return package_dir


def install(generated: Path, dest: Path) -> None:
    """Replace ``dest`` whole with the freshly generated package directory."""
    staging = dest.with_name(f".{dest.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(generated, staging)
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=TRIMMED_SPEC, help="trimmed spec to generate from")
    parser.add_argument("--dest", type=Path, default=REPO_ROOT / PACKAGE, help="package directory to replace")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="immich-client-") as tmp:
            install(generate(args.spec, Path(tmp)), args.dest)
    except GenerateError as exc:
        print(f"generate_client: error: {exc}", file=sys.stderr)
        return 1
    print(f"generate_client: {args.dest} regenerated from {args.spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
