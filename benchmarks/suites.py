"""The three measurements of issue 7, each against its floor, taken in the same run.

- ``measure_analyze``: ``immich-dedupe analyze`` vs a fresh process doing one raw
  ``GET /api/duplicates`` + ``json.loads`` (``raw_listing.py``), run in alternation.
- ``measure_execute``: ``immich-dedupe execute`` vs ``raw_download.py`` streaming the same
  originals at the same concurrency; write requests per deleted asset from the double's log.
- ``measure_startup``: ``python -m immich_dedupe --help`` vs ``python -c pass``, alternated.

Pairs run back to back so that a burst of load from elsewhere hits both; ratios are taken per
pair and summarised by their median.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from benchmarks.double import ROOT, DoubleProcess
from benchmarks.measure import CommandFailed, Sample, run_measured

__all__ = [
    "AnalyzeResult",
    "AnalyzeRound",
    "ExecuteResult",
    "StartupResult",
    "measure_analyze",
    "measure_execute",
    "measure_startup",
]

PY = sys.executable
BENCH_DIR = Path(__file__).resolve().parent
_RUN_TIMEOUT = 3600.0  # seconds; a run that takes longer is a bug, not a measurement

Log = Callable[[str], None]


# Commands run from the source tree: the shared venv's editable install may predate a package
# (it lacked immich_client when this was written); from ROOT, `-m` finds the code either way.


def _python_env(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` as a user's Python sees it: no PYTHONPATH, and bytecode caching on.

    Some shells (this project's sandboxes among them) export PYTHONDONTWRITEBYTECODE; then
    every measured run would recompile our modules from source (~0.2 s), which no installed
    copy does (``pip install`` writes the .pyc files).
    """
    env = dict(base)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def precompile() -> None:
    """Write the .pyc files of our packages up front, as ``pip install`` does."""
    subprocess.run(  # noqa: S603 - our own interpreter and source tree
        [PY, "-m", "compileall", "-q", "immich_dedupe", "immich_client", "benchmarks"],
        cwd=ROOT,
        env=_python_env(os.environ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _env(url: str, api_key: str) -> dict[str, str]:
    """A clean environment: our URL and key, nothing inherited that could redirect requests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH_", "HTTP", "http", "ALL_PROXY"))}
    env.update(BENCH_URL=url, IMMICH_API_KEY=api_key, NO_PROXY="*")
    return _python_env(env)


def _json_line(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON result in output: {text[-300:]!r}")


@attrs.frozen(kw_only=True)
class AnalyzeRound:
    floor: Sample
    ours: Sample | None  # analyze with default options (album lookups); not in every round
    lean: Sample  # analyze --no-albums


@attrs.frozen(kw_only=True)
class AnalyzeResult:
    groups: int
    assets: int
    body_bytes: int  # size of the GET /duplicates body
    plan_bytes: int
    rounds: tuple[AnalyzeRound, ...]
    requests: dict[str, int]  # requests of one default analyze run, by METHOD template

    def pairs(self, kind: str) -> tuple[tuple[Sample, Sample], ...]:
        """(run, floor of the same round) for ``kind`` "ours" or "lean"."""
        found = ((getattr(r, kind), r.floor) for r in self.rounds)
        return tuple((run, floor) for run, floor in found if run is not None)


@attrs.frozen(kw_only=True)
class ExecuteResult:
    groups: int
    original_size: int
    concurrency: int
    ours: tuple[Sample, ...]
    baseline: tuple[Sample, ...]
    ours_bytes: tuple[int, ...]  # original bytes downloaded by execute, per run (double's log)
    baseline_bytes: tuple[int, ...]
    files: tuple[int, ...]  # originals downloaded by execute, per run
    baseline_files: tuple[int, ...]
    same_files: tuple[bool, ...]  # the baseline fetched exactly the files execute backed up
    writes: tuple[int, ...]  # POST/PUT/PATCH/DELETE requests during execute
    deleted: tuple[int, ...]  # assets moved to trash or purged by execute
    writes_by_route: tuple[dict[str, int], ...]
    exit_codes: tuple[int, ...]
    disk_seconds: tuple[float, ...] = ()  # raw_disk.py: durable writes of the same files
    disk_bytes: tuple[int, ...] = ()
    work: tuple[Sample, ...] = ()  # raw_backup.py: download + SHA-1 + write + fsync, nothing else
    work_bytes: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class StartupResult:
    ours: tuple[Sample, ...]
    floor: tuple[Sample, ...]


@attrs.frozen(kw_only=True)
class _Scratch:
    """A temporary directory under the repo's filesystem, removed afterwards."""

    path: Path

    @classmethod
    def make(cls, base: Path | None) -> _Scratch:
        return cls(path=Path(tempfile.mkdtemp(prefix="immich-dedupe-bench-", dir=base)))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _plan_groups(plan: Path) -> int | None:
    """``summary.groups`` from the end of a plan (keys are sorted: the summary comes last)."""
    with plan.open("rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 64 * 1024))
        tail = f.read().decode("utf-8", "replace")
    found = re.findall(r'"summary"\s*:\s*\{[^{}]*?"groups"\s*:\s*(\d+)', tail)
    return int(found[-1]) if found else None


# --------------------------------------------------------------------------------- analyze


def measure_analyze(
    *, groups: int, repeat: int, repeat_albums: int, scratch: Path | None, log: Log
) -> AnalyzeResult:
    """Rounds of: the floor, ``analyze`` (default options), ``analyze --no-albums``, in rotating
    order. ``repeat_albums`` caps the default runs (one album request per asset is slow)."""
    api_key = secrets.token_urlsafe(24)
    work = _Scratch.make(scratch)
    log(f"analyze: seeding the double with {groups:,} groups")
    try:
        with DoubleProcess(groups=groups, api_key=api_key) as double:
            env = _env(double.url, api_key)
            plan = work.path / "plan.json"
            argv = {
                "floor": [PY, str(BENCH_DIR / "raw_listing.py")],
                "ours": [PY, "-m", "immich_dedupe", "analyze", "--url", double.url, "-o", str(plan)],
                "lean": [
                    PY,
                    "-m",
                    "immich_dedupe",
                    "analyze",
                    "--no-albums",
                    "--url",
                    double.url,
                    "-o",
                    str(plan),
                ],
            }
            warm = run_measured(argv["floor"], env=env, cwd=ROOT, timeout=_RUN_TIMEOUT)  # warms caches
            listing = _json_line(warm.stdout)
            rounds: list[AnalyzeRound] = []
            plan_bytes = 0
            requests: dict[str, int] = {}
            for i in range(repeat):
                kinds = ["floor", "lean"] + (["ours"] if i < repeat_albums else [])
                shift = i % len(kinds)  # rotate so that no command always follows the same one
                got: dict[str, Sample] = {}
                for kind in kinds[shift:] + kinds[:shift]:
                    plan.unlink(missing_ok=True)
                    double.clear()
                    got[kind] = run_measured(argv[kind], env=env, cwd=ROOT, timeout=_RUN_TIMEOUT)
                    if kind == "floor":
                        continue
                    plan_bytes = plan.stat().st_size
                    planned = _plan_groups(plan)
                    if planned is not None and planned != listing["groups"]:
                        raise CommandFailed(
                            f"analyze planned {planned} groups; the server lists {listing['groups']}"
                        )
                    if kind == "ours":
                        requests = double.stats()["by_route"]
                rounds.append(AnalyzeRound(floor=got["floor"], ours=got.get("ours"), lean=got["lean"]))
                log(
                    f"analyze {groups:,}: round {i + 1}/{repeat}: "
                    + ", ".join(
                        f"{k} {v.wall_s:.2f} s {v.cpu_s:.2f} s CPU {v.peak_rss / 2**20:.0f} MiB"
                        for k, v in got.items()
                    )
                )
            return AnalyzeResult(
                groups=listing["groups"],
                assets=int(double.info["assets"]),
                body_bytes=int(listing["bytes"]),
                plan_bytes=plan_bytes,
                rounds=tuple(rounds),
                requests=requests,
            )
    finally:
        work.remove()


# --------------------------------------------------------------------------------- execute


def _walk(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping inside a JSON value (the plan's asset records nest their facts)."""
    if isinstance(value, Mapping):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def planned_downloads(plan: Mapping[str, Any]) -> list[str]:
    """Originals execute must back up: each ``delete`` of a ``resolve`` group, plus its motion part."""
    ids: list[str] = []
    for group in plan.get("groups", ()):
        if group.get("action") != "resolve":
            continue
        doomed = set(group.get("delete", ()))
        ids.extend(group.get("delete", ()))
        for record in _walk(group.get("assets", ())):
            if record.get("id") in doomed:
                motion = record.get("live_photo_video_id") or record.get("livePhotoVideoId")
                if motion:
                    ids.append(motion)
    return list(dict.fromkeys(ids))


def execute_concurrency() -> int:
    """The CLI's default ``--concurrency`` (the baseline uses the same)."""
    from immich_dedupe.cli import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        sub = action.choices.get("execute") if isinstance(action.choices, dict) else None
        if sub is not None:
            for option in sub._actions:
                if option.dest == "concurrency":
                    return int(option.default)
    return 4


def measure_execute(
    *, groups: int, original_size: int, repeat: int, scratch: Path | None, log: Log
) -> ExecuteResult:
    concurrency = execute_concurrency()
    runs: dict[str, list[Any]] = {
        k: []
        for k in (
            "ours",
            "baseline",
            "ours_bytes",
            "baseline_bytes",
            "files",
            "baseline_files",
            "same",
            "writes",
            "deleted",
            "by_route",
            "codes",
            "disk_seconds",
            "disk_bytes",
            "work",
            "work_bytes",
        )
    }
    for i in range(repeat):
        # execute changes the server, so every run gets a fresh double (same seed, same library).
        api_key = secrets.token_urlsafe(24)
        work = _Scratch.make(scratch)
        log(f"execute: run {i + 1}/{repeat}: seeding {groups:,} groups, originals ~{original_size:,} B")
        try:
            with DoubleProcess(groups=groups, api_key=api_key, original_size=original_size) as double:
                env = _env(double.url, api_key)
                plan = work.path / "plan.json"
                run_measured(
                    [PY, "-m", "immich_dedupe", "analyze", "--url", double.url, "-o", str(plan)],
                    env=env,
                    cwd=ROOT,
                    timeout=_RUN_TIMEOUT,
                )
                plan_doc = json.loads(plan.read_bytes())
                ids = planned_downloads(plan_doc)
                checksums = {
                    r["id"]: r["checksum"]
                    for r in _walk(plan_doc.get("groups", ()))
                    if isinstance(r.get("id"), str)
                    and isinstance(r.get("checksum"), str)
                    and not r.get("library_id")  # an external library's checksum hashes the path
                }
                ids_file = work.path / "ids.txt"
                ids_file.write_text("\n".join(ids) + "\n")
                double.clear()
                baseline = run_measured(
                    [PY, str(BENCH_DIR / "raw_download.py"), str(ids_file), str(concurrency)],
                    env=env,
                    cwd=ROOT,
                    timeout=_RUN_TIMEOUT,
                )
                fetched = double.stats()
                double.clear()
                sizes_file = work.path / "sizes.txt"
                sizes_file.write_text("\n".join(str(n) for n in fetched["download_sizes"]) + "\n")
                disk = run_measured(
                    [
                        PY,
                        str(BENCH_DIR / "raw_disk.py"),
                        str(work.path / "disk"),
                        str(sizes_file),
                        str(concurrency),
                    ],
                    env=env,
                    cwd=ROOT,
                    timeout=_RUN_TIMEOUT,
                )
                written = _json_line(disk.stdout)
                checks_file = work.path / "checks.txt"
                checks_file.write_text("".join(f"{i} {checksums.get(i, '-')}\n" for i in ids))
                work_floor = run_measured(
                    [
                        PY,
                        str(BENCH_DIR / "raw_backup.py"),
                        str(checks_file),
                        str(concurrency),
                        str(work.path / "w"),
                    ],
                    env=env,
                    cwd=ROOT,
                    timeout=_RUN_TIMEOUT,
                )
                stored = _json_line(work_floor.stdout)
                known = sum(1 for i in ids if i in checksums)
                if stored["verified"] < known:  # a floor that stores wrong bytes measures nothing
                    raise CommandFailed(f"the work floor verified {stored['verified']} of {known} SHA-1s")
                double.clear()
                backup = work.path / "backup"
                ours = run_measured(
                    [
                        PY,
                        "-m",
                        "immich_dedupe",
                        "execute",
                        str(plan),
                        "--backup-dir",
                        str(backup),
                        "--yes",
                        "--url",
                        double.url,
                    ],
                    env=env,
                    cwd=ROOT,
                    timeout=_RUN_TIMEOUT,
                    check=False,
                )
                if ours.returncode not in (0, 1):  # 1 = finished, some groups skipped
                    raise CommandFailed(f"execute exited {ours.returncode}:\n{ours.stderr[-1500:]}")
                stats = double.stats()
                if stats["internal_errors"]:
                    raise CommandFailed(f"the double hit a bug: {stats['internal_errors'][0][:1500]}")
        finally:
            work.remove()  # the backups: ~2.3 GB per run at 2,000 groups of 2 MiB
        downloaded = stats["download_ids"]
        runs["ours"].append(ours)
        runs["baseline"].append(baseline)
        runs["ours_bytes"].append(stats["download_bytes"])
        runs["baseline_bytes"].append(fetched["download_bytes"])
        runs["files"].append(len(downloaded))
        runs["baseline_files"].append(len(ids))
        runs["same"].append(sorted(set(downloaded)) == sorted(ids))
        runs["writes"].append(stats["writes"])
        deleted = stats["trashed"] + stats["purged"] - stats["trashed_at_start"]
        runs["deleted"].append(deleted)
        runs["by_route"].append(
            {
                k: v
                for k, v in stats["by_route"].items()
                if k.split(" ", 1)[0] in ("POST", "PUT", "PATCH", "DELETE")
            }
        )
        runs["codes"].append(ours.returncode)
        runs["disk_seconds"].append(float(written["seconds"]))
        runs["disk_bytes"].append(int(written["bytes"]))
        runs["work"].append(work_floor)
        runs["work_bytes"].append(int(stored["bytes"]))
        log(
            f"execute run {i + 1}/{repeat}: ours {ours.wall_s:.1f} s for "
            f"{stats['download_bytes'] / 1e6:,.0f} MB "
            f"({len(downloaded)} files), baseline {baseline.wall_s:.1f} s for "
            f"{fetched['download_bytes'] / 1e6:,.0f} MB; disk floor {written['seconds']:.1f} s; "
            f"work floor {work_floor.wall_s:.1f} s ({stored['verified']} of {len(ids)} SHA-1 checked); "
            f"{stats['writes']} writes, {deleted} deleted"
        )
    return ExecuteResult(
        groups=groups,
        original_size=original_size,
        concurrency=concurrency,
        ours=tuple(runs["ours"]),
        baseline=tuple(runs["baseline"]),
        ours_bytes=tuple(runs["ours_bytes"]),
        baseline_bytes=tuple(runs["baseline_bytes"]),
        files=tuple(runs["files"]),
        baseline_files=tuple(runs["baseline_files"]),
        same_files=tuple(runs["same"]),
        writes=tuple(runs["writes"]),
        deleted=tuple(runs["deleted"]),
        writes_by_route=tuple(runs["by_route"]),
        exit_codes=tuple(runs["codes"]),
        disk_seconds=tuple(runs["disk_seconds"]),
        disk_bytes=tuple(runs["disk_bytes"]),
        work=tuple(runs["work"]),
        work_bytes=tuple(runs["work_bytes"]),
    )


# --------------------------------------------------------------------------------- start-up


def measure_startup(*, repeat: int, log: Log) -> StartupResult:
    env = _python_env(os.environ)
    where = Path(tempfile.gettempdir())  # where a user might be, not the source tree
    ours_argv = [PY, "-m", "immich_dedupe", "--help"]
    floor_argv = [PY, "-c", "pass"]
    run_measured(ours_argv, env=env, cwd=where)  # warm the page cache and .pyc files
    run_measured(floor_argv, env=env, cwd=where)
    ours: list[Sample] = []
    floor: list[Sample] = []
    for i in range(repeat):
        pair = [(ours_argv, ours), (floor_argv, floor)]
        for argv, into in pair if i % 2 == 0 else reversed(pair):
            into.append(run_measured(argv, env=env, cwd=where))
    log(
        f"start-up: --help median {sorted(s.wall_s for s in ours)[len(ours) // 2]:.3f} s, "
        f"python -c pass {sorted(s.wall_s for s in floor)[len(floor) // 2]:.3f} s"
    )
    return StartupResult(ours=tuple(ours), floor=tuple(floor))
