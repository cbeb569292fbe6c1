"""backup: durability as one barrier per batch, and records that hash only what verifies them.

``save(sync=False)`` commits a verified backup in the directory without fsyncing it;
``sync_files`` + ``sync_dirs`` are the barrier that must run before anything relies on it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

from immich_dedupe import backup as backup_mod
from immich_dedupe import durable
from immich_dedupe.backup import VERIFIED_BY_CHECKSUM, VERIFIED_BY_OWN_HASH, BackupRecord, BackupStore
from immich_dedupe.errors import BackupError
from tests.unit.test_backup import PHOTO, all_files, asset, b64sha1, chunks, library_asset, raw

OTHER = b"\x89PNG" + bytes(range(255, -1, -1)) * 300


class Syncs:
    """Records every fsync the backup module asks for (and still performs it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[Path] = []
        self.dirs: list[Path] = []

        def fsync_path(path: Path, **kw: object) -> None:
            self.files.append(Path(path))
            durable.fsync_path(path, **kw)  # type: ignore[arg-type]

        def fsync_dir(path: Path) -> None:
            self.dirs.append(Path(path))
            durable.fsync_dir(path)

        monkeypatch.setattr(backup_mod, "fsync_path", fsync_path)
        monkeypatch.setattr(backup_mod, "fsync_dir", fsync_dir)

    def clear(self) -> None:
        self.files.clear()
        self.dirs.clear()


@pytest.fixture
def store(tmp_path: Path) -> BackupStore:
    return BackupStore(tmp_path / "backup")


def test_an_unsynced_save_fsyncs_nothing_and_the_barrier_fsyncs_each_file_and_directory_once(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    assets = [
        asset(PHOTO, id="ab000000-0000-4000-8000-000000000001", name="one.jpg"),
        asset(OTHER, id="ab000000-0000-4000-8000-000000000002", name="two.png"),
        asset(PHOTO + b"3", id="cd000000-0000-4000-8000-000000000003", name="three.jpg"),
    ]
    records = [
        store.save(a, raw(a), chunks(a_bytes), sync=False)
        for a, a_bytes in zip(assets, (PHOTO, OTHER, PHOTO + b"3"), strict=True)
    ]
    assert syncs.files == [] and syncs.dirs == []
    # Committed in the directory already: a resumed run would find (and re-hash) them.
    assert [BackupStore(store.root).find(a) for a in assets] == records

    for record in records:
        store.sync_files(record)
    store.sync_dirs(store.barrier_dirs(records))

    data = [store.path_of(r) for r in records]
    assert sorted(syncs.files) == sorted([*data, *(p.with_name(p.name + ".json") for p in data)])
    originals = store.root / "originals"
    assert sorted(syncs.dirs) == sorted([store.root, originals, originals / "ab", originals / "cd"])
    # Deepest first: a directory is synced before the one that holds its entry.
    assert syncs.dirs.index(originals / "ab") < syncs.dirs.index(originals) < syncs.dirs.index(store.root)


def test_a_default_save_is_durable_before_it_returns(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    a = asset()
    record = store.save(a, raw(a), chunks(PHOTO))
    path = store.path_of(record)
    assert syncs.files == [path, path.with_name(path.name + ".json")]
    assert path.parent in syncs.dirs and store.root in syncs.dirs


def test_a_failed_fsync_at_the_barrier_withdraws_the_backup(
    store: BackupStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = asset()
    record = store.save(a, raw(a), chunks(PHOTO), sync=False)

    def broken(path: Path, **kw: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(backup_mod, "fsync_path", broken)
    with pytest.raises(BackupError) as info:
        store.sync_files(record)
    assert "Input/output error" in str(info.value) and "nothing was deleted" in str(info.value)
    # After a failed fsync the page cache may hold bytes the disk never got: not a backup any more.
    assert all_files(store.root) == []
    monkeypatch.undo()
    assert store.find(a) is None


def test_the_barrier_never_vouches_for_a_file_that_replaced_the_one_saved(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), chunks(PHOTO), sync=False)
    path = store.path_of(record)
    impostor = path.with_name("impostor")
    impostor.write_bytes(PHOTO)  # even the same bytes: they are not the file that was verified
    os.replace(impostor, path)
    with pytest.raises(BackupError) as info:
        store.sync_files(record)
    assert "replaced" in str(info.value)
    assert path.read_bytes() == PHOTO  # not ours to remove


def test_a_backup_found_on_disk_can_be_synced_by_a_new_store(store: BackupStore) -> None:
    """A killed run may have left a committed but unsynced backup; the next run reuses it only
    through the same barrier."""
    a = asset()
    store.save(a, raw(a), chunks(PHOTO), sync=False)
    again = BackupStore(store.root)
    found = again.find(a)
    assert found is not None
    again.sync_files(found)
    again.sync_dirs(again.barrier_dirs([found]))
    assert again.find(a) == found


# -- hashes recorded --------------------------------------------------------------------------


def test_an_external_library_backup_still_records_our_sha256(store: BackupStore) -> None:
    a = library_asset()
    record = store.save(a, raw(a), chunks(PHOTO), sync=False)
    assert record.sha256_hex == hashlib.sha256(PHOTO).hexdigest()
    assert record.verified_by == VERIFIED_BY_OWN_HASH


def test_an_older_sidecar_with_sha256_is_still_found_and_its_sha256_checked(store: BackupStore) -> None:
    a = asset()
    record = store.save(a, raw(a), chunks(PHOTO))
    sidecar_path = store.root / (record.path + ".json")
    doc = json.loads(sidecar_path.read_text())
    doc["format"] = 1
    doc["sha256"] = hashlib.sha256(PHOTO).hexdigest()  # what format 1 recorded for every backup
    sidecar_path.write_text(json.dumps(doc))
    found = BackupStore(store.root).find(a)
    assert found is not None and found.sha256_hex == doc["sha256"]

    doc["sha256"] = hashlib.sha256(b"other bytes").hexdigest()
    sidecar_path.write_text(json.dumps(doc))
    assert BackupStore(store.root).find(a) is None


def test_a_record_without_sha256_is_valid_only_when_immichs_checksum_verified_it() -> None:
    fields = {"asset_id": "a1", "path": "originals/a1/x.jpg", "size": 3, "sha1": b64sha1(b"abc")}
    record = BackupRecord.from_json({**fields, "verified_by": VERIFIED_BY_CHECKSUM})
    assert record.sha256_hex is None
    assert "sha256" not in record.to_json()
    assert BackupRecord.from_json(record.to_json()) == record
    with pytest.raises(ValueError, match="sha256"):
        BackupRecord.from_json({**fields, "verified_by": VERIFIED_BY_OWN_HASH})
    with pytest.raises(ValueError):
        BackupRecord.from_json({**fields, "verified_by": VERIFIED_BY_CHECKSUM, "sha256": 7})
    old = BackupRecord.from_json({**fields, "verified_by": VERIFIED_BY_CHECKSUM, "sha256": "0" * 64})
    assert old.to_json()["sha256"] == "0" * 64


# -- durable's deferred steps ------------------------------------------------------------------


def test_write_unsynced_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "doc.json"
    target.write_bytes(b"old")
    durable.write_unsynced(target, b"new", mode=0o600)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]
    assert target.stat().st_mode & 0o777 == 0o600


def test_fsync_path_refuses_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_bytes(b"x")
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(OSError):
        durable.fsync_path(tmp_path / "link")
    st = real.stat()
    durable.fsync_path(real, identity=(st.st_dev, st.st_ino))


def test_a_symlink_planted_beside_earlier_backups_is_still_refused(
    store: BackupStore, tmp_path: Path
) -> None:
    """The store remembers directories it has walked; a name planted in one later is still checked."""
    first = asset(PHOTO, id="ab000000-0000-4000-8000-000000000001", name="one.jpg")
    store.save(first, raw(first), chunks(PHOTO))
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"not yours")
    (store.root / "originals" / "ab" / "two.jpg").symlink_to(outside)
    second = asset(OTHER, id="ab000000-0000-4000-8000-000000000002", name="two.jpg")
    with pytest.raises(BackupError, match="outside"):
        store.save(second, raw(second), chunks(OTHER))
    assert outside.read_bytes() == b"not yours"


def test_a_directory_symlink_planted_after_the_store_walked_originals_is_refused(
    store: BackupStore, tmp_path: Path
) -> None:
    first = asset(PHOTO, id="ab000000-0000-4000-8000-000000000001", name="one.jpg")
    store.save(first, raw(first), chunks(PHOTO))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (store.root / "originals" / "cd").symlink_to(elsewhere, target_is_directory=True)
    second = asset(OTHER, id="cd000000-0000-4000-8000-000000000002", name="two.jpg")
    with pytest.raises(BackupError, match="outside"):
        store.save(second, raw(second), chunks(OTHER))
    assert list(elsewhere.iterdir()) == []
