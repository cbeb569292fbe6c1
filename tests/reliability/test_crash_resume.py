"""Crash-resume: SIGKILL ``execute`` at seeded random moments, run it again, repeat; the end state is
the plan, with no asset deleted before its verified backup, none deleted twice, and no verified
backup downloaded again.

The double runs in this process; every run of the CLI is a subprocess. Kill moments come from
two places so that every phase is hit:

* inside the run (``tests/reliability/killpoint.py``): mid-download (a chunk written, not yet
  verified), between the rename and the sidecar, after the sidecar with nothing fsynced, just
  before the batch's barrier fsyncs a backup, after the barrier but before the journal's
  ``backup`` events, after a ``backup`` event, right after the journal's ``intent`` (request not
  sent), right after the server answered a delete (``done`` not journaled), right after
  ``done``, before the report;
* from outside (the double's ``on_request`` hook, and timers): when the N-th download, metadata
  read or write request arrives, after N bytes of originals were sent, or after a random delay.

One scenario runs ``python -m immich_dedupe`` itself, with outside kills only. The seed is
``RELIABILITY_SEED`` (default below); a failure message names the kill sequence to replay.
"""

from __future__ import annotations

import math
import os
import random
import signal
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest

from immich_dedupe.plan import Plan
from tests.e2e.execute_support import make_plan
from tests.fake_immich import FakeImmich
from tests.reliability.support import (
    Watch,
    alive,
    check_plan_completed,
    cli_env,
    committed,
    deletion_counts,
    execute_argv,
    journal_order_problems,
    must_back_up,
    planned_deletions,
    resolve_groups,
    snapshot_members,
    spawn,
    verified_on_disk,
)

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("RELIABILITY_SEED", "20260801"))
RUN_TIMEOUT = 180  # seconds; a run that hangs fails the test instead of the suite
# The first five are reached once per backup, the rest once per batch.
INSIDE = ("write", "rename", "sidecar", "fsync", "backup", "synced", "intent", "sent", "done")
OUTSIDE_DOWNLOAD = ("download-request", "asset-request", "bytes")
OUTSIDE_WRITE = ("write-request",)


@attrs.frozen
class Scenario:
    name: str
    version: tuple[int, int, int]
    trash_enabled: bool
    permanent: bool
    groups: int
    batch_groups: int | None  # None: the CLI's default (one batch here)
    inside_kills: bool  # run through killpoint (else plain `python -m immich_dedupe`)
    kills: int  # kills attempted before the run is left to finish
    min_kills: int  # kills that must actually have happened


SCENARIOS = [
    # POST /duplicates/resolve, several batches.
    Scenario("resolve", (3, 1, 0), True, False, 30, 6, True, 9, 8),
    # Immich 2.6: carry metadata with PUTs, DELETE /assets, dissolve with PUT /assets.
    Scenario("delete-path", (2, 6, 3), True, False, 26, 5, True, 8, 7),
    # Trash disabled + --permanent: every deletion is for good; the shipped entry point only.
    Scenario("permanent", (3, 1, 0), False, True, 24, None, False, 7, 7),
]


@attrs.define
class Moment:
    kind: str
    nth: int = 1
    delay: float = 0.0

    def __str__(self) -> str:
        return f"{self.kind}@{self.delay:.2f}s" if self.kind == "timer" else f"{self.kind}:{self.nth}"


