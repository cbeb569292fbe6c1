"""SIGKILL in the middle of stacking or dismissing, then the same command again: the run ends in
the state an uninterrupted run leaves (one stack per group, no group stacked twice), and restore
still puts every group back — also straight after the kill, without the resume.

``python -m immich_dedupe execute`` runs in a subprocess; the double (in this process) kills it
from its ``on_request`` hook when the chosen request arrives. The request itself is still served,
as when a client dies after sending: the journal has the intent but not the outcome.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.e2e.test_stack_dismiss import assert_settled, by_id, listing, make_plan, seed, snapshot
from tests.fake_immich import FakeImmich

pytestmark = pytest.mark.slow

N = 3  # groups of each kind


def _spawn(immich: FakeImmich, *argv: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IMMICH_URL": immich.url, "IMMICH_API_KEY": immich.api_key}
    return subprocess.Popen(
        [sys.executable, "-m", "immich_dedupe", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class _KillAt:
    """on_request hook: SIGKILL the run when the ``nth`` request ``method path`` arrives."""

    def __init__(self, method: str, path: str, nth: int) -> None:
        self.method, self.path, self.nth = method, path, nth
        self.seen = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.fired = threading.Event()

    def __call__(self, method: str, path: str) -> None:
        if self.fired.is_set() or method != self.method or not path.startswith(self.path):
            return
        self.seen += 1
        if self.seen >= self.nth and self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.fired.set()


def _killed_run(immich: FakeImmich, tmp_path: Path, kill: tuple[str, str, int]) -> tuple[Path, Path]:
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    hook = _KillAt(*kill)
    immich.faults.on_request = hook
    hook.proc = _spawn(immich, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")
    hook.proc.communicate(timeout=120)
    immich.faults.on_request = None
    assert hook.fired.is_set(), "the run finished before reaching the kill point"
    assert hook.proc.returncode == -signal.SIGKILL
    return plan_path, backup


KILL_POINTS = [
    ("POST", "/api/stacks", 2),  # the second stack is being created
    ("PUT", "/api/assets", 1),  # every stack made, members not yet out of their groups
    ("DELETE", "/api/duplicates", 1),  # the dismiss batch is on its way
]
IDS = ["second-stack", "ungroup-stacks", "dismiss"]


@pytest.mark.parametrize("kill", KILL_POINTS, ids=IDS)
def test_sigkill_then_resume_ends_in_the_same_state(
    immich: FakeImmich, tmp_path: Path, kill: tuple[str, str, int]
) -> None:
    lib = seed(immich, n=N)
    before, shown = snapshot(immich), listing(immich)
    plan = make_plan(immich, tmp_path / "plan.json", lib)
    plan_path, backup = _killed_run(immich, tmp_path, kill)

    rerun = _spawn(immich, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")
    out, err = rerun.communicate(timeout=120)

    assert rerun.returncode == 0, (out + err).decode()
    assert_settled(immich, plan, lib)
    posted = [frozenset(r.json["assetIds"]) for r in immich.requests.matching("POST", "/stacks")]
    assert len(posted) == len(set(posted)) == N, "a group was stacked twice"
    members = {frozenset(a.id for a in by_id(plan)[gid].assets) for gid in lib.stack}
    assert set(posted) == members

    again = _spawn(immich, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")
    immich.requests.clear()
    assert again.wait(timeout=120) == 0
    assert immich.requests.write_count == 0

    restore = _spawn(immich, "restore", str(backup), "--yes")
    out, err = restore.communicate(timeout=120)
    assert restore.returncode == 0, (out + err).decode()
    assert snapshot(immich) == before
    assert listing(immich) == shown
    assert immich.state.stacks == {}


@pytest.mark.parametrize("kill", KILL_POINTS[:2], ids=IDS[:2])
def test_restore_straight_after_a_kill_undoes_what_reached_the_server(
    immich: FakeImmich, tmp_path: Path, kill: tuple[str, str, int]
) -> None:
    lib = seed(immich, n=N)
    before, shown = snapshot(immich), listing(immich)
    make_plan(immich, tmp_path / "plan.json", lib)
    _, backup = _killed_run(immich, tmp_path, kill)
    assert immich.state.stacks, "the kill came after a stack was made"

    restore = _spawn(immich, "restore", str(backup), "--yes")
    out, err = restore.communicate(timeout=120)

    assert restore.returncode == 0, (out + err).decode()
    assert immich.state.stacks == {}
    assert snapshot(immich) == before
    assert listing(immich) == shown
