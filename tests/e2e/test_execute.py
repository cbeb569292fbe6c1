"""execute end to end: the CLI in-process against the Immich double over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.execute_support import (
    assert_backed_up,
    assert_plan_completed,
    assert_untouched,
    execute_argv,
    make_plan,
    resolve_groups,
    run_cli,
    sidecars,
)
from tests.fake_immich import FakeImmich


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


def test_resolves_groups_after_verified_backups_and_carries_metadata(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    immich = env
    album = immich.add_album("Summer")
    tag = immich.add_tag("Holiday")
    # Group 1: the keeper will be the big camera original; the small copy is a favourite,
    # in an album, tagged.
    g1 = immich.make_group(
        [
            {"size": 9000, "exif": {"make": "Canon", "model": "EOS"}},
            {"size": 3000, "is_favorite": True, "albums": [album], "tags": [tag]},
        ]
    )
    # Group 2: three copies, two of them live-photo stills: the deleted still's motion part is
    # backed up with it (Immich purges it with the still on permanent deletion).
    g2 = immich.make_group(
        [{"size": 8000, "live_photo": True}, {"size": 2000, "live_photo": True}, {"size": 2500}]
    )
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert_plan_completed(immich, plan, backup)
    keeper1 = immich.state.asset(g1[0].id)
    assert keeper1.is_favorite
    assert album.id in {a.id for a in immich.state.albums_of_asset(keeper1.id)}
    assert "Holiday" in immich.state.tag_values(keeper1.id)
    deleted_stills = [a for a in g2 if a.live_photo_video_id and immich.state.asset(a.id).is_trashed]
    assert len(deleted_stills) == 1
    assert_backed_up(immich, backup, [deleted_stills[0].live_photo_video_id])
    report = json.loads((backup / "report.json").read_text())
    assert report["totals"]["done"] == len(resolve_groups(plan)) == 2
    assert report["exit_code"] == 0
    assert "resolved: 2 groups" in out


def test_a_rerun_after_completion_downloads_and_deletes_nothing(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    immich = env
    for _ in range(3):
        immich.make_group(2)
    plan_path = tmp_path / "plan.json"
    make_plan(immich, plan_path)
    backup = tmp_path / "backup"
    assert run_cli(capsys, *execute_argv(plan_path, backup))[0] == 0
    immich.requests.clear()

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0
    assert immich.requests.write_count == 0
    assert immich.requests.count("GET", "/assets/*/original") == 0
    assert "already done earlier: 3" in out


def test_a_corrupted_download_leaves_its_group_untouched(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    immich = env
    groups = [immich.make_group([{"size": 5000}, {"size": 4000}]) for _ in range(3)]
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    bad = next(g for g in resolve_groups(plan) if groups[1][0].id in {a.id for a in g.assets})
    immich.faults.corrupt_download(bad.delete[0], count=None)  # every attempt is corrupted
    backup = tmp_path / "backup"

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup, "--concurrency", "2"))

    assert code == 1
    assert_untouched(immich, bad)
    assert bad.delete[0] not in sidecars(backup)
    others = [g for g in resolve_groups(plan) if g is not bad]
    for g in others:
        for aid in g.delete:
            assert immich.state.asset(aid).is_trashed
    report = json.loads((backup / "report.json").read_text())
    failed = [g for g in report["groups"] if g["status"] == "failed"]
    assert [g["duplicate_id"] for g in failed] == [bad.duplicate_id]
    assert "SHA-1" in failed[0]["reason"] or "verification" in failed[0]["reason"]
    assert bad.duplicate_id in out


@pytest.mark.slow
def test_two_thousand_groups_end_to_end(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    immich = env
    immich.seed_library(2000, seed=7, original_size=4096)
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    groups = resolve_groups(plan)
    assert len(groups) > 1900
    state = immich.state
    favourite = {g.duplicate_id for g in groups if any(state.asset(a.id).is_favorite for a in g.assets)}
    albums = {g.duplicate_id: {al.id for a in g.assets for al in state.albums_of_asset(a.id)} for g in groups}
    deleted = sum(len(g.delete) for g in groups)
    immich.requests.clear()
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup, "--concurrency", "4"))

    assert code == 0, out + err
    assert_plan_completed(immich, plan, backup)
    listed = {g["duplicateId"] for g in _duplicates(immich)}
    for g in groups:
        assert g.duplicate_id not in listed
        if len(g.keep) != 1:
            continue
        keeper = g.keep[0]
        if g.duplicate_id in favourite:
            assert state.asset(keeper).is_favorite, g.duplicate_id
        assert albums[g.duplicate_id] <= {al.id for al in state.albums_of_asset(keeper)}
    # the write budget: at most 0.02 write requests per deleted asset
    assert immich.requests.write_count <= 0.02 * deleted
    report = json.loads((backup / "report.json").read_text())
    assert report["totals"]["done"] == len(groups)
    assert report["backups_made"] >= deleted


def _duplicates(immich: FakeImmich) -> list[dict[str, object]]:
    import httpx

    with httpx.Client(base_url=immich.api_url, headers={"x-api-key": immich.api_key}) as client:
        return client.get("/duplicates").json()
