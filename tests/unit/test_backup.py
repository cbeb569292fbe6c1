"""backup: only verified, committed bytes count as a backup; nothing partial is ever left behind."""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import os
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from immich_dedupe import backup as backup_mod
from immich_dedupe import durable
from immich_dedupe.backup import (
    VERIFIED_BY_CHECKSUM,
    VERIFIED_BY_OWN_HASH,
    BackupRecord,
    BackupStore,
    safe_file_name,
)
from immich_dedupe.errors import BackupError, ChecksumMismatch, ServerUnavailable
from immich_dedupe.facts import AssetFacts

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 400 + b"\xff\xd9"
SENTINEL_KEY = "sentinel-api-key-1c9f0e"


def b64sha1(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def asset(
    data: bytes = PHOTO,
    *,
    id: str = "ab0e4d2c-1111-4a4a-9b9b-000000000001",
    name: str = "IMG_1234.HEIC",
    **kw: object,
) -> AssetFacts:
    fields: dict[str, object] = {
        "id": id,
        "original_file_name": name,
        "original_path": f"upload/library/admin/2024/{name}",
        "checksum": b64sha1(data),
        "file_size": len(data),
    }
    fields.update(kw)
    return AssetFacts(**fields)  # type: ignore[arg-type]


def raw(a: AssetFacts) -> dict[str, object]:
    return {
        "id": a.id,
        "originalFileName": a.original_file_name,
        "checksum": a.checksum,
        "exifInfo": {"fileSizeInByte": a.file_size, "make": "Apple"},
    }


def chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def store(tmp_path: Path) -> BackupStore:
    return BackupStore(tmp_path / "backup")


# -- the happy path --------------------------------------------------------------------


def test_save_writes_verified_bytes_and_a_sidecar(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), chunks(PHOTO), expected_size=len(PHOTO))

    assert record == BackupRecord(
        asset_id=a.id,
        path="originals/ab/IMG_1234.HEIC",
        size=len(PHOTO),
        sha1_b64=a.checksum,
        verified_by=VERIFIED_BY_CHECKSUM,
    )
    assert store.path_of(record).read_bytes() == PHOTO
    sidecar = json.loads((store.root / "originals/ab/IMG_1234.HEIC.json").read_text())
    assert sidecar["asset_id"] == a.id
    assert sidecar["asset"] == raw(a)  # the metadata exactly as Immich returned it
    assert sidecar["size"] == len(PHOTO)
    assert sidecar["sha1"] == a.checksum
    assert "sha256" not in sidecar  # Immich's SHA-1 is the verification: hashed once, not twice
    assert sidecar["verified_by"] == "checksum"
    assert sidecar["verified_at"].endswith("Z")
    assert all_files(store.root) == ["originals/ab/IMG_1234.HEIC", "originals/ab/IMG_1234.HEIC.json"]


def test_backup_files_are_private(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "new" / "backup")
    a = asset()
    store.save(a, raw(a), [PHOTO])
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    for path in store.root.rglob("*"):
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path


def test_find_recognises_a_verified_backup_from_a_fresh_store(store: BackupStore) -> None:
    a = asset()
    saved = store.save(a, raw(a), chunks(PHOTO))
    assert BackupStore(store.root).find(a) == saved


def test_find_returns_none_when_nothing_was_saved(store: BackupStore) -> None:
    assert store.find(asset()) is None


def test_save_accepts_an_empty_original(store: BackupStore) -> None:
    a = asset(b"", name="empty.txt")
    record = store.save(a, raw(a), iter(()), expected_size=0)
    assert record.size == 0
    assert store.find(a) == record


# -- verification failures leave nothing -----------------------------------------------


def test_corrupted_bytes_raise_checksum_mismatch_and_leave_nothing(store: BackupStore) -> None:
    a = asset()
    bad = PHOTO[:1000] + b"\x00" + PHOTO[1001:]
    with pytest.raises(ChecksumMismatch) as info:
        store.save(a, raw(a), chunks(bad))
    message = str(info.value)
    assert a.id in message
    assert "IMG_1234.HEIC" in message
    assert a.checksum in message and b64sha1(bad) in message
    assert all_files(store.root) == []
    assert store.find(a) is None


