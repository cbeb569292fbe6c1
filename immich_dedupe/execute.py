"""Execute a plan: re-check on the server, back up and verify, and only then delete — resumably.

The order of durable steps (docs/execute.md has the long form):

1. Validate the whole plan (``planfile.validate_plan``); take the ``RunLock`` on the backup
   directory; read the journal (bound to the plan's digest).
2. Pre-flight (version, permissions, trash setting); refuse a plan made for another server
   and, unless ``permanent``, a server whose trash is disabled.
3. One ``GET /duplicates``: each ``resolve`` group must still have the planned members with the
   planned checksums, else it is skipped as stale. Batches left pending by a killed run (an
   ``intent`` without ``done``) are settled by asking the server what it did.
4. Per batch of groups: for every asset to delete, ``GET /assets/{id}`` (issued a few downloads
   ahead; re-confirms it and gives the sidecar's metadata), then a verified backup (reused if
   one is on disk), plus its live-photo motion part; then the batch's durability barrier (every
   backup's files fsynced, each directory once) and its ``backup`` events. A group with any
   stale, unverified or unsynced asset is left alone.
5. Journal ``intent``; one write request for the whole batch (``POST /duplicates/resolve``, or
   carry metadata + ``DELETE /assets`` + dissolve on the fallback path); journal ``done`` and a
   ``group`` outcome per group. A rejected batch is re-checked and bisected.

Signals: SIGINT/SIGTERM during step 4/5 let the write in flight finish and its journal entry
land; downloads in worker threads stop at their next chunk; then ``KeyboardInterrupt``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import secrets
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import attrs

from immich_dedupe import __version__, settle
from immich_dedupe.backup import BackupRecord, BackupStore
from immich_dedupe.carry import apply_updates, keeper_updates
from immich_dedupe.connection import MAX_CONNECTIONS, BatchRejected, ImmichConnection
from immich_dedupe.durable import RunLock, atomic_write
from immich_dedupe.errors import (
    EXIT_OK,
    EXIT_PARTIAL,
    AuthError,
    BackupError,
    ChecksumMismatch,
    DedupeError,
    IncompatibleServer,
    JournalError,
    PlanError,
    ServerError,
    ServerUnavailable,
)
from immich_dedupe.facts import AssetFacts, Group, ResolveGroup, ServerInfo
from immich_dedupe.journal import JOURNAL_NAME, Journal, JournalState, fold, parse_journal
from immich_dedupe.plan import GroupPlan, Plan
from immich_dedupe.planfile import plan_digest, validate_plan
from immich_dedupe.progress import NullProgress, Progress

__all__ = [
    "OPTIONAL_PERMISSIONS",
    "REQUIRED_PERMISSIONS",
    "ExecuteOptions",
    "ExecutePreview",
    "ExecuteReport",
    "GroupResult",
    "asset_mismatch",
    "execute_plan",
    "live_mismatch",
]

REQUIRED_PERMISSIONS = ("duplicate.read", "asset.read", "asset.download")
# duplicate.delete (resolve) or asset.delete (DELETE path) is required too; which one is
# decided after pre-flight, from the server version and the trash setting.
OPTIONAL_PERMISSIONS = {
    "duplicate.delete": "POST /duplicates/resolve (without it, DELETE /assets is used)",
    "asset.delete": "DELETE /assets on servers before 2.7 or with --permanent",
    "asset.update": "carrying favourite, rating, description and visibility where Immich does not",
    "album.read": "reading album memberships where Immich does not carry them",
    "albumAsset.create": "adding keepers to the albums of deleted copies where Immich does not",
    "tag.asset": "adding the tags of deleted copies to keepers where Immich does not",
}
REPORT_JSON = "report.json"
REPORT_TXT = "report.txt"
DOWNLOAD_TASK = "Backing up originals"
_MIB = 1024 * 1024
_MAX_BATCH_BODY = 4 * _MIB  # resolve/delete bodies; Immich refuses anything over 10 MB
_PROGRESS_STEP = _MIB  # bytes of a download between two progress updates
_READ_THREADS = 2  # GET /assets/{id} issued ahead of the downloads, at most this many at once


@attrs.frozen(kw_only=True)
class ExecuteOptions:
    backup_dir: Path
    dry_run: bool = False
    permanent: bool = False  # allow permanent deletion (needed when the server's trash is off)
    concurrency: int = 4  # parallel downloads
    batch_groups: int = 100  # groups per write request (budget: <= 0.02 writes per deleted asset)
    download_attempts: int = 3  # a cut-off or corrupted download is restarted this many times in all
    retry_backoff: float = 0.5  # seconds before the second attempt, doubling after
    space_margin: int = 64 * _MIB  # free space kept on top of the bytes to download (plus 5 %)
    plan_path: str | None = None  # recorded in the journal header
    forbidden: tuple[str, ...] = attrs.field(default=(), repr=False)  # the API key: never written
    handle_signals: bool = True  # SIGINT/SIGTERM: finish the step in flight, then stop


@attrs.frozen(kw_only=True)
class GroupResult:
    """What happened (or, in a dry run, would happen) to one ``resolve`` group."""

    duplicate_id: str
    status: str  # done | already_done | skipped | failed | planned
    reason: str = ""
    keep: tuple[str, ...] = ()  # for a stack: every member, the top of the stack first
    deleted: tuple[str, ...] = ()  # trashed (or permanently deleted) on the server
    backups: tuple[str, ...] = ()  # backup files, relative to the backup directory
    bytes_to_download: int = 0  # dry run / preview: estimated bytes not yet backed up
    action: str = "resolve"  # resolve | stack | dismiss (settle.py does the last two)

    @property
    def complete(self) -> bool:
        return self.status in ("done", "already_done")

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class ExecutePreview:
    """What a run is about to do; shown before the confirmation prompt."""

    server_url: str
    server_version: str
    method: str  # "resolve" (POST /duplicates/resolve) | "delete" (DELETE /assets)
    permanent: bool
    backup_dir: str
    plan_groups: int  # groups in the plan
    review_or_skip: int  # groups the plan leaves alone
    groups: tuple[GroupResult, ...]  # every resolve group: planned / already_done / skipped / failed
    assets_to_delete: int
    bytes_to_download: int
    motion_parts: int  # live-photo motion parts to back up too; their size is known only later
    free_bytes: int | None
    notes: tuple[str, ...] = ()
    stack: int = 0  # stack and dismiss groups in the plan
    dismiss: int = 0

    @property
    def to_act(self) -> tuple[GroupResult, ...]:
        return tuple(g for g in self.groups if g.status == "planned")

    def count(self, status: str) -> int:
        return sum(1 for g in self.groups if g.status == status)

    def to_text(self) -> str:
        where = "permanently deleted" if self.permanent else "moved to Immich's trash"
        how = (
            "POST /duplicates/resolve (Immich merges favourite, rating, description, albums, tags)"
            if self.method == "resolve"
            else "DELETE /assets (immich-dedupe carries favourite, rating, description, albums, tags)"
        )
        free = "unknown" if self.free_bytes is None else format_bytes(self.free_bytes)
        resolving = sum(1 for g in self.groups if g.action == "resolve")
        settling = "".join(
            f"{n} to {a}, " for a, n in (("stack", self.stack), ("dismiss", self.dismiss)) if n
        )
        lines = [
            f"server: {self.server_url} (Immich {self.server_version})",
            f"plan: {self.plan_groups} groups; {resolving} to resolve, {settling}"
            f"{self.review_or_skip} left for review or skipped",
            f"to act on now: {len(self.to_act)} groups, {self.assets_to_delete} assets to be {where}",
            f"already done earlier: {self.count('already_done')}; "
            f"stale or unusable: {self.count('skipped') + self.count('failed')}",
            f"to download: {format_bytes(self.bytes_to_download)}"
            + (f" plus {self.motion_parts} live-photo motion part(s)" if self.motion_parts else "")
            + f" into {self.backup_dir} (free: {free})",
        ]
        if resolving:
            lines.append(f"method: {how}")
        if self.stack or self.dismiss:
            lines.append(
                "stack: POST /stacks (our keeper on top), then PUT /assets {duplicateId: null}; "
                "dismiss: DELETE /duplicates; neither downloads nor deletes anything"
            )
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class ExecuteReport:
    preview: ExecutePreview
    groups: tuple[GroupResult, ...]
    dry_run: bool
    confirmed: bool
    started_at: str
    finished_at: str
    bytes_downloaded: int = 0
    backups_made: int = 0
    backups_reused: int = 0
    write_requests: int = 0

    def count(self, status: str, action: str | None = None) -> int:
        return sum(1 for g in self.groups if g.status == status and action in (None, g.action))

    @property
    def exit_code(self) -> int:
        """0 only if every resolve, stack and dismiss group is complete (or, in a dry run, would be
        acted on)."""
        if self.dry_run:
            ok = all(g.status in ("planned", "already_done") for g in self.groups)
        else:
            ok = self.confirmed and all(g.complete for g in self.groups)
        return EXIT_OK if ok else EXIT_PARTIAL

    def to_json(self) -> dict[str, Any]:
        return {
            "tool_version": __version__,
            "dry_run": self.dry_run,
            "confirmed": self.confirmed,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "server": {"url": self.preview.server_url, "version": self.preview.server_version},
            "method": self.preview.method,
            "permanent": self.preview.permanent,
            "totals": {
                status: self.count(status)
                for status in ("done", "already_done", "skipped", "failed", "planned")
            },
            "actions": {
                action: {s: n for s in _STATUSES if (n := self.count(s, action))}
                for action in ("resolve", *settle.ACTIONS)
            },
            "bytes_downloaded": self.bytes_downloaded,
            "backups_made": self.backups_made,
            "backups_reused": self.backups_reused,
            "write_requests": self.write_requests,
            "exit_code": self.exit_code,
            "groups": [g.to_json() for g in self.groups],
        }

    def summary_lines(self) -> list[str]:
        key = "planned" if self.dry_run else "done"
        verbs = {"resolve": "resolved", "stack": "stacked", "dismiss": "dismissed"}
        acted = [("resolve", self.count(key, "resolve"))]
        if any(g.action in settle.ACTIONS for g in self.groups):
            acted += [(a, self.count(key, a)) for a in settle.ACTIONS]
        first = "; ".join(
            f"{'would ' + a if self.dry_run else verbs[a]}: {n}" + (" groups" if i == 0 else "")
            for i, (a, n) in enumerate(acted)
        )
        return [
            f"{first}; already done earlier: {self.count('already_done')}; "
            f"skipped (stale): {self.count('skipped')}; failed: {self.count('failed')}",
            f"backups: {self.backups_made} downloaded ({format_bytes(self.bytes_downloaded)}), "
            f"{self.backups_reused} already on disk; write requests: {self.write_requests}",
        ]

    def to_text(self) -> str:
        lines = ["immich-dedupe execute report", f"finished: {self.finished_at}", ""]
        lines += [self.preview.to_text(), ""]
        lines += self.summary_lines()
        for status in ("failed", "skipped", "done", "already_done", "planned"):
            chosen = [g for g in self.groups if g.status == status]
            if not chosen:
                continue
            lines += ["", f"{status} ({len(chosen)}):"]
            for g in chosen:
                what = "" if g.action == "resolve" else f" ({g.action})"
                lines.append(
                    f"  {g.duplicate_id}{what}: {g.reason}" if g.reason else f"  {g.duplicate_id}{what}"
                )
                lines.extend(f"    backup: {p}" for p in g.backups)
        return "\n".join(lines) + "\n"


_STATUSES = ("done", "already_done", "skipped", "failed", "planned")


def format_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- pure checks


def live_mismatch(gp: GroupPlan, live: Group | None, expected: Collection[str]) -> str | None:
    """Why the server's current group differs from what we are about to act on, or None.

    ``expected`` are the member ids that must still be in the group (normally every planned
    member; fewer when an interrupted run already deleted some).
    """
    if live is None:
        return (
            "the group is no longer in the server's duplicate list (resolved, dismissed or "
            "changed since analyze)"
        )
    return gp.changes_on_server(live, expected)


def asset_mismatch(planned: AssetFacts, live: AssetFacts | None, duplicate_id: str) -> str | None:
    """Why an asset about to be deleted no longer matches the plan, or None."""
    if live is None:
        return f"asset {planned.id} no longer exists on the server (or is not ours)"
    if live.is_trashed:
        return f"asset {planned.id} is in the trash already"
    if live.duplicate_id != duplicate_id:
        return f"asset {planned.id} is no longer in this duplicate group"
    if live.checksum != planned.checksum:
        return f"the checksum of {planned.id} changed since analyze"
    if planned.has_exif and not live.has_exif:
        # Unknown, not absent: the DELETE path carries rating and description from this very
        # answer, so deleting now could drop metadata the keeper never received.
        return f"the server's answer for {planned.id} has no EXIF data, although analyze saw some"
    return None


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if not path.endswith("/api"):
        path += "/api"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def _granted(info: ServerInfo, permission: str) -> bool:
    """Whether the key has ``permission``; an empty list means pre-flight could not tell."""
    return not info.permissions or "all" in info.permissions or permission in info.permissions


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --------------------------------------------------------------------------- signals


class _Stop:
    """SIGINT/SIGTERM: finish the step in flight, then stop. A second signal outside a write step
    stops at once. Downloads in worker threads poll ``event``."""

    def __init__(self, progress: Progress) -> None:
        self.event = threading.Event()
        self._progress = progress
        self._critical = 0
        self._saved: dict[int, Any] = {}

    @contextlib.contextmanager
    def installed(self, enabled: bool) -> Iterator[None]:
        if enabled and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._saved[sig] = signal.getsignal(sig)
                signal.signal(sig, self._on_signal)
        try:
            yield
        finally:
            for sig, handler in self._saved.items():
                signal.signal(sig, handler)
            self._saved.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        again = self.event.is_set()
        self.event.set()
        if again and not self._critical:
            raise KeyboardInterrupt
        if not again:
            self._progress.note("stopping after the step in flight; run the same command again to resume")

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        self._critical += 1
        try:
            yield
        finally:
            self._critical -= 1

    def check(self) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt


class _Stopped(Exception):
    """A worker saw the stop flag; raised inside a download so the backup is discarded."""


# --------------------------------------------------------------------------- per-group state


@attrs.define
class _Work:
    """A group being acted on in this run."""

    plan: GroupPlan
    live: Group
    keep: tuple[str, ...]
    trash: tuple[str, ...]  # still to delete in this run
    gone: tuple[str, ...] = ()  # deleted by an earlier (interrupted) run
    fresh: dict[str, AssetFacts] = attrs.Factory(dict)  # GET /assets/{id} right before backup
    tag_ids: dict[str, str] = attrs.Factory(dict)  # tag value → id, from the fresh metadata
    backups: list[BackupRecord] = attrs.Factory(list)
    problem: tuple[str, str] | None = None  # (skipped | failed, reason)

    @property
    def gid(self) -> str:
        return self.plan.duplicate_id

    def fail(self, status: str, reason: str) -> None:
        if self.problem is None or (self.problem[0] == "skipped" and status == "failed"):
            self.problem = (status, reason)

    def members(self) -> list[AssetFacts]:
        """Current members in the server's order, deleted ones with their fresh metadata."""
        return [self.fresh.get(a.id, a) for a in self.live.assets]