class Killer:
    """Fires SIGKILL at an outside moment (a request arriving, bytes sent, a timer)."""

    def __init__(self, immich: FakeImmich, moment: Moment) -> None:
        self.immich = immich
        self.moment = moment
        self.proc: Any = None
        self.fired = threading.Event()
        self.seen: dict[str, int] = {}
        self.first_request = threading.Event()
        self._lock = threading.Lock()

    def kill(self) -> None:
        if self.proc is not None and not self.fired.is_set():
            self.fired.set()
            os.kill(self.proc.pid, signal.SIGKILL)

    def on_request(self, method: str, path: str) -> None:
        self.first_request.set()
        kind = None
        if method == "GET" and path.endswith("/original"):
            kind = "download-request"
        elif method == "GET" and path.startswith("/api/assets/"):
            kind = "asset-request"
        elif method in ("POST", "PUT", "DELETE"):
            kind = "write-request"
        if kind is None:
            return
        with self._lock:
            self.seen[kind] = self.seen.get(kind, 0) + 1
            if kind == self.moment.kind and self.seen[kind] >= self.moment.nth:
                self.kill()

    def start_background(self, stop: threading.Event) -> threading.Thread | None:
        if self.moment.kind == "timer":
            target = self._timer
        elif self.moment.kind == "bytes":
            target = self._bytes
        else:
            return None
        thread = threading.Thread(target=target, args=(stop,), daemon=True)
        thread.start()
        return thread

    def _timer(self, stop: threading.Event) -> None:
        # From the first request: the interpreter's start-up is not an interesting moment.
        while not self.first_request.wait(0.05):
            if stop.is_set():
                return
        if not stop.wait(self.moment.delay):
            self.kill()

    def _bytes(self, stop: threading.Event) -> None:
        start = len(self.immich.requests)
        while not stop.wait(0.003):
            sent = sum(
                r.response_bytes
                for r in self.immich.requests.records[start:]
                if r.method == "GET" and r.path.endswith("/original")
            )
            if sent >= self.moment.nth:
                self.kill()
                return


def _remaining(immich: FakeImmich, plan: Plan, backup: Path, permanent: bool) -> tuple[int, int]:
    """(backups still to make, groups still to resolve) as things stand on disk and server."""
    verified = verified_on_disk(immich, backup, committed(backup))
    downloads = len(must_back_up(plan) - verified)
    groups = 0
    for g in resolve_groups(plan):
        deleted = all(_deleted(immich, a, permanent) for a in g.delete)
        if not deleted or any(alive(immich, k).duplicate_id is not None for k in g.keep):
            groups += 1
    return downloads, groups


def _deleted(immich: FakeImmich, asset_id: str, permanent: bool) -> bool:
    asset = alive(immich, asset_id)
    return asset is None if permanent else asset is None or asset.is_trashed


def _early(rng: random.Random, remaining: int) -> int:
    """A count in 1..remaining, mostly small: each kill should leave work for the next ones."""
    return 1 + int(rng.random() ** 2 * (remaining - 1) * 0.6)


def _kinds(scenario: Scenario) -> list[str]:
    if scenario.inside_kills:
        return ["timer", *INSIDE, *OUTSIDE_DOWNLOAD, *OUTSIDE_WRITE]
    return ["timer", *OUTSIDE_DOWNLOAD, *OUTSIDE_WRITE]


def _choose(rng: random.Random, scenario: Scenario, order: list[str], downloads: int, groups: int) -> Moment:
    """The next kill moment: the first kind in ``order`` that can still happen (it then moves to
    the back, so a scenario goes round every kind), at a random, mostly early, count."""
    batches = math.ceil(groups / (scenario.batch_groups or 100)) if groups else 0
    writes_per_batch = 3 if scenario.version < (2, 7, 0) else 1
    download_kinds = (*INSIDE[:5], *OUTSIDE_DOWNLOAD)
    for kind in list(order):
        if (
            kind in download_kinds
            and not downloads
            or kind not in download_kinds
            and kind != "timer"
            and not batches
        ):
            continue
        order.remove(kind)
        order.append(kind)
        if kind == "timer":  # shorter when little is left, so that it still lands in the run
            return Moment(kind, delay=rng.uniform(0.0, 0.8) * min(1.0, (downloads + groups) / 20))
        if kind == "bytes":
            return Moment(kind, nth=_early(rng, downloads * 40_000))  # originals are ~48 KiB
        if kind in download_kinds:
            return Moment(kind, nth=_early(rng, downloads))
        return Moment(
            kind, nth=_early(rng, batches * writes_per_batch if kind == "write-request" else batches)
        )
    return Moment("report") if scenario.inside_kills else Moment("timer")  # at the first request


