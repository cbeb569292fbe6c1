"""The benchmark harness works (benchmarks/): it measures the right process and writes its table.

No timings are asserted here: benchmarks are not tests. These check that the harness runs end
to end at toy scale and that its measurements measure what they claim to.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.measure import CommandFailed, run_measured
from benchmarks.suites import planned_downloads

ROOT = Path(__file__).resolve().parent.parent


def test_peak_rss_is_the_commands_own_not_the_harness() -> None:
    small = run_measured([sys.executable, "-c", "pass"])
    big = run_measured([sys.executable, "-c", "x = bytearray(96 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    assert big.peak_rss - small.peak_rss >= 90 * 2**20
    # A child forked from a big parent would inherit its high-water mark; ours come from spawn.py.
    ballast = bytearray(200 * 2**20)
    ballast[::4096] = b"1" * len(ballast[::4096])
    again = run_measured([sys.executable, "-c", "pass"])
    assert again.peak_rss < 100 * 2**20
    del ballast


def test_a_failing_or_hanging_command_is_reported() -> None:
    with pytest.raises(CommandFailed, match="exited 3"):
        run_measured([sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(CommandFailed, match="still running"):
        run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)


def test_planned_downloads_are_the_deletions_of_resolve_groups_and_their_motion_parts() -> None:
    plan = {
        "groups": [
            {
                "action": "resolve",
                "keep": ["k1"],
                "delete": ["d1", "d2"],
                "assets": [
                    {"asset": {"id": "k1", "live_photo_video_id": "mk"}},
                    {"asset": {"id": "d1", "live_photo_video_id": "m1"}},
                    {"asset": {"id": "d2", "live_photo_video_id": None}},
                ],
            },
            {"action": "review", "keep": ["k2"], "delete": ["d3"], "assets": [{"asset": {"id": "d3"}}]},
        ]
    }
    assert planned_downloads(plan) == ["d1", "d2", "m1"]


@pytest.mark.slow
def test_harness_runs_end_to_end_at_toy_scale(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    sample = run_measured(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--groups",
            "10,20",
            "--repeat",
            "1",
            "--startup-repeat",
            "1",
            "--exec-groups",
            "10",
            "--original-size",
            "4096",
            "--scratch",
            str(tmp_path),
            "--output",
            str(out),
        ],
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert sample.returncode == 0, sample.stderr
    text = out.read_text()
    for needle in (
        "| metric | value | floor / baseline | ratio | target | met? |",
        "start-up: `python -m immich_dedupe --help`",
        "analyze, 20 groups",
        "work floor (download + SHA-1 + write + fsync",
        "download throughput vs the work floor",
        "analyze --no-albums growth 10 → 20 groups",
        "download throughput",
        "write requests per deleted asset",
        "## Machine",
        "## Method",
    ):
        assert needle in text, needle
    execute_runs = text.split("**execute,", 1)[1]
    row = next(line for line in execute_runs.splitlines() if line.startswith("| 1 |"))
    assert "| yes |" in row  # the baseline fetched exactly the originals execute backed up
    results = out.with_suffix(".json")
    assert sorted(tmp_path.iterdir()) == sorted([out, results])  # plans and backups cleaned up

    # The saved measurements re-render the same document.
    again = tmp_path / "again.md"
    rendered = run_measured(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--render-only",
            "--results",
            str(results),
            "--output",
            str(again),
        ],
        cwd=ROOT,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert again.read_text() == text