@attrs.define
class _Job:
    """The result of backing up one asset to delete (and its motion part)."""

    status: str  # ok | skipped | failed
    reason: str = ""
    facts: AssetFacts | None = None
    tag_ids: dict[str, str] = attrs.Factory(dict)
    records: list[BackupRecord] = attrs.Factory(list)
    reused: int = 0


class _Chunks:
    """A download's chunks, counted into the progress bar, stopping when asked.

    Progress is reported per ``_PROGRESS_STEP`` bytes, not per chunk: a progress update may
    take a lock and run a renderer, and a download is tens of chunks per MiB.
    """

    def __init__(self, source: Iterator[bytes], stop: threading.Event, progress: Progress) -> None:
        self._source = source
        self._stop = stop
        self._progress = progress
        self.count = 0  # bytes received
        self.reported = 0  # of which the progress bar was told

    def __iter__(self) -> Iterator[bytes]:
        stopped = self._stop.is_set
        count = reported = 0
        try:
            for chunk in self._source:
                if stopped():
                    raise _Stopped
                count += len(chunk)
                if count - reported >= _PROGRESS_STEP:
                    self._progress.advance(DOWNLOAD_TASK, count - reported)
                    reported = count
                yield chunk
            if count > reported:
                self._progress.advance(DOWNLOAD_TASK, count - reported)
                reported = count
        finally:
            self.count, self.reported = count, reported


