"""The ways execute deletes: resolve (Immich merges), DELETE /assets on servers before 2.7 (we carry
metadata ourselves), several keepers (Immich merges nothing), and per-group failures in resolve's
200 answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from immich_dedupe.planfile import load_plan
from tests.e2e.execute_support import (
    assert_plan_completed,
    assert_untouched,
    execute_argv,
    make_plan,
    resolve_groups,
    run_cli,
)
from tests.fake_immich import FakeImmich


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


def _set_keep(plan_path: Path, member: str, keep: list[str], delete: list[str]) -> None:
    doc = json.loads(plan_path.read_text())
    for g in doc["groups"]:
        if member in {a["id"] for a in g["assets"]}:
            g["keep"], g["delete"], g["action"] = keep, delete, "resolve"
    plan_path.write_text(json.dumps(doc))


def _rich_group(immich: FakeImmich) -> tuple[list[Any], Any, Any]:
    """A plain keeper and two copies carrying everything Immich would merge."""
    trip, kids = immich.add_album("Trip"), immich.add_album("Kids")
    holiday, family = immich.add_tag("Holiday"), immich.add_tag("Family")
    members = immich.make_group(
        [
            {"size": 9000},
            {
                "size": 3000,
                "is_favorite": True,
                "rating": 4,
                "description": "At the lake",
                "latitude": 46.5,
                "longitude": 6.6,
                "albums": [trip],
                "tags": [holiday],
            },
            {
                "size": 2000,
                "visibility": "archive",
                "description": "At the lake\nWith Ana",
                "albums": [kids],
                "tags": [family],
            },
        ]
    )
    return members, (trip, kids), (holiday, family)


def _assert_merged(immich: FakeImmich, keeper_id: str, albums: Any, tags: Any) -> None:
    keeper = immich.state.asset(keeper_id)
    assert keeper.is_favorite
    assert keeper.visibility == "archive"
    assert keeper.exif["rating"] == 4
    assert keeper.exif["description"] == "At the lake\nWith Ana"
    assert (keeper.exif["latitude"], keeper.exif["longitude"]) == (46.5, 6.6)
    assert {a.id for a in immich.state.albums_of_asset(keeper_id)} == {a.id for a in albums}
    assert set(immich.state.tag_values(keeper_id)) >= {t.value for t in tags}
    assert keeper.duplicate_id is None


def test_before_2_7_execute_carries_what_the_deleted_copies_had_then_deletes(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.settings.version = (2, 6, 3)
    members, albums, tags = _rich_group(env)
    env.make_group(2)
    plan_path = tmp_path / "plan.json"
    make_plan(env, plan_path)
    _set_keep(plan_path, members[0].id, [members[0].id], [members[1].id, members[2].id])
    plan = load_plan(plan_path)
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, out + err
    assert env.requests.count("POST", "/duplicates/resolve") == 0
    deletes = env.requests.matching("DELETE", "/assets")
    assert len(deletes) == 1 and deletes[0].json["force"] is False
    assert_plan_completed(env, plan, backup)
    _assert_merged(env, members[0].id, albums, tags)


def test_with_several_keepers_each_keeper_receives_the_deleted_copy_s_metadata(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members, albums, tags = _rich_group(env)
    extra = env.add_asset(size=8000, duplicate_id=members[0].duplicate_id)  # a second plain keeper
    plan_path = tmp_path / "plan.json"
    make_plan(env, plan_path)
    _set_keep(plan_path, members[0].id, [members[0].id, extra.id], [members[1].id, members[2].id])
    plan = load_plan(plan_path)
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, out + err
    assert env.requests.count("POST", "/duplicates/resolve") == 1
    assert_plan_completed(env, plan, backup)
    for keeper in (members[0].id, extra.id):
        _assert_merged(env, keeper, albums, tags)


def test_a_group_the_server_refuses_inside_a_successful_batch_is_reported_and_left_alone(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = [env.make_group([{"size": 3000}, {"size": 2000}]) for _ in range(4)]
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    victim = next(g for g in resolve_groups(plan) if groups[1][0].id in {a.id for a in g.assets})
    joined: list[str] = []

    def on_request(method: str, path: str) -> None:
        # A new copy joins the group just as our batch arrives: Immich answers 200, with a
        # "validation" failure for that one group (every member must be in keep or trash).
        if method == "POST" and path.endswith("/duplicates/resolve") and not joined:
            joined.append(env.add_asset(size=1500, duplicate_id=victim.duplicate_id).id)

    env.faults.on_request = on_request
    backup = tmp_path / "backup"

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    assert_untouched(env, victim)
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert report[victim.duplicate_id]["status"] == "failed"
    assert "validation" in report[victim.duplicate_id]["reason"]
    assert sum(g["status"] == "done" for g in report.values()) == 3
    assert victim.duplicate_id in out

    env.faults.on_request = None
    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))  # the rerun: now stale
    assert code == 1
    assert "joined the group" in out
    assert_untouched(env, victim)


def test_on_the_delete_path_a_rejected_batch_is_re_checked_and_the_rest_sent_again(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.settings.version = (2, 6, 3)
    groups = [env.make_group([{"size": 3000}, {"size": 2000}]) for _ in range(5)]
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    victim = next(g for g in resolve_groups(plan) if groups[3][0].id in {a.id for a in g.assets})

    def on_request(method: str, path: str) -> None:
        # Just before our DELETE arrives, the asset it is about to delete is purged for good
        # (trashed and the trash emptied): Immich refuses the whole request with a 400.
        if method == "DELETE" and path.endswith("/assets") and not env.state.purged_ids():
            env.state.set_asset(victim.delete[0], status="trashed", deleted_at=env.state.clock())
            env.state.empty_trash(env.user.id)

    env.faults.on_request = on_request
    backup = tmp_path / "backup"

    code, _, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    assert [r.status for r in env.requests.matching("DELETE", "/assets")] == [400, 204]
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert report[victim.duplicate_id]["status"] == "skipped"
    assert "no longer exists" in report[victim.duplicate_id]["reason"]
    for g in resolve_groups(plan):
        if g is not victim:
            assert report[g.duplicate_id]["status"] == "done"
            assert all(env.state.asset(i).is_trashed for i in g.delete)
