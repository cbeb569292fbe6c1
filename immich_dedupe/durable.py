"""Durable file writes and the run lock: the only module that calls ``os.fsync`` and ``os.replace``.

What "durable" means here, and what it does not:

* ``atomic_write`` leaves either the old file or the complete new one, never a mix: the new
  bytes go to a temp file in the same directory (so the rename is atomic), are fsynced,
  renamed over the target, and the directory is fsynced so the rename itself survives a crash.
* ``append_line`` writes one whole line with a single ``write`` on an ``O_APPEND`` file, then
  flushes and fsyncs. A crash can still leave a *torn* last line; readers (``journal.py``)
  must ignore an unterminated or unparsable final line.
* ``write_unsynced`` and ``replace_unsynced`` are the same atomic steps without the fsyncs,
  for a caller that makes many files durable at once later (one barrier per batch instead of
  fsyncs per file): until ``fsync_path`` of each file and ``fsync_dir`` of each directory
  return, a crash may leave the new name pointing at missing or partial bytes, so readers
  must verify such files (the backup store re-hashes them) rather than trust them.
* fsync only promises what the OS and the disk promise: a drive that lies about its write
  cache, or a network filesystem that acknowledges early, can still lose acknowledged data.

``RunLock`` keeps two runs from using one backup directory at once. It is a file created
atomically (``os.link`` of a complete temp file, so a lock file is never seen half-written)
holding host, pid and the process start time. A lock whose process is provably dead on this
host (or whose pid now belongs to a different process) is broken, and the caller is told.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import secrets
import socket
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO

from immich_dedupe.errors import AlreadyRunning, JournalError

__all__ = [
    "HashingWriter",
    "RunLock",
    "append_line",
    "atomic_write",
    "atomic_write_chunks",
    "fsync_dir",
    "fsync_path",
    "open_exclusive",
    "rename_durably",
    "replace_unsynced",
    "safe_unlink",
    "sync_file",
    "write_unsynced",
]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def fsync_dir(path: Path) -> None:
    """fsync a directory so that renames and creations in it are durable.

    Filesystems that cannot fsync a directory answer EINVAL; that is ignored, anything
    else is raised.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno != errno.EINVAL:
            raise
    finally:
        os.close(fd)


def sync_file(f: IO[Any]) -> None:
    """Flush Python's buffer and fsync the file's data and metadata to disk."""
    f.flush()
    os.fsync(f.fileno())


def open_exclusive(path: Path, *, mode: int = 0o600) -> BinaryIO:
    """Create ``path`` for binary writing; fails with FileExistsError rather than clobber.

    Never follows a symlink at ``path``. Permissions are exactly ``mode`` (umask can only
    remove bits, and we set them explicitly after creating).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def rename_durably(src: Path, dst: Path) -> None:
    """Atomically move ``src`` over ``dst`` (same directory or filesystem), then fsync dst's dir."""
    os.replace(src, dst)
    fsync_dir(Path(dst).parent)