@pytest.mark.parametrize(
    ("data", "expected_size", "file_size", "source"),
    [
        (PHOTO[:-10], len(PHOTO), None, "Content-Length"),  # body cut short, server said more
        (PHOTO, len(PHOTO) + 1, None, "Content-Length"),
        (PHOTO, None, len(PHOTO) - 1, "file size"),
    ],
)
def test_wrong_size_raises_checksum_mismatch_and_leaves_nothing(
    store: BackupStore, data: bytes, expected_size: int | None, file_size: int | None, source: str
) -> None:
    a = asset(data, file_size=file_size)
    with pytest.raises(ChecksumMismatch) as info:
        store.save(a, raw(a), chunks(data), expected_size=expected_size)
    assert source in str(info.value)
    assert all_files(store.root) == []


def test_a_connection_cut_mid_download_leaves_no_partial_file(store: BackupStore) -> None:
    a = asset()

    def cut() -> Iterator[bytes]:
        yield PHOTO[:5000]
        yield PHOTO[5000:9000]
        raise ServerUnavailable("connection reset while downloading")

    with pytest.raises(ServerUnavailable):
        store.save(a, raw(a), cut(), expected_size=len(PHOTO))
    assert all_files(store.root) == []
    # A retry then succeeds normally.
    assert store.save(a, raw(a), chunks(PHOTO)).size == len(PHOTO)


def test_an_asset_without_a_usable_checksum_is_refused_before_downloading(store: BackupStore) -> None:
    consumed: list[bytes] = []

    def body() -> Iterator[bytes]:
        consumed.append(PHOTO)
        yield PHOTO

    for checksum in ("", "not base64!", base64.b64encode(b"short").decode()):
        a = asset(checksum=checksum)
        with pytest.raises(ChecksumMismatch) as info:
            store.save(a, raw(a), body())
        assert "no usable checksum" in str(info.value)
    assert consumed == []
    assert all_files(store.root) == []


def test_a_hex_checksum_is_understood(store: BackupStore) -> None:
    a = asset(checksum=hashlib.sha1(PHOTO).hexdigest())
    assert store.save(a, raw(a), [PHOTO]).sha1_b64 == b64sha1(PHOTO)
    assert store.find(a) is not None


# -- disk failures ---------------------------------------------------------------------


class FillingFile(io.FileIO):
    """A real file on a disk that runs full after ``budget`` bytes."""

    budget = 6000

    def write(self, b: object) -> int:
        view = memoryview(b)  # type: ignore[arg-type]
        if FillingFile.budget <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(len(view), FillingFile.budget)
        FillingFile.budget -= n
        return super().write(view[:n])


