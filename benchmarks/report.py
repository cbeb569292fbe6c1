"""Turn measurements into the rows of the results table and into ``docs/benchmarks.md``.

Each row: metric, value, floor/baseline, ratio, target, met. Values are medians with the
min–max of the repeats in brackets; a ratio is the median of per-pair ratios (a measured run
and its floor, run back to back), so that load from elsewhere that hits a pair cancels out.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path

import attrs

from benchmarks.measure import Sample, spread
from benchmarks.suites import AnalyzeResult, ExecuteResult, StartupResult

__all__ = ["Row", "analyze_rows", "execute_rows", "growth_rows", "render", "startup_rows"]

MIB = 2**20
GIB = 2**30
# Figures from issue 7.
ANALYZE_RATIO_TARGET = 1.3
ANALYZE_RATIO_AT = 2_000
ANALYZE_RSS_LIMIT = GIB
ANALYZE_RSS_AT = 50_000
GROWTH_LIMIT = 1.1  # growth exponent: 1.0 is linear; a little slack for noise
THROUGHPUT_TARGET = 0.9
WRITES_PER_DELETED_TARGET = 0.02
HELP_TARGET_S = 0.3


@attrs.frozen(kw_only=True)
class Row:
    metric: str
    value: str
    floor: str
    ratio: str
    target: str
    met: bool | None  # None: informational


def _range(values: Sequence[float], fmt: str, unit: str = "") -> str:
    s = spread(values)
    if s.n == 1:
        return f"{s.median:{fmt}}{unit}"
    return f"{s.median:{fmt}}{unit} ({s.low:{fmt}}–{s.high:{fmt}})"


def _ratios(ours: Sequence[float], floor: Sequence[float]) -> list[float]:
    return [a / b for a, b in zip(ours, floor, strict=True) if b]


def _wall(samples: Sequence[Sample]) -> list[float]:
    return [s.wall_s for s in samples]


def _cpu(samples: Sequence[Sample]) -> list[float]:
    return [s.cpu_s for s in samples]


def _rss(samples: Sequence[Sample]) -> list[float]:
    return [s.peak_rss / MIB for s in samples]


_KINDS = (("ours", "analyze"), ("lean", "analyze --no-albums"))


def analyze_rows(r: AnalyzeResult) -> list[Row]:
    """Per variant: wall time, CPU time and peak RSS against the floor of the same rounds."""
    rows: list[Row] = []
    for kind, name in _KINDS:
        pairs = r.pairs(kind)
        if not pairs:
            if kind == "ours":
                rows.append(
                    Row(
                        metric=f"{name}, {r.groups:,} groups ({r.assets:,} assets)",
                        value=f"not measured: it sends one album look-up per asset ({r.assets:,} requests)",
                        floor="—",
                        ratio="—",
                        target="—",
                        met=None,
                    )
                )
            continue
        ours = [p[0] for p in pairs]
        floor = [p[1] for p in pairs]
        label = f"{name}, {r.groups:,} groups ({r.assets:,} assets)"
        ratios = _ratios(_wall(ours), _wall(floor))
        gated = kind == "ours" and r.groups == ANALYZE_RATIO_AT
        rss_gated = r.groups >= ANALYZE_RSS_AT
        rss = statistics.median(_rss(ours))
        rows += [
            Row(
                metric=f"{label}: wall time",
                value=_range(_wall(ours), ".2f", " s"),
                floor=_range(_wall(floor), ".2f", " s"),
                ratio=_range(ratios, ".2f", "×"),
                target=f"≤ {ANALYZE_RATIO_TARGET}×" if gated else "—",
                met=statistics.median(ratios) <= ANALYZE_RATIO_TARGET if gated else None,
            ),
            Row(
                metric=f"{label}: CPU time",
                value=_range(_cpu(ours), ".2f", " s"),
                floor=_range(_cpu(floor), ".2f", " s"),
                ratio=_range(_ratios(_cpu(ours), _cpu(floor)), ".2f", "×"),
                target="—",
                met=None,
            ),
            Row(
                metric=f"{label}: peak RSS",
                value=_range(_rss(ours), ".0f", " MiB"),
                floor=_range(_rss(floor), ".0f", " MiB"),
                ratio=_range(_ratios(_rss(ours), _rss(floor)), ".2f", "×"),
                target="< 1 GiB" if rss_gated else "—",
                met=rss * MIB < ANALYZE_RSS_LIMIT if rss_gated else None,
            ),
        ]
        if kind == "ours" and r.requests:
            total = sum(r.requests.values())
            album_list = r.requests.get("GET /albums", 0)
            search = r.requests.get("POST /search/metadata", 0)
            rows.append(
                Row(
                    metric=f"{label}: requests per run",
                    value=f"{total:,} ({album_list:,} GET /albums, {search:,} POST /search/metadata)",
                    floor="1",
                    ratio=f"{total:,}×",
                    target="—",
                    met=None,
                )
            )
    return rows


def growth_rows(small: AnalyzeResult, large: AnalyzeResult) -> list[Row]:
    """Growth exponent k in time ∝ groups^k between two scales (1 = linear)."""
    scale = math.log(large.groups / small.groups)

    def exponent(a: Sequence[float], b: Sequence[float]) -> float:
        return math.log(statistics.median(b) / statistics.median(a)) / scale

    rows: list[Row] = []
    for kind, name in _KINDS:
        a, b = small.pairs(kind), large.pairs(kind)
        if not a or not b:
            continue
        label = f"{name} growth {small.groups:,} → {large.groups:,} groups"
        a_run, a_floor = [p[0] for p in a], [p[1] for p in a]
        b_run, b_floor = [p[0] for p in b], [p[1] for p in b]
        k_time = exponent(_wall(a_run), _wall(b_run))
        k_rss = exponent(_rss(a_run), _rss(b_run))
        rows += [
            Row(
                metric=f"{label}: wall-time exponent k (t ∝ n^k)",
                value=f"{k_time:.2f}",
                floor=f"{exponent(_wall(a_floor), _wall(b_floor)):.2f}",
                ratio="—",
                target=f"linear: k ≤ {GROWTH_LIMIT}",
                met=k_time <= GROWTH_LIMIT,
            ),
            Row(
                metric=f"{label}: peak-RSS exponent",
                value=f"{k_rss:.2f}",
                floor=f"{exponent(_rss(a_floor), _rss(b_floor)):.2f}",
                ratio="—",
                target=f"linear: k ≤ {GROWTH_LIMIT}",
                met=k_rss <= GROWTH_LIMIT,
            ),
        ]
    return rows


def analyze_runs_table(r: AnalyzeResult) -> str:
    lines = [
        f"**analyze, {r.groups:,} groups ({r.assets:,} assets; listing body {r.body_bytes / 1e6:,.1f} MB, "
        f"plan {r.plan_bytes / 1e6:,.1f} MB)**",
        "",
        "| round | command | wall | CPU (kernel) | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for i, rnd in enumerate(r.rounds, 1):
        for name, sample in (("floor", rnd.floor), ("analyze --no-albums", rnd.lean), ("analyze", rnd.ours)):
            if sample is not None:
                rss = sample.peak_rss / MIB
                lines.append(f"| {i} | {name} | {sample.wall_s:.3f} s | {cpu(sample)} | {rss:.0f} MiB |")
    if r.requests:
        lines += [
            "",
            "Requests of one `analyze` run: " + ", ".join(f"{k}: {v:,}" for k, v in r.requests.items()),
        ]
    return "\n".join(lines)


def execute_rows(r: ExecuteResult) -> list[Row]:
    label = f"execute, {r.groups:,} groups, ~{r.original_size / MIB:g} MiB originals"
    ours_tp = [b / s.wall_s / MIB for b, s in zip(r.ours_bytes, r.ours, strict=True)]
    base_tp = [b / s.wall_s / MIB for b, s in zip(r.baseline_bytes, r.baseline, strict=True)]
    ratios = _ratios(ours_tp, base_tp)
    per_deleted = [w / d for w, d in zip(r.writes, r.deleted, strict=True) if d]
    ours_cpu = [s.cpu_s / (b / GIB) for b, s in zip(r.ours_bytes, r.ours, strict=True) if b]
    base_cpu = [s.cpu_s / (b / GIB) for b, s in zip(r.baseline_bytes, r.baseline, strict=True) if b]
    rows = [
        Row(
            metric=f"{label}: download throughput (whole command, concurrency {r.concurrency})",
            value=_range(ours_tp, ".0f", " MiB/s"),
            floor=_range(base_tp, ".0f", " MiB/s"),
            ratio=_range(ratios, ".2f", "×"),
            target=f"≥ {THROUGHPUT_TARGET}×",
            met=statistics.median(ratios) >= THROUGHPUT_TARGET,
        ),
    ]
    if r.disk_seconds:
        disk_tp = [b / t / MIB for b, t in zip(r.disk_bytes, r.disk_seconds, strict=True)]
        limit = [min(a, b) for a, b in zip(base_tp, disk_tp, strict=True)]
        rows += [
            Row(
                metric=f"{label}: disk floor (write + fsync the same files, concurrency {r.concurrency})",
                value=_range(disk_tp, ".0f", " MiB/s"),
                floor="—",
                ratio="—",
                target="—",
                met=None,
            ),
            Row(
                metric=f"{label}: download throughput vs the slower floor (download or disk)",
                value=_range(ours_tp, ".0f", " MiB/s"),
                floor=_range(limit, ".0f", " MiB/s"),
                ratio=_range(_ratios(ours_tp, limit), ".2f", "×"),
                target="—",
                met=None,
            ),
        ]
    if r.work:
        work_tp = [b / s.wall_s / MIB for b, s in zip(r.work_bytes, r.work, strict=True)]
        work_cpu = [s.cpu_s / (b / GIB) for b, s in zip(r.work_bytes, r.work, strict=True) if b]
        rows += [
            Row(
                metric=(
                    f"{label}: work floor (download + SHA-1 + write + fsync the same files, "
                    f"concurrency {r.concurrency}, nothing else)"
                ),
                value=_range(work_tp, ".0f", " MiB/s"),
                floor=f"{_range(work_cpu, '.2f', ' s')} CPU per GiB" if work_cpu else "—",
                ratio="—",
                target="—",
                met=None,
            ),
            Row(
                metric=f"{label}: download throughput vs the work floor",
                value=_range(ours_tp, ".0f", " MiB/s"),
                floor=_range(work_tp, ".0f", " MiB/s"),
                ratio=_range(_ratios(ours_tp, work_tp), ".2f", "×"),
                target="—",
                met=None,
            ),
        ]
    rows += [
        Row(
            metric=f"{label}: client CPU per GiB downloaded",
            value=_range(ours_cpu, ".2f", " s") if ours_cpu else "—",
            floor=_range(base_cpu, ".2f", " s") if base_cpu else "—",
            ratio=_range(_ratios(ours_cpu, base_cpu), ".2f", "×") if ours_cpu and base_cpu else "—",
            target="—",
            met=None,
        ),
        Row(
            metric=f"{label}: write requests per deleted asset",
            value=(
                f"{statistics.median(per_deleted):.4f} "
                f"({statistics.median(r.writes):.0f} writes / {statistics.median(r.deleted):.0f} assets)"
                if per_deleted
                else "nothing deleted"
            ),
            floor="—",
            ratio="—",
            target=f"≤ {WRITES_PER_DELETED_TARGET}",
            met=bool(per_deleted) and statistics.median(per_deleted) <= WRITES_PER_DELETED_TARGET,
        ),
        Row(
            metric=f"{label}: peak RSS",
            value=_range(_rss(r.ours), ".0f", " MiB"),
            floor=_range(_rss(r.baseline), ".0f", " MiB"),
            ratio=_range(_ratios(_rss(r.ours), _rss(r.baseline)), ".2f", "×"),
            target="—",
            met=None,
        ),
    ]
    return rows


def startup_rows(r: StartupResult) -> list[Row]:
    ours = _wall(r.ours)
    return [
        Row(
            metric="start-up: `python -m immich_dedupe --help`",
            value=_range(ours, ".3f", " s"),
            floor=_range(_wall(r.floor), ".3f", " s") + " (`python -c pass`)",
            ratio=_range(_ratios(ours, _wall(r.floor)), ".2f", "×"),
            target=f"≤ {HELP_TARGET_S} s",
            met=statistics.median(ours) <= HELP_TARGET_S,
        ),
        Row(
            metric="start-up: `--help` CPU time (user + system)",
            value=_range(_cpu(r.ours), ".3f", " s"),
            floor=_range(_cpu(r.floor), ".3f", " s"),
            ratio=_range(_ratios(_cpu(r.ours), _cpu(r.floor)), ".2f", "×"),
            target="—",
            met=None,
        ),
        Row(
            metric="start-up: `--help` CPU minus `python -c pass` CPU (our imports and parser)",
            value=f"{statistics.median(_cpu(r.ours)) - statistics.median(_cpu(r.floor)):.3f} s",
            floor="—",
            ratio="—",
            target="—",
            met=None,
        ),
    ]


def execute_runs_table(ex: ExecuteResult) -> str:
    lines = [
        f"**execute, {ex.groups:,} groups, originals ~{ex.original_size:,} B, concurrency {ex.concurrency}**",
        "",
        "| run | ours wall | ours CPU (kernel) | ours peak RSS | files | MB | baseline wall | "
        "baseline CPU (kernel) | baseline MB | same files | writes | deleted | exit | write requests |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(len(ex.ours)):
        o, b = ex.ours[i], ex.baseline[i]
        routes = ", ".join(f"{k}: {v}" for k, v in ex.writes_by_route[i].items()) or "none"
        lines.append(
            f"| {i + 1} | {o.wall_s:.2f} s | {cpu(o)} | {o.peak_rss / MIB:.0f} MiB | "
            f"{ex.files[i]} | {ex.ours_bytes[i] / 1e6:,.0f} | {b.wall_s:.2f} s | {cpu(b)} | "
            f"{ex.baseline_bytes[i] / 1e6:,.0f} | {'yes' if ex.same_files[i] else 'NO'} | "
            f"{ex.writes[i]} | {ex.deleted[i]} | {ex.exit_codes[i]} | {routes} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------- markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| metric | value | floor / baseline | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = "—" if row.met is None else ("**yes**" if row.met else "**no**")
        cells = (row.metric, row.value, row.floor, row.ratio, row.target, met)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def cpu(s: Sample) -> str:
    """CPU time with the kernel's share (file and socket I/O, fsync, page faults)."""
    return f"{s.cpu_s:.3f} s (sys {s.sys_s:.3f})"