def safe_unlink(path: Path, *, truncate_first: bool = False) -> None:
    """Remove ``path`` if it exists, even on a full disk.

    Some filesystems (copy-on-write ones in particular) need free space to unlink; when that
    fails with ENOSPC, or the caller already knows the disk is full (``truncate_first``), a
    file with a single link is truncated first to free its blocks.
    """
    if truncate_first:
        _truncate_if_single_link(path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except OSError as err:
        if err.errno != errno.ENOSPC:
            raise
        _truncate_if_single_link(path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _truncate_if_single_link(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        st = os.stat(path, follow_symlinks=False)
        if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
            os.truncate(path, 0)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably, with permissions ``mode``.

    If anything fails (write, fsync, rename) the old file is untouched and the temp file is
    removed; the error propagates.
    """
    atomic_write_chunks(path, (data,), mode=mode)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], *, mode: int = 0o600) -> None:
    """``atomic_write`` for data produced in pieces, so that it is never whole in memory.

    Same guarantees: the pieces go to a temp file in the same directory, which is fsynced
    and renamed over ``path``, then the directory is fsynced. If anything fails, producing a
    piece included, the old file is untouched and the temp file is removed.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}-{secrets.token_hex(4)}.tmp")
    try:
        with open_exclusive(tmp, mode=mode) as f:
            for chunk in chunks:
                f.write(chunk)
            sync_file(f)
        os.replace(tmp, path)
    except BaseException:
        safe_unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_path(path: Path, *, identity: tuple[int, int] | None = None) -> None:
    """fsync the regular file at ``path`` (never through a symlink), e.g. one written unsynced.

    ``identity`` is the ``(st_dev, st_ino)`` the caller wrote; if the name now holds another
    file, ``OSError(ESTALE)`` is raised rather than vouch for bytes the caller never checked.
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    try:
        if identity is not None:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != identity:
                raise OSError(errno.ESTALE, f"{path} was replaced by another file before it was synced")
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_unsynced(src: Path, dst: Path) -> None:
    """Atomically move ``src`` over ``dst`` without any fsync.

    Durable only once the caller has fsynced the file (``fsync_path``) and its directory
    (``fsync_dir``); see the module docstring.
    """
    os.replace(src, dst)


def write_unsynced(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """``atomic_write`` without the fsyncs: readers see the old file or the whole new one.

    The temp file is removed if anything fails. Durable only once the caller has fsynced
    ``path`` (``fsync_path``) and its directory (``fsync_dir``).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}-{secrets.token_hex(4)}.tmp")
    try:
        with open_exclusive(tmp, mode=mode) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        safe_unlink(tmp)
        raise


def append_line(f: IO[bytes], line: bytes) -> None:
    """Append one line (a trailing ``\\n`` is added if missing) and fsync before returning.

    ``f`` should be opened in append mode (``O_APPEND``), ideally unbuffered so that a failed
    write leaves nothing queued in Python's buffer. A line must not contain an inner newline: one record,
    one line, is what lets a reader tell a torn tail from a complete record.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    if b"\n" in line[:-1]:
        raise ValueError("a journal line must not contain a newline")
    view = memoryview(line)
    while view:
        written = f.write(view)
        # Buffered files write everything or raise; unbuffered ones may write less.
        view = view[len(view) if written is None else written :]
    sync_file(f)


class HashingWriter:
    """Write-through wrapper that hashes and counts the bytes as they are written.

    Verifying a download then costs no second read of the file (borg's FileHashingWrapper
    idea). SHA-1 is what Immich records; SHA-256 is ours, for external-library assets and
    for anyone re-checking a backup later with standard tools.
    """

    def __init__(self, f: IO[bytes], *, sha256: bool = True) -> None:
        self._f = f
        # Immich's checksum is SHA-1: an integrity check here, not a security boundary.
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._sha256 = hashlib.sha256() if sha256 else None
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        while view:
            written = self._f.write(view)
            # Buffered files write everything or raise; raw files may write less.
            n = len(view) if written is None else written
            chunk = view[:n]
            self._sha1.update(chunk)
            if self._sha256 is not None:
                self._sha256.update(chunk)
            self.size += n
            view = view[n:]
        return len(data)

    @property
    def file(self) -> IO[bytes]:
        return self._f

    def sha1_b64(self) -> str:
        """SHA-1 in Immich's format: base64, standard alphabet, with padding (28 chars)."""
        return base64.b64encode(self._sha1.digest()).decode("ascii")

    def sha1_digest(self) -> bytes:
        return self._sha1.digest()

    def sha256_hex(self) -> str:
        if self._sha256 is None:
            raise ValueError("this HashingWriter was created with sha256=False")
        return self._sha256.hexdigest()


def _process_start_time(pid: int) -> str | None:
    """A token that differs when a pid is reused: field 22 of /proc/<pid>/stat on Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses; fields follow the last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


class RunLock:
    """Exclusive lock on a directory for one run; a context manager.

    ``RunLock(dir)`` creates ``dir/LOCK_NAME`` holding ``{"host", "pid", "start", "token",
    "created_at"}``. If the file exists:

    * same host and the pid is dead (or its start time shows the pid was reused): the lock is
      stale; it is broken, ``broken_stale`` describes it and ``on_break`` (if given) is called
      with a one-line message;
    * otherwise ``AlreadyRunning`` names the host and pid, and the lock file to delete if the
      user knows that run is gone (a lock from another host cannot be checked from here).

    A directory where the lock file cannot be created raises ``JournalError``.

    On exit the lock file is removed, but only if it is still ours.
    """

    LOCK_NAME = "immich-dedupe.lock"

    def __init__(self, directory: Path, *, on_break: Callable[[str], None] | None = None) -> None:
        self.directory = Path(directory)
        self.path = self.directory / self.LOCK_NAME
        self._on_break = on_break
        self._token: str | None = None
        self.broken_stale: str | None = None

    # -- acquire / release -------------------------------------------------------------

    def acquire(self) -> None:
        if self._token is not None:
            raise AlreadyRunning(f"this process already holds {self.path}")
        pid = os.getpid()
        token = secrets.token_hex(8)
        content = {
            "host": socket.gethostname(),
            "pid": pid,
            "start": _process_start_time(pid),
            "token": token,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        data = json.dumps(content, sort_keys=True).encode() + b"\n"
        for _attempt in range(3):
            try:
                created = self._create(data)
            except OSError as err:
                raise JournalError(f"cannot create the lock file {self.path}: {err.strerror or err}") from err
            if created:
                self._token = token
                return
            holder = self._read_holder()
            if holder is None:
                continue  # vanished between our attempt and the read; try again
            reason = self._stale_reason(holder)
            if reason is None:
                raise AlreadyRunning(self._held_message(holder))
            if self._break(holder, reason):
                continue
        raise AlreadyRunning(f"could not take the lock {self.path}: another run keeps taking it")

    def release(self) -> None:
        if self._token is None:
            return
        token, self._token = self._token, None
        holder = self._read_holder()
        if holder is not None and holder.get("token") == token:
            safe_unlink(self.path)
            with contextlib.suppress(OSError):
                fsync_dir(self.directory)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    @property
    def held(self) -> bool:
        return self._token is not None

    # -- internals ---------------------------------------------------------------------

    def _create(self, data: bytes) -> bool:
        """Publish a complete lock file atomically; False if one exists already."""
        tmp = self.directory / f".{self.LOCK_NAME}-{secrets.token_hex(4)}.tmp"
        with open_exclusive(tmp) as f:
            f.write(data)
            sync_file(f)
        try:
            try:
                os.link(tmp, self.path)  # fails if the lock exists; never half-written
            except FileExistsError:
                return False
            except OSError as err:
                # Filesystems without hard links: fall back to exclusive create.
                if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                try:
                    with open_exclusive(self.path) as f:
                        f.write(data)
                        sync_file(f)
                except FileExistsError:
                    return False
        finally:
            safe_unlink(tmp)
        fsync_dir(self.directory)
        return True

    def _read_holder(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            holder = json.loads(raw)
        except ValueError:
            holder = None
        if not isinstance(holder, dict):
            return {"unreadable": True, "raw": raw[:200].decode("utf-8", "replace")}
        return holder

    def _stale_reason(self, holder: dict[str, Any]) -> str | None:
        """Why the holder is provably gone, or None when it may still be running."""
        if holder.get("unreadable") or holder.get("host") != socket.gethostname():
            return None
        pid = holder.get("pid")
        if not isinstance(pid, int) or isinstance(pid, bool):
            return None
        if not _pid_alive(pid):
            return f"process {pid} is no longer running"
        recorded = holder.get("start")
        current = _process_start_time(pid)
        if recorded is not None and current is not None and recorded != current:
            return f"pid {pid} now belongs to a different process"
        return None

    def _break(self, holder: dict[str, Any], reason: str) -> bool:
        """Remove a stale lock without ever removing a fresh one that raced in.

        The lock is first renamed aside (atomic); only if the renamed file is the one we
        judged stale is it deleted. Otherwise it is linked back (no clobber) and we give up.
        """
        aside = self.directory / f".{self.LOCK_NAME}-stale-{secrets.token_hex(4)}"
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return True  # someone else removed it; retry creating
        try:
            moved = json.loads(aside.read_bytes())
        except (OSError, ValueError):
            moved = None
        if moved != holder:
            with contextlib.suppress(FileExistsError):
                os.link(aside, self.path)
            safe_unlink(aside)
            raise AlreadyRunning(self._held_message(moved if isinstance(moved, dict) else holder))
        safe_unlink(aside)
        fsync_dir(self.directory)
        message = (
            f"broke a stale lock {self.path} left by pid {holder.get('pid')} on "
            f"{holder.get('host')} since {holder.get('created_at')}: {reason}"
        )
        self.broken_stale = message
        if self._on_break is not None:
            self._on_break(message)
        return True

    def _held_message(self, holder: dict[str, Any]) -> str:
        if holder.get("unreadable"):
            return (
                f"the lock file {self.path} exists but is unreadable; if no other immich-dedupe "
                "run uses this backup directory, delete that file and retry"
            )
        return (
            f"another immich-dedupe run (pid {holder.get('pid')} on host {holder.get('host')}, "
            f"started {holder.get('created_at')}) is using this backup directory; wait for it "
            f"to finish, or, if it is gone, delete {self.path} and retry"
        )
