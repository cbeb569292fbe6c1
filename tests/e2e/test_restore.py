"""restore DIR: brings back from Immich's trash exactly what an execute run trashed, and says which
assets are gone for good and where their verified originals are."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.execute_support import (
    execute_argv,
    make_plan,
    resolve_groups,
    run_cli,
    sha1_b64_of,
)
from tests.fake_immich import FakeImmich


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


def _executed(immich: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str):
    album = immich.add_album("Kids")
    immich.make_group([{"size": 5000}, {"size": 2000, "albums": [album]}])
    for _ in range(2):
        immich.make_group([{"size": 5000}, {"size": 2000}, {"size": 1000}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    backup = tmp_path / "backup"
    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup, *extra))
    assert code == 0, err
    deleted = [i for g in resolve_groups(plan) for i in g.delete]
    return plan_path, plan, backup, deleted, album


def test_restore_brings_every_trashed_asset_back_with_its_albums(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, backup, deleted, album = _executed(env, tmp_path, capsys)
    assert all(env.state.asset(i).is_trashed for i in deleted)
    someone_else = env.add_asset(trashed=True)  # trashed by the user, not by us

    code, out, err = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 0, err
    assert not any(env.state.asset(i).is_trashed for i in deleted)
    assert env.state.asset(someone_else.id).is_trashed
    in_album = [i for i in deleted if album.id in {a.id for a in env.state.albums_of_asset(i)}]
    assert len(in_album) == 1  # the trash kept the membership; restoring brought it back
    assert f"restored: {len(deleted)}" in out
    restores = env.requests.matching("POST", "/trash/restore/assets")
    assert sorted(i for r in restores for i in r.json["ids"]) == sorted(deleted)


def test_a_second_restore_finds_nothing_left_to_do(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, backup, deleted, _ = _executed(env, tmp_path, capsys)
    assert run_cli(capsys, "restore", str(backup), "--yes")[0] == 0
    env.requests.clear()

    code, out, _ = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 0
    assert env.requests.write_count == 0
    assert f"already out of the trash: {len(deleted)}" in out


def test_assets_purged_from_the_trash_are_named_with_their_backup(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, backup, deleted, _ = _executed(env, tmp_path, capsys)
    purged = deleted[0]
    env.state.restore_assets(env.user.id, deleted[1:])  # the user restored these in the web UI...
    env.state.empty_trash(env.user.id)  # ...and emptied the trash

    code, out, _ = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 1
    assert purged in out and "cannot be restored: 1" in out
    line = next(x for x in out.splitlines() if "verified original:" in x)
    original = Path(line.split("verified original:", 1)[1].strip())
    assert original.is_relative_to(backup.resolve())
    assert sha1_b64_of(original) == env.state.purged[purged].content.sha1_b64


def test_after_a_permanent_run_restore_lists_every_original_on_disk(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, backup, deleted, _ = _executed(env, tmp_path, capsys, "--permanent")

    code, out, _ = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 1
    assert env.requests.count("POST", "/trash/restore/assets") == 0
    assert out.count("verified original:") == len(deleted)
    assert "deleted permanently" in out


def test_execute_again_after_restore_deletes_nothing(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _, backup, deleted, _ = _executed(env, tmp_path, capsys)
    assert run_cli(capsys, "restore", str(backup), "--yes")[0] == 0
    env.requests.clear()

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    assert "restored from the trash" in out
    assert env.requests.write_count == 0
    assert not any(env.state.asset(i).is_trashed for i in deleted)


def test_restore_without_a_journal_is_a_clear_error(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, "restore", str(tmp_path / "empty"), "--yes")
    assert code == 9
    assert "no journal" in err
    assert len(env.requests) == 0