class _Reads:
    """``GET /assets/{id}`` for the backup jobs, each issued a few jobs before its own.

    A job confirms its asset (and gets the sidecar's metadata) right before downloading it;
    issuing that read while the downloads before it run hides its round trip. A read is issued
    at most ``ahead`` jobs before its job starts (jobs start in the order they were queued:
    the pool is first in, first out), and a job whose read was not issued yet reads inline, so
    a confirmation is never older than a few downloads.
    """

    def __init__(self, conn: ImmichConnection, stop: threading.Event, ahead: int) -> None:
        self._conn = conn
        self._stop = stop
        self._ahead = ahead
        self._pool = ThreadPoolExecutor(max_workers=_READ_THREADS, thread_name_prefix="immich-dedupe-read")
        self._lock = threading.Lock()
        self._ids: list[str] = []  # asset id of each job, in queue order
        self._issued: dict[int, Future[tuple[AssetFacts, dict[str, Any]] | None]] = {}
        self._next = 0  # the first job whose read is not issued yet

    def add(self, asset_id: str) -> int:
        """Queue a job's read; returns the job's index for ``take``."""
        with self._lock:
            self._ids.append(asset_id)
            return len(self._ids) - 1

    def take(self, index: int) -> tuple[AssetFacts, dict[str, Any]] | None:
        """Job ``index`` is starting: its read (waited for, or done now), and the next ones issued."""
        with self._lock:
            future = self._issued.pop(index, None)
            end = min(len(self._ids), index + 1 + self._ahead)
            for j in range(max(self._next, index + 1), end):
                self._issued[j] = self._pool.submit(self._read, self._ids[j])
            self._next = max(self._next, end)
        if future is None:
            return self._read(self._ids[index])
        return self.wait(future)

    def soon(self, asset_id: str) -> Callable[[], tuple[AssetFacts, dict[str, Any]] | None]:
        """Issue a read now, if reading ahead (a motion part, read while its still downloads);
        the answer comes from calling what is returned."""
        if not self._ahead:
            return lambda: self._read(asset_id)
        future = self._pool.submit(self._read, asset_id)
        return lambda: self.wait(future)

    def wait(
        self, future: Future[tuple[AssetFacts, dict[str, Any]] | None]
    ) -> tuple[AssetFacts, dict[str, Any]] | None:
        try:
            return future.result()
        except CancelledError:
            raise _Stopped from None

    def _read(self, asset_id: str) -> tuple[AssetFacts, dict[str, Any]] | None:
        if self._stop.is_set():
            raise _Stopped
        return self._conn.get_asset(asset_id)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- the run


def execute_plan(
    plan: Plan,
    conn: ImmichConnection,
    options: ExecuteOptions,
    *,
    progress: Progress | None = None,
    confirm: Callable[[ExecutePreview], bool] | None = None,
) -> ExecuteReport:
    """Carry out ``plan``'s ``resolve`` groups safely; see the module docstring for the order.

    ``confirm`` is shown the preview and must return True to proceed (None: proceed). Raises
    ``PlanError`` (invalid plan, other server), ``BackupError`` (backup dir unusable, not enough
    space), ``IncompatibleServer`` (trash off without ``permanent``), ``AuthError``,
    ``JournalError``/``AlreadyRunning``; per-group problems are outcomes in the report.
    """
    return _Run(plan, conn, options, progress or NullProgress(), confirm).run()