def runs_table(title: str, ours: Sequence[Sample], floor: Sequence[Sample], floor_name: str) -> str:
    lines = [
        f"**{title}**",
        "",
        f"| run | ours wall | ours CPU (kernel) | ours peak RSS | {floor_name} wall | "
        f"{floor_name} CPU (kernel) | {floor_name} peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, (a, b) in enumerate(zip(ours, floor, strict=True), 1):
        lines.append(
            f"| {i} | {a.wall_s:.3f} s | {cpu(a)} | {a.peak_rss / MIB:.0f} MiB | "
            f"{b.wall_s:.3f} s | {cpu(b)} | {b.peak_rss / MIB:.0f} MiB |"
        )
    return "\n".join(lines)


def render(
    *,
    rows: Sequence[Row],
    details: Sequence[str],
    machine: Sequence[tuple[str, str]],
    method: str,
    findings: str | None,
    command: str,
    date: str,
) -> str:
    parts = [
        "# Benchmarks",
        "",
        f"<!-- Written by `invoke bench` (benchmarks/report.py) on {date}; do not edit by hand. "
        "The Findings section comes from benchmarks/findings.md. -->",
        "",
        f"Issue 7: how close immich-dedupe is to the limit of the work itself. Run: `{command}`, {date}.",
        "Every figure is set against a floor measured in the same run (see Method); the machine is "
        "shared and noisy, so absolute seconds say little and ratios say more.",
        "",
        "## Results",
        "",
        table(rows),
        "",
    ]
    if findings:
        parts += ["## Findings", "", findings.strip(), ""]
    parts += ["## Machine", "", "| | |", "|---|---|"]
    parts += [f"| {_cell(k)} | {_cell(v)} |" for k, v in machine]
    parts += ["", "## Method", "", method.strip(), "", "## Every run", ""]
    for block in details:
        parts += [block, ""]
    return "\n".join(parts).rstrip() + "\n"


def write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
