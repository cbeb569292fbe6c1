"""Everything one benchmark run measured, saved as JSON so the docs can be re-rendered without
re-measuring (``python -m benchmarks --render-only``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from benchmarks.measure import Sample
from benchmarks.suites import AnalyzeResult, AnalyzeRound, ExecuteResult, StartupResult

__all__ = ["Results", "load", "save"]


@attrs.frozen(kw_only=True)
class Results:
    date: str
    command: str
    load_before: tuple[float, ...]
    load_after: tuple[float, ...]
    startup: StartupResult | None = None
    analyze: tuple[AnalyzeResult, ...] = ()
    execute: ExecuteResult | None = None
    commit: str = ""  # `git describe --always --dirty` when measured


def save(results: Results, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(attrs.asdict(results), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _samples(items: Any) -> tuple[Sample, ...]:
    return tuple(Sample(**s) for s in items)


def _analyze(d: dict[str, Any]) -> AnalyzeResult:
    rounds = tuple(
        AnalyzeRound(
            floor=Sample(**r["floor"]),
            ours=Sample(**r["ours"]) if r["ours"] is not None else None,
            lean=Sample(**r["lean"]),
        )
        for r in d["rounds"]
    )
    return AnalyzeResult(**{**d, "rounds": rounds})


def _execute(d: dict[str, Any]) -> ExecuteResult:
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}  # older files lack disk_*
    fields["ours"] = _samples(d["ours"])
    fields["baseline"] = _samples(d["baseline"])
    fields["work"] = _samples(d.get("work", ()))  # older files lack the work floor
    return ExecuteResult(**fields)


def load(path: Path) -> Results:
    d = json.loads(path.read_text(encoding="utf-8"))
    return Results(
        date=d["date"],
        command=d["command"],
        load_before=tuple(d["load_before"]),
        load_after=tuple(d["load_after"]),
        startup=(
            StartupResult(ours=_samples(d["startup"]["ours"]), floor=_samples(d["startup"]["floor"]))
            if d.get("startup")
            else None
        ),
        analyze=tuple(_analyze(a) for a in d.get("analyze") or ()),
        execute=_execute(d["execute"]) if d.get("execute") else None,
        commit=d.get("commit", ""),
    )
