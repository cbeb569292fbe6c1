"""Verified, durable backups of originals: nothing is deleted until its backup is committed here.

Layout under the backup root::

    originals/<2-char asset-id prefix>/<sanitised file name>        the original's bytes (0600)
    originals/<2-char asset-id prefix>/<sanitised file name>.json   its sidecar (0600)

The sidecar is the commit marker. ``save`` writes the bytes to a ``.part`` temp file in the
target directory (exclusive create), hashing while writing; checks size and SHA-1 against what
Immich reports; renames it over the final name; and only then writes the sidecar (temp file +
rename). A data file without a valid sidecar is therefore *not* a backup, whatever it contains.

Durability is a separate step, so that a batch of backups pays for one barrier rather than
four fsyncs each: ``save(..., sync=False)`` returns once the backup is committed in the
directory but not yet fsynced; ``sync_files`` (the data file and its sidecar, per record) and
``sync_dirs`` (each directory holding them, once) make it durable, and only then may anything
rely on it (execute journals it and deletes the original only after both). ``save`` with the
default ``sync=True`` does both before returning. A crash (power loss) before the barrier can
leave a sidecar beside missing or partial bytes; that is harmless because nothing was deleted
yet and ``find`` re-hashes every backup before trusting it, so the asset is downloaded again.
If an fsync fails, the backup is withdrawn (sidecar, then data file): after a failed fsync the
page cache may still show bytes that never reached the disk, so a re-hash could not be trusted.

Verification: uploaded assets are verified by Immich's ``checksum`` (base64 SHA-1 of the
bytes); that SHA-1, computed while writing, is the only hash recorded for them. External-library
assets carry ``sha1("path:" + originalPath)`` instead (a path hash, by design upstream), so for
them we check the size (Content-Length and ``exifInfo.fileSizeInByte`` where known) and record
our own SHA-1 and SHA-256 (``verified_by = "size+own-hash"``). Sidecars and journal records of
older versions carry a SHA-256 for every backup; whatever hashes a record holds are all checked.

``find`` re-hashes a backup already on disk before trusting it. That costs one sequential read
of the file, which is cheaper and safer than a fresh download, and catches bytes changed or
truncated after the fact.

A store may be shared by worker threads: ``save`` reserves its target name, so two assets with
the same file name never write to one path, and saves of one asset are serialised.

Sidecars hold the asset's metadata exactly as Immich returned it (the caller's raw JSON), and
never settings or credentials; values the caller declares ``forbidden`` (the API key) are
refused before anything is written.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from immich_dedupe.durable import (
    HashingWriter,
    fsync_dir,
    fsync_path,
    open_exclusive,
    replace_unsynced,
    safe_unlink,
    write_unsynced,
)
from immich_dedupe.errors import BackupError, ChecksumMismatch
from immich_dedupe.facts import AssetFacts

__all__ = [
    "SIDECAR_FORMAT",
    "VERIFIED_BY_CHECKSUM",
    "VERIFIED_BY_OWN_HASH",
    "BackupRecord",
    "BackupStore",
    "safe_file_name",
]

VERIFIED_BY_CHECKSUM = "checksum"
VERIFIED_BY_OWN_HASH = "size+own-hash"
# 2: ``sha256`` only for external-library assets (format 1 had it for every backup); both read.
SIDECAR_FORMAT = 2
ORIGINALS = "originals"

_MAX_NAME_BYTES = 150  # leaves room for a collision suffix, ".json", ".part" within 255 bytes
_MAX_EXT_BYTES = 16
_WINDOWS_HOSTILE = re.compile(r'[<>:"|?*]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
# Our own bookkeeping suffixes: a data file must never be mistaken for a sidecar or temp file.
_OWN_SUFFIXES = (".json", ".part", ".tmp")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_READ_CHUNK = 1 << 20


@attrs.frozen(kw_only=True)
class BackupRecord:
    """A committed, verified backup. ``path`` is POSIX-style, relative to the backup root."""

    asset_id: str
    path: str
    size: int
    sha1_b64: str
    # Our own SHA-256: always for external-library assets (it is their verification), never
    # for new checksum-verified backups (Immich's SHA-1 is); older records may have it anyway.
    sha256_hex: str | None = None
    verified_by: str  # VERIFIED_BY_CHECKSUM | VERIFIED_BY_OWN_HASH

    def to_json(self) -> dict[str, Any]:
        """The fields as the journal's ``backup`` event and the sidecar spell them."""
        doc: dict[str, Any] = {
            "asset_id": self.asset_id,
            "path": self.path,
            "size": self.size,
            "sha1": self.sha1_b64,
            "verified_by": self.verified_by,
        }
        if self.sha256_hex is not None:
            doc["sha256"] = self.sha256_hex
        return doc

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BackupRecord:
        """Inverse of ``to_json``; ValueError when a field is missing or of the wrong type."""
        try:
            record = cls(
                asset_id=data["asset_id"],
                path=data["path"],
                size=data["size"],
                sha1_b64=data["sha1"],
                sha256_hex=data.get("sha256"),
                verified_by=data["verified_by"],
            )
        except KeyError as err:
            raise ValueError(f"backup record lacks {err.args[0]!r}") from None
        strings = (record.asset_id, record.path, record.sha1_b64, record.verified_by)
        if not all(isinstance(v, str) for v in strings):
            raise ValueError("backup record has a non-string field")
        if record.sha256_hex is None:
            if record.verified_by == VERIFIED_BY_OWN_HASH:
                raise ValueError("backup record verified by our own hash lacks 'sha256'")
        elif not isinstance(record.sha256_hex, str):
            raise ValueError("backup record has a non-string field")
        if not isinstance(record.size, int) or isinstance(record.size, bool) or record.size < 0:
            raise ValueError("backup record has an invalid size")
        if record.verified_by not in (VERIFIED_BY_CHECKSUM, VERIFIED_BY_OWN_HASH):
            raise ValueError(f"backup record has an unknown verification {record.verified_by!r}")
        return record


