"""``python -m benchmarks``: run the benchmarks of issue 7 and rewrite ``docs/benchmarks.md``.

``invoke bench`` calls this. ``--quick`` measures analyze at 2,000 groups only; ``--only``
picks suites; the scales and repeats are options so that a smoke test can run it at toy size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

from benchmarks import report
from benchmarks.double import ROOT
from benchmarks.results import Results, load, save
from benchmarks.suites import measure_analyze, measure_execute, measure_startup, precompile

SUITES = ("startup", "analyze", "execute")
FINDINGS = Path(__file__).resolve().parent / "findings.md"
RESULTS = Path(__file__).resolve().parent / "results.json"

METHOD = """\
- **The server** is the project's Immich test double (`tests/fake_immich`, Immich v3.1.0
  behaviour) in its own process on 127.0.0.1, started by `benchmarks/double.py`, seeded with the
  double's realistic generated library (`seed_library`, seed 0: groups of 2–5 assets, mean ≈ 2.26,
  videos, live photos, external-library members, trashed members…). Every checksum is computed
  before the first measured request. Its CPU is not counted against ours; on a 2-core machine it
  still competes with the client for the cores, the same way for our command and for its floor.
- **Fast content.** The double normally makes an original's bytes with `random.randbytes`,
  ~120 MB/s here — slower than loopback, which would make the download benchmark measure the
  double's generator. The benchmark double serves each 64 KiB block as a slice of a fixed random
  pool with a header unique to (asset, block): same sizes, distinct files, checksums that match.
- **Each measured command is a fresh process** (`benchmarks/measure.py`): wall time from
  `time.perf_counter` around spawn → exit; CPU time (user + system) and peak RSS from `os.wait4`,
  which reports that one child (not a maximum over all children, as `RUSAGE_CHILDREN` would).
- **Bytecode as installed.** `pip install` writes our modules' `.pyc` files; the harness runs
  `python -m compileall` on `immich_dedupe`, `immich_client` and `benchmarks` first and removes
  `PYTHONDONTWRITEBYTECODE` from the measured commands' environment, so no run (ours or a floor)
  pays for compiling source.
- **analyze** = `python -m immich_dedupe analyze --url URL -o plan.json` (key in
  `IMMICH_API_KEY`; default options: pre-flight, streaming `GET /api/duplicates`, album look-ups,
  scoring, planning, writing the plan), and the same with `--no-albums` (everything but the album
  look-ups), which isolates the listing → plan pipeline. **Floor** = a fresh
  `python benchmarks/raw_listing.py`: one `httpx.get` of `/api/duplicates` and `json.loads` of
  the body, nothing else. One unmeasured floor run warms caches; then each round runs the floor
  and both variants in rotating order, and ratios are taken within a round. The default
  variant is measured up to `--albums-max-groups` groups (its one request per asset makes
  larger runs take tens of minutes here); above that only `--no-albums` is.
- **Growth**: exponent k in t ∝ n^k between the two scales, from medians; k = 1 is linear, and
  fixed start-up costs pull k below 1. The floor's k is shown beside ours.
