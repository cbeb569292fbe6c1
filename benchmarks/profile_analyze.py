"""Where analyze spends its CPU, stage by stage, in one process (no server needed).

``python -m benchmarks.profile_analyze [--groups 2000] [--cprofile N]`` renders the double's
seeded library as a ``GET /duplicates`` body in memory, then times (CPU, ``time.process_time``)
and weighs (RSS after it, peak so far) each stage analyze runs on it: the floor's
``json.loads``, streaming parse into ``Group``s (``listing.iter_groups``), planning
(``planner.build_plan``), validation, serialisation (``planfile.iter_plan_bytes``) and the durable
write. ``--cprofile N`` prints the top N functions.
Album lookups (network) are not included: the request log of the benchmark shows their count.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _listing_body(groups: int) -> bytes:
    from tests.fake_immich.server import FakeImmich

    app = FakeImmich(api_key="profile-key-0123456789")
    app.seed_library(groups, seed=0)
    with app:
        import urllib.request

        request = urllib.request.Request(  # noqa: S310 - the double's loopback URL
            app.api_url + "/duplicates", headers={"x-api-key": app.api_key}
        )
        with urllib.request.urlopen(request, timeout=3600) as response:  # noqa: S310
            return response.read()


def _memory() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in bytes, from /proc (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def _timed(label: str, fn: Callable[[], T], rows: list[tuple[str, float, int, int]]) -> T:
    started = time.process_time()
    result = fn()
    rows.append((label, time.process_time() - started, *_memory()))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_analyze", description=__doc__)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the top N functions")
    args = parser.parse_args(argv)

    body = _listing_body(args.groups)
    from immich_dedupe import planfile
    from immich_dedupe.analyze import analyze_groups
    from immich_dedupe.listing import iter_groups
    from immich_dedupe.plan import PlanServer
    from immich_dedupe.policy import load_policy

    rows: list[tuple[str, float, int, int]] = [("start (body in memory)", 0.0, *_memory())]
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler is not None:
        profiler.enable()
    _timed("floor: json.loads of the body (result dropped)", lambda: len(json.loads(body)), rows)
    groups = _timed("listing.iter_groups (stream → Group)", lambda: list(iter_groups(io.BytesIO(body))), rows)
    policy = load_policy(None)
    server = PlanServer(url="http://127.0.0.1", version="3.1.0")
    plan = _timed(
        "analyze_groups (canonical order, score, plan)",
        lambda: analyze_groups(
            groups, policy, source="server", server=server, generated_at="2026-01-01T00:00:00Z"
        ),
        rows,
    )
    _timed("planfile.validate_plan", lambda: planfile.validate_plan(plan), rows)
    # Pieces, as write_plan streams them: joining a 50,000-group plan would hold ~300 MB.
    size = _timed(
        "planfile.iter_plan_bytes (serialise, streamed)",
        lambda: sum(len(piece) for piece in planfile.iter_plan_bytes(plan)),
        rows,
    )
    with tempfile.TemporaryDirectory() as tmp:
        _timed(
            "planfile.write_plan (validate + dumps + atomic write)",
            lambda: planfile.write_plan(plan, Path(tmp, "p.json")),
            rows,
        )
    if profiler is not None:
        profiler.disable()

    print(f"{args.groups:,} groups, body {len(body) / 1e6:.1f} MB, plan {size / 1e6:.1f} MB")
    floor = rows[1][1]
    print(f"  {'stage':<58} {'CPU':>9}  {'× floor':>8}  {'RSS after':>10}  {'peak so far':>11}")
    for label, seconds, rss, peak in rows:
        memory = f"{rss / 2**20:6.0f} MiB  {peak / 2**20:7.0f} MiB"
        print(f"  {label:<58} {seconds:7.3f} s  {seconds / floor:7.2f}×  {memory}")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
