"""execute refuses what it must refuse, before any harm: tampered plans, another server, trash off,
no confirmation, unusable backup directory, too little space, a concurrent run, missing permissions.
It never writes the API key anywhere, and server-given file names stay inside the backup directory."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from immich_dedupe.backup import BackupStore
from immich_dedupe.durable import RunLock
from immich_dedupe.planfile import load_plan
from tests.e2e.execute_support import (
    assert_backed_up,
    assert_plan_completed,
    assert_untouched,
    execute_argv,
    files_under,
    make_plan,
    resolve_groups,
    run_cli,
    sidecars,
)
from tests.fake_immich import FakeImmich

SENTINEL = "sentinel-key-3f9d2c1e-never-print-me"


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


def _three_groups(immich: FakeImmich, tmp_path: Path) -> tuple[Path, Any]:
    for _ in range(3):
        immich.make_group([{"size": 3000}, {"size": 2000}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    immich.requests.clear()
    return plan_path, plan


def _assert_nothing_happened(immich: FakeImmich) -> None:
    assert immich.requests.write_count == 0
    assert immich.requests.count("GET", "/assets/*/original") == 0
    assert not immich.state.trashed_ids()
    assert not immich.state.purged_ids()


def _edit(plan_path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(plan_path.read_text())
    change(doc)
    plan_path.write_text(json.dumps(doc, indent=2))


def _move_delete_to_other_group(doc: dict[str, Any]) -> None:
    a, b = doc["groups"][0], doc["groups"][1]
    a["delete"].append(b["delete"][0])


def _change_checksum(doc: dict[str, Any]) -> None:
    asset = doc["groups"][0]["assets"][0]
    asset["checksum"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _empty_keep(doc: dict[str, Any]) -> None:
    g = doc["groups"][0]
    g["delete"] = g["delete"] + g["keep"]
    g["keep"] = []


def _keep_and_delete_overlap(doc: dict[str, Any]) -> None:
    g = doc["groups"][0]
    g["delete"].append(g["keep"][0])


def _member_in_neither(doc: dict[str, Any]) -> None:
    doc["groups"][0]["delete"] = []


def _asset_moved_with_its_record(doc: dict[str, Any]) -> None:
    a, b = doc["groups"][0], doc["groups"][1]
    moved = next(x for x in b["assets"] if x["id"] == b["delete"][0])
    b["assets"].remove(moved)
    b["delete"].remove(moved["id"])
    a["assets"].append(moved)
    a["delete"].append(moved["id"])


def _unknown_action(doc: dict[str, Any]) -> None:
    doc["groups"][0]["action"] = "delete-everything"


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_move_delete_to_other_group, "not a member of this group"),
        (_change_checksum, "fingerprint"),
        (_empty_keep, "keep"),
        (_keep_and_delete_overlap, "both keep and delete"),
        (_member_in_neither, "neither keep nor delete"),
        (_asset_moved_with_its_record, "fingerprint"),
        (_unknown_action, "action"),
    ],
)
def test_a_tampered_plan_is_refused_whole_with_no_request_at_all(
    env: FakeImmich,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[dict[str, Any]], None],
    expected: str,
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    _edit(plan_path, tamper)
    backup = tmp_path / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 7
    assert expected in err
    assert plan.groups[0].duplicate_id in err  # names the group
    assert len(env.requests) == 0
    _assert_nothing_happened(env)
    assert not backup.exists()


def test_a_plan_for_another_server_is_refused(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    _edit(plan_path, lambda d: d["server"].update(url="https://photos.example.org/api"))

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup"))

    assert code == 7
    assert "photos.example.org" in err
    _assert_nothing_happened(env)


def test_a_plan_made_from_a_file_is_acted_on_after_the_live_re_check(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        env.make_group(2)
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path, server=None)
    backup = tmp_path / "backup"

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert "names no server" in out
    assert_plan_completed(env, plan, backup)


def test_trash_disabled_without_permanent_deletes_nothing(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    env.settings.trash_enabled = False

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup"))

    assert code == 5
    assert "--permanent" in err
    _assert_nothing_happened(env)


def test_trash_disabled_with_permanent_deletes_for_good_after_backups(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    env.settings.trash_enabled = False
    backup = tmp_path / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup, "--permanent"))

    assert code == 0, err
    assert_plan_completed(env, plan, backup, permanent=True)


def test_permanent_with_trash_enabled_uses_delete_with_force(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    backup = tmp_path / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup, "--permanent"))

    assert code == 0, err
    deletes = env.requests.matching("DELETE", "/assets")
    assert deletes and all(r.json["force"] is True for r in deletes)
    assert env.requests.count("POST", "/duplicates/resolve") == 0
    assert_plan_completed(env, plan, backup, permanent=True)


def test_without_a_terminal_and_without_yes_nothing_is_done(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = ["execute", str(plan_path), "--backup-dir", str(tmp_path / "backup")]

    code, _, err = run_cli(capsys, *argv)

    assert code == 2
    assert "--yes" in err
    assert len(env.requests) == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("n", 1), ("", 1), ("yes", 0)])
def test_the_confirmation_prompt_decides(
    env: FakeImmich,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    monkeypatch.setattr("sys.stdin", _Terminal(answer + "\n"))
    backup = tmp_path / "backup"
    argv = ["execute", str(plan_path), "--backup-dir", str(backup)]

    got, out, _ = run_cli(capsys, *argv)

    assert got == code
    assert "assets to be moved to Immich's trash" in out  # the preview came first
    if code == 0:
        assert_plan_completed(env, plan, backup)
    else:
        _assert_nothing_happened(env)


def test_dry_run_downloads_and_deletes_nothing_and_says_what_it_would_do(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    backup = tmp_path / "backup"

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup, "--dry-run"))

    assert code == 0
    _assert_nothing_happened(env)
    assert not backup.exists()
    for g in resolve_groups(plan):
        assert f"{g.duplicate_id}: planned: keep {g.keep[0]}; back up and trash {g.delete[0]}" in out


def test_an_unusable_backup_directory_fails_before_any_network_work(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    not_a_dir = tmp_path / "backup"
    not_a_dir.write_text("a file")

    code, _, err = run_cli(capsys, *execute_argv(plan_path, not_a_dir))

    assert code == 8
    assert "not a directory" in err
    assert len(env.requests) == 0


def test_too_little_free_space_fails_before_any_download(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    monkeypatch.setattr(BackupStore, "free_bytes", lambda self: 10_000)

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup"))

    assert code == 8
    assert "not enough free space" in err
    _assert_nothing_happened(env)


def test_a_second_concurrent_run_is_refused(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    backup = tmp_path / "backup"
    backup.mkdir()
    with RunLock(backup):
        code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))
    assert code == 9
    assert "another immich-dedupe run" in err
    _assert_nothing_happened(env)


def test_a_key_without_download_permission_is_refused(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_path, _ = _three_groups(env, tmp_path)
    key = env.add_api_key(permissions=("duplicate.read", "duplicate.delete", "asset.read"))
    monkeypatch.setenv("IMMICH_API_KEY", key)

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "backup"))

    assert code == 4
    assert "asset.download" in err
    _assert_nothing_happened(env)


def test_server_given_file_names_stay_inside_the_backup_directory(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = ["../../escaped.jpg", "..\\..\\escaped2.jpg", "/etc/passwd", "..", "sub/../../x.jpg"]
    for name in hostile:
        env.make_group([{"size": 5000, "file_name": "keeper.jpg"}, {"size": 1000, "file_name": name}])
    plan_path = tmp_path / "work" / "plan.json"
    plan_path.parent.mkdir()
    plan = make_plan(env, plan_path)
    backup = tmp_path / "work" / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert_plan_completed(env, plan, backup)
    outside = [p for p in files_under(tmp_path) if not p.resolve().is_relative_to(backup.resolve())]
    assert outside == [plan_path]
    assert len(sidecars(backup)) == len(hostile)


def test_the_api_key_appears_in_no_file_and_no_output(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = env.add_api_key(secret=SENTINEL)
    monkeypatch.setenv("IMMICH_API_KEY", key)
    env.make_group([{"size": 3000, "description": "trip"}, {"size": 2000, "is_favorite": True}])
    bad = env.make_group([{"size": 3000}, {"size": 2000}])
    plan_path = tmp_path / "plan.json"
    make_plan(env, plan_path)
    env.faults.corrupt_download(bad[1].id, count=None)  # a failure path prints too
    backup = tmp_path / "backup"
    outputs = []
    for extra in (("--dry-run",), (), ()):
        code, out, err = run_cli(capsys, *execute_argv(plan_path, backup, *extra))
        outputs += [out, err]
    code, out, err = run_cli(capsys, "restore", str(backup), "--yes")
    outputs += [out, err]
    # and with the key on the command line, against a server that rejects it
    monkeypatch.delenv("IMMICH_API_KEY")
    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup, "--api-key", SENTINEL + "x"))
    assert code == 4
    outputs += [out, err]

    assert sidecars(backup)  # there is something to look in
    for path in files_under(tmp_path):
        assert SENTINEL.encode() not in path.read_bytes(), path
    for text in outputs:
        assert SENTINEL not in text


def test_a_stale_group_is_skipped_and_the_rest_done(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = [env.make_group([{"size": 3000}, {"size": 2000}, {"size": 1000}]) for _ in range(4)]
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    by_member = {a.id: g for g in resolve_groups(plan) for a in g.assets}
    grown = by_member[groups[0][0].id]  # a new copy joined the group
    env.add_asset(size=2500, duplicate_id=grown.duplicate_id)
    dismissed = by_member[groups[1][0].id]  # the user pressed "keep all" in the web UI
    for a in dismissed.assets:
        env.state.set_asset(a.id, duplicate_id=None)
    changed = by_member[groups[2][0].id]  # the user trashed the copy we meant to keep
    env.state.set_asset(changed.keep[0], status="trashed", deleted_at=env.state.clock())
    backup = tmp_path / "backup"

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert "joined the group" in report[grown.duplicate_id]["reason"]
    assert "no longer in the server's duplicate list" in report[dismissed.duplicate_id]["reason"]
    assert "no longer in the group" in report[changed.duplicate_id]["reason"]
    for g in (grown, dismissed, changed):
        assert report[g.duplicate_id]["status"] == "skipped"
        assert not any(env.state.asset(i).is_trashed for i in g.delete)
    fine = by_member[groups[3][0].id]
    assert report[fine.duplicate_id]["status"] == "done"
    assert_backed_up(env, backup, fine.delete)
    assert grown.duplicate_id in out


def test_a_group_changed_while_downloading_is_caught_before_deletion(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = [env.make_group([{"size": 3000}, {"size": 2000}]) for _ in range(5)]
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    victim = next(g for g in resolve_groups(plan) if groups[2][0].id in {a.id for a in g.assets})

    def on_request(method: str, path: str) -> None:
        # Right before our batch reaches the server, the user trashes a whole group: Immich then
        # rejects the entire batch (400). The rest must still be resolved, the victim reported.
        if method == "POST" and path.endswith("/duplicates/resolve") and not env.state.trashed_ids():
            for a in victim.assets:
                env.state.set_asset(a.id, status="trashed", deleted_at=env.state.clock())

    env.faults.on_request = on_request
    backup = tmp_path / "backup"

    code, _, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert report[victim.duplicate_id]["status"] == "skipped"
    assert "trash" in report[victim.duplicate_id]["reason"]
    for g in resolve_groups(plan):
        if g is not victim:
            assert report[g.duplicate_id]["status"] == "done"
            assert all(env.state.asset(i).is_trashed for i in g.delete)
    assert env.requests.count("POST", "/duplicates/resolve") <= 3


def test_a_cut_off_download_is_restarted(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    env.faults.cut_body("GET", "/assets/*/original", after_bytes=500, count=2)
    backup = tmp_path / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert_plan_completed(env, plan, backup)


def test_without_resolve_permission_the_delete_path_carries_metadata_itself(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trip, best = env.add_album("Trip"), env.add_album("Best")
    env.make_group([{"size": 5000, "albums": [trip]}, {"size": 1000, "is_favorite": True, "albums": [best]}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path)
    key = env.add_api_key(
        permissions=(
            "duplicate.read",
            "asset.read",
            "asset.download",
            "asset.delete",
            "asset.update",
            "album.read",
            "albumAsset.create",
        )
    )
    monkeypatch.setenv("IMMICH_API_KEY", key)
    backup = tmp_path / "backup"

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert env.requests.count("POST", "/duplicates/resolve") == 0
    assert_plan_completed(env, plan, backup)
    keeper = env.state.asset(plan.groups[0].keep[0])
    assert keeper.is_favorite
    assert {a.id for a in env.state.albums_of_asset(keeper.id)} == {trip.id, best.id}
    assert env.requests.count("PUT", "/albums/assets") == 1


def test_a_keeper_that_would_lose_metadata_without_permission_to_carry_it_is_left_alone(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    g = env.make_group([{"size": 5000}, {"size": 1000, "is_favorite": True}])
    plain = env.make_group([{"size": 5000}, {"size": 1000}])
    plan_path = tmp_path / "plan.json"
    make_plan(env, plan_path)

    def keep_the_plain_copy(doc: dict[str, Any]) -> None:  # a user's edit: keep g[0], delete g[1]
        for group in doc["groups"]:
            if g[0].id in {a["id"] for a in group["assets"]}:
                group["keep"], group["delete"] = [g[0].id], [g[1].id]

    _edit(plan_path, keep_the_plain_copy)
    plan = load_plan(plan_path)
    key = env.add_api_key(
        permissions=("duplicate.read", "asset.read", "asset.download", "asset.delete", "album.read")
    )
    monkeypatch.setenv("IMMICH_API_KEY", key)
    backup = tmp_path / "backup"

    code, _, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    by_member = {a.id: p for p in resolve_groups(plan) for a in p.assets}
    assert_untouched(env, by_member[g[0].id])
    report = {r["duplicate_id"]: r for r in json.loads((backup / "report.json").read_text())["groups"]}
    assert "asset.update" in report[by_member[g[0].id].duplicate_id]["reason"]
    assert env.state.asset(plain[1].id).is_trashed or env.state.asset(plain[0].id).is_trashed


def test_a_backup_directory_used_for_another_plan_is_refused(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    backup = tmp_path / "backup"
    other = tmp_path / "other.json"
    other.write_text(plan_path.read_text())
    _edit(other, lambda d: d["groups"][0].update(action="skip"))
    assert run_cli(capsys, *execute_argv(other, backup))[0] == 0
    env.requests.clear()

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 9
    assert "another plan" in err
    assert len(env.requests) == 0


def test_a_journal_whose_header_never_reached_the_disk_starts_afresh(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _three_groups(env, tmp_path)
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "journal.jsonl").write_bytes(b'{"type": "header", "plan_dig')  # torn by a crash

    code, _, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, err
    assert_plan_completed(env, plan, backup)