def _safe_id(asset_id: str) -> str:
    """The asset id as a path component; ids that are not plain tokens are hashed."""
    if _SAFE_ID.fullmatch(asset_id):
        return asset_id
    return hashlib.sha256(asset_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _trim_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def _split_ext(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > _MAX_EXT_BYTES or " " in ext:
        return name, ""
    return stem, "." + ext


def safe_file_name(name: str, asset_id: str, *, suffix: str = "") -> str:
    """A file name safe to create inside a directory, derived from a server-given name.

    Strips directories (``../``, absolute paths, backslashes), control and format characters,
    characters Windows filesystems reject, leading dots and trailing dots/spaces; renames
    reserved device names; keeps the extension when shortening an over-long name; appends
    ``.bin`` to names ending in our own bookkeeping suffixes; an empty result becomes the
    asset id. ``suffix`` (e.g. ``"_<asset id>"``) is inserted before the extension.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = _WINDOWS_HOSTILE.sub("_", name)
    name = name.strip().lstrip(". ").rstrip(". ")
    if not name:
        name = _safe_id(asset_id)
    if name.split(".", 1)[0].strip().upper() in _RESERVED:
        name = "_" + name
    if name.lower().endswith(_OWN_SUFFIXES):
        name += ".bin"
    stem, ext = _split_ext(name)
    budget = _MAX_NAME_BYTES - len(ext.encode("utf-8")) - len(suffix.encode("utf-8"))
    stem = _trim_utf8(stem, max(budget, 1)).rstrip(". ") or "_"
    return stem + suffix + ext


@functools.lru_cache(maxsize=4096)  # find and save ask for the same asset's names in turn
def _candidate_paths(asset_id: str, base: str) -> tuple[PurePosixPath, PurePosixPath]:
    sid = _safe_id(asset_id)
    folder = PurePosixPath(ORIGINALS, sid[:2].lower())
    return (
        folder / safe_file_name(base, asset_id),
        folder / safe_file_name(base, asset_id, suffix=f"_{sid}"),
    )


def _expected_sha1(checksum: str) -> bytes | None:
    """Immich's checksum as 20 raw bytes: base64 (what servers send), or hex as a courtesy."""
    text = checksum.strip()
    if re.fullmatch(r"[0-9a-fA-F]{40}", text):
        return bytes.fromhex(text)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 20 else None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class BackupStore:
    """The backup directory. Construct it before any network work: it fails fast if unusable.

    ``forbidden`` are values (the API key) that must never be written; a sidecar that would
    contain one is refused with ``BackupError``.
    """

    def __init__(self, root: Path, *, forbidden: Collection[str] = ()) -> None:
        root = Path(root).expanduser()
        self._forbidden = tuple(v for v in forbidden if v)
        try:
            if not root.exists():
                root.mkdir(mode=0o700, parents=True)
                root.chmod(0o700)
                fsync_dir(root.parent)
            elif not root.is_dir():
                raise BackupError(f"the backup directory {root} exists but is not a directory")
            probe = root / f".write-probe-{secrets.token_hex(4)}"
            with open_exclusive(probe) as f:
                f.write(b"probe")
            safe_unlink(probe)
        except OSError as err:
            raise BackupError(
                f"the backup directory {root} is not usable: {err.strerror or err}; "
                "choose a writable --backup-dir"
            ) from err
        self.root = root.resolve()
        # Saves may run in worker threads: slot choice is serialised, slots are reserved.
        self._lock = threading.Lock()
        self._reserved: dict[str, str] = {}  # case-folded relative path → asset id saving there
        self._asset_locks: dict[str, threading.Lock] = {}
        # (st_dev, st_ino) of data files saved unsynced, so a sync never vouches for another file.
        self._written: dict[str, tuple[int, int]] = {}
        self._plain_dirs: set[Path] = set()  # directories under the root with no symlink on the way

    # -- queries -----------------------------------------------------------------------

    def free_bytes(self) -> int:
        """Free space on the backup filesystem, for the pre-start check."""
        return shutil.disk_usage(self.root).free

    def path_of(self, record: BackupRecord) -> Path:
        """Absolute path of a record's data file (checked to lie inside the root)."""
        return self._inside(PurePosixPath(record.path))

    def find(self, asset: AssetFacts) -> BackupRecord | None:
        """A verified backup of ``asset`` already on disk, or None.

        Verified means: a sidecar naming this asset, a regular file of the recorded size (and
        of ``asset.file_size`` when known), whose bytes re-hash to the recorded SHA-1 (and
        SHA-256, where recorded); and, unless the asset is in an external library, that SHA-1
        is Immich's checksum. Costs one full read of the file.
        """
        candidates = self._candidates(asset)
        if not os.path.lexists(self.root.joinpath(*candidates[0].parent.parts)):
            return None  # its folder does not exist: the common case on a first run
        for rel in candidates:
            sidecar = self._read_sidecar(self._inside(rel))
            if sidecar is None or sidecar.get("asset_id") != asset.id:
                continue
            try:
                record = BackupRecord.from_json(sidecar)
            except ValueError:
                continue
            if record.path == rel.as_posix() and self._verifies(asset, record):
                return record
        return None

    def check(self, record: BackupRecord) -> bool:
        """Whether the record's file is still present, of its size, with its hashes."""
        return self._rehash_matches(record)

    def remove_leftovers(self) -> int:
        """Delete the temp files of saves that a killed run never finished; returns how many.

        Under ``originals/`` a name that starts with a dot and ends in ``.part`` or ``.tmp`` is
        always one of ours (``safe_file_name`` never yields either), so nothing else is touched.
        Call it only while holding the run lock: a save in progress has a temp file just like these.
        """
        originals = self.root / ORIGINALS
        if not originals.is_dir() or originals.is_symlink():
            return 0
        removed = 0
        for folder in originals.iterdir():
            if folder.is_symlink() or not folder.is_dir():
                continue
            for entry in folder.iterdir():
                name = entry.name
                if name.startswith(".") and name.endswith((".part", ".tmp")) and not entry.is_symlink():
                    safe_unlink(entry)
                    removed += 1
        return removed

    # -- save --------------------------------------------------------------------------

    def save(
        self,
        asset: AssetFacts,
        raw_metadata: Mapping[str, Any],
        chunks: Iterable[bytes],
        *,
        expected_size: int | None = None,
        sync: bool = True,
    ) -> BackupRecord:
        """Stream ``chunks`` into a verified, committed backup of ``asset``.

        ``expected_size`` is the download's Content-Length when known. Raises
        ``ChecksumMismatch`` (size or SHA-1 wrong; nothing kept), ``BackupError`` (disk
        errors; nothing kept), or whatever the chunk iterator raises (a cut connection;
        nothing kept). Never leaves a ``.part`` file behind.

        With ``sync=False`` nothing is fsynced: the caller must pass the record to
        ``sync_files`` and its directories to ``sync_dirs`` (see ``barrier_dirs``) before
        anything relies on it. Call ``find`` first: a save replaces this asset's earlier backup
        (same name) in place, withdrawing its sidecar before the new bytes land.
        """
        library = asset.library_id is not None
        expected_sha1 = None if library else _expected_sha1(asset.checksum)
        label = f"asset {asset.id} ({asset.original_file_name or 'no file name'})"
        if not library and expected_sha1 is None:
            raise ChecksumMismatch(
                f"cannot verify a backup of {label}: Immich reported no usable checksum "
                f"({asset.checksum!r}); nothing was deleted"
            )
        with self._asset_lock(asset.id):
            with self._reserve_slot(asset) as rel:
                record = self._save_into(
                    rel, asset, raw_metadata, chunks, expected_size, expected_sha1, label
                )
            if sync:
                self._sync_files(record)
        if sync:
            self.sync_dirs(self.barrier_dirs([record]))
        return record

    # -- durability --------------------------------------------------------------------

    def barrier_dirs(self, records: Iterable[BackupRecord]) -> set[Path]:
        """The directories to fsync once the records' files are synced: each one holding a
        data file and sidecar, and the ones above it up to the root (which saves may have
        created)."""
        dirs = {self.root, self.root / ORIGINALS}
        for record in records:
            dirs.add(self.path_of(record).parent)
        return dirs

    def sync_files(self, record: BackupRecord) -> None:
        """fsync a record's data file and sidecar (a backup found on disk too: a killed run may
        have left it unsynced). On failure the backup is withdrawn and ``BackupError`` raised;
        thread-safe, and serialised with saves of the same asset."""
        with self._asset_lock(record.asset_id):
            self._sync_files(record)

    def _sync_files(self, record: BackupRecord) -> None:
        path = self.path_of(record)
        try:
            fsync_path(path, identity=self._written.get(record.path))
            fsync_path(path.with_name(path.name + ".json"))
        except OSError as err:
            if err.errno != errno.ESTALE:  # else the name holds another save's file: not ours
                self.withdraw(record)
            raise self._sync_error(record, path, err) from err
        self._written.pop(record.path, None)

    def sync_dirs(self, dirs: Iterable[Path]) -> None:
        """fsync each directory once; ``OSError`` propagates (the caller withdraws what is in it)."""
        for directory in sorted(dirs, key=lambda d: len(d.parts), reverse=True):
            fsync_dir(directory)

    def withdraw(self, record: BackupRecord) -> None:
        """Remove a backup that cannot be trusted to be durable: commit marker first."""
        path = self.path_of(record)
        for leftover in (path.with_name(path.name + ".json"), path):
            with contextlib.suppress(OSError):
                safe_unlink(leftover)
        self._written.pop(record.path, None)

    def _sync_error(self, record: BackupRecord, path: Path, err: OSError) -> BackupError:
        hint = " (the disk is full)" if err.errno == errno.ENOSPC else ""
        return BackupError(
            f"backup of asset {record.asset_id} failed: could not flush {path} to disk: "
            f"{err.strerror or err}{hint}; it was removed and nothing was deleted"
        )

    # -- save internals ----------------------------------------------------------------

    def _save_into(
        self,
        rel: PurePosixPath,
        asset: AssetFacts,
        raw_metadata: Mapping[str, Any],
        chunks: Iterable[bytes],
        expected_size: int | None,
        expected_sha1: bytes | None,
        label: str,
    ) -> BackupRecord:
        """Write, verify, rename into place and write the sidecar; no fsync (see ``sync_files``)."""
        library = asset.library_id is not None
        dest = self._inside(rel)
        sidecar_path = dest.with_name(dest.name + ".json")
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
        committed = renamed = False
        disk_full = False
        try:
            try:
                self._ensure_dirs(dest.parent)
                f = open_exclusive(tmp)
            except OSError as err:
                raise self._disk_error(label, "could not create a file in", dest.parent, err) from err
            with f:
                # SHA-256 only where it is the verification: hashing costs as much as writing.
                writer = HashingWriter(f, sha256=library)
                for chunk in chunks:
                    try:
                        writer.write(chunk)
                    except OSError as err:
                        disk_full = err.errno == errno.ENOSPC
                        raise self._disk_error(label, "could not write", tmp, err) from err
                self._check_download(asset, label, writer, expected_size, expected_sha1)
                try:
                    f.flush()
                    st = os.fstat(f.fileno())
                except OSError as err:
                    disk_full = err.errno == errno.ENOSPC
                    raise self._disk_error(label, "could not flush", tmp, err) from err
            record = BackupRecord(
                asset_id=asset.id,
                path=rel.as_posix(),
                size=writer.size,
                sha1_b64=writer.sha1_b64(),
                sha256_hex=writer.sha256_hex() if library else None,
                verified_by=VERIFIED_BY_OWN_HASH if library else VERIFIED_BY_CHECKSUM,
            )
            sidecar = self._sidecar_bytes(asset, record, raw_metadata, dest.name)
            try:
                # Withdraw an old commit marker before its data file changes underneath it.
                if sidecar_path.exists():
                    safe_unlink(sidecar_path)
                    fsync_dir(dest.parent)
                replace_unsynced(tmp, dest)
                renamed = True
                self._written[record.path] = (st.st_dev, st.st_ino)
                write_unsynced(sidecar_path, sidecar, mode=0o600)
            except OSError as err:
                disk_full = err.errno == errno.ENOSPC
                raise self._disk_error(label, "could not commit", dest, err) from err
            committed = True
            return record
        finally:
            if not committed:
                for leftover in (tmp, dest) if renamed else (tmp,):
                    with contextlib.suppress(OSError):
                        safe_unlink(leftover, truncate_first=disk_full)

    # -- internals ---------------------------------------------------------------------

    def _check_download(
        self,
        asset: AssetFacts,
        label: str,
        writer: HashingWriter,
        expected_size: int | None,
        expected_sha1: bytes | None,
    ) -> None:
        for source, size in (("Content-Length", expected_size), ("Immich's file size", asset.file_size)):
            if size is not None and writer.size != size:
                raise ChecksumMismatch(
                    f"backup of {label} failed verification: received {writer.size} bytes, "
                    f"expected {size} ({source}); the download was discarded and nothing was deleted"
                )
        if expected_sha1 is not None and writer.sha1_digest() != expected_sha1:
            raise ChecksumMismatch(
                f"backup of {label} failed verification: SHA-1 {writer.sha1_b64()} but Immich "
                f"reports {asset.checksum}; the download was discarded and nothing was deleted"
            )

    def _sidecar_bytes(
        self, asset: AssetFacts, record: BackupRecord, raw: Mapping[str, Any], file_name: str
    ) -> bytes:
        doc = {
            "format": SIDECAR_FORMAT,
            **record.to_json(),
            "file_name": file_name,
            "original_file_name": asset.original_file_name,
            "immich_checksum": asset.checksum,
            "verified_at": _now(),
            "asset": dict(raw),
        }
        data = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
        self._refuse_secrets(data, f"the sidecar of asset {asset.id}")
        return data

    def _refuse_secrets(self, data: bytes, what: str) -> None:
        for value in self._forbidden:
            forms = {value, json.dumps(value, ensure_ascii=False)[1:-1]}
            if any(form.encode("utf-8") in data for form in forms):
                raise BackupError(f"refusing to write {what}: it would contain a secret (the API key)")

    def _disk_error(self, label: str, action: str, path: Path, err: OSError) -> BackupError:
        hint = " (the disk is full)" if err.errno == errno.ENOSPC else ""
        return BackupError(
            f"backup of {label} failed: {action} {path}: {err.strerror or err}{hint}; nothing was deleted"
        )

    def _inside(self, rel: PurePosixPath) -> Path:
        """``rel`` under the root, refused if it resolves outside (a planted symlink).

        A directory found to hold no symlink on the way is remembered, so that later paths in
        it cost one ``lstat`` of their own name, not a walk of every component (and a path in a
        directory not created yet, one ``lstat`` of that directory).
        """
        path = self.root.joinpath(*rel.parts)
        parent = path.parent
        if parent in self._plain_dirs:
            if not os.path.islink(path):
                return path
        elif parent.parent in self._plain_dirs and not os.path.lexists(parent):
            return path  # its directory does not exist yet: nothing on the way can lead outside
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise BackupError(f"refusing a backup path outside {self.root}: {rel}")
        if resolved.parent == parent:  # no symlink on the way: remember the directories that exist
            walked = (parent, parent.parent)
            self._plain_dirs.update(d for d in walked if d.is_relative_to(self.root) and d.is_dir())
        return path

    def _ensure_dirs(self, directory: Path) -> None:
        missing = []
        while directory != self.root and not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for d in reversed(missing):
            with contextlib.suppress(FileExistsError):
                d.mkdir(mode=0o700)
                d.chmod(0o700)
        # No fsync here: a new directory is made durable with the files in it (``barrier_dirs``).

    def _candidates(self, asset: AssetFacts) -> tuple[PurePosixPath, PurePosixPath]:
        """Where this asset's backup may live: its own name, or suffixed with its id on collision."""
        base = asset.original_file_name or PurePosixPath(asset.original_path.replace("\\", "/")).name
        return _candidate_paths(asset.id, base)

    @contextlib.contextmanager
    def _asset_lock(self, asset_id: str) -> Iterator[None]:
        """Saves of one asset run one at a time (worker threads may race on a retry)."""
        with self._lock:
            lock = self._asset_locks.setdefault(asset_id, threading.Lock())
        with lock:
            yield

    @contextlib.contextmanager
    def _reserve_slot(self, asset: AssetFacts) -> Iterator[PurePosixPath]:
        """Choose this asset's slot and hold it until the save ends, so that a concurrent save
        of another asset with the same name cannot pick it (and overwrite our bytes) meanwhile.
        Keys are case-folded: the backup may live on a case-insensitive filesystem."""
        with self._lock:
            rel = self._slot_for(asset)
            key = rel.as_posix().casefold()
            self._reserved[key] = asset.id
        try:
            yield rel
        finally:
            with self._lock:
                self._reserved.pop(key, None)

    def _slot_for(self, asset: AssetFacts) -> PurePosixPath:
        """The candidate to write: one already holding this asset's sidecar, else a free one.

        A name whose sidecar belongs to another asset (or is unreadable), or that another save
        has reserved, is taken; a data file without a sidecar is an uncommitted leftover and
        may be overwritten. Call with ``self._lock`` held.
        """
        candidates = self._candidates(asset)
        owners: list[str | None] = []
        for rel in candidates:
            reserved = self._reserved.get(rel.as_posix().casefold())
            sidecar_path = self._inside(rel.with_name(rel.name + ".json"))
            if reserved is not None:
                owners.append(reserved)
            elif not sidecar_path.exists():
                owners.append(None)
            else:
                sidecar = self._read_sidecar(self._inside(rel))
                owners.append(sidecar.get("asset_id") if sidecar else "<unreadable>")
        for rel, owner in zip(candidates, owners, strict=True):
            if owner == asset.id:
                return rel
        for rel, owner in zip(candidates, owners, strict=True):
            if owner is None:
                return rel
        raise BackupError(
            f"cannot place a backup of asset {asset.id}: {candidates[-1]} already belongs to another asset"
        )

    def _read_sidecar(self, data_path: Path) -> dict[str, Any] | None:
        try:
            raw = data_path.with_name(data_path.name + ".json").read_bytes()
            doc = json.loads(raw)
        except (OSError, ValueError):
            return None
        return doc if isinstance(doc, dict) else None

    def _verifies(self, asset: AssetFacts, record: BackupRecord) -> bool:
        if asset.file_size is not None and asset.file_size != record.size:
            return False
        if asset.library_id is None:
            expected = _expected_sha1(asset.checksum)
            if expected is None or record.verified_by != VERIFIED_BY_CHECKSUM:
                return False
            if base64.b64encode(expected).decode("ascii") != record.sha1_b64:
                return False
        return self._rehash_matches(record)

    def _rehash_matches(self, record: BackupRecord) -> bool:
        try:
            path = self.path_of(record)
            if not path.is_file() or path.is_symlink() or path.stat().st_size != record.size:
                return False
            sha1 = hashlib.sha1(usedforsecurity=False)
            sha256 = hashlib.sha256() if record.sha256_hex is not None else None
            size = 0
            with path.open("rb") as f:
                for block in _blocks(f):
                    sha1.update(block)
                    if sha256 is not None:
                        sha256.update(block)
                    size += len(block)
        except (OSError, BackupError):
            return False
        return (
            size == record.size
            and base64.b64encode(sha1.digest()).decode("ascii") == record.sha1_b64
            and (sha256 is None or sha256.hexdigest() == record.sha256_hex)
        )


def _blocks(f: Any) -> Iterator[bytes]:
    while block := f.read(_READ_CHUNK):
        yield block
