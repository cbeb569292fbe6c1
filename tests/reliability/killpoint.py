"""``python -m tests.reliability.killpoint ARGS`` = ``python -m immich_dedupe ARGS`` that SIGKILLs
itself at an exact point inside the run, for the crash-resume tests.

Environment:

* ``IMMICH_DEDUPE_KILL_AT=POINT:N`` — die by SIGKILL at the N-th time the run reaches POINT:

  ========== ===================================================================================
  write      a chunk of a download was just written to its ``.part`` file (not yet verified)
  rename     the verified file was just renamed into place (unsynced); its sidecar is not written
  sidecar    the sidecar (the commit marker) was just written, nothing fsynced yet
  fsync      the batch's barrier is about to fsync a backup's data file and sidecar
  synced     the barrier finished (files and directories fsynced); no ``backup`` event yet
  backup     the journal's ``backup`` event was just appended
  intent     the journal's ``intent`` was just appended; the write request is not sent yet
  sent       the server answered a deleting request; its ``done`` is not journaled yet
  done       the journal's ``done`` event was just appended
  report     the run is about to write its report
  ========== ===================================================================================

* ``IMMICH_DEDUPE_BATCH_GROUPS=N`` — groups per write request (the CLI has no flag for it; small
  batches give a small library several batches).

Nothing else changes: the product code runs as shipped, and SIGKILL gives it no chance to clean up.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import attrs

from immich_dedupe import backup, cli, connection, durable, execute, journal

POINTS = ("write", "rename", "sidecar", "fsync", "synced", "backup", "intent", "sent", "done", "report")

_lock = threading.Lock()
_seen: dict[str, int] = {}


def _reached(point: str, target: tuple[str, int] | None) -> None:
    if target is None or point != target[0]:
        return
    with _lock:
        _seen[point] = _seen.get(point, 0) + 1
        if _seen[point] >= target[1]:
            os.kill(os.getpid(), signal.SIGKILL)


def _after(point: str, target: tuple[str, int] | None, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        _reached(point, target)
        return result

    return wrapped


def _before(point: str, target: tuple[str, int] | None, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _reached(point, target)
        return fn(*args, **kwargs)

    return wrapped


def _before_journal(
    point: str, target: tuple[str, int] | None, barrier: Callable[..., Any]
) -> Callable[..., Any]:
    """Kill at ``point`` inside ``_Run._barrier``: after its fsyncs, before its journal append."""

    def wrapped(run: Any, *args: Any, **kwargs: Any) -> Any:
        journal_ = run.journal
        append_many = journal_.append_many

        def killing_append_many(events: Any) -> None:
            _reached(point, target)
            append_many(events)

        journal_.append_many = killing_append_many
        try:
            return barrier(run, *args, **kwargs)
        finally:
            del journal_.append_many

    return wrapped


def install(target: tuple[str, int] | None, batch_groups: int | None) -> None:
    class KillingWriter(durable.HashingWriter):
        def write(self, data: Any) -> int:
            n = super().write(data)
            _reached("write", target)
            return n

    backup.HashingWriter = KillingWriter  # type: ignore[misc]
    backup.replace_unsynced = _after("rename", target, backup.replace_unsynced)
    backup.write_unsynced = _after("sidecar", target, backup.write_unsynced)
    store = backup.BackupStore
    store.sync_files = _before("fsync", target, store.sync_files)  # type: ignore[method-assign]
    barrier = execute._Run._barrier
    execute._Run._barrier = _before_journal("synced", target, barrier)  # type: ignore[method-assign]
    execute.atomic_write = _before("report", target, execute.atomic_write)

    def journaled(events: Any) -> None:
        for event in events:
            if event.get("type") in ("backup", "intent", "done"):
                _reached(event["type"], target)

    append = journal.Journal.append
    append_many = getattr(journal.Journal, "append_many", None)

    def journal_append(self: journal.Journal, event: Any) -> None:
        append(self, event)
        journaled([event])

    def journal_append_many(self: journal.Journal, events: Any) -> None:
        assert append_many is not None
        append_many(self, events)
        journaled(events)

    journal.Journal.append = journal_append  # type: ignore[method-assign]
    if append_many is not None:
        journal.Journal.append_many = journal_append_many  # type: ignore[method-assign]
    for name in ("resolve", "delete_assets"):
        method = getattr(connection.ImmichConnection, name)
        setattr(connection.ImmichConnection, name, _after("sent", target, method))

    if batch_groups:
        run = execute.execute_plan

        def execute_plan(plan: Any, conn: Any, options: Any, **kwargs: Any) -> Any:
            return run(plan, conn, attrs.evolve(options, batch_groups=batch_groups), **kwargs)

        execute.execute_plan = execute_plan


def _target() -> tuple[str, int] | None:
    spec = os.environ.get("IMMICH_DEDUPE_KILL_AT")
    if not spec:
        return None
    point, _, nth = spec.partition(":")
    if point not in POINTS:
        raise SystemExit(f"unknown kill point {point!r}; one of {', '.join(POINTS)}")
    return point, int(nth or 1)


def main() -> int:
    batch = os.environ.get("IMMICH_DEDUPE_BATCH_GROUPS")
    install(_target(), int(batch) if batch else None)
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