- **execute** = `python -m immich_dedupe execute plan.json --backup-dir DIR --yes --url URL` on a
  plan just made by analyze (unmeasured), default `--concurrency`. Every repeat uses a fresh
  double (execute changes the server) and a fresh backup directory, deleted afterwards.
  **Baseline** = `python benchmarks/raw_download.py`: the originals the plan will delete (and
  their live-photo motion parts) streamed with one shared `httpx.Client` at the same concurrency,
  bytes discarded — no hashing, writing, fsync, metadata requests or deletions. Throughput =
  original bytes served (from the double's request log) ÷ wall time of the whole command, for
  both. *Same files* is checked against the double's log of what execute downloaded.
  **Disk floor** = `python benchmarks/raw_disk.py`: files of the same sizes written in 64 KiB
  pieces and fsynced, at the same concurrency, one directory fsync at the end — the least a
  durable backup costs on this disk (timed inside the process, files removed afterwards). The
  slower of the two floors is the limit for a command that must both download and store.
  **Work floor** = `python benchmarks/raw_backup.py`: the baseline plus what a verified backup
  cannot skip — each body SHA-1 hashed and written to its own new file, fsynced, one directory
  fsync at the end (same client, same concurrency; no metadata request, sidecar, journal or
  deletion). Throughput = its bytes ÷ its wall time. The issue's target is set against the
  baseline; the work floor shows how much of the gap is the work itself on this machine.
- **Write requests per deleted asset** = POST/PUT/PATCH/DELETE requests the double answered
  during execute ÷ assets it moved to the trash or purged.
- **start-up** = `python -m immich_dedupe --help` vs `python -c pass`, alternated, from a
  directory outside the source tree after one unmeasured run of each (warm page cache and .pyc).
  The project is installed editable in a venv, so both pay for the editable-install finder
  that `site` imports at start-up.
- Medians with the min–max of the repeats in brackets; ratios are medians of per-pair ratios.
"""


def _commit() -> str:
    return subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607 - developer tool
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def _machine(
    load_before: tuple[float, ...], load_after: tuple[float, ...], commit: str
) -> list[tuple[str, str]]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        ("CPU", f"{os.cpu_count()} × {cpu}"),
        ("memory", mem),
        ("load average (1, 5, 15 min) before / after", f"{_fmt_load(load_before)} / {_fmt_load(load_after)}"),
        (
            "sharing",
            "shared with other developers' test runs while measuring (hence ratios, medians, spreads)",
        ),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        (
            "packages",
            f"immich-dedupe {version('immich-dedupe')} (git {commit or '?'}), httpx {version('httpx')}, "
            f"attrs {version('attrs')}",
        ),
    ]


def _fmt_load(load: tuple[float, ...]) -> str:
    return ", ".join(f"{x:.2f}" for x in load)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="analyze at the small scale only")
    parser.add_argument(
        "--only",
        default=",".join(SUITES),
        help=f"comma-separated suites to run (default: {','.join(SUITES)})",
    )
    parser.add_argument("--groups", default="2000,50000", help="analyze scales (default: 2000,50000)")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of analyze and execute (default: 3)")
    parser.add_argument(
        "--albums-max-groups",
        type=int,
        default=2000,
        help="measure analyze with album look-ups (one request per asset: slow) only up to this "
        "many groups; --no-albums runs at every scale (default: 2000)",
    )
    parser.add_argument("--startup-repeat", type=int, default=10, help="repeats of --help (default: 10)")
    parser.add_argument("--exec-groups", type=int, default=2000, help="execute scale (default: 2000)")
    parser.add_argument(
        "--original-size",
        type=int,
        default=2 * 2**20,
        help="typical original size in bytes for execute (default: 2 MiB)",
    )
    parser.add_argument(
        "--scratch", type=Path, default=None, help="where plans and backups go (default: system temp)"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="Markdown file to (re)write"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="JSON file of the measurements (default: benchmarks/results.json for the default "
        "--output, else OUTPUT with .json)",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="re-render --output from --results without measuring"
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="keep the suites not run now from the existing --results (e.g. --only execute --update)",
    )
    args = parser.parse_args(argv)
    args.argv = argv
    if args.results is None:
        default_output = args.output.resolve() == (ROOT / "docs" / "benchmarks.md").resolve()
        args.results = RESULTS if default_output else args.output.with_suffix(".json")
    suites = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    scales = sorted({int(g) for g in args.groups.split(",") if g.strip()})
    if args.quick:
        scales = scales[:1]

    # SIGTERM unwinds like Ctrl-C, so that the measured command and the double are stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    if args.render_only:
        results = load(args.results)
    else:
        earlier = load(args.results) if args.update and args.results.exists() else None
        results = _measure(args, suites, scales, earlier)
        _log(f"saved the measurements to {args.results}")
    text = _render(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report.write(args.output, text)
    _log(f"wrote {args.output}")
    return 0


def _measure(
    args: argparse.Namespace, suites: list[str], scales: list[int], earlier: Results | None
) -> Results:
    """Run the suites; the results so far are saved after each step (a long run may be cut).

    With ``earlier``, the suites not run now keep its measurements."""
    argv = sys.argv[1:] if args.argv is None else args.argv
    command = ("python -m benchmarks " + shlex.join(argv)).strip()
    if earlier is not None:
        command = f"{command}, other suites kept from earlier runs (last full run: {earlier.date})"
    results = Results(
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command=command,
        load_before=os.getloadavg(),
        load_after=os.getloadavg(),
        commit=_commit(),
    )
    if earlier is not None:
        results = attrs.evolve(
            results,
            commit=f"{results.commit}; other suites {earlier.commit or '?'}",
            startup=None if "startup" in suites else earlier.startup,
            analyze=() if "analyze" in suites else earlier.analyze,
            execute=None if "execute" in suites else earlier.execute,
        )

    def step(**changes: Any) -> None:
        nonlocal results
        results = attrs.evolve(results, load_after=os.getloadavg(), **changes)
        save(results, args.results)

    precompile()  # as an installed copy: .pyc files present, no compiling in measured runs
    if "startup" in suites:
        step(startup=measure_startup(repeat=args.startup_repeat, log=_log))
    if "analyze" in suites:
        for g in scales:
            analyzed = measure_analyze(
                groups=g,
                repeat=args.repeat,
                repeat_albums=args.repeat if g <= args.albums_max_groups else 0,
                scratch=args.scratch,
                log=_log,
            )
            step(analyze=(*results.analyze, analyzed))
    if "execute" in suites:
        step(
            execute=measure_execute(
                groups=args.exec_groups,
                original_size=args.original_size,
                repeat=args.repeat,
                scratch=args.scratch,
                log=_log,
            )
        )
    return results


def _render(results: Results) -> str:
    rows: list[report.Row] = []
    details: list[str] = []
    if results.startup is not None:
        rows += report.startup_rows(results.startup)
        details.append(
            report.runs_table("start-up", results.startup.ours, results.startup.floor, "`python -c pass`")
        )
    for r in results.analyze:
        rows += report.analyze_rows(r)
        details.append(report.analyze_runs_table(r))
    if len(results.analyze) > 1:
        rows += report.growth_rows(results.analyze[0], results.analyze[-1])
    if results.execute is not None:
        rows += report.execute_rows(results.execute)
        details.append(report.execute_runs_table(results.execute))
    findings = FINDINGS.read_text(encoding="utf-8") if FINDINGS.exists() else None
    return report.render(
        rows=rows,
        details=details,
        machine=_machine(results.load_before, results.load_after, results.commit or _commit()),
        method=METHOD,
        findings=findings,
        command=results.command,
        date=results.date,
    )


if __name__ == "__main__":
    sys.exit(main())
