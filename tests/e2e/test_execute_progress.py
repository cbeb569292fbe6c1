"""execute's download progress ends at 100 %, live-photo motion parts included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immich_dedupe.execute import DOWNLOAD_TASK
from tests.e2e.execute_support import execute_argv, make_plan, run_cli
from tests.fake_immich import FakeImmich


def test_the_backup_bar_never_passes_its_total_when_motion_parts_are_backed_up(
    immich: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    # Two live-photo stills: the one deleted brings its motion part, whose size the plan lacks.
    immich.make_group([{"size": 80_000, "live_photo": True}, {"size": 20_000, "live_photo": True}])
    immich.make_group([{"size": 60_000}, {"size": 30_000}])
    plan_path = tmp_path / "plan.json"
    make_plan(immich, plan_path)

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup"))

    assert code == 0, err
    # Off a terminal the bar is plain lines; its last one gives done, total and percentage.
    finished = [line for line in err.splitlines() if line.startswith(f"{DOWNLOAD_TASK}: ") and " in " in line]
    assert finished, err
    percent = re.search(r"\((\d+)%\)", finished[-1])
    assert percent is not None, finished[-1]
    assert int(percent.group(1)) == 100, finished[-1]
