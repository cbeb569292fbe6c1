"""The execute journal: an append-only JSON Lines file, fsynced per record, bound to one plan.

``<backup dir>/journal.jsonl`` holds one JSON object per line. Each ``append`` writes one whole
line and fsyncs before returning, so an event that ``append`` acknowledged survives a crash.
A crash *during* an append can leave a torn last line (no trailing newline, or bytes that do
not parse); on open that tail is ignored and truncated away, like borg dropping everything
after the last commit. Anything unreadable before the last line is corruption:
``JournalError``, and nothing is acted on.

Event types (``type`` key; every other key is the event's data). The journal owns durability
and replay; ``execute.py``/``restore.py`` own the meaning. Unknown types are kept and replayed
but ignored by ``fold``.

* ``header``  — first line, written by ``Journal.open``: ``format``, ``plan_digest``,
  ``tool_version``, ``created_at``, ``plan_path`` (may be null).
* ``backup``  — a committed, verified and fsynced backup: ``asset_id``, ``path`` (relative to
  the backup root), ``size``, ``sha1`` (base64), ``sha256`` (hex; only for external-library
  assets — older journals have it for every backup), ``verified_by`` (``BackupRecord.to_json()``
  plus ``type``).
* ``intent``  — about to change the server: ``batch`` (unique id), ``op``
  (``resolve|delete|update|stack|dismiss|…``), and what it touches, e.g. ``groups``
  (``[{duplicate_id, keep, trash}]``), ``ids``, ``permanent`` (bool).
* ``done``    — the server call of ``batch`` returned (successfully or not): ``batch``,
  optional ``results`` (``[{id, success, error}]``), optional ``trashed`` and ``deleted``
  (``{duplicate_id: [asset ids]}``: what actually went to the trash / was removed for good;
  ``restore`` relies on ``trashed``), optional ``error``.
* ``group``   — a group's outcome: ``duplicate_id``, ``status`` (``done|skipped|failed``),
  ``reason``. The last one per group wins.
* ``restore`` — assets taken back out of the trash: ``asset_ids``.

An ``intent`` without a ``done`` is *pending*: the process died between the two, and the
server may or may not have acted; a resume must ask the server before repeating it.

Nothing here adds secrets; values passed as ``forbidden`` (the API key) are refused before
they reach the file.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import attrs

from immich_dedupe import __version__
from immich_dedupe.backup import BackupRecord
from immich_dedupe.durable import append_line, fsync_dir, sync_file
from immich_dedupe.errors import JournalError

__all__ = [
    "JOURNAL_FORMAT",
    "JOURNAL_NAME",
    "GroupOutcome",
    "Journal",
    "JournalState",
    "fold",
    "parse_journal",
    "read_journal",
]

JOURNAL_NAME = "journal.jsonl"
JOURNAL_FORMAT = 1
GROUP_STATUSES = ("done", "skipped", "failed")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@attrs.frozen(kw_only=True)
class GroupOutcome:
    status: str  # done | skipped | failed
    reason: str | None = None


@attrs.frozen(kw_only=True)
class JournalState:
    """The journal's events folded into what a resume or a restore needs to know."""

    backups: Mapping[str, BackupRecord]  # asset id → the last committed backup of it
    groups: Mapping[str, GroupOutcome]  # duplicate id → its last recorded outcome
    pending: tuple[Mapping[str, Any], ...]  # intent events without a matching done, in order
    trashed: Mapping[str, tuple[str, ...]]  # duplicate id → asset ids moved to the trash
    deleted: Mapping[str, tuple[str, ...]]  # duplicate id → asset ids removed permanently
    restored: frozenset[str]  # asset ids restored from the trash

    def groups_with(self, status: str) -> frozenset[str]:
        return frozenset(d for d, o in self.groups.items() if o.status == status)

    @property
    def done_groups(self) -> frozenset[str]:
        return self.groups_with("done")

    @property
    def skipped_groups(self) -> frozenset[str]:
        return self.groups_with("skipped")

    @property
    def failed_groups(self) -> frozenset[str]:
        return self.groups_with("failed")

    def still_trashed(self) -> dict[str, tuple[str, ...]]:
        """Per group, the trashed assets not restored yet (what ``restore`` should act on)."""
        out = {}
        for dup, ids in self.trashed.items():
            left = tuple(i for i in ids if i not in self.restored)
            if left:
                out[dup] = left
        return out


