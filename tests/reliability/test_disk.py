"""Disk trouble: an unwritable backup directory is refused before any network work; too little
free space is refused before any download; a disk that fills up mid-run stops the run cleanly,
with nothing deleted for an asset whose backup could not be written, no half-written files left,
and a rerun (once there is space) finishing the job.

Real filesystems where this machine allows it (a tmpfs mounted by root: read-only, or small);
the same situations simulated in-process (an EACCES on create, an ENOSPC on write) everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immich_dedupe import backup as backup_module
from immich_dedupe import cli, durable
from tests.e2e.execute_support import make_plan
from tests.fake_immich import FakeImmich
from tests.reliability.support import (
    Watch,
    check_plan_completed,
    committed,
    execute_argv,
    files_under,
    no_internal_error,
    planned_deletions,
    snapshot_members,
    verified_on_disk,
)

MiB = 1024 * 1024


@contextlib.contextmanager
def tmpfs(path: Path, size: str, *, read_only: bool = False) -> Iterator[Path]:
    """A fresh tmpfs at ``path``; skips the test where mounting is not allowed."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip(
            "mounting a small filesystem needs root and mount(8); the in-process variant runs instead"
        )
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0700" + (",ro" if read_only else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the in-process variant runs instead")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _library(immich: FakeImmich, tmp_path: Path, groups: int = 6) -> tuple[Path, Any]:
    for i in range(groups):
        immich.make_group([{"size": 90_000 + i, "description": f"d{i}"}, {"size": 60_000 + i}])
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    immich.requests.clear()
    return plan_path, plan


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- not writable


def test_a_read_only_backup_filesystem_fails_before_any_network_work(
    immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, _ = _library(immich_env, tmp_path, groups=2)
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        for backup in (ro, ro / "new-subdir"):
            code, out, err = _run(capsys, *execute_argv(plan_path, backup))

            assert code == 8, err
            assert f"the backup directory {backup} is not usable: Read-only file system" in err
            assert no_internal_error(err)
            assert len(immich_env.requests) == 0  # not even the pre-flight


def test_a_backup_directory_we_may_not_write_fails_before_any_network_work(
    immich_env: FakeImmich,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_path, _ = _library(immich_env, tmp_path, groups=2)

    def refuse(path: Path, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(backup_module, "open_exclusive", refuse)  # root ignores chmod; this does not
    backup = tmp_path / "backup"
    backup.mkdir()

    code, _, err = _run(capsys, *execute_argv(plan_path, backup))

    assert code == 8
    assert f"the backup directory {backup} is not usable: Permission denied" in err
    assert len(immich_env.requests) == 0


# --------------------------------------------------------------------------- free space


def test_a_filesystem_too_small_for_the_backups_is_refused_before_any_download(
    immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, plan = _library(immich_env, tmp_path)
    with tmpfs(tmp_path / "small", "2m") as small:
        code, _, err = _run(capsys, *execute_argv(plan_path, small / "backup"))

        assert code == 8
        assert "not enough free space" in err and "nothing was downloaded or deleted" in err
        assert immich_env.requests.count("GET", "/assets/*/original") == 0
        assert immich_env.requests.write_count == 0
        assert not committed(small / "backup")


# --------------------------------------------------------------------------- disk full mid-run


def _check_stopped_cleanly(
    immich: FakeImmich, plan: Any, backup: Path, watch: Watch, code: int, err: str
) -> None:
    assert code in (1, 8), err  # groups failed (partial) or the run stopped on the disk error
    assert no_internal_error(err)
    assert watch.deletions_without_backup(plan) == []
    gone = immich.state.trashed_ids()
    assert gone < planned_deletions(plan), "the full disk should have stopped some groups"
    assert gone <= verified_on_disk(immich, backup, committed(backup))
    assert not [p for p in files_under(backup) if p.name.endswith(".part")], "half-written files left"


def test_the_backup_filesystem_filling_up_mid_run_stops_cleanly_and_a_rerun_finishes(
    immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    immich = immich_env
    plan_path, plan = _library(immich, tmp_path)
    before = snapshot_members(immich, plan)
    with tmpfs(tmp_path / "disk", "70m") as disk:
        backup = disk / "backup"
        filler = disk / "someone-elses-file"
        watch = Watch(immich, backup)

        def fill_up(method: str, path: str) -> None:
            # Another program takes the space once the downloads have begun: ~2.5 originals fit.
            if path.endswith("/original") and not filler.exists():
                with filler.open("wb") as f:
                    os.posix_fallocate(f.fileno(), 0, shutil.disk_usage(disk).free - 160_000)

        watch.then = fill_up
        immich.faults.on_request = watch

        code, out, err = _run(capsys, *execute_argv(plan_path, backup, "--concurrency", "1"))

        _check_stopped_cleanly(immich, plan, backup, watch, code, out + err)
        assert "the disk is full" in out + err

        watch.then = None
        filler.unlink()
        code, out, err = _run(capsys, *execute_argv(plan_path, backup))

        assert code == 0, out + err
        assert check_plan_completed(immich, plan, backup, before) == []
        assert watch.deletions_without_backup(plan) == [] and watch.deleted_again() == []


def test_enospc_mid_download_stops_cleanly_and_a_rerun_finishes(
    immich_env: FakeImmich,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    immich = immich_env
    plan_path, plan = _library(immich, tmp_path)
    before = snapshot_members(immich, plan)
    backup = tmp_path / "backup"
    watch = Watch(immich, backup)
    immich.faults.on_request = watch
    written = [0]

    class FullDisk(durable.HashingWriter):
        def write(self, data: Any) -> int:
            if written[0] + len(data) > 150_000:  # the third original hits a full disk midway
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written[0] += len(data)
            return super().write(data)

    monkeypatch.setattr(backup_module, "HashingWriter", FullDisk)
    code, out, err = _run(capsys, *execute_argv(plan_path, backup, "--concurrency", "1"))

    _check_stopped_cleanly(immich, plan, backup, watch, code, out + err)
    assert "No space left on device (the disk is full)" in out + err

    monkeypatch.setattr(backup_module, "HashingWriter", durable.HashingWriter)  # space again
    code, out, err = _run(capsys, *execute_argv(plan_path, backup))

    assert code == 0, out + err
    assert check_plan_completed(immich, plan, backup, before) == []
    assert watch.deletions_without_backup(plan) == [] and watch.deleted_again() == []
