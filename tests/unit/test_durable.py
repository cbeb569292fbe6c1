"""durable: what survives when fsync, rename or the disk fails, and who may hold the run lock."""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from immich_dedupe import durable
from immich_dedupe.durable import (
    HashingWriter,
    RunLock,
    append_line,
    atomic_write,
    fsync_dir,
    open_exclusive,
    safe_unlink,
)
from immich_dedupe.errors import AlreadyRunning, JournalError


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def _fail(err: int):
    def raiser(*args: object, **kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    return raiser


# -- atomic_write ------------------------------------------------------------------------


def test_atomic_write_creates_the_file_private(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path, {"plan.json"}) == []


def test_atomic_write_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old contents")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"


def test_atomic_write_keeps_the_old_file_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old contents")
    monkeypatch.setattr(durable.os, "replace", _fail(errno.EIO))
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old contents"
    assert _leftovers(tmp_path, {"plan.json"}) == []


def test_atomic_write_keeps_the_old_file_when_fsync_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old contents")
    monkeypatch.setattr(durable.os, "fsync", _fail(errno.EIO))
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old contents"
    assert _leftovers(tmp_path, {"plan.json"}) == []


def test_atomic_write_keeps_the_old_file_when_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old contents")
    real_open = durable.open_exclusive

    class FullDisk(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def opener(path: Path, *, mode: int = 0o600) -> object:
        real_open(path, mode=mode).close()  # the temp file exists, as it would
        return FullDisk()

    monkeypatch.setattr(durable, "open_exclusive", opener)
    with pytest.raises(OSError) as info:
        atomic_write(target, b"new")
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old contents"
    assert _leftovers(tmp_path, {"plan.json"}) == []


# -- fsync_dir ---------------------------------------------------------------------------


def test_fsync_dir_ignores_einval_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durable.os, "fsync", _fail(errno.EINVAL))
    fsync_dir(tmp_path)  # a filesystem that cannot fsync directories: fine
    monkeypatch.setattr(durable.os, "fsync", _fail(errno.EIO))
    with pytest.raises(OSError) as info:
        fsync_dir(tmp_path)
    assert info.value.errno == errno.EIO


def test_fsync_dir_closes_its_descriptor_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[int] = []
    real_close = os.close
    monkeypatch.setattr(durable.os, "fsync", _fail(errno.EIO))
    monkeypatch.setattr(durable.os, "close", lambda fd: (closed.append(fd), real_close(fd)))
    with pytest.raises(OSError):
        fsync_dir(tmp_path)
    assert len(closed) == 1


# -- open_exclusive / safe_unlink --------------------------------------------------------


def test_open_exclusive_never_clobbers_or_follows_symlinks(tmp_path: Path) -> None:
    existing = tmp_path / "a"
    existing.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        open_exclusive(existing)
    assert existing.read_bytes() == b"keep"
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    (tmp_path / "link").symlink_to(victim)
    with pytest.raises(FileExistsError):
        open_exclusive(tmp_path / "link")
    assert victim.read_bytes() == b"keep"


def test_open_exclusive_sets_the_mode_despite_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        with open_exclusive(tmp_path / "f", mode=0o600) as f:
            f.write(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600


def test_safe_unlink_tolerates_a_missing_file(tmp_path: Path) -> None:
    safe_unlink(tmp_path / "nothing")


def test_safe_unlink_truncates_when_unlink_hits_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "big.part"
    victim.write_bytes(b"x" * 10_000)
    real_unlink = os.unlink
    sizes_at_unlink: list[int] = []

    def unlink(path: object) -> None:
        sizes_at_unlink.append(os.stat(path).st_size)  # type: ignore[arg-type]
        if len(sizes_at_unlink) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_unlink(path)  # type: ignore[arg-type]

    monkeypatch.setattr(durable.os, "unlink", unlink)
    safe_unlink(victim)
    assert not victim.exists()
    assert sizes_at_unlink == [10_000, 0]


def test_safe_unlink_truncate_first_spares_other_hard_links(tmp_path: Path) -> None:
    original = tmp_path / "original"
    original.write_bytes(b"precious")
    os.link(original, tmp_path / "second-name")
    safe_unlink(tmp_path / "second-name", truncate_first=True)
    assert original.read_bytes() == b"precious"


# -- append_line -------------------------------------------------------------------------


def test_append_line_adds_the_newline_and_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(durable.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    path = tmp_path / "j"
    with path.open("ab") as f:
        append_line(f, b'{"a":1}')
        append_line(f, b'{"b":2}\n')
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n'
    assert len(synced) == 2


def test_append_line_rejects_an_inner_newline(tmp_path: Path) -> None:
    with (tmp_path / "j").open("ab") as f, pytest.raises(ValueError):
        append_line(f, b"one\ntwo")
    assert (tmp_path / "j").read_bytes() == b""


def test_append_line_completes_short_writes(tmp_path: Path) -> None:
    class Dribble:
        """An unbuffered file that accepts at most 3 bytes per write."""

        def __init__(self) -> None:
            self.data = b""
            self.synced = False

        def write(self, b: memoryview) -> int:
            self.data += bytes(b[:3])
            return min(3, len(b))

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            self.synced = True
            return os.open(tmp_path, os.O_RDONLY)  # any fd fsync accepts

    f = Dribble()
    append_line(f, b'{"type":"x"}')  # type: ignore[arg-type]
    assert f.data == b'{"type":"x"}\n'
    assert f.synced


# -- HashingWriter -----------------------------------------------------------------------


def test_hashing_writer_hashes_exactly_what_it_writes() -> None:
    sink = io.BytesIO()
    writer = HashingWriter(sink)
    chunks = [b"", b"abc", bytearray(b"def" * 1000), memoryview(b"ghi")]
    for chunk in chunks:
        writer.write(chunk)
    data = b"".join(bytes(c) for c in chunks)
    assert sink.getvalue() == data
    assert writer.size == len(data)
    assert writer.sha1_b64() == base64.b64encode(hashlib.sha1(data).digest()).decode()
    assert writer.sha1_digest() == hashlib.sha1(data).digest()
    assert writer.sha256_hex() == hashlib.sha256(data).hexdigest()


def test_hashing_writer_counts_short_writes_once() -> None:
    class Half(io.RawIOBase):
        def __init__(self) -> None:
            self.data = b""

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            view = memoryview(b)  # type: ignore[arg-type]
            n = max(1, len(view) // 2)
            self.data += bytes(view[:n])
            return n

    sink = Half()
    writer = HashingWriter(sink)  # type: ignore[arg-type]
    writer.write(b"0123456789" * 10)
    assert sink.data == b"0123456789" * 10
    assert writer.size == 100
    assert writer.sha1_digest() == hashlib.sha1(sink.data).digest()


def test_hashing_writer_without_sha256_says_so() -> None:
    writer = HashingWriter(io.BytesIO(), sha256=False)
    writer.write(b"x")
    with pytest.raises(ValueError):
        writer.sha256_hex()


# -- RunLock -----------------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _plant_lock(directory: Path, **fields: object) -> Path:
    path = directory / RunLock.LOCK_NAME
    content = {"host": socket.gethostname(), "pid": 1, "start": None, "token": "t", "created_at": "x"}
    content.update(fields)
    path.write_text(json.dumps(content))
    return path


def test_run_lock_blocks_a_second_holder_and_names_the_pid(tmp_path: Path) -> None:
    with RunLock(tmp_path) as first:
        assert first.held
        with pytest.raises(AlreadyRunning) as info:
            RunLock(tmp_path).acquire()
        assert f"pid {os.getpid()}" in str(info.value)
        assert str(tmp_path / RunLock.LOCK_NAME) in str(info.value)
    assert not (tmp_path / RunLock.LOCK_NAME).exists()
    with RunLock(tmp_path):  # free again after release
        pass


def test_run_lock_file_is_complete_and_leaves_no_temp_files(tmp_path: Path) -> None:
    with RunLock(tmp_path):
        holder = json.loads((tmp_path / RunLock.LOCK_NAME).read_text())
        assert holder["pid"] == os.getpid()
        assert holder["host"] == socket.gethostname()
        assert _leftovers(tmp_path, {RunLock.LOCK_NAME}) == []
    assert _leftovers(tmp_path, set()) == []


def test_run_lock_breaks_the_lock_of_a_dead_process_and_says_so(tmp_path: Path) -> None:
    dead = _dead_pid()
    _plant_lock(tmp_path, pid=dead)
    messages: list[str] = []
    with RunLock(tmp_path, on_break=messages.append) as lock:
        assert lock.held
        assert json.loads((tmp_path / RunLock.LOCK_NAME).read_text())["pid"] == os.getpid()
    assert len(messages) == 1
    assert f"pid {dead}" in messages[0]
    assert "no longer running" in messages[0]
    assert lock.broken_stale == messages[0]


def test_run_lock_breaks_a_lock_whose_pid_was_reused(tmp_path: Path) -> None:
    # Our own pid is alive, but the recorded start time belongs to another process.
    _plant_lock(tmp_path, pid=os.getpid(), start="1")
    if durable._process_start_time(os.getpid()) is None:
        pytest.skip("no /proc start times on this platform")
    with RunLock(tmp_path) as lock:
        assert lock.broken_stale is not None
        assert "different process" in lock.broken_stale


def test_run_lock_respects_a_live_process(tmp_path: Path) -> None:
    planted = _plant_lock(tmp_path, pid=os.getppid(), start=durable._process_start_time(os.getppid()))
    with pytest.raises(AlreadyRunning) as info:
        RunLock(tmp_path).acquire()
    assert f"pid {os.getppid()}" in str(info.value)
    assert planted.exists()


def test_run_lock_never_breaks_a_lock_from_another_host(tmp_path: Path) -> None:
    planted = _plant_lock(tmp_path, host="some-other-machine", pid=_dead_pid())
    with pytest.raises(AlreadyRunning) as info:
        RunLock(tmp_path).acquire()
    assert "some-other-machine" in str(info.value)
    assert planted.exists()


def test_run_lock_does_not_guess_about_an_unreadable_lock(tmp_path: Path) -> None:
    (tmp_path / RunLock.LOCK_NAME).write_bytes(b"\x00garbage")
    with pytest.raises(AlreadyRunning) as info:
        RunLock(tmp_path).acquire()
    assert "unreadable" in str(info.value)
    assert (tmp_path / RunLock.LOCK_NAME).read_bytes() == b"\x00garbage"


def test_run_lock_release_leaves_someone_elses_lock_alone(tmp_path: Path) -> None:
    lock = RunLock(tmp_path)
    lock.acquire()
    # Someone (wrongly) replaced our lock; releasing must not delete theirs.
    _plant_lock(tmp_path, pid=os.getppid(), token="theirs")
    lock.release()
    assert json.loads((tmp_path / RunLock.LOCK_NAME).read_text())["token"] == "theirs"


def test_run_lock_held_by_a_killed_process_is_broken(tmp_path: Path) -> None:
    """A real second process takes the lock, is SIGKILLed, and the next run proceeds."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from immich_dedupe.durable import RunLock\n"
        "lock = RunLock(Path(sys.argv[1])); lock.acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning) as info:
            RunLock(tmp_path).acquire()
        assert f"pid {proc.pid}" in str(info.value)
    finally:
        proc.kill()
        proc.wait()
    with RunLock(tmp_path) as lock:
        assert lock.broken_stale is not None
        assert f"pid {proc.pid}" in lock.broken_stale


def test_run_lock_works_where_hard_links_are_not_supported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable.os, "link", _fail(errno.EPERM))  # e.g. FAT, some FUSE/SMB mounts
    with RunLock(tmp_path):
        with pytest.raises(AlreadyRunning):
            RunLock(tmp_path).acquire()
        assert json.loads((tmp_path / RunLock.LOCK_NAME).read_text())["pid"] == os.getpid()
    assert _leftovers(tmp_path, set()) == []


def test_run_lock_in_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as info:
        RunLock(tmp_path / "missing").acquire()
    assert not isinstance(info.value, AlreadyRunning)
    assert "cannot create the lock file" in str(info.value)
