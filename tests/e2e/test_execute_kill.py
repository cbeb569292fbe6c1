"""SIGKILL (and SIGTERM) at any moment, then the same command again: the plan is completed with no
asset deleted twice, no committed backup downloaded again, and nothing deleted before its backup.

The double runs in this process; ``python -m immich_dedupe execute`` runs in a subprocess. The
double's ``on_request`` hook tells us when the run reaches the chosen point, and kills it there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.execute_support import assert_plan_completed, make_plan, resolve_groups, sidecars
from tests.fake_immich import FakeImmich

pytestmark = pytest.mark.slow

RESOLVE = "/api/duplicates/resolve"
N_GROUPS = 130  # two batches of at most 100 groups


def _spawn(immich: FakeImmich, plan_path: Path, backup: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IMMICH_URL": immich.url, "IMMICH_API_KEY": immich.api_key}
    argv = ["execute", str(plan_path), "--backup-dir", str(backup), "--yes"]
    return subprocess.Popen(
        [sys.executable, "-m", "immich_dedupe", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class _Watch:
    """on_request hook: snapshots the committed backups at every write; fires the kill once."""

    def __init__(self, immich: FakeImmich, backup: Path) -> None:
        self.immich = immich
        self.backup = backup
        self.snapshots: list[set[str]] = []
        self.seen: Counter[tuple[str, str]] = Counter()
        self.proc: subprocess.Popen[bytes] | None = None
        self.kill_at: tuple[str, str, int, str | None] | None = None
        self.sig = signal.SIGKILL
        self.fired = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, method: str, path: str) -> None:
        with self.lock:
            template = "/original" if path.endswith("/original") else path
            self.seen[(method, template)] += 1
            if method in ("POST", "PUT", "DELETE"):
                self.snapshots.append(set(sidecars(self.backup)) if self.backup.exists() else set())
            if self.kill_at and not self.fired.is_set():
                kill_method, kill_path, nth, after = self.kill_at
                counted = self.seen[(method, template)]
                ready = after is None or self.seen[("POST", after)] > 0
                if method == kill_method and template == kill_path and counted >= nth and ready:
                    assert self.proc is not None
                    os.kill(self.proc.pid, self.sig)
                    self.fired.set()


def _deleted_ids(record: Any) -> list[str]:
    body = record.json or {}
    if record.template == "/duplicates/resolve":
        return [i for g in body.get("groups", []) for i in g["trashAssetIds"]]
    if record.method == "DELETE" and record.template == "/assets":
        return list(body.get("ids", []))
    return []


def _check_writes(immich: FakeImmich, watch: _Watch) -> None:
    """Every deleting request named only assets whose verified backup was on disk before it."""
    writes = immich.requests.writes
    counts: Counter[str] = Counter()
    for record, committed in zip(writes, watch.snapshots, strict=False):
        ids = _deleted_ids(record)
        assert set(ids) <= committed, f"{record.method} {record.path} deleted before the backup"
        counts.update(ids)
    assert all(n == 1 for n in counts.values()), "an asset was sent for deletion twice"


def _setup(immich: FakeImmich, tmp_path: Path, **group_kwargs: Any) -> tuple[Path, Any, Path]:
    for _ in range(N_GROUPS):
        immich.make_group([{"size": 6000}, {"size": 3000}], **group_kwargs)
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    immich.requests.clear()
    return plan_path, plan, tmp_path / "backup"


def _kill_then_resume(
    immich: FakeImmich,
    plan_path: Path,
    plan: Any,
    backup: Path,
    kill_at: tuple[str, str, int, str | None],
    sig: int,
) -> tuple[int, int]:
    watch = _Watch(immich, backup)
    watch.kill_at = kill_at
    watch.sig = sig
    immich.faults.on_request = watch
    watch.proc = _spawn(immich, plan_path, backup)
    _, err = watch.proc.communicate(timeout=180)
    first = watch.proc.returncode
    assert watch.fired.is_set(), "the run finished before reaching the kill point"
    committed_before = set(sidecars(backup))
    downloads_before = immich.requests.count("GET", "/assets/*/original")

    watch.kill_at = None
    immich.faults.clear()
    rerun = _spawn(immich, plan_path, backup)
    out, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err.decode()

    assert_plan_completed(immich, plan, backup)
    _check_writes(immich, watch)
    again = {
        r.path.split("/")[-2]
        for r in immich.requests.matching("GET", "/assets/*/original")[downloads_before:]
    }
    assert not again & committed_before, "a committed backup was downloaded again"
    return first, len(committed_before)


@pytest.mark.parametrize(
    "kill_at",
    [
        ("GET", "/original", 7, None),  # among the first downloads
        ("GET", "/original", 1, RESOLVE),  # downloading the second batch, the first one written
        ("POST", RESOLVE, 1, None),  # the first write is on its way
        ("POST", RESOLVE, 2, None),
    ],
    ids=["early-download", "second-batch", "first-resolve", "second-resolve"],
)
def test_sigkill_then_rerun_completes_the_plan(
    immich: FakeImmich, tmp_path: Path, kill_at: tuple[str, str, int, str | None]
) -> None:
    plan_path, plan, backup = _setup(immich, tmp_path)
    if kill_at[3] is not None:
        # Slow originals, so that the second batch is still downloading when the first one is
        # written (the first batch's fsyncs overlap those downloads; small files finish first).
        immich.faults.slow_body("GET", "/assets/*/original", 0.1, count=None)
    code, _ = _kill_then_resume(immich, plan_path, plan, backup, kill_at, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert len(resolve_groups(plan)) == N_GROUPS


@pytest.mark.parametrize(
    "kill_at",
    [("DELETE", "/api/assets", 1, None), ("PUT", "/api/assets", 1, None)],
    ids=["at-delete", "at-dissolve"],
)
def test_sigkill_on_the_delete_path_then_rerun_completes_the_plan(
    immich: FakeImmich, tmp_path: Path, kill_at: tuple[str, str, int, str | None]
) -> None:
    immich.settings.version = (2, 6, 3)  # no POST /duplicates/resolve: DELETE /assets + PUT /assets
    plan_path, plan, backup = _setup(immich, tmp_path)
    code, _ = _kill_then_resume(immich, plan_path, plan, backup, kill_at, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert immich.requests.count("POST", "/duplicates/resolve") == 0


def test_sigterm_stops_cleanly_and_the_rerun_resumes(immich: FakeImmich, tmp_path: Path) -> None:
    plan_path, plan, backup = _setup(immich, tmp_path)
    code, committed = _kill_then_resume(
        immich, plan_path, plan, backup, ("GET", "/original", 60, None), signal.SIGTERM
    )
    assert code == 130
    assert committed >= 50
    assert not list(backup.rglob("*.part"))