class _Run:
    info: ServerInfo  # set by run() after pre-flight
    method: str  # "resolve" | "delete"
    force: bool  # DELETE /assets force=true (permanent)
    _syncer: ThreadPoolExecutor  # fsync threads, set by _act
    _reads: _Reads  # metadata reads ahead of the downloads, set by _act

    def __init__(
        self,
        plan: Plan,
        conn: ImmichConnection,
        options: ExecuteOptions,
        progress: Progress,
        confirm: Callable[[ExecutePreview], bool] | None,
    ) -> None:
        if options.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.plan = plan
        self.conn = conn
        self.opt = options
        self.progress = progress
        self.confirm = confirm
        self.root = Path(options.backup_dir).expanduser()
        self.stop = _Stop(progress)
        self.started_at = _now()
        self.results: dict[str, GroupResult] = {}
        self.journal: Journal | None = None
        self.state: JournalState = fold(())
        self.store: BackupStore | None = None
        self.writes = 0
        self.bytes_downloaded = 0
        self.backups_made = 0
        self.backups_reused = 0
        self._albums: dict[str, tuple[str, ...]] = {}  # asset id → album ids, read when needed
        self._albums_denied = False
        self._settle_events: list[dict[str, Any]] = []
        self._events: Sequence[Mapping[str, Any]] = ()  # the journal as read, for settle.Settler
        self._live: dict[str, Group] = {}  # the listing's groups the plan acts on
        self.settler: settle.Settler | None = None
        self._batch_prefix = secrets.token_hex(4)
        self._batch_seq = 0
        self._counter_lock = threading.Lock()
        # group → members a resolve reported as failed yet moved or removed (journaled for restore)
        self._partly: dict[str, tuple[str, ...]] = {}

    # -- top level -----------------------------------------------------------------

    def run(self) -> ExecuteReport:
        validate_plan(self.plan)  # refuses the whole plan, naming the group and the problem
        digest = plan_digest(self.plan)
        resolve_groups = [g for g in self.plan.groups if g.action == "resolve"]
        settle_groups = [g for g in self.plan.groups if g.action in settle.ACTIONS]
        with contextlib.ExitStack() as stack:
            if self.opt.dry_run:
                if self.root.exists():
                    self.store = BackupStore(self.root, forbidden=self.opt.forbidden)
                    self.state = self._read_state(digest)
            else:
                self.store = BackupStore(self.root, forbidden=self.opt.forbidden)  # before any network
                stack.enter_context(RunLock(self.root, on_break=self.progress.note))
                self.store.remove_leftovers()  # temp files of a killed run (only under the lock)
                self.state = self._read_state(digest)
            # stack.create/asset.update (stack) and duplicate.delete (dismiss) only when needed.
            required = (*REQUIRED_PERMISSIONS, *settle.required_permissions(settle_groups))
            info = self.conn.preflight(required=required, optional=OPTIONAL_PERMISSIONS)
            for warning in getattr(self.conn, "warnings", ()):
                self.progress.note(warning)
            notes = self._check_server(info)
            self.info = info
            # A plan that resolves nothing needs no permission to delete.
            self.method, self.force = self._choose_method(info) if resolve_groups else ("resolve", False)
            self.settler = settle.Settler(
                self.conn,
                settle_groups,
                events=self._events,
                progress=self.progress,
                next_batch_id=self._next_batch_id,
                batch_groups=self.opt.batch_groups,
            )
            works = self._triage(resolve_groups)
            for outcome in self.settler.triage(self._live):
                self.results[outcome.duplicate_id] = _settle_result(outcome)
            preview = self._preview(info, works, notes)
            if self.opt.dry_run:
                return self._report(preview, dry_run=True, confirmed=False)
            self._check_space(preview)
            if self.confirm is not None and not self.confirm(preview):
                self.progress.note("nothing was done")
                return self._report(preview, dry_run=False, confirmed=False)
            self.journal = stack.enter_context(
                Journal.open(self.root, digest, plan_path=self.opt.plan_path, forbidden=self.opt.forbidden)
            )
            self.journal.append_many(self._settle_events)
            self._record_triage()
            with self.stop.installed(self.opt.handle_signals):
                try:  # no downloads, no deletions: quick, so first
                    for outcome in self.settler.act(self.journal, stop=self.stop):
                        self.results[outcome.duplicate_id] = _settle_result(outcome)
                finally:
                    self.writes += self.settler.writes
                self._act([w for w in works if w.gid not in self.results])
            report = self._report(preview, dry_run=False, confirmed=True)
            self._write_report(report)
            return report

    def _read_state(self, digest: str) -> JournalState:
        """The journal folded, without writing to it (a dry run must not). None yet: empty state."""
        path = self.root / JOURNAL_NAME
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return fold(())
        except OSError as err:
            raise JournalError(f"cannot read the journal {path}: {err.strerror or err}") from err
        records, _ = parse_journal(data, name=str(path))
        if not records:  # created, but the header never made it to disk
            return fold(())
        self._events = records[1:]  # settle.py folds its own events (stack, dismiss) from these
        theirs = records[0].get("plan_digest")
        if theirs != digest:
            raise JournalError(
                f"this backup directory belongs to another plan (journal plan {str(theirs)[:16]}…, "
                f"this plan {digest[:16]}…); use a new --backup-dir or the original plan"
            )
        return fold(records[1:])

    def _check_server(self, info: ServerInfo) -> list[str]:
        notes = []
        server = self.plan.server
        if server is None:
            # A plan from --from-file names no server: allowed, because nothing is acted on
            # without the live re-check of every group against this server.
            notes.append(
                f"the plan was made from a saved file and names no server; every group is "
                f"re-checked against {info.url} before anything is deleted"
            )
        elif _url_key(server.url) != _url_key(info.url):
            raise PlanError(
                f"the plan was made for {server.url}, but this run talks to {info.url}; "
                "run analyze against this server to make a plan for it"
            )
        deletes = any(g.action == "resolve" and g.delete for g in self.plan.groups)
        if deletes and not info.trash_enabled and not self.opt.permanent:
            raise IncompatibleServer(
                "the server's trash is disabled, so every deletion would be permanent; nothing "
                "was done. Enable the trash in Immich's settings, or pass --permanent to accept "
                "permanent deletion (the verified backups are then the only copies)"
            )
        if self.opt.permanent:
            notes.append("--permanent: deleted assets are removed for good, not moved to the trash")
        return notes

    def _choose_method(self, info: ServerInfo) -> tuple[str, bool]:
        """("resolve" | "delete", force). Resolve has no force field: it follows the trash setting."""
        force = self.opt.permanent and info.trash_enabled
        if info.has_resolve and not force and _granted(info, "duplicate.delete"):
            return "resolve", False
        if _granted(info, "asset.delete"):
            return "delete", self.opt.permanent
        needed = "asset.delete" if force or not info.has_resolve else "duplicate.delete or asset.delete"
        raise AuthError(
            f"the API key lacks the permission to delete: grant {needed}",
            missing_permissions=("asset.delete",),
        )

    # -- triage: journal + live listing → what to act on -----------------------------

    def _triage(self, groups: Sequence[GroupPlan]) -> list[_Work]:
        wanted = {g.duplicate_id for g in groups}
        if self.settler is not None:
            wanted |= {g.duplicate_id for g in self.settler.groups}
        live: dict[str, Group] = {}
        self.progress.start("Reading duplicate groups", total=None, unit="groups")
        try:
            for group in self.conn.iter_duplicate_groups():
                self.progress.advance("Reading duplicate groups")
                if group.duplicate_id in wanted:
                    live[group.duplicate_id] = group
        finally:
            self.progress.finish("Reading duplicate groups")
        self._live = live
        gone_before = self._gone_from_journal()
        settled = self._settle_pending(gone_before)
        works = []
        for gp in groups:
            gid = gp.duplicate_id
            outcome = self.state.groups.get(gid)
            gone = tuple(i for i in gp.delete if i in gone_before.get(gid, set()))
            if outcome is not None and outcome.status == "done":
                if any(i in self.state.restored for i in self.state.trashed.get(gid, ())):
                    self._result(gp, "skipped", "restored from the trash by `restore`; analyze again")
                else:
                    self._result(gp, "already_done", "completed by an earlier run", deleted=gone)
                continue
            if settled.get(gid):
                self._result(gp, "failed", settled[gid] or "", deleted=gone)
                continue
            trash = tuple(i for i in gp.delete if i not in gone)
            group = live.get(gid)
            if gone and not trash and group is None:
                # An interrupted run deleted everything and the keepers are out of the list.
                self._result(gp, "done", "completed by an interrupted earlier run", deleted=gone)
                continue
            problem = live_mismatch(gp, group, set(gp.keep) | set(trash))
            if problem is not None or group is None:
                self._result(gp, "skipped", f"stale: {problem}", deleted=gone)
                continue
            works.append(_Work(plan=gp, live=group, keep=gp.keep, trash=trash, gone=gone))
        return works

    def _gone_from_journal(self) -> dict[str, set[str]]:
        gone: dict[str, set[str]] = {}
        for source in (self.state.trashed, self.state.deleted):
            for gid, ids in source.items():
                gone.setdefault(gid, set()).update(i for i in ids if i not in self.state.restored)
        return gone

    def _settle_pending(self, gone: dict[str, set[str]]) -> dict[str, str | None]:
        """Ask the server what a killed run's last write did, before acting again.

        For each group of a pending ``intent``: which assets to delete are gone (trashed or
        removed for good) and whether anything else changed (→ the reason, else None). Adds
        the gone ones to ``gone`` and queues a ``done`` event that settles the batch.
        """
        settled: dict[str, str | None] = {}
        planned = {g.duplicate_id: g for g in self.plan.groups}
        for intent in self.state.pending:
            found: dict[str, list[str]] = {}
            for entry in intent.get("groups") or ():
                gid = entry.get("duplicate_id")
                gp = planned.get(gid) if isinstance(gid, str) else None
                if gp is None:
                    continue
                problems = []
                for aid in entry.get("trash") or ():
                    got = self.conn.get_asset(aid)
                    live = got[0] if got else None
                    if live is None or live.is_trashed:
                        found.setdefault(gid, []).append(aid)
                    elif reason := asset_mismatch(gp.asset(aid).asset, live, gid):
                        problems.append(reason)
                for kid in entry.get("keep") or ():
                    got = self.conn.get_asset(kid)
                    if got is None or got[0].is_trashed:
                        problems.append(f"keeper {kid} is gone from the server or in the trash")
                gone.setdefault(gid, set()).update(found.get(gid, ()))
                settled[gid] = (
                    "an interrupted run left this group changed: " + "; ".join(problems) if problems else None
                )
            key = "deleted" if intent.get("permanent") else "trashed"
            self._settle_events.append(
                {"type": "done", "batch": intent["batch"], "settled": True, key: found}
            )
        return settled

    def _result(self, gp: GroupPlan, status: str, reason: str, *, deleted: Sequence[str] = ()) -> None:
        ids = [*deleted, *(m for i in deleted if (m := gp.asset(i).asset.live_photo_video_id))]
        backups = tuple(self.state.backups[i].path for i in ids if i in self.state.backups)
        self.results[gp.duplicate_id] = GroupResult(
            duplicate_id=gp.duplicate_id,
            status=status,
            reason=reason,
            keep=gp.keep,
            deleted=tuple(deleted),
            backups=backups,
        )

    def _record_triage(self) -> None:
        """Journal the outcomes decided before acting (stale groups, settled batches)."""
        assert self.journal is not None  # noqa: S101 - opened by run()
        self.journal.append_many(
            [
                {"type": "group", "duplicate_id": gid, "status": r.status, "reason": r.reason}
                for gid, r in self.results.items()
                if r.status in ("skipped", "failed", "done")
            ]
        )

    def _preview(self, info: ServerInfo, works: Sequence[_Work], notes: list[str]) -> ExecutePreview:
        planned: list[GroupResult] = []
        total_bytes = 0
        motion = 0
        for w in works:
            size = 0
            for aid in w.trash:
                asset = w.plan.asset(aid).asset
                if aid not in self.state.backups:
                    size += asset.file_size or 0
                if asset.live_photo_video_id:
                    motion += 1
            total_bytes += size
            verb = "permanently delete" if self.opt.permanent else "trash"
            reason = f"keep {', '.join(w.keep)}"
            if w.trash:
                reason += f"; back up and {verb} {', '.join(w.trash)}"
            if w.gone:
                reason += f"; already deleted earlier: {', '.join(w.gone)}"
            planned.append(
                GroupResult(
                    duplicate_id=w.gid,
                    status="planned",
                    reason=reason,
                    keep=w.keep,
                    deleted=(),
                    bytes_to_download=size,
                )
            )
        order = {g.duplicate_id: i for i, g in enumerate(self.plan.groups)}
        groups = sorted([*planned, *self.results.values()], key=lambda g: order[g.duplicate_id])
        free = self.store.free_bytes() if self.store is not None else None
        if free is not None and free < self._space_needed(total_bytes):
            notes.append(
                f"not enough free space in {self.root}: about "
                f"{format_bytes(self._space_needed(total_bytes))} needed, {format_bytes(free)} free"
            )
        return ExecutePreview(
            server_url=info.url,
            server_version=str(info.version),
            method=self.method,
            permanent=self.opt.permanent,
            backup_dir=str(self.root),
            plan_groups=len(self.plan.groups),
            review_or_skip=sum(1 for g in self.plan.groups if g.action in ("review", "skip")),
            groups=tuple(groups),
            assets_to_delete=sum(len(w.trash) for w in works),
            bytes_to_download=total_bytes,
            motion_parts=motion,
            free_bytes=free,
            notes=tuple(notes),
            stack=sum(1 for g in self.plan.groups if g.action == "stack"),
            dismiss=sum(1 for g in self.plan.groups if g.action == "dismiss"),
        )

    def _check_space(self, preview: ExecutePreview) -> None:
        if preview.free_bytes is None or not preview.bytes_to_download:
            return
        need = self._space_needed(preview.bytes_to_download)
        if preview.free_bytes < need:
            raise BackupError(
                f"not enough free space in {self.root}: the backups need about "
                f"{format_bytes(need)} (including a safety margin) but only "
                f"{format_bytes(preview.free_bytes)} is free; nothing was downloaded or deleted. "
                "Free some space or choose another --backup-dir"
            )

    def _space_needed(self, download: int) -> int:
        return download + download // 20 + self.opt.space_margin if download else 0

    # -- acting ----------------------------------------------------------------------

    def _act(self, works: Sequence[_Work]) -> None:
        if not works:
            return
        batches = list(self._batches(works))
        total = sum(
            w.plan.asset(a).asset.file_size or 0
            for w in works
            for a in w.trash
            if a not in self.state.backups
        )
        pool = ThreadPoolExecutor(max_workers=self.opt.concurrency, thread_name_prefix="immich-dedupe-backup")
        # fsyncs run in their own threads, so that a slow disk never holds up a download slot.
        self._syncer = ThreadPoolExecutor(
            max_workers=max(4, self.opt.concurrency), thread_name_prefix="immich-dedupe-sync"
        )
        # With the connection pool full of downloads, a read ahead would wait for a connection
        # (and could time out): then each job reads inline, as it did before reading ahead.
        room = self.opt.concurrency + _READ_THREADS <= MAX_CONNECTIONS
        self._reads = _Reads(self.conn, self.stop.event, ahead=self.opt.concurrency if room else 0)
        self.progress.start(DOWNLOAD_TASK, total=total or None, unit="bytes")
        try:
            ahead = self._submit(pool, batches[0])
            for index, batch in enumerate(batches):
                current = ahead
                # Downloads for the next batch run while this one is written.
                ahead = self._submit(pool, batches[index + 1]) if index + 1 < len(batches) else {}
                self._collect(current)
                self.stop.check()
                with self.stop.critical():
                    self._write(batch)
                self.stop.check()
        except BaseException:
            self.stop.event.set()  # workers stop at their next chunk
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._reads.close()
            self._syncer.shutdown(wait=True, cancel_futures=True)
            self.progress.finish(DOWNLOAD_TASK)

    def _batches(self, works: Sequence[_Work]) -> Iterator[list[_Work]]:
        batch: list[_Work] = []
        body = 0
        for w in works:
            size = 120 + 40 * len(w.live.assets)
            if batch and (len(batch) >= self.opt.batch_groups or body + size > _MAX_BATCH_BODY):
                yield batch
                batch, body = [], 0
            batch.append(w)
            body += size
        if batch:
            yield batch

    def _submit(
        self, pool: ThreadPoolExecutor, batch: Sequence[_Work]
    ) -> dict[Future[_Job], tuple[_Work, str]]:
        return {
            pool.submit(self._backup_job, w, aid, self._reads.add(aid)): (w, aid)
            for w in batch
            for aid in w.trash
        }

    def _collect(self, futures: Mapping[Future[_Job], tuple[_Work, str]]) -> None:
        """Wait for a batch's backups, then make them durable (``_barrier``) and journal them.

        Each backup's fsync starts as soon as its job finishes, in the sync threads, so the
        barrier itself mostly waits for the last few. An interrupted batch journals nothing:
        its backups are unsynced, and the next run finds, re-hashes and syncs them.
        """
        assert self.store is not None  # noqa: S101 - created by run()
        # Finished jobs arrive through a queue: waiting on every pending future again after each
        # completion would cost the square of the batch size.
        finished: queue.SimpleQueue[Future[_Job]] = queue.SimpleQueue()
        for future in futures:
            future.add_done_callback(finished.put)
        syncing: dict[Future[None], tuple[_Work, BackupRecord]] = {}
        for _ in range(len(futures)):
            future = None
            while future is None:
                self.stop.check()
                with contextlib.suppress(queue.Empty):
                    future = finished.get(timeout=0.2)
            work, aid = futures[future]
            try:
                job = future.result()
            except _Stopped:
                raise KeyboardInterrupt from None
            self._take(work, aid, job)
            for record in job.records:
                syncing[self._syncer.submit(self.store.sync_files, record)] = (work, record)
        self.stop.check()
        self._barrier(syncing)

    def _barrier(self, syncing: Mapping[Future[None], tuple[_Work, BackupRecord]]) -> None:
        """Safety rule 1's durability point for a batch, before its ``backup`` events and its
        ``intent``: every data file and sidecar fsynced, then each directory holding them
        once. A backup that fails it is withdrawn and its group fails: nothing is deleted."""
        assert self.store is not None and self.journal is not None  # noqa: S101 - set by run()
        synced: list[tuple[_Work, BackupRecord]] = []
        for future, (work, record) in syncing.items():
            try:
                future.result()
            except BackupError as err:
                self._lose(work, record, str(err))
            else:
                synced.append((work, record))
        dirs = self.store.barrier_dirs(record for _, record in synced)
        syncs = {self._syncer.submit(self.store.sync_dirs, (d,)): d for d in dirs}
        failed: dict[Path, OSError] = {}
        for future, directory in syncs.items():
            try:
                future.result()
            except OSError as err:
                failed[directory] = err
        events = []
        for work, record in synced:
            parent = self.store.path_of(record).parent
            err = next((e for d, e in failed.items() if d == parent or parent.is_relative_to(d)), None)
            if err is not None:
                self.store.withdraw(record)
                self._lose(
                    work,
                    record,
                    f"backup of asset {record.asset_id} failed: could not flush the directory "
                    f"{parent} to disk: {err.strerror or err}; it was removed and nothing was deleted",
                )
            elif self.state.backups.get(record.asset_id) != record:
                events.append({"type": "backup", "duplicate_id": work.gid, **record.to_json()})
        self.journal.append_many(events)

    def _lose(self, work: _Work, record: BackupRecord, reason: str) -> None:
        """A backup that did not become durable: its group is left alone."""
        if record in work.backups:
            work.backups.remove(record)
        work.fail("failed", reason)
        self.progress.note(f"group {work.gid}: failed: {reason}")

    def _take(self, work: _Work, aid: str, job: _Job) -> None:
        """Fold one finished backup job into its group (its records are not durable yet)."""
        self.backups_reused += job.reused
        work.backups.extend(job.records)
        if job.status != "ok":
            work.fail(job.status, job.reason)
            self.progress.note(f"group {work.gid}: {job.status}: {job.reason}")
            return
        assert job.facts is not None  # noqa: S101 - set for every ok job
        work.fresh[aid] = job.facts
        work.tag_ids.update(job.tag_ids)

    # -- backing up (worker threads) ------------------------------------------------------

    def _backup_job(self, work: _Work, aid: str, index: int) -> _Job:
        if self.stop.event.is_set():
            raise _Stopped
        job = _Job(status="ok")
        try:
            got = self._reads.take(index)  # GET /assets/{id}, issued a few downloads ahead
            facts, raw = got if got is not None else (None, {})
            problem = asset_mismatch(work.plan.asset(aid).asset, facts, work.gid)
            if problem is not None or facts is None:
                return _Job(status="skipped", reason=f"stale: {problem}")
            job.facts = facts
            job.tag_ids = {
                t["value"]: t["id"]
                for t in raw.get("tags") or ()
                if isinstance(t, dict) and isinstance(t.get("value"), str) and isinstance(t.get("id"), str)
            }
            motion_id = facts.live_photo_video_id
            motion = self._reads.soon(motion_id) if motion_id else None
            job.records.append(self._backup(facts, raw, job))
            if motion is not None:
                got = motion()
                if got is None:
                    job.status = "failed"
                    job.reason = (
                        f"the live-photo motion part {motion_id} of {aid} cannot be read, so it "
                        "cannot be backed up; nothing was deleted"
                    )
                    return job
                # Its size was unknown when the bar's total was set: keep it out of the bar.
                job.records.append(self._backup(got[0], got[1], job, in_total=False))
        except _BackupFailed as err:
            job.status, job.reason = "failed", str(err)
        except DedupeError as err:
            job.status, job.reason = "failed", f"{err}; nothing was deleted"
        return job

    def _backup(
        self, facts: AssetFacts, raw: Mapping[str, Any], job: _Job, *, in_total: bool = True
    ) -> BackupRecord:
        assert self.store is not None  # noqa: S101 - created by run()
        existing = self.store.find(facts)
        if existing is not None:
            job.reused += 1
            return existing
        last: DedupeError | None = None
        progress = self.progress if in_total else NullProgress()
        for attempt in range(self.opt.download_attempts):
            if attempt and self.stop.event.wait(self.opt.retry_backoff * 2 ** (attempt - 1)):
                raise _Stopped
            chunks = None
            try:
                with self.conn.open_original(facts.id) as download:
                    chunks = _Chunks(iter(download.iter_bytes()), self.stop.event, progress)
                    # Not fsynced here: the batch's barrier does it before anything relies on it.
                    record = self.store.save(facts, raw, chunks, expected_size=download.size, sync=False)
            except (ServerUnavailable, ChecksumMismatch) as err:
                last = err
                if chunks is not None and chunks.reported:
                    progress.advance(DOWNLOAD_TASK, -chunks.reported)
                continue
            except BackupError as err:  # the disk, not the network: retrying will not help
                raise _BackupFailed(str(err)) from err
            except ServerError as err:
                raise _BackupFailed(f"could not download {facts.id}: {err}; nothing was deleted") from err
            with self._counter_lock:
                self.backups_made += 1
                self.bytes_downloaded += record.size
            return record
        raise _BackupFailed(
            f"could not back up {facts.id}: {last} (gave up after {self.opt.download_attempts} "
            "downloads); nothing was deleted"
        )

    # -- writing (main thread, one batch at a time) ------------------------------------------

    def _write(self, batch: Sequence[_Work]) -> None:
        ready = [w for w in batch if w.problem is None]
        if ready:
            if self.method == "resolve":
                self._carry([w for w in ready if len(w.keep) > 1 and w.trash])
                self._send_batch([w for w in ready if w.problem is None], "resolve")
            else:
                self._carry([w for w in ready if w.trash])
                self._send_batch([w for w in ready if w.problem is None], "delete")
        assert self.journal is not None  # noqa: S101 - opened by run()
        events = []
        for w in batch:
            if w.problem is None:
                status, reason = "done", ""
            else:
                status, reason = w.problem
            deleted = (*w.gone, *w.trash) if status == "done" else w.gone
            events.append({"type": "group", "duplicate_id": w.gid, "status": status, "reason": reason})
            self.results[w.gid] = GroupResult(
                duplicate_id=w.gid,
                status=status,
                reason=reason,
                keep=w.keep,
                deleted=tuple(deleted),
                backups=tuple(r.path for r in w.backups),
            )
        self.journal.append_many(events)

    def _next_batch_id(self) -> str:
        self._batch_seq += 1
        return f"{self._batch_prefix}-{self._batch_seq}"

    def _send_batch(self, ready: Sequence[_Work], op: str) -> None:
        if not ready:
            return
        assert self.journal is not None  # noqa: S101 - opened by run()
        permanent = self.force if op == "delete" else not self.info.trash_enabled
        batch_id = self._next_batch_id()
        self.journal.append(
            {
                "type": "intent",
                "batch": batch_id,
                "op": op,
                "permanent": permanent,
                "groups": [
                    {"duplicate_id": w.gid, "keep": list(w.keep), "trash": list(w.trash)} for w in ready
                ],
            }
        )
        send = self._send_resolve if op == "resolve" else self._send_delete
        outcome = self._bisect(list(ready), send)
        deleted_ok = [w for w in ready if outcome.get(w.gid) is None]
        if op == "delete":
            self._dissolve(deleted_ok)
        key = "deleted" if permanent else "trashed"
        taken = {w.gid: list(w.trash) for w in deleted_ok if w.trash}
        taken.update({w.gid: list(self._partly.pop(w.gid)) for w in ready if w.gid in self._partly})
        self.journal.append(
            {
                "type": "done",
                "batch": batch_id,
                key: taken,
                "results": [{"id": w.gid, "success": outcome.get(w.gid) is None} for w in ready],
            }
        )
        for w in ready:
            problem = outcome.get(w.gid)
            if problem is not None:
                w.fail(*problem)

    def _bisect(
        self, part: list[_Work], send: Callable[[list[_Work]], dict[str, tuple[str, str] | None]]
    ) -> dict[str, tuple[str, str] | None]:
        """Send ``part``; when the server rejects the whole batch, drop what a re-check shows
        stale and retry the rest, splitting it in halves when the re-check finds nothing."""
        outcome: dict[str, tuple[str, str] | None] = {}
        todo = [part]
        while todo:
            chunk = todo.pop()
            try:
                outcome.update(send(chunk))
                continue
            except BatchRejected as err:
                rejected = err
            stale = {w.gid: r for w in chunk if (r := self._recheck(w)) is not None}
            for gid, reason in stale.items():
                outcome[gid] = ("skipped", f"stale: {reason}")
            rest = [w for w in chunk if w.gid not in stale]
            if not rest:
                continue
            if len(rest) == 1 and not stale:
                outcome[rest[0].gid] = ("failed", f"the server rejected it: {rejected}")
            elif stale:
                todo.append(rest)
            else:
                mid = len(rest) // 2
                todo += [rest[mid:], rest[:mid]]
        return outcome

    def _recheck(self, w: _Work) -> str | None:
        """Re-read every member of a group the server rejected; why it is stale, or None."""
        for aid in (*w.keep, *w.trash):
            got = self.conn.get_asset(aid)
            planned = w.plan.asset(aid).asset
            if aid in w.trash:
                problem = asset_mismatch(planned, got[0] if got else None, w.gid)
            elif got is None or got[0].is_trashed:
                problem = f"keeper {aid} is gone from the server or in the trash"
            elif got[0].duplicate_id != w.gid:
                problem = f"keeper {aid} is no longer in this duplicate group"
            else:
                problem = None
            if problem is not None:
                return problem
        return None

    def _send_resolve(self, part: list[_Work]) -> dict[str, tuple[str, str] | None]:
        request = [ResolveGroup(duplicate_id=w.gid, keep=w.keep, trash=w.trash) for w in part]
        self.writes += 1
        answer = self.conn.resolve(request)
        by_id = {r.id: r for r in answer}
        outcome: dict[str, tuple[str, str] | None] = {}
        for w in part:
            r = by_id.get(w.gid)
            if r is None:
                outcome[w.gid] = ("failed", "the server's answer did not mention this group")
            elif not r.success:
                detail = ": ".join(x for x in (r.error, r.message) if x)
                reason = f"the server refused to resolve it ({detail or 'no reason given'})"
                taken = self._taken_anyway(w)
                if taken:
                    # An unexpected error ("unknown") may come after Immich trashed some copies:
                    # the journal must know them, or restore could not bring them back.
                    self._partly[w.gid] = taken
                    reason += (
                        f", but {len(taken)} of its copies left the timeline anyway "
                        f"({', '.join(taken)}); their verified backups are in the backup directory"
                    )
                outcome[w.gid] = ("failed", reason)
            else:
                outcome[w.gid] = None
        return outcome

    def _taken_anyway(self, w: _Work) -> tuple[str, ...]:
        """Copies of a group whose resolve failed that are in the trash or gone all the same."""
        taken = []
        for aid in w.trash:
            got = self.conn.get_asset(aid)
            if got is None or got[0].is_trashed:
                taken.append(aid)
        return tuple(taken)

    def _send_delete(self, part: list[_Work]) -> dict[str, tuple[str, str] | None]:
        ids = [i for w in part for i in w.trash]
        if ids:
            self.writes += 1
            # BatchRejected (a 400: one id failed, nothing changed) goes to the caller, which
            # re-checks and splits. Anything else may have been half done: it stops the run,
            # and the next run settles the pending intent with the server.
            self.conn.delete_assets(ids, force=self.force)
        return {w.gid: None for w in part}

    def _dissolve(self, works: Sequence[_Work]) -> None:
        """Take the keepers out of their groups (the DELETE path does not do it)."""
        keepers = [k for w in works for k in w.keep]
        if not keepers:
            return
        try:
            if _granted(self.info, "asset.update"):
                self.writes += 1
                self.conn.update_assets(keepers, duplicate_id=None)
            elif _granted(self.info, "duplicate.delete"):
                self.writes += 1
                self.conn.dismiss_groups([w.gid for w in works])
            # else: one keeper left is dropped from the list by the server's singleton cleanup;
            # several keepers were refused earlier (see _carry).
        except ServerError as err:
            for w in works:
                w.fail("failed", f"deleted, but the keepers could not be taken out of the group: {err}")

    def _carry(self, works: Sequence[_Work]) -> None:
        """Give keepers what Immich will not merge for us, before anything is deleted."""
        if not works:
            return
        updates = {}
        for w in works:
            albums = self._album_map(w)
            if albums is None:
                w.fail(
                    "failed",
                    "album memberships are unknown (the key lacks album.read and the plan has "
                    "none), so deleting could drop the photo from an album; nothing was deleted",
                )
                continue
            ups = keeper_updates(w.members(), set(w.keep), albums=albums, tag_ids=w.tag_ids)
            needed = set().union(*(u.permissions() for u in ups)) if ups else set()
            can_dissolve = _granted(self.info, "asset.update") or _granted(self.info, "duplicate.delete")
            if self.method == "delete" and len(w.keep) > 1 and not can_dissolve:
                needed.add("asset.update")
            missing = sorted(p for p in needed if not _granted(self.info, p))
            if missing:
                what = "; ".join(u.describe() for u in ups) or "leave the group"
                w.fail(
                    "failed",
                    f"the keeper(s) must receive {what}, but the API key lacks "
                    f"{', '.join(missing)}; nothing was deleted",
                )
                continue
            updates[w.gid] = ups
        flat = [u for ups in updates.values() for u in ups]
        if not flat:
            return
        try:
            self.writes += apply_updates(self.conn, flat)
        except ServerError as err:
            for w in works:
                if updates.get(w.gid):
                    w.fail("failed", f"could not carry metadata to the keeper: {err}; nothing was deleted")

    def _album_map(self, w: _Work) -> Mapping[str, Collection[str]] | None:
        """Asset id → album ids for the group's members: read live, else from the plan."""
        if _granted(self.info, "album.read") and not self._albums_denied:
            wanted = [a.id for a in w.live.assets if a.id not in self._albums]
            try:
                if wanted:
                    self._albums.update(self.conn.album_memberships(wanted))
                return self._albums
            except AuthError:
                self._albums_denied = True  # pre-flight could not tell; fall back to the plan
        planned = {a.asset.id: a.asset.albums for a in w.plan.assets}
        if any(planned.get(i) is None for i in w.trash):
            return None
        return {i: tuple(v or ()) for i, v in planned.items()}

    # -- report --------------------------------------------------------------------------

    def _report(self, preview: ExecutePreview, *, dry_run: bool, confirmed: bool) -> ExecuteReport:
        if dry_run or not confirmed:
            groups = preview.groups
        else:
            order = {g.duplicate_id: i for i, g in enumerate(self.plan.groups)}
            groups = tuple(sorted(self.results.values(), key=lambda g: order[g.duplicate_id]))
        return ExecuteReport(
            preview=preview,
            groups=groups,
            dry_run=dry_run,
            confirmed=confirmed,
            started_at=self.started_at,
            finished_at=_now(),
            bytes_downloaded=self.bytes_downloaded,
            backups_made=self.backups_made,
            backups_reused=self.backups_reused,
            write_requests=self.writes,
        )

    def _write_report(self, report: ExecuteReport) -> None:
        data = json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
        atomic_write(self.root / REPORT_JSON, data)
        atomic_write(self.root / REPORT_TXT, report.to_text().encode())


def _settle_result(outcome: settle.Outcome) -> GroupResult:
    return GroupResult(
        duplicate_id=outcome.duplicate_id,
        status=outcome.status,
        reason=outcome.reason,
        keep=outcome.keep,
        action=outcome.action,
    )


class _BackupFailed(Exception):
    """A backup could not be made or verified; the group is left untouched."""
