"""execute's download pipeline: one durability barrier per batch before its ``intent``, and each
asset's confirming ``GET /assets/{id}`` read a few downloads ahead, never long before."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest

from immich_dedupe import backup as backup_mod
from immich_dedupe import durable, execute, journal
from tests.e2e.execute_support import (
    assert_plan_completed,
    execute_argv,
    make_plan,
    resolve_groups,
    run_cli,
    sidecars,
)
from tests.fake_immich import FakeImmich

CONCURRENCY = 2


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


class Steps:
    """The durable steps in the order they happened: fsyncs of backup files and directories,
    and the journal events (which ``intent`` follows)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.log: list[tuple[str, Any]] = []

        def fsync_path(path: Path, **kw: Any) -> None:
            durable.fsync_path(path, **kw)
            self.log.append(("file", Path(path)))

        def fsync_dir(path: Path) -> None:
            durable.fsync_dir(path)
            self.log.append(("dir", Path(path)))

        append, append_many = journal.Journal.append, journal.Journal.append_many

        def journal_append(j: journal.Journal, event: Any) -> None:
            append(j, event)
            self.log.append(("event", dict(event)))

        def journal_append_many(j: journal.Journal, events: Any) -> None:
            append_many(j, events)
            self.log.extend(("event", dict(e)) for e in events)

        monkeypatch.setattr(backup_mod, "fsync_path", fsync_path)
        monkeypatch.setattr(backup_mod, "fsync_dir", fsync_dir)
        monkeypatch.setattr(journal.Journal, "append", journal_append)
        monkeypatch.setattr(journal.Journal, "append_many", journal_append_many)

    def index(self, kind: str, value: Any) -> int:
        return next(i for i, (k, v) in enumerate(self.log) if k == kind and v == value)

    def intents(self) -> list[tuple[int, dict[str, Any]]]:
        return [(i, v) for i, (k, v) in enumerate(self.log) if k == "event" and v["type"] == "intent"]


def test_every_backup_is_fsynced_once_with_its_directory_before_the_intent_that_deletes_it(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(7):
        env.make_group([{"size": 5000}, {"size": 3000, "live_photo": True}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    backup = tmp_path / "backup"
    steps = Steps(monkeypatch)
    run = execute.execute_plan

    def in_batches_of_three(plan: Any, conn: Any, options: Any, **kw: Any) -> Any:
        return run(plan, conn, attrs.evolve(options, batch_groups=3), **kw)

    monkeypatch.setattr(execute, "execute_plan", in_batches_of_three)

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert_plan_completed(env, plan, backup)
    committed = sidecars(backup)
    intents = steps.intents()
    assert len(intents) == 3  # 7 groups in batches of 3
    for at, intent in intents:
        for group in intent["groups"]:
            for aid in group["trash"]:
                stills = [aid]
                motion = env.state.asset(aid).live_photo_video_id
                stills += [motion] if motion else []
                for asset_id in stills:
                    data, _ = committed[asset_id]
                    sidecar = data.with_name(data.name + ".json")
                    synced = [steps.index("file", data), steps.index("file", sidecar)]
                    # The directory's fsync that covers these files comes after both, before the intent.
                    after = [
                        i
                        for i, (k, v) in enumerate(steps.log)
                        if k == "dir" and v == data.parent and i > max(synced)
                    ]
                    assert after and after[0] < at, f"{asset_id}: not durable before its intent"
                    journaled = steps.index("event", {"type": "backup", **_backup_fields(backup, asset_id)})
                    assert after[0] < journaled < at
    # One barrier: every data file and sidecar fsynced exactly once, no directory twice per batch.
    files = Counter(v for k, v in steps.log if k == "file")
    assert set(files.values()) == {1}
    assert len(files) == 2 * len(committed)
    start = 0
    for at, _ in intents:
        dirs = Counter(v for k, v in steps.log[start:at] if k == "dir")
        assert set(dirs.values()) <= {1}, dirs
        start = at


def _backup_fields(backup: Path, asset_id: str) -> dict[str, Any]:
    _, doc = sidecars(backup)[asset_id]
    keys = ("asset_id", "path", "size", "sha1", "sha256", "verified_by")
    return {k: doc[k] for k in keys if k in doc} | {"duplicate_id": _duplicate_of(backup, asset_id)}


def _duplicate_of(backup: Path, asset_id: str) -> str:
    for line in (backup / "journal.jsonl").read_text().splitlines():
        event = json.loads(line)
        if event.get("type") == "backup" and event.get("asset_id") == asset_id:
            return str(event["duplicate_id"])
    raise AssertionError(f"no backup event for {asset_id}")


def test_each_asset_is_confirmed_by_a_read_at_most_a_few_downloads_before_its_own(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(24):
        env.make_group([{"size": 4000}, {"size": 2000}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    env.requests.clear()

    code, _, err = run_cli(
        capsys, *execute_argv(plan_path, tmp_path / "backup", "--concurrency", str(CONCURRENCY))
    )

    assert code == 0, err
    requests = sorted(env.requests.records, key=lambda r: r.started)
    downloads = [r for r in requests if r.method == "GET" and r.path.endswith("/original")]
    for g in resolve_groups(plan):
        for aid in g.delete:
            read = next(r for r in requests if r.method == "GET" and r.path == f"/api/assets/{aid}")
            download = next(r for r in downloads if r.path == f"/api/assets/{aid}/original")
            assert read.started <= download.started, f"{aid} downloaded before it was confirmed"
            between = [d for d in downloads if read.started < d.started < download.started]
            # Issued when the job ``CONCURRENCY`` places ahead of it started: only the downloads
            # already under way then (and one more per slot, for scheduling) come in between.
            assert len(between) <= 2 * CONCURRENCY, f"{aid} was confirmed {len(between)} downloads early"


def test_with_every_connection_downloading_each_job_reads_its_assets_itself(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--concurrency 16 fills connection.py's pool of 16: no read ahead (it would wait for a
    connection); each job reads its asset, and its motion part, inline."""
    for _ in range(6):
        env.make_group([{"size": 4000, "live_photo": True}, {"size": 2000, "live_photo": True}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    env.requests.clear()

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup", "--concurrency", "16"))

    assert code == 0, err
    assert_plan_completed(env, plan, tmp_path / "backup")
    requests = sorted(env.requests.records, key=lambda r: r.started)
    for g in resolve_groups(plan):
        for aid in g.delete:
            motion = env.state.asset(aid).live_photo_video_id
            assert motion
            still = next(r.started for r in requests if r.path == f"/api/assets/{aid}/original")
            read = next(r.started for r in requests if r.path == f"/api/assets/{motion}")
            assert read > still  # read by the job once its still is downloaded, not ahead
