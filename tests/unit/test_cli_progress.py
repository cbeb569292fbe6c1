"""cli progress and summary when stderr is not a terminal: plain lines, no rich, same figures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.console import Console

from immich_dedupe import cli
from immich_dedupe.analyze import analyze_file
from immich_dedupe.policy import load_policy
from immich_dedupe.progress import Progress

EXAMPLE = Path(cli.__file__).parent / "data" / "example-duplicates.json"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def plain(clock: Clock, interval: float = 5.0) -> tuple[cli.PlainProgress, io.StringIO]:
    out = io.StringIO()
    return cli.PlainProgress(interval=interval, clock=clock, stream=out), out


def test_a_line_at_start_and_finish_and_at_most_one_per_interval_between() -> None:
    clock = Clock()
    progress, out = plain(clock)
    checked: Progress = progress  # it is a Progress
    checked.start("Planning groups", total=2000, unit="groups")
    for _ in range(640):
        clock.now += 1 / 64  # 10 s in all
        progress.advance("Planning groups")
    progress.advance("Planning groups", 1360)
    clock.now += 0.5
    progress.finish("Planning groups")
    progress.advance("Planning groups")  # after finish: ignored
    assert out.getvalue().splitlines() == [
        "Planning groups: started, 2,000 groups in all",
        "Planning groups: 320 of 2,000 groups (16%)",
        "Planning groups: 640 of 2,000 groups (32%)",
        "Planning groups: 2,000 of 2,000 groups (100%) in 10.5 s",
    ]


def test_bytes_unknown_totals_and_notes() -> None:
    clock = Clock()
    progress, out = plain(clock, interval=1.0)
    progress.start("Backing up originals", total=4 * 2**30, unit="bytes")
    clock.now += 2
    progress.advance("Backing up originals", 2**30)
    progress.start("Reading duplicate groups", total=None, unit="groups")
    progress.advance("Reading duplicate groups", 3)
    progress.note("group g1: failed: the server said no")
    progress.close()  # ends what is still open
    assert out.getvalue().splitlines() == [
        "Backing up originals: started, 4.0 GiB to go",
        "Backing up originals: 1.0 GiB of 4.0 GiB (25%), 512.0 MiB/s",
        "Reading duplicate groups: started",
        "group g1: failed: the server said no",
        "Backing up originals: 1.0 GiB of 4.0 GiB (25%), 512.0 MiB/s in 2.0 s",
        "Reading duplicate groups: 3 groups in 0.0 s",
    ]


def test_advances_from_many_threads_are_all_counted() -> None:
    progress, out = plain(Clock())
    progress.start("Backing up originals", total=None, unit="items")
    go = threading.Barrier(8)

    def work() -> None:
        go.wait()
        for _ in range(20_000):
            progress.advance("Backing up originals")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    progress.finish("Backing up originals")
    assert out.getvalue().splitlines()[-1] == "Backing up originals: 160,000 in 0.0 s"


def test_a_restarted_task_counts_from_zero() -> None:
    progress, out = plain(Clock())
    progress.start("albums", total=10)
    progress.advance("albums", 4)
    progress.start("albums", total=3)  # the per-asset fallback reuses the name
    progress.advance("albums")
    progress.finish("albums")
    assert out.getvalue().splitlines()[-1] == "albums: 1 of 3 (33%) in 0.0 s"


def test_the_progress_follows_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert isinstance(cli._progress(), cli.RichProgress)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert isinstance(cli._progress(), cli.PlainProgress)


def test_the_plain_summary_is_the_table_without_rich(capsys: pytest.CaptureFixture[str]) -> None:
    plan = analyze_file(EXAMPLE, load_policy(None), generated_at="2026-01-01T00:00:00Z")
    for output in ("plan.json", "-"):
        cli._print_analyze_summary(plan, output, None)
        text = capsys.readouterr().err
        drawn = io.StringIO()
        cli._print_analyze_summary(plan, output, Console(file=drawn, width=200))
        assert text == drawn.getvalue()
        figures = {" ".join(line.split()[:-1]): line.split()[-1] for line in text.splitlines()[1:9]}
        assert figures["duplicate groups"] == str(plan.summary.groups)
        assert figures["left for review"] == str(plan.summary.review)


def test_analyze_in_a_pipe_imports_no_rich(tmp_path: Path) -> None:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['immich-dedupe', 'analyze', '--example', '-o', {str(tmp_path / 'plan.json')!r}]\n"
        "try:\n"
        "    runpy.run_module('immich_dedupe', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "print(json.dumps({'code': code, 'rich': 'rich' in sys.modules}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == {"code": 0, "rich": False}
    err = run.stderr.splitlines()
    assert err[0] == "Reading duplicate groups: started"
    assert any(line.startswith("Planning groups: ") and "(100%) in " in line for line in err)
    assert f"Plan written to {tmp_path / 'plan.json'}" in err
    assert any(line.split()[:2] == ["duplicate", "groups"] for line in err)