def _run(
    immich: FakeImmich, watch: Watch, argv: list[str], scenario: Scenario, moment: Moment | None
) -> tuple[int, bool, str]:
    """One run of the CLI, killed at ``moment`` if it gets there: (exit code, killed?, stderr)."""
    extra = {}
    if scenario.batch_groups:
        extra["IMMICH_DEDUPE_BATCH_GROUPS"] = str(scenario.batch_groups)
    if moment is not None and moment.kind in (*INSIDE, "report"):
        extra["IMMICH_DEDUPE_KILL_AT"] = f"{moment.kind}:{moment.nth}"
    killer = Killer(immich, moment or Moment("none"))
    watch.then = killer.on_request
    if moment is not None and moment.kind == "bytes":
        # small, slightly slow chunks, so that the count of bytes sent can stop a download midway
        immich.faults.slow_body("GET", "/assets/*/original", 0.002, chunk_size=4096, count=None)
    module = "tests.reliability.killpoint" if scenario.inside_kills else "immich_dedupe"
    stop = threading.Event()
    proc = spawn(argv, cli_env(immich, **extra), module=module)
    killer.proc = proc
    background = killer.start_background(stop)
    try:
        _, err = proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        stop.set()
        if background is not None:
            background.join()
        immich.faults.clear()
        watch.then = None
    code = proc.returncode
    killed = code == -signal.SIGKILL
    return code, killed, err.decode(errors="replace")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_killed_at_random_moments_then_resumed_the_plan_is_done_safely(
    scenario: Scenario, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{scenario.name}")
    with FakeImmich(version=scenario.version, trash_enabled=scenario.trash_enabled, seed=SEED) as immich:
        immich.seed_library(scenario.groups, seed=SEED % 1000, original_size=48 * 1024)
        plan_path = tmp_path / "plan.json"
        plan = make_plan(immich, plan_path)
        before = snapshot_members(immich, plan)
        trashed_before = immich.state.trashed_ids()
        backup = tmp_path / "backup"
        argv = execute_argv(plan_path, backup, *(("--permanent",) if scenario.permanent else ()))
        immich.requests.clear()
        watch = Watch(immich, backup)
        immich.faults.on_request = watch

        history: list[str] = []
        # Every point inside the run first (each scenario that can reach them hits them all),
        # then the outside ones; in a seeded random order within each part.
        order = sorted(rng.sample(_kinds(scenario), len(_kinds(scenario))), key=lambda k: k not in INSIDE)
        if scenario.batch_groups is None:  # one batch: killing its write first would end the work
            order.sort(key=lambda kind: kind in OUTSIDE_WRITE)
        kills = 0
        finished = False
        for _ in range(scenario.kills):
            moment = _choose(rng, scenario, order, *_remaining(immich, plan, backup, scenario.permanent))
            code, killed, err = _run(immich, watch, argv, scenario, moment)
            history.append(f"{moment}->{'killed' if killed else code}")
            if killed:
                kills += 1
                continue
            assert code == 0, f"seed {SEED}, kills {history}: {err}"
            finished = True
            break
        if not finished:
            code, killed, err = _run(immich, watch, argv, scenario, None)
            history.append(f"final->{code}")
            assert code == 0, f"seed {SEED}, kills {history}: {err}"
        immich.faults.on_request = None
        replay = f"seed {SEED}, kills {history}"
        print(scenario.name, replay)  # shown with the output of a failing test

        assert kills >= scenario.min_kills, replay
        assert (
            check_plan_completed(
                immich, plan, backup, before, trashed_before=trashed_before, permanent=scenario.permanent
            )
            == []
        ), replay
        # at the instant the server received each deleting request, the backups were on disk
        assert watch.deletions_without_backup(plan) == [], replay
        assert watch.deleted_again() == [], replay
        counts = deletion_counts(immich)
        assert set(counts) == planned_deletions(plan), replay
        assert all(n == 1 for n in counts.values()), f"deleted more than once: {counts} ({replay})"
        assert watch.redundant_downloads == [], f"verified backups downloaded again ({replay})"
        assert journal_order_problems(backup, plan) == [], replay
        leftovers = [p.name for p in backup.rglob(".*") if p.name.endswith((".part", ".tmp"))]
        assert leftovers == [], f"temp files of killed runs left behind ({replay})"

        if not scenario.permanent:  # the journal, kills and all, still knows everything it trashed
            restore = spawn(["restore", str(backup), "--yes"], cli_env(immich))
            out, err = restore.communicate(timeout=RUN_TIMEOUT)
            assert restore.returncode == 0, (out + err).decode()
            assert not immich.state.trashed_ids() & planned_deletions(plan), replay
