"""A resolve that fails after Immich already trashed some copies: journaled, reported, restorable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.execute_support import execute_argv, make_plan, run_cli
from tests.fake_immich import FakeImmich


def test_copies_trashed_by_a_failed_resolve_are_journaled_and_restore_brings_them_back(
    immich: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    group = immich.make_group([{"size": 9000, "exif": {"make": "Canon", "model": "EOS"}}, {"size": 3000}])
    plan_path = tmp_path / "plan.json"
    make_plan(immich, plan_path)
    state = immich.state
    resolve_group = state._resolve_group

    def trash_then_fail(user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        resolve_group(user_id, body)  # the copies go to the trash...
        raise RuntimeError("simulated failure after trashing")  # ...then Immich answers "unknown"

    monkeypatch.setattr(state, "_resolve_group", trash_then_fail)
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1, err  # the group is reported failed, not done
    small = group[1].id
    assert state.asset(small).is_trashed
    assert "left the timeline anyway" in out + err
    done = [json.loads(line) for line in (backup / "journal.jsonl").read_text().splitlines()]
    trashed = {
        aid for e in done if e.get("type") == "done" for ids in e.get("trashed", {}).values() for aid in ids
    }
    assert small in trashed
    state.internal_errors.clear()  # the simulated failure, not a bug of the double
    monkeypatch.setattr(state, "_resolve_group", resolve_group)

    code, out, err = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 0, err
    assert not state.asset(small).is_trashed