def test_a_full_disk_while_writing_raises_backup_error_and_leaves_nothing(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    truncated: list[Path] = []
    real_truncate = os.truncate
    monkeypatch.setattr(FillingFile, "budget", 6000)
    monkeypatch.setattr(backup_mod, "open_exclusive", lambda path, mode=0o600: FillingFile(path, "xb"))
    monkeypatch.setattr(durable.os, "truncate", lambda p, n: (truncated.append(Path(p)), real_truncate(p, n)))
    a = asset()
    with pytest.raises(BackupError) as info:
        store.save(a, raw(a), chunks(PHOTO))
    assert not isinstance(info.value, ChecksumMismatch)
    assert "disk is full" in str(info.value)
    assert a.id in str(info.value)
    assert all_files(store.root) == []
    assert truncated and truncated[0].name.endswith(".part")  # space freed before unlinking


def test_a_failing_fsync_raises_backup_error_and_leaves_nothing(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_sync(path: Path, **kw: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(backup_mod, "fsync_path", broken_sync)
    a = asset()
    with pytest.raises(BackupError) as info:
        store.save(a, raw(a), [PHOTO])
    assert "Input/output error" in str(info.value)
    assert all_files(store.root) == []


def test_a_sidecar_that_cannot_be_written_means_no_backup(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, data: bytes, *, mode: int = 0o600) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_mod, "write_unsynced", full)
    a = asset()
    with pytest.raises(BackupError):
        store.save(a, raw(a), [PHOTO])
    assert all_files(store.root) == []
    monkeypatch.undo()
    assert store.find(a) is None


def test_a_failed_rename_leaves_nothing(store: BackupStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rename(src: Path, dst: Path) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(backup_mod, "replace_unsynced", no_rename)
    a = asset()
    with pytest.raises(BackupError) as info:
        store.save(a, raw(a), [PHOTO])
    assert "Permission denied" in str(info.value)
    assert all_files(store.root) == []


# -- an unusable backup directory is refused up front -----------------------------------


def test_a_root_below_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(BackupError) as info:
        BackupStore(tmp_path / "file" / "backup")
    assert "--backup-dir" in str(info.value)


def test_a_root_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"data")
    with pytest.raises(BackupError) as info:
        BackupStore(tmp_path / "file")
    assert "not a directory" in str(info.value)
    assert (tmp_path / "file").read_bytes() == b"data"


def test_a_root_where_files_cannot_be_created_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(path: Path, *, mode: int = 0o600) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(backup_mod, "open_exclusive", denied)
    with pytest.raises(BackupError) as info:
        BackupStore(tmp_path)
    assert "not usable" in str(info.value) and "Permission denied" in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_root_is_refused(tmp_path: Path) -> None:
    tmp_path.joinpath("ro").mkdir(mode=0o500)
    try:
        with pytest.raises(BackupError):
            BackupStore(tmp_path / "ro")
    finally:
        tmp_path.joinpath("ro").chmod(0o700)


def test_the_writability_probe_leaves_nothing_behind(tmp_path: Path) -> None:
    BackupStore(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_free_bytes_reports_the_backup_filesystem(store: BackupStore) -> None:
    assert store.free_bytes() == os.statvfs(store.root).f_bavail * os.statvfs(store.root).f_frsize


# -- file names from the server ---------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd",
    "/etc/shadow",
    "..\\..\\Windows\\win.ini",
    "C:\\Users\\me\\photo.jpg",
    "",
    ".",
    "..",
    "...",
    ".bashrc",
    "CON",
    "nul.jpg",
    "a\x00b\nc\x1b[31m.jpg",
    "\u202egpj.exe",
    'what?<is>:this|"*.png',
    "x" * 400 + ".jpeg",
    "日本語の写真" * 40 + ".HEIC",
    "notes.json",
    "IMG_1.part",
    "trailing. . ",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_stay_inside_the_backup_directory(store: BackupStore, name: str) -> None:
    a = asset(name=name, original_path="")
    record = store.save(a, raw(a), [PHOTO])
    path = store.path_of(record)
    assert path.resolve().is_relative_to(store.root)
    assert path.parent == store.root / "originals" / "ab"
    assert len(path.name.encode()) <= 255
    assert len((path.name + ".json").encode()) <= 255
    assert not path.name.startswith(".")
    assert not path.name.endswith((".json", ".part", ".tmp"))
    assert store.find(a) == record


def test_name_rules(store: BackupStore) -> None:
    aid = "ab0e4d2c-1111-4a4a-9b9b-000000000001"
    assert safe_file_name("../../etc/passwd", aid) == "passwd"
    assert safe_file_name("..\\..\\win.ini", aid) == "win.ini"
    assert safe_file_name("", aid) == aid
    assert safe_file_name("..", aid) == aid
    assert safe_file_name(".hidden.jpg", aid) == "hidden.jpg"
    assert safe_file_name("CON.jpg", aid) == "_CON.jpg"
    assert safe_file_name("a\x00b\x7f.jpg", aid) == "ab.jpg"
    long = safe_file_name("x" * 400 + ".jpeg", aid)
    assert long.endswith(".jpeg") and len(long.encode()) <= 160
    assert safe_file_name("IMG_1.HEIC", aid, suffix=f"_{aid}") == f"IMG_1_{aid}.HEIC"


@given(st.text(max_size=300), st.text(min_size=1, max_size=80))
def test_any_name_becomes_one_safe_path_component(name: str, asset_id: str) -> None:
    out = safe_file_name(name, asset_id, suffix="_x")
    assert out and out not in (".", "..")
    assert "/" not in out and "\\" not in out and "\x00" not in out
    assert not out.startswith(".")
    assert len(out.encode("utf-8")) <= 200
    out.encode("utf-8")  # no lone surrogates


def test_the_original_path_names_the_file_when_the_name_is_missing(store: BackupStore) -> None:
    a = asset(name="", original_path="/mnt/photos/2020/DSC_0001.JPG")
    assert store.save(a, raw(a), [PHOTO]).path == "originals/ab/DSC_0001.JPG"


def test_a_symlink_out_of_the_backup_directory_is_refused(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backup")
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / "originals").mkdir()
    (store.root / "originals" / "ab").symlink_to(outside)
    a = asset()
    with pytest.raises(BackupError) as info:
        store.save(a, raw(a), [PHOTO])
    assert "outside" in str(info.value)
    assert list(outside.iterdir()) == []


# -- collisions -------------------------------------------------------------------------


def test_two_assets_with_the_same_name_keep_both_backups(store: BackupStore) -> None:
    other_bytes = PHOTO[::-1]
    first = asset()
    second = asset(other_bytes, id="ab99ffff-2222-4b4b-8c8c-000000000002")
    r1 = store.save(first, raw(first), [PHOTO])
    r2 = store.save(second, raw(second), [other_bytes])
    assert r1.path == "originals/ab/IMG_1234.HEIC"
    assert r2.path == f"originals/ab/IMG_1234_{second.id}.HEIC"
    assert store.path_of(r1).read_bytes() == PHOTO
    assert store.path_of(r2).read_bytes() == other_bytes
    assert store.find(first) == r1
    assert store.find(second) == r2
    # Saving again reuses each asset's own slot rather than creating more copies.
    assert store.save(second, raw(second), [other_bytes]).path == r2.path
    assert store.save(first, raw(first), [PHOTO]).path == r1.path
    assert len(all_files(store.root)) == 4


def test_ids_that_are_not_plain_tokens_do_not_shape_paths(store: BackupStore) -> None:
    a = asset(id="../../x/../y")
    record = store.save(a, raw(a), [PHOTO])
    assert store.path_of(record).resolve().is_relative_to(store.root / "originals")
    assert store.find(a) == record


# -- find() rejects what it cannot vouch for -------------------------------------------


def test_find_rejects_bytes_changed_after_the_fact(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), [PHOTO])
    path = store.path_of(record)
    path.write_bytes(PHOTO[:100] + b"X" + PHOTO[101:])  # same size, one byte different
    assert store.find(a) is None
    assert not store.check(record)


def test_find_rejects_a_truncated_file(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), [PHOTO])
    store.path_of(record).write_bytes(PHOTO[:-1])
    assert store.find(a) is None


def test_find_rejects_a_data_file_without_sidecar(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), [PHOTO])
    (store.root / (record.path + ".json")).unlink()
    assert store.find(a) is None