def _check_event(event: Mapping[str, Any]) -> str | None:
    """Why ``event`` is malformed, or None. Only the fields ``fold`` relies on are checked."""
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        return "no 'type'"
    if kind == "header":
        if not isinstance(event.get("plan_digest"), str):
            return "header without a 'plan_digest'"
    elif kind == "backup":
        try:
            BackupRecord.from_json(event)
        except ValueError as err:
            return str(err)
    elif kind in ("intent", "done"):
        if not isinstance(event.get("batch"), str) or not event["batch"]:
            return f"{kind} without a 'batch' id"
        for key in ("trashed", "deleted"):
            value = event.get(key)
            if value is None:
                continue
            if not isinstance(value, Mapping) or not all(
                isinstance(ids, list | tuple) and all(isinstance(i, str) for i in ids)
                for ids in value.values()
            ):
                return f"'{key}' must map duplicate ids to lists of asset ids"
    elif kind == "group":
        if not isinstance(event.get("duplicate_id"), str):
            return "group event without 'duplicate_id'"
        if event.get("status") not in GROUP_STATUSES:
            return f"group status must be one of {', '.join(GROUP_STATUSES)}"
    elif kind == "restore":
        ids = event.get("asset_ids")
        if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
            return "restore event without a list of 'asset_ids'"
    return None


def parse_journal(data: bytes, *, name: str = JOURNAL_NAME) -> tuple[list[dict[str, Any]], int]:
    """Records of a journal's bytes (header first) and the length of the valid prefix.

    Every line but the last must end in ``\\n`` and hold a JSON object with a ``type``; the
    last line may be torn (no newline, or unparsable), in which case it is left out and the
    returned length stops before it. Anything else raises ``JournalError``.
    """
    records: list[dict[str, Any]] = []
    *complete, tail = data.split(b"\n")
    end = 0
    for index, line in enumerate(complete):
        last = index == len(complete) - 1 and tail == b""
        problem = None
        try:
            record = json.loads(line)
        except ValueError:
            problem = "is not valid JSON"
        else:
            problem = _check_event(record) if isinstance(record, dict) else "is not a JSON object"
        if problem is not None:
            if last:
                break  # a torn final line: the write that produced it never completed
            raise JournalError(
                f"the journal {name} is corrupt at line {index + 1} ({problem}); it cannot be "
                "trusted, so nothing was done. Inspect or move it aside; the backups beside it "
                "are intact"
            )
        if index == 0 and record.get("type") != "header":
            raise JournalError(f"{name} is not an immich-dedupe journal (its first line is not a header)")
        records.append(record)
        end += len(line) + 1
    return records, end


def fold(events: Sequence[Mapping[str, Any]]) -> JournalState:
    """Fold events (without the header) into a ``JournalState``."""
    backups: dict[str, BackupRecord] = {}
    groups: dict[str, GroupOutcome] = {}
    intents: dict[str, Mapping[str, Any]] = {}
    trashed: dict[str, list[str]] = {}
    deleted: dict[str, list[str]] = {}
    restored: set[str] = set()
    for event in events:
        kind = event.get("type")
        if kind == "backup":
            record = BackupRecord.from_json(event)
            backups[record.asset_id] = record
        elif kind == "intent":
            intents[event["batch"]] = event
        elif kind == "done":
            intents.pop(event["batch"], None)
            for key, into in (("trashed", trashed), ("deleted", deleted)):
                for dup, ids in (event.get(key) or {}).items():
                    bucket = into.setdefault(dup, [])
                    bucket.extend(i for i in ids if i not in bucket)
                    if key == "trashed":
                        restored.difference_update(ids)  # trashed again after a restore
        elif kind == "group":
            groups[event["duplicate_id"]] = GroupOutcome(status=event["status"], reason=event.get("reason"))
        elif kind == "restore":
            restored.update(event["asset_ids"])
    return JournalState(
        backups=backups,
        groups=groups,
        pending=tuple(intents.values()),
        trashed={d: tuple(ids) for d, ids in trashed.items()},
        deleted={d: tuple(ids) for d, ids in deleted.items()},
        restored=frozenset(restored),
    )


