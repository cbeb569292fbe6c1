"""The double's database and the server-side rules that act on it.

Everything here follows shared/docs/immich-behaviour.md (sections in comments), not convenience.
All public methods take ``self.lock``; records are frozen and replaced on change (see model.py).
Seeding helpers (``add_*``, ``make_group``) live here too so tests can build any state directly.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from tests.fake_immich.content import Content
from tests.fake_immich.model import (
    Album,
    ApiError,
    ApiKey,
    Asset,
    ServerSettings,
    Stack,
    Tag,
    User,
    normalise_exif,
    parse_time,
)

__all__ = ["DEFAULT_TIME", "State"]

DEFAULT_TIME = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
LISTED_VISIBILITY = ("timeline", "archive")
_MISSING: Any = object()

UserRef = User | str
AssetRef = Asset | str


def _id_of(ref: Any) -> str:
    return ref if isinstance(ref, str) else ref.id


def _no_access(permission: str) -> ApiError:
    return ApiError(400, f"Not found or no {permission} access")


class State:
    """Users, keys, assets, albums, tags and stacks, with Immich's rules for changing them."""

    def __init__(self, *, seed: int = 0, settings: ServerSettings | None = None) -> None:
        self.lock = threading.RLock()
        self.settings = settings or ServerSettings()
        self.users: dict[str, User] = {}
        self.api_keys: dict[str, ApiKey] = {}  # by secret
        self.sessions: dict[str, str] = {}  # bearer token -> user id
        self.assets: dict[str, Asset] = {}  # write only through _put/_drop (they keep _by_duplicate)
        self._by_duplicate: dict[str, set[str]] = {}
        self.albums: dict[str, Album] = {}
        self.tags: dict[str, Tag] = {}
        self.stacks: dict[str, Stack] = {}
        self.purged: dict[str, Asset] = {}  # permanently deleted, last state, in deletion order
        self.internal_errors: list[str] = []  # tracebacks of bugs in the double itself
        # asset id -> (record, (version, viewer), JSON) for GET /duplicates; see serialize.py
        self.listing_cache: dict[str, tuple[Asset, tuple[Any, str], bytes]] = {}
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self._ids = random.Random(seed)
        self._shuffle = random.Random(seed ^ 0x5EED)
        self._content_seed = random.Random(seed ^ 0xC0DE)
        self._counter = 0

    # ------------------------------------------------------------------ ids and lookups

    def new_id(self) -> str:
        """A random version-4 UUID, deterministic for the state's seed."""
        with self.lock:
            n = self._ids.getrandbits(128)
        # what uuid.UUID(int=n, version=4) does, without building the object (seeding makes 100k+)
        n = (n & ~(0xC000 << 48) | (0x8000 << 48)) & ~(0xF000 << 64) | (4 << 76)
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def asset(self, asset_id: str) -> Asset:
        """The current record of an asset (KeyError if it does not exist or was purged)."""
        return self.assets[asset_id]

    def user_assets(self, user: UserRef) -> list[Asset]:
        uid = _id_of(user)
        return [a for a in self.assets.values() if a.owner_id == uid]

    def trashed_ids(self) -> set[str]:
        return {a.id for a in self.assets.values() if a.is_trashed}

    def purged_ids(self) -> set[str]:
        return set(self.purged)

    def albums_of_asset(self, asset: AssetRef) -> list[Album]:
        aid = _id_of(asset)
        return [album for album in self.albums.values() if aid in album.asset_ids]

    def tag_values(self, asset: AssetRef) -> list[str]:
        return [self.tags[t].value for t in self.asset(_id_of(asset)).tag_ids if t in self.tags]

    def _put(self, asset: Asset) -> Asset:
        old = self.assets.get(asset.id)
        if old is not None and old.duplicate_id != asset.duplicate_id and old.duplicate_id is not None:
            members = self._by_duplicate.get(old.duplicate_id)
            if members is not None:
                members.discard(asset.id)
                if not members:
                    del self._by_duplicate[old.duplicate_id]
        if asset.duplicate_id is not None:
            self._by_duplicate.setdefault(asset.duplicate_id, set()).add(asset.id)
        self.assets[asset.id] = asset
        return asset

    def _drop(self, asset_id: str) -> Asset | None:
        old = self.assets.pop(asset_id, None)
        self.listing_cache.pop(asset_id, None)
        if old is not None and old.duplicate_id is not None:
            members = self._by_duplicate.get(old.duplicate_id)
            if members is not None:
                members.discard(asset_id)
                if not members:
                    del self._by_duplicate[old.duplicate_id]
        return old

    def _with_duplicate_id(self, duplicate_id: str) -> list[Asset]:
        return [self.assets[i] for i in self._by_duplicate.get(duplicate_id, ())]

    def _replace(self, asset: Asset, **changes: Any) -> Asset:
        return self._put(attrs.evolve(asset, updated_at=self.clock(), **changes))

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        is_admin: bool = False,
        id: str | None = None,
    ) -> User:
        with self.lock:
            self._counter += 1
            n = self._counter
            user = User(
                id=id or self.new_id(),
                email=email or f"user{n}@example.com",
                name=name or f"User {n}",
                is_admin=is_admin,
                created_at=DEFAULT_TIME,
            )
            self.users[user.id] = user
            return user

    def add_api_key(
        self,
        user: UserRef,
        permissions: Sequence[str] = ("all",),
        *,
        name: str = "immich-dedupe test key",
        secret: str | None = None,
    ) -> ApiKey:
        """A key for ``user``; ``permissions`` as in the spec's Permission enum (``all`` = every one)."""
        with self.lock:
            key = ApiKey(
                id=self.new_id(),
                name=name,
                secret=secret or secrets.token_urlsafe(32),
                user_id=_id_of(user),
                permissions=tuple(permissions),
                created_at=DEFAULT_TIME,
            )
            self.api_keys[key.secret] = key
            return key

    def add_session(self, user: UserRef, token: str | None = None) -> str:
        """A session token usable as ``Authorization: Bearer``; sessions are not scope-limited."""
        with self.lock:
            token = token or secrets.token_urlsafe(32)
            self.sessions[token] = _id_of(user)
            return token

    def add_asset(
        self,
        owner: UserRef,
        *,
        id: str | None = None,
        type: str = "IMAGE",
        file_name: str | None = None,
        original_path: str | None = None,
        data: bytes | None = None,
        size: int = 4096,
        seed: int | None = None,
        exif: Mapping[str, Any] | None = _MISSING,
        taken_at: dt.datetime | str | None = None,
        local_date_time: dt.datetime | str | None = None,
        created_at: dt.datetime | str | None = None,
        duplicate_id: str | None = None,
        is_favorite: bool = False,
        visibility: str = "timeline",
        rating: int | None = _MISSING,
        description: str | None = _MISSING,
        latitude: float | None = _MISSING,
        longitude: float | None = _MISSING,
        time_zone: str | None = _MISSING,
        tags: Iterable[Tag | str] = (),
        albums: Iterable[Album | str] = (),
        library_id: str | None = None,
        live_photo: bool | Mapping[str, Any] = False,
        live_photo_video_id: str | None = None,
        duration_ms: int | None = None,
        width: int | None = 4032,
        height: int | None = 3024,
        people: Sequence[Mapping[str, Any]] = (),
        trashed: bool = False,
        is_offline: bool = False,
    ) -> Asset:
        """Add one asset; see tests/fake_immich/README.md for every keyword.

        ``exif`` takes ExifResponseDto keys in camelCase or snake_case; missing keys are null;
        ``fileSizeInByte`` defaults to the real size of the bytes; ``exif=None`` = no EXIF row.
        ``rating``/``description``/``latitude``/``longitude``/``time_zone`` are shortcuts into exif.
        ``live_photo=True`` (or a dict of kwargs for the motion part) also adds the hidden video.
        """
        with self.lock:
            owner_id = _id_of(owner)
            if owner_id not in self.users:
                raise KeyError(f"unknown user {owner_id}")
            asset_id = id or self.new_id()
            self._counter += 1
            n = self._counter
            ext = ".mp4" if type == "VIDEO" else ".jpg"
            file_name = file_name or f"IMG_{n:05d}{ext}"
            if original_path is None and library_id:  # paths are unique within a library
                original_path = f"/mnt/external/photos/{asset_id[:8]}/{file_name}"
            elif original_path is None:
                original_path = f"/data/upload/{owner_id}/{asset_id[:2]}/{asset_id}{_ext(file_name)}"
            if data is not None:
                content = Content(data=data)
            else:
                content_seed = seed if seed is not None else self._content_seed.getrandbits(48)
                content = Content(size=size, seed=content_seed)
            when = parse_time(taken_at) if taken_at is not None else DEFAULT_TIME + dt.timedelta(minutes=n)
            local = parse_time(local_date_time) if local_date_time is not None else when
            exif_row: dict[str, Any] | None
            if exif is None:
                exif_row = None
            else:
                given = {} if exif is _MISSING else dict(exif)
                exif_row = normalise_exif(given)
                if not any(k in given for k in ("fileSizeInByte", "file_size_in_byte")):
                    exif_row["fileSizeInByte"] = content.size
                for field, value in (
                    ("rating", rating),
                    ("description", description),
                    ("latitude", latitude),
                    ("longitude", longitude),
                    ("timeZone", time_zone),
                ):
                    if value is not _MISSING:
                        exif_row[field] = value
            motion_id = live_photo_video_id
            if live_photo:
                motion_kwargs = dict(live_photo) if isinstance(live_photo, Mapping) else {}
                motion_kwargs.setdefault("type", "VIDEO")
                motion_kwargs.setdefault("visibility", "hidden")
                motion_kwargs.setdefault("file_name", _stem(file_name) + ".MOV")
                motion_kwargs.setdefault("size", max(1, size // 2))
                motion_kwargs.setdefault("taken_at", when)
                motion_kwargs.setdefault("duration_ms", 2900)
                motion_kwargs.setdefault("library_id", library_id)
                motion_id = self.add_asset(owner_id, **motion_kwargs).id
            now_created = parse_time(created_at) if created_at is not None else when + dt.timedelta(days=1)
            asset = Asset(
                id=asset_id,
                owner_id=owner_id,
                type=type,
                original_file_name=file_name,
                original_path=original_path,
                content=content,
                library_id=library_id,
                file_created_at=when,
                file_modified_at=when,
                local_date_time=local,
                created_at=now_created,
                updated_at=now_created,
                exif=exif_row,
                tag_ids=tuple(_id_of(t) for t in tags),
                people=tuple(people),
                live_photo_video_id=motion_id,
                is_favorite=is_favorite,
                visibility=visibility,
                duplicate_id=duplicate_id,
                deleted_at=now_created if trashed else None,
                status="trashed" if trashed else "active",
                duration_ms=duration_ms if duration_ms is not None else (5000 if type == "VIDEO" else None),
                width=width,
                height=height,
                thumbhash="1QcSHQRnh493V4dIh4eXh1h4kJUI",
                is_offline=is_offline,
            )
            self._put(asset)
            for album in albums:
                self._album_add(_id_of(album), [asset.id])
            return asset

    def make_group(
        self,
        owner: UserRef,
        members: int | Sequence[Mapping[str, Any]] = 2,
        *,
        duplicate_id: str | None = None,
        **common: Any,
    ) -> list[Asset]:
        """A duplicate group: ``members`` assets (a count, or one kwargs dict per asset, merged over
        ``common``) sharing a new duplicateId, taken one minute apart in the given order."""
        with self.lock:
            specs = [{} for _ in range(members)] if isinstance(members, int) else [dict(m) for m in members]
            gid = duplicate_id or self.new_id()
            base = parse_time(common.pop("taken_at", DEFAULT_TIME + dt.timedelta(days=len(self.assets))))
            out = []
            for i, spec in enumerate(specs):
                kwargs = {**common, **spec}
                kwargs.setdefault("taken_at", base + dt.timedelta(minutes=i))
                out.append(self.add_asset(owner, duplicate_id=gid, **kwargs))
            return out

    def add_album(
        self,
        owner: UserRef,
        name: str = "Album",
        assets: Iterable[AssetRef] = (),
        *,
        shared_with: Mapping[str, str] | None = None,
        description: str = "",
    ) -> Album:
        """An album; ``shared_with`` maps user ids to ``editor`` or ``viewer``."""
        with self.lock:
            album = Album(
                id=self.new_id(),
                owner_id=_id_of(owner),
                name=name,
                description=description,
                users=dict(shared_with or {}),
                created_at=DEFAULT_TIME,
                updated_at=DEFAULT_TIME,
            )
            self.albums[album.id] = album
            self._album_add(album.id, [_id_of(a) for a in assets])
            return self.albums[album.id]

    def add_tag(self, owner: UserRef, value: str, *, color: str | None = None) -> Tag:
        """A tag by full path (``Places/Paris``); parents are created as Immich does."""
        with self.lock:
            owner_id = _id_of(owner)
            for tag in self.tags.values():
                if tag.owner_id == owner_id and tag.value == value:
                    return tag
            parent_id = None
            if "/" in value:
                parent_id = self.add_tag(owner_id, value.rsplit("/", 1)[0]).id
            tag = Tag(
                id=self.new_id(),
                owner_id=owner_id,
                value=value,
                color=color,
                parent_id=parent_id,
                created_at=DEFAULT_TIME,
                updated_at=DEFAULT_TIME,
            )
            self.tags[tag.id] = tag
            return tag

    def add_stack(self, owner: UserRef, assets: Sequence[AssetRef]) -> Stack:
        with self.lock:
            return self._create_stack(_id_of(owner), [_id_of(a) for a in assets])

    def set_asset(self, asset: AssetRef, **changes: Any) -> Asset:
        """Test hook: change any field of an asset record directly (no rules applied)."""
        with self.lock:
            current = self.asset(_id_of(asset))
            return self._put(attrs.evolve(current, **changes))

    # ------------------------------------------------------------------ access (behaviour §5)

    def _owned(self, user_id: str, asset_id: str) -> Asset | None:
        """Owner access as API keys get it: locked assets never pass."""
        asset = self.assets.get(asset_id)
        if asset is None or asset.owner_id != user_id or asset.visibility == "locked":
            return None
        return asset

    def _readable(self, user_id: str, asset_id: str) -> Asset | None:
        """Owner (trashed included), or a member of an album holding it (not trashed)."""
        asset = self._owned(user_id, asset_id)
        if asset is not None:
            return asset
        asset = self.assets.get(asset_id)
        if asset is None or asset.is_trashed or asset.visibility == "locked":
            return None
        for album in self.albums_of_asset(asset_id):
            if album.owner_id == user_id or user_id in album.users:
                return asset
        return None

    def require_assets(self, user_id: str, ids: Iterable[str], permission: str) -> list[Asset]:
        """All-or-nothing owner check: one failing id fails the whole request (400)."""
        check = (
            self._readable if permission in ("asset.read", "asset.download", "asset.view") else self._owned
        )
        out = []
        for asset_id in dict.fromkeys(ids):
            asset = check(user_id, asset_id)
            if asset is None:
                raise _no_access(permission)
            out.append(asset)
        return out

    def _duplicate_access(self, user_id: str, duplicate_id: str) -> bool:
        return any(a.owner_id == user_id and not a.is_trashed for a in self._with_duplicate_id(duplicate_id))

    # ------------------------------------------------------------------ duplicates (behaviour §1, §3)

    def _group_members(self, user_id: str, duplicate_id: str | None = None) -> dict[str, list[Asset]]:
        """The caller's listable assets by duplicateId, each group ordered by localDateTime."""
        groups: dict[str, list[Asset]] = {}
        candidates = self.assets.values() if duplicate_id is None else self._with_duplicate_id(duplicate_id)
        for a in candidates:
            if (
                a.owner_id == user_id
                and a.duplicate_id is not None
                and not a.is_trashed
                and a.stack_id is None
                and a.visibility in LISTED_VISIBILITY
                and (a.exif is not None or not self.settings.is_v3)  # 3.x: inner join on asset_exif
            ):
                groups.setdefault(a.duplicate_id, []).append(a)
        for members in groups.values():
            members.sort(key=lambda a: a.local_date_time)
        return groups

    def cleanup_singleton_groups(self, user_id: str) -> None:
        """Groups with exactly one non-trashed, non-stacked member lose their id on every asset."""
        with self.lock:
            live: dict[str, int] = {}
            for a in self.assets.values():
                if (
                    a.owner_id == user_id
                    and a.duplicate_id is not None
                    and not a.is_trashed
                    and a.stack_id is None
                ):
                    live[a.duplicate_id] = live.get(a.duplicate_id, 0) + 1
            singles = {gid for gid, count in live.items() if count == 1}
            if not singles:
                return
            for gid in singles:
                for a in self._with_duplicate_id(gid):
                    if a.owner_id == user_id:
                        self._replace(a, duplicate_id=None)

    def list_duplicates(self, user_id: str) -> list[tuple[str, list[Asset]]]:
        """GET /duplicates: cleanup first, then groups of >= 2 in a deliberately random order."""
        with self.lock:
            self.cleanup_singleton_groups(user_id)
            groups = [
                (gid, members) for gid, members in self._group_members(user_id).items() if len(members) > 1
            ]
            self._shuffle.shuffle(groups)
            return groups

    def dismiss_duplicates(self, user_id: str, duplicate_ids: Sequence[str]) -> None:
        """DELETE /duplicates(/{id}): access for every id first, then clear duplicateId (trashed too)."""
        with self.lock:
            for gid in duplicate_ids:
                if not self._duplicate_access(user_id, gid):
                    raise _no_access("duplicate.delete")
            for gid in dict.fromkeys(duplicate_ids):
                for a in self._with_duplicate_id(gid):
                    if a.owner_id == user_id:
                        self._replace(a, duplicate_id=None)

    def resolve(self, user_id: str, groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """POST /duplicates/resolve (behaviour §3): batch access check, then each group on its own."""
        with self.lock:
            for group in groups:
                if not self._duplicate_access(user_id, group["duplicateId"]):
                    raise _no_access("duplicate.delete")
            results = []
            for group in groups:
                try:
                    results.append(self._resolve_group(user_id, group))
                except ApiError:
                    raise
                except Exception:  # the server turns any per-group failure into "unknown"
                    self.internal_errors.append(traceback.format_exc())
                    results.append({"id": group["duplicateId"], "success": False, "error": "unknown"})
            return results

    def _resolve_group(self, user_id: str, group: Mapping[str, Any]) -> dict[str, Any]:
        gid = group["duplicateId"]
        members = self._group_members(user_id, gid).get(gid, [])
        if not members:
            return {"id": gid, "success": False, "error": "not_found"}  # the server sends no message here
        member_ids = [a.id for a in members]
        # not de-duplicated, as on the server: a repeated keeper means "not exactly one keeper", and a
        # repeated trash id makes the access set smaller than the list (→ no_permission)
        keep = [i for i in group["keepAssetIds"] if i in member_ids]
        trash = [i for i in group["trashAssetIds"] if i in member_ids]
        for member in member_ids:  # the first offending member (in group order) decides the message
            if member in keep and member in trash:
                return _failed(gid, "validation", "An asset cannot be in both keepAssetIds and trashAssetIds")
            if member not in keep and member not in trash:
                return _failed(
                    gid, "validation", "Every asset must be in either keepAssetIds or trashAssetIds"
                )
        if trash and len({i for i in trash if self._owned(user_id, i) is not None}) != len(trash):
            return _failed(gid, "no_permission", "No permission to delete assets")
        if len(keep) == 1 and trash:
            self._merge_into(user_id, keep[0], members)
        for asset_id in dict.fromkeys(keep):
            self._replace(self.assets[asset_id], duplicate_id=None)
        self._remove_assets(
            list(dict.fromkeys(trash)), force=not self.settings.trash_enabled, clear_duplicate=True
        )
        return {"id": gid, "success": True}

    def _merge_into(self, user_id: str, keeper_id: str, members: list[Asset]) -> None:
        """The metadata merge of /resolve with exactly one keeper, over all members (keeper included)."""
        keeper = self.assets[keeper_id]
        changes: dict[str, Any] = {"is_favorite": any(a.is_favorite for a in members)}
        present = {a.visibility for a in members}
        for visibility in ("locked", "archive", "timeline"):
            if visibility in present:
                changes["visibility"] = visibility
                break
        else:
            changes["visibility"] = "hidden"
        exif = dict(keeper.exif or normalise_exif({}))
        ratings = [r for a in members if a.exif and isinstance(r := a.exif.get("rating"), int)]
        if ratings and max(ratings) > 0:
            exif["rating"] = max(ratings)
        lines: list[str] = []
        for a in members:
            for line in ((a.exif or {}).get("description") or "").split("\n"):
                line = line.strip()
                if line and line not in lines:
                    lines.append(line)
        if lines:
            exif["description"] = "\n".join(lines)
        lats = {v for a in members if _finite(v := (a.exif or {}).get("latitude"))}
        lons = {v for a in members if _finite(v := (a.exif or {}).get("longitude"))}
        if len(lats) == 1 and len(lons) == 1:
            exif["latitude"], exif["longitude"] = lats.pop(), lons.pop()
        changes["exif"] = exif
        union = [t for a in members for t in a.tag_ids]
        changes["tag_ids"] = tuple(
            t for t in dict.fromkeys(union) if t in self.tags and self.tags[t].owner_id == user_id
        )
        self._replace(keeper, **changes)
        member_ids = {a.id for a in members}
        for album in list(self.albums.values()):
            visible = album.owner_id == user_id or user_id in album.users
            may_add = album.owner_id == user_id or album.users.get(user_id) == "editor"
            if visible and may_add and member_ids & set(album.asset_ids):
                self._album_add(album.id, [keeper_id])

    # ------------------------------------------------------------------ deletion and trash (behaviour §2)

    def delete_assets(self, user_id: str, ids: Sequence[str], *, force: bool) -> None:
        """DELETE /assets: all ids pass the owner check or nothing changes; trash setting not read."""
        with self.lock:
            self.require_assets(user_id, ids, "asset.delete")
            self._remove_assets(list(dict.fromkeys(ids)), force=force, clear_duplicate=False)

    def _remove_assets(self, ids: Sequence[str], *, force: bool, clear_duplicate: bool) -> None:
        now = self.clock()
        extra: dict[str, Any] = {"duplicate_id": None} if clear_duplicate else {}
        for asset_id in ids:
            asset = self.assets.get(asset_id)
            if asset is None:
                continue
            asset = self._replace(asset, deleted_at=now, status="trashed", **extra)
            if force:
                self._purge(asset)

    def _purge(self, asset: Asset) -> None:
        """Permanent deletion: album links, stack repair, and the unreferenced live-photo motion part."""
        self._drop(asset.id)
        self.purged[asset.id] = asset
        for album in list(self.albums.values()):
            if asset.id in album.asset_ids:
                self.albums[album.id] = attrs.evolve(
                    album, asset_ids=tuple(a for a in album.asset_ids if a != asset.id)
                )
        if asset.stack_id and asset.stack_id in self.stacks:
            stack = self.stacks[asset.stack_id]
            remaining = tuple(a for a in stack.asset_ids if a != asset.id and a in self.assets)
            if len(remaining) < 2:
                self._delete_stack(stack.id)
            else:
                self.stacks[stack.id] = attrs.evolve(stack, asset_ids=remaining)
        motion_id = asset.live_photo_video_id
        referenced = motion_id and any(a.live_photo_video_id == motion_id for a in self.assets.values())
        if motion_id and motion_id in self.assets and not referenced:
            self._purge(self.assets[motion_id])

    def restore_assets(self, user_id: str, ids: Sequence[str]) -> int:
        """POST /trash/restore/assets: owner check on all ids; returns how many left the trash."""
        with self.lock:
            assets = self.require_assets(user_id, ids, "asset.delete")
            count = 0
            for asset in assets:
                if asset.is_trashed:
                    self._replace(asset, deleted_at=None, status="active")
                    count += 1
            return count

    def restore_all(self, user_id: str) -> int:
        with self.lock:
            trashed = [a.id for a in self.assets.values() if a.owner_id == user_id and a.is_trashed]
            return self.restore_assets(user_id, trashed)

    def empty_trash(self, user_id: str) -> int:
        with self.lock:
            trashed = [a for a in self.assets.values() if a.owner_id == user_id and a.is_trashed]
            for asset in trashed:
                if asset.id in self.assets:
                    self._purge(self.assets[asset.id])
            return len(trashed)

    # ------------------------------------------------------------------ updates

    def update_assets(self, user_id: str, ids: Sequence[str], fields: Mapping[str, Any]) -> list[Asset]:
        """PUT /assets and PUT /assets/{id}: owner check on all ids, then the given fields."""
        with self.lock:
            assets = self.require_assets(user_id, ids, "asset.update")
            if "livePhotoVideoId" in fields and fields["livePhotoVideoId"] is not None:
                self.require_assets(user_id, [fields["livePhotoVideoId"]], "asset.update")
            return [self._apply_update(a, fields) for a in assets]

    def _apply_update(self, asset: Asset, fields: Mapping[str, Any]) -> Asset:
        changes: dict[str, Any] = {}
        exif = dict(asset.exif) if asset.exif is not None else None
        exif_changes: dict[str, Any] = {}
        if "isFavorite" in fields:
            changes["is_favorite"] = fields["isFavorite"]
        if "visibility" in fields:
            changes["visibility"] = fields["visibility"]
        if "duplicateId" in fields:
            changes["duplicate_id"] = fields["duplicateId"]
        if "livePhotoVideoId" in fields:
            changes["live_photo_video_id"] = fields["livePhotoVideoId"]
        for key in ("rating", "description", "latitude", "longitude", "timeZone"):
            if key in fields:
                exif_changes[key] = fields[key]
        if "dateTimeOriginal" in fields:
            when = parse_time(fields["dateTimeOriginal"])
            exif_changes["dateTimeOriginal"] = fields["dateTimeOriginal"]
            changes["file_created_at"] = when
            changes["local_date_time"] = when.replace(tzinfo=dt.UTC)  # wall-clock time stored as if UTC
        if "dateTimeRelative" in fields:
            delta = dt.timedelta(minutes=fields["dateTimeRelative"])
            changes["file_created_at"] = asset.file_created_at + delta
            changes["local_date_time"] = asset.local_date_time + delta
        if exif_changes:
            exif = {**(exif or normalise_exif({})), **exif_changes}
            changes["exif"] = exif
        return self._replace(asset, **changes)

    # ------------------------------------------------------------------ albums

    def _album_add(self, album_id: str, asset_ids: Sequence[str]) -> list[str]:
        album = self.albums[album_id]
        new = [a for a in dict.fromkeys(asset_ids) if a not in album.asset_ids]
        if new:
            self.albums[album_id] = attrs.evolve(
                album, asset_ids=album.asset_ids + tuple(new), updated_at=self.clock()
            )
        return new

    def visible_albums(self, user_id: str, asset_id: str | None = None) -> list[Album]:
        with self.lock:
            out = [a for a in self.albums.values() if a.owner_id == user_id or user_id in a.users]
            if asset_id is not None:
                out = [a for a in out if asset_id in a.asset_ids]
            return out

    def album_for(self, user_id: str, album_id: str, permission: str = "album.read") -> Album:
        album = self.albums.get(album_id)
        if album is None:
            raise _no_access(permission)
        if album.owner_id == user_id:
            return album
        role = album.users.get(user_id)
        if role is None or (permission != "album.read" and role != "editor"):
            raise _no_access(permission)
        return album

    def add_to_album(self, user_id: str, album_id: str, asset_ids: Sequence[str]) -> list[dict[str, Any]]:
        """PUT /albums/{id}/assets: album access (400), then per id duplicate / no_permission / success."""
        with self.lock:
            album = self.album_for(user_id, album_id, "albumAsset.create")
            results: list[dict[str, Any]] = []
            for asset_id in asset_ids:
                if asset_id in album.asset_ids:
                    results.append({"id": asset_id, "success": False, "error": "duplicate"})
                elif self._owned(user_id, asset_id) is None:
                    results.append({"id": asset_id, "success": False, "error": "no_permission"})
                else:
                    self._album_add(album_id, [asset_id])
                    album = self.albums[album_id]
                    results.append({"id": asset_id, "success": True})
            return results

    def add_to_albums(
        self, user_id: str, album_ids: Sequence[str], asset_ids: Sequence[str]
    ) -> dict[str, Any]:
        """PUT /albums/assets: what the server's addAssetsToAlbums returns."""
        with self.lock:
            allowed_albums = []
            for album_id in album_ids:
                try:
                    allowed_albums.append(self.album_for(user_id, album_id, "albumAsset.create").id)
                except ApiError:
                    continue
            allowed_assets = [a for a in dict.fromkeys(asset_ids) if self._owned(user_id, a) is not None]
            if not allowed_albums or not allowed_assets:
                return {"success": False, "error": "no_permission"}
            added = False
            for album_id in allowed_albums:
                added = bool(self._album_add(album_id, allowed_assets)) or added
            return {"success": True} if added else {"success": False, "error": "duplicate"}

    def remove_from_album(
        self, user_id: str, album_id: str, asset_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        with self.lock:
            album = self.album_for(user_id, album_id, "albumAsset.delete")
            results: list[dict[str, Any]] = []
            for asset_id in asset_ids:
                if asset_id not in album.asset_ids:
                    results.append({"id": asset_id, "success": False, "error": "not_found"})
                else:
                    album = attrs.evolve(album, asset_ids=tuple(a for a in album.asset_ids if a != asset_id))
                    self.albums[album_id] = album
                    results.append({"id": asset_id, "success": True})
            return results

    # ------------------------------------------------------------------ tags

    def user_tags(self, user_id: str) -> list[Tag]:
        with self.lock:
            return sorted((t for t in self.tags.values() if t.owner_id == user_id), key=lambda t: t.value)

    def tag_assets(self, user_id: str, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> int:
        """PUT /tags/assets: silently keeps only accessible tags/assets; count = new links."""
        with self.lock:
            tags = [t for t in dict.fromkeys(tag_ids) if t in self.tags and self.tags[t].owner_id == user_id]
            assets = [a for a in dict.fromkeys(asset_ids) if self._owned(user_id, a) is not None]
            count = 0
            for asset_id in assets:
                asset = self.assets[asset_id]
                new = tuple(t for t in tags if t not in asset.tag_ids)
                if new:
                    self._replace(asset, tag_ids=asset.tag_ids + new)
                    count += len(new)
            return count

    def tag_asset_ids(self, user_id: str, tag_id: str, asset_ids: Sequence[str]) -> list[dict[str, Any]]:
        """PUT /tags/{id}/assets."""
        with self.lock:
            tag = self.tags.get(tag_id)
            if tag is None or tag.owner_id != user_id:
                raise _no_access("tag.asset")
            results: list[dict[str, Any]] = []
            for asset_id in asset_ids:
                asset = self._owned(user_id, asset_id)
                if asset is None:
                    results.append({"id": asset_id, "success": False, "error": "no_permission"})
                elif tag_id in asset.tag_ids:
                    results.append({"id": asset_id, "success": False, "error": "duplicate"})
                else:
                    self._replace(asset, tag_ids=(*asset.tag_ids, tag_id))
                    results.append({"id": asset_id, "success": True})
            return results

    # ------------------------------------------------------------------ stacks

    def _create_stack(self, user_id: str, asset_ids: Sequence[str]) -> Stack:
        ids = list(dict.fromkeys(asset_ids))
        for old_id in {self.assets[a].stack_id for a in ids if self.assets[a].stack_id}:
            old = self.stacks.get(old_id)
            if old is not None:  # existing stacks are merged into the new one
                ids += [a for a in old.asset_ids if a not in ids]
                self._delete_stack(old_id)
        stack = Stack(id=self.new_id(), owner_id=user_id, asset_ids=tuple(ids))
        self.stacks[stack.id] = stack
        for asset_id in ids:
            self._replace(self.assets[asset_id], stack_id=stack.id)
        return stack

    def create_stack(self, user_id: str, asset_ids: Sequence[str]) -> Stack:
        with self.lock:
            self.require_assets(user_id, asset_ids, "asset.update")
            return self._create_stack(user_id, asset_ids)

    def _delete_stack(self, stack_id: str) -> None:
        stack = self.stacks.pop(stack_id)
        for asset_id in stack.asset_ids:
            asset = self.assets.get(asset_id)
            if asset is not None and asset.stack_id == stack_id:
                self._replace(asset, stack_id=None)

    def stack_for(self, user_id: str, stack_id: str, permission: str) -> Stack:
        stack = self.stacks.get(stack_id)
        if stack is None or stack.owner_id != user_id:
            raise _no_access(permission)
        return stack

    def delete_stacks(self, user_id: str, stack_ids: Sequence[str]) -> None:
        with self.lock:
            for stack_id in stack_ids:
                self.stack_for(user_id, stack_id, "stack.delete")
            for stack_id in dict.fromkeys(stack_ids):
                self._delete_stack(stack_id)

    def user_stacks(self, user_id: str, primary_asset_id: str | None = None) -> list[Stack]:
        with self.lock:
            return [
                s
                for s in self.stacks.values()
                if s.owner_id == user_id
                and (primary_asset_id is None or s.primary_asset_id == primary_asset_id)
            ]


def _failed(gid: str, error: str, message: str) -> dict[str, Any]:
    return {"id": gid, "success": False, "error": error, "errorMessage": message}


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _ext(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name