def test_find_rejects_a_sidecar_that_vouches_for_a_different_checksum(store: BackupStore) -> None:
    a = asset()
    store.save(a, raw(a), [PHOTO])
    # The server now reports another checksum for this asset: our copy is not of that original.
    assert store.find(asset(checksum=b64sha1(b"something else"))) is None
    assert store.find(asset(file_size=len(PHOTO) + 5)) is None


def test_find_rejects_an_edited_sidecar(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), [PHOTO])
    sidecar_path = store.root / (record.path + ".json")
    doc = json.loads(sidecar_path.read_text())
    doc["sha256"] = "0" * 64
    sidecar_path.write_text(json.dumps(doc))
    assert store.find(a) is None
    sidecar_path.write_text("{not json")
    assert store.find(a) is None


def test_an_uncommitted_leftover_is_replaced_by_a_real_backup(store: BackupStore) -> None:
    """A crash between the rename and the sidecar leaves a bare data file; it is no backup."""
    a = asset()
    leftover = store.root / "originals" / "ab" / "IMG_1234.HEIC"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half of something")
    assert store.find(a) is None
    record = store.save(a, raw(a), [PHOTO])
    assert record.path == "originals/ab/IMG_1234.HEIC"
    assert leftover.read_bytes() == PHOTO
    assert store.find(a) == record


def test_a_tampered_backup_is_replaced_on_the_next_save(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), [PHOTO])
    store.path_of(record).write_bytes(b"garbage")
    assert store.find(a) is None
    again = store.save(a, raw(a), [PHOTO])
    assert again.path == record.path
    assert store.find(a) == again


# -- external-library assets ------------------------------------------------------------


def library_asset(data: bytes = PHOTO, **kw: object) -> AssetFacts:
    path = "/mnt/external/2019/DSC_0042.NEF"
    fields: dict[str, object] = {
        "name": "DSC_0042.NEF",
        "library_id": "lib-1",
        "original_path": path,
        "checksum": b64sha1(b"path:" + path.encode()),  # a path hash, not a content hash
    }
    fields.update(kw)
    return asset(data, **fields)  # type: ignore[arg-type]