@attrs.frozen(kw_only=True)
class JournalContents:
    """A journal read without opening it for writing (``read_journal``)."""

    header: Mapping[str, Any]
    events: tuple[Mapping[str, Any], ...]
    torn_bytes: int  # bytes of a torn tail that were ignored

    def state(self) -> JournalState:
        return fold(self.events)


def read_journal(root: Path) -> JournalContents:
    """Read ``root/journal.jsonl`` without changing it. ``JournalError`` if absent or corrupt."""
    path = Path(root) / JOURNAL_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise JournalError(_no_journal(root)) from None
    except OSError as err:
        raise JournalError(f"cannot read the journal {path}: {err.strerror or err}") from err
    records, end = parse_journal(data, name=str(path))
    if not records:
        raise JournalError(f"the journal {path} is empty: nothing was executed with this backup directory")
    return JournalContents(header=records[0], events=tuple(records[1:]), torn_bytes=len(data) - end)


def _no_journal(root: Path) -> str:
    return f"there is no journal in {root}: nothing was executed with this backup directory"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _encode(event: Mapping[str, Any]) -> bytes:
    # json.dumps escapes control characters, so a record is always exactly one line.
    return json.dumps(dict(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Journal:
    """An open journal; append with ``append`` (safe from several threads).

    Take the ``RunLock`` before opening one: two processes must never append to one journal.
    """

    def __init__(
        self,
        *,
        path: Path,
        file: IO[bytes],
        header: Mapping[str, Any],
        events: list[dict[str, Any]],
        torn_bytes: int,
        forbidden: tuple[str, ...],
    ) -> None:
        self.path = path
        self._file = file
        self.header = header
        self._events = events
        self.torn_bytes = torn_bytes  # a torn tail that was truncated away on open (0 normally)
        self._forbidden = forbidden
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        root: Path,
        plan_digest: str | None,
        *,
        plan_path: str | None = None,
        forbidden: Collection[str] = (),
    ) -> Journal:
        """Open (creating if needed) ``root/journal.jsonl`` for the plan with ``plan_digest``.

        An existing journal is replayed: its torn tail is truncated away; corruption, or a
        header for another plan, raises ``JournalError``. ``plan_digest=None`` (restore) opens
        an existing journal whatever plan it belongs to, and never creates one.
        """
        root = Path(root)
        path = root / JOURNAL_NAME
        if plan_digest is None and not path.exists():
            raise JournalError(
                f"there is no journal in {root}: nothing was executed with this backup directory"
            )
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | _NOFOLLOW | _CLOEXEC, 0o600)
        except OSError as err:
            raise JournalError(f"cannot open the journal {path}: {err.strerror or err}") from err
        file = os.fdopen(fd, "a+b", buffering=0)
        try:
            file.seek(0)
            data = file.read()
            records, end = parse_journal(data, name=str(path))
            if end < len(data):
                file.truncate(end)
                sync_file(file)
            secrets = tuple(v for v in forbidden if v)
            if records:
                header = records[0]
                theirs = header.get("plan_digest")
                if plan_digest is not None and theirs != plan_digest:
                    raise JournalError(
                        f"this backup directory belongs to another plan (journal plan "
                        f"{str(theirs)[:16]}…, this plan {plan_digest[:16]}…, journal {path}); "
                        "use a new --backup-dir or the original plan"
                    )
                journal = cls(
                    path=path,
                    file=file,
                    header=header,
                    events=records[1:],
                    torn_bytes=len(data) - end,
                    forbidden=secrets,
                )
            else:
                if plan_digest is None:
                    raise JournalError(f"the journal {path} is empty: nothing was executed with it")
                header = {
                    "type": "header",
                    "format": JOURNAL_FORMAT,
                    "plan_digest": plan_digest,
                    "plan_path": plan_path,
                    "tool_version": __version__,
                    "created_at": _now(),
                }
                journal = cls(
                    path=path, file=file, header=header, events=[], torn_bytes=len(data), forbidden=secrets
                )
                journal._write(header)
                fsync_dir(root)
        except OSError as err:
            file.close()
            raise JournalError(f"cannot use the journal {path}: {err.strerror or err}") from err
        except BaseException:
            file.close()
            raise
        return journal

    @property
    def events(self) -> tuple[Mapping[str, Any], ...]:
        """Every event after the header: replayed ones, then those appended since opening."""
        return tuple(self._events)

    def state(self) -> JournalState:
        return fold(self._events)

    def append(self, event: Mapping[str, Any]) -> None:
        """Write one event durably (fsynced before returning).

        ``ValueError`` for a malformed event (a bug in the caller); ``JournalError`` if it
        cannot be written or would contain a forbidden value.
        """
        problem = _check_event(event)
        if problem is None and event.get("type") == "header":
            problem = "only Journal.open writes the header"
        if problem is not None:
            raise ValueError(f"not a valid journal event: {problem}")
        record = json.loads(_encode(event))  # what a replay will see
        with self._lock:  # one line at a time, in the order of self._events
            self._write(record)
            self._events.append(record)

    def append_many(self, events: Sequence[Mapping[str, Any]]) -> None:
        """Write several events, one line each, with a single fsync before returning.

        For a run that records many small facts at once (a batch's backups and outcomes): a
        crash part-way leaves a prefix of the events and at most a torn last line, exactly as
        if they had been appended one by one. Same errors as ``append``.
        """
        records = []
        for event in events:
            problem = _check_event(event)
            if problem is None and event.get("type") == "header":
                problem = "only Journal.open writes the header"
            if problem is not None:
                raise ValueError(f"not a valid journal event: {problem}")
            records.append(json.loads(_encode(event)))
        if not records:
            return
        data = b""
        for record in records:
            line = _encode(record)
            self._refuse_forbidden(line)
            data += line + b"\n"
        with self._lock:
            end = self._file.seek(0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:  # a raw file may take fewer bytes than offered
                    n = self._file.write(view)
                    if not n:
                        raise OSError(errno.EIO, "the journal file accepted no bytes")
                    view = view[n:]
                sync_file(self._file)
            except OSError as err:
                try:
                    self._file.truncate(end)
                    sync_file(self._file)
                except OSError:
                    pass  # replay treats a partial last line as a torn tail
                raise JournalError(
                    f"cannot append to the journal {self.path}: {err.strerror or err}"
                ) from err
            self._events.extend(records)

    def _refuse_forbidden(self, line: bytes) -> None:
        for value in self._forbidden:
            forms = {value, json.dumps(value, ensure_ascii=False)[1:-1]}
            if any(form.encode("utf-8") in line for form in forms):
                raise JournalError(
                    "refusing to write a journal event: it would contain a secret (the API key)"
                )

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, record: Mapping[str, Any]) -> None:
        line = _encode(record)
        for value in self._forbidden:
            forms = {value, json.dumps(value, ensure_ascii=False)[1:-1]}
            if any(form.encode("utf-8") in line for form in forms):
                raise JournalError(
                    "refusing to write a journal event: it would contain a secret (the API key)"
                )
        end = self._file.seek(0, os.SEEK_END)
        try:
            append_line(self._file, line)
        except OSError as err:
            # Cut a partial line off now, or the next append would bury it mid-file.
            try:
                self._file.truncate(end)
                sync_file(self._file)
            except OSError:
                pass  # replay will treat it as a torn tail, if nothing is appended after it
            raise JournalError(f"cannot append to the journal {self.path}: {err.strerror or err}") from err