def test_an_external_library_asset_is_verified_by_size_and_our_own_hash(store: BackupStore) -> None:
    a = library_asset()
    record = store.save(a, raw(a), chunks(PHOTO), expected_size=len(PHOTO))
    assert record.verified_by == VERIFIED_BY_OWN_HASH
    assert record.sha1_b64 == b64sha1(PHOTO) != a.checksum
    assert record.sha256_hex == hashlib.sha256(PHOTO).hexdigest()
    assert store.find(a) == record
    sidecar = json.loads((store.root / (record.path + ".json")).read_text())
    assert sidecar["verified_by"] == "size+own-hash"
    assert sidecar["immich_checksum"] == a.checksum


def test_an_external_library_asset_of_the_wrong_size_is_refused(store: BackupStore) -> None:
    a = library_asset()
    with pytest.raises(ChecksumMismatch):
        store.save(a, raw(a), [PHOTO[:-1]], expected_size=len(PHOTO))
    with pytest.raises(ChecksumMismatch):
        store.save(a, raw(a), [PHOTO + b"!"])  # file_size from exifInfo disagrees
    assert all_files(store.root) == []


def test_a_tampered_external_library_backup_is_rejected(store: BackupStore) -> None:
    a = library_asset()
    record = store.save(a, raw(a), [PHOTO])
    store.path_of(record).write_bytes(PHOTO[::-1])  # same size, other bytes
    assert store.find(a) is None


# -- secrets ----------------------------------------------------------------------------


def test_a_sidecar_that_would_contain_the_api_key_is_refused(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "b", forbidden=[SENTINEL_KEY])
    a = asset()
    leaky = {**raw(a), "note": f"x-api-key: {SENTINEL_KEY}"}
    with pytest.raises(BackupError) as info:
        store.save(a, leaky, [PHOTO])
    assert SENTINEL_KEY not in str(info.value)
    assert all_files(store.root) == []


def test_nothing_the_store_writes_contains_the_api_key(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "b", forbidden=[SENTINEL_KEY])
    for i, data in enumerate([PHOTO, PHOTO[::-1]]):
        a = asset(data, id=f"ab{i:02d}0000-0000-0000-0000-000000000000")
        store.save(a, raw(a), [data])
    for path in store.root.rglob("*"):
        if path.is_file():
            assert SENTINEL_KEY.encode() not in path.read_bytes()


# -- worker threads ---------------------------------------------------------------------


def test_concurrent_saves_of_same_named_assets_never_share_a_file(store: BackupStore) -> None:
    """Downloads run in worker threads; all reach the same name at once, then commit."""
    n = 6
    barrier = threading.Barrier(n, timeout=30)
    payloads = [PHOTO + bytes([i]) * (i + 1) for i in range(n)]
    assets = [asset(p, id=f"ab{i:02d}0000-0000-0000-0000-00000000000{i}") for i, p in enumerate(payloads)]

    def body(data: bytes) -> Iterator[bytes]:
        yield data[:100]
        barrier.wait()  # every save has chosen its name and is mid-write
        yield data[100:]

    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(store.save, a, raw(a), body(p)) for a, p in zip(assets, payloads, strict=True)]
        records = [f.result() for f in futures]

    assert len({r.path for r in records}) == n
    for a, p, r in zip(assets, payloads, records, strict=True):
        assert store.path_of(r).read_bytes() == p
        assert store.find(a) == r
    assert len(all_files(store.root)) == 2 * n


def test_concurrent_saves_of_one_asset_leave_one_good_backup(store: BackupStore) -> None:
    a = asset()
    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda _: store.save(a, raw(a), chunks(PHOTO, 997)), range(8)))
    assert {r.path for r in records} == {"originals/ab/IMG_1234.HEIC"}
    assert store.find(a) == records[-1]
    assert all_files(store.root) == ["originals/ab/IMG_1234.HEIC", "originals/ab/IMG_1234.HEIC.json"]


def test_the_storage_layer_cannot_reach_the_settings_that_hold_the_api_key() -> None:
    """backup/journal/durable write what callers pass; they never import settings."""
    import ast

    package = Path(backup_mod.__file__).parent
    for name in ("backup.py", "journal.py", "durable.py"):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not any("settings" in module or "connection" in module for module in imported), name
