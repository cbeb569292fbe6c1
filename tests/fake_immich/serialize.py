"""State records → the JSON objects Immich sends (AssetResponseDto, AlbumResponseDto, …).

Version differences live here too: a 2.x server sends ``duration`` as "H:MM:SS.ffffff",
``deviceAssetId``/``deviceId``, and (before 2.7) no ``suggestedKeepAssetIds``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.fake_immich.http import json_body
from tests.fake_immich.model import (
    EXIF_FIELDS,
    Album,
    ApiKey,
    Asset,
    ServerSettings,
    Stack,
    Tag,
    User,
    iso,
)
from tests.fake_immich.state import State

__all__ = [
    "album_dto",
    "api_key_dto",
    "asset_dto",
    "duplicate_group_dto",
    "duplicate_group_json",
    "stack_dto",
    "suggested_keep",
    "tag_dto",
    "user_admin_dto",
    "user_dto",
]


def _duration_v2(ms: int | None) -> str:
    if ms is None:
        return "0:00:00.00000"
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis * 1000:06d}"


def exif_dto(exif: Mapping[str, Any]) -> dict[str, Any]:
    return {field: exif.get(field) for field in EXIF_FIELDS}


def tag_dto(tag: Tag) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": tag.id,
        "name": tag.name,
        "value": tag.value,
        "createdAt": iso(tag.created_at),
        "updatedAt": iso(tag.updated_at),
    }
    if tag.color is not None:
        out["color"] = tag.color
    if tag.parent_id is not None:
        out["parentId"] = tag.parent_id
    return out


def user_dto(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "avatarColor": user.avatar_color,
        "profileImagePath": "",
        "profileChangedAt": iso(user.created_at),
    }


def user_admin_dto(user: User, quota_usage: int) -> dict[str, Any]:
    return {
        **user_dto(user),
        "createdAt": iso(user.created_at),
        "updatedAt": iso(user.created_at),
        "deletedAt": None,
        "isAdmin": user.is_admin,
        "license": None,
        "oauthId": "",
        "quotaSizeInBytes": None,
        "quotaUsageInBytes": quota_usage,
        "shouldChangePassword": False,
        "status": "active",
        "storageLabel": user.storage_label,
    }


def api_key_dto(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "permissions": list(key.permissions),
        "createdAt": iso(key.created_at),
        "updatedAt": iso(key.created_at),
    }


def asset_dto(
    state: State,
    asset: Asset,
    *,
    viewer_id: str,
    with_stack: bool = False,
    with_owner: bool = False,
    with_people: bool = True,
) -> dict[str, Any]:
    """AssetResponseDto as ``mapAsset`` builds it. GET /duplicates passes with_people=False."""
    settings = state.settings
    out: dict[str, Any] = {
        "id": asset.id,
        "ownerId": asset.owner_id,
        "type": asset.type,
        "originalFileName": asset.original_file_name,
        "originalPath": asset.original_path,
        "originalMimeType": mime_type(asset.original_path, asset.type),
        "fileCreatedAt": iso(asset.file_created_at),
        "fileModifiedAt": iso(asset.file_modified_at),
        "localDateTime": iso(asset.local_date_time),
        "createdAt": iso(asset.created_at),
        "updatedAt": iso(asset.updated_at),
        "checksum": asset.checksum,
        "isFavorite": asset.is_favorite and asset.owner_id == viewer_id,
        "isArchived": asset.visibility == "archive",
        "isTrashed": asset.is_trashed,
        "isOffline": asset.is_offline,
        "isEdited": False,
        "hasMetadata": True,
        "visibility": asset.visibility,
        "duration": asset.duration_ms if settings.is_v3 else _duration_v2(asset.duration_ms),
        "width": asset.width,
        "height": asset.height,
        "thumbhash": asset.thumbhash,
        "livePhotoVideoId": asset.live_photo_video_id,
        "duplicateId": asset.duplicate_id,
        "libraryId": asset.library_id,
        "tags": [tag_dto(state.tags[t]) for t in asset.tag_ids if t in state.tags],
        "people": [dict(p) for p in asset.people] if with_people else [],
    }
    if not settings.is_v3:
        out["deviceAssetId"] = asset.device_asset_id
        out["deviceId"] = "fake-immich"
    if asset.exif is not None:
        out["exifInfo"] = exif_dto(asset.exif)
    if with_owner and asset.owner_id in state.users:
        out["owner"] = user_dto(state.users[asset.owner_id])
    if with_stack:
        stack = state.stacks.get(asset.stack_id) if asset.stack_id else None
        out["stack"] = (
            {"id": stack.id, "primaryAssetId": stack.primary_asset_id, "assetCount": len(stack.asset_ids)}
            if stack
            else None
        )
    return out


def _truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON value (NaN cannot occur in JSON)."""
    return value not in (None, False, 0, "") or isinstance(value, list | dict)


def _suggest(items: Sequence[tuple[str, Mapping[str, Any] | None]]) -> list[str]:
    if not items:
        return []

    def size(item: tuple[str, Mapping[str, Any] | None]) -> int:
        return (item[1] or {}).get("fileSizeInByte") or 0

    by_size = sorted(items, key=size)
    largest = size(by_size[-1])
    tied = [item for item in by_size if size(item) == largest]
    by_exif = sorted(tied, key=lambda item: sum(_truthy(v) for v in (item[1] or {}).values()))
    return [by_exif[-1][0]]


def suggested_keep(assets: Sequence[Mapping[str, Any]]) -> list[str]:
    """Immich's rule over AssetResponseDto dicts in group order: largest exifInfo.fileSizeInByte
    (null = 0), then most truthy exifInfo values; stable ascending sorts, the last element wins."""
    return _suggest([(a["id"], a.get("exifInfo")) for a in assets])


def duplicate_group_dto(
    state: State, duplicate_id: str, members: Sequence[Asset], viewer_id: str
) -> dict[str, Any]:
    assets = [asset_dto(state, a, viewer_id=viewer_id, with_people=False) for a in members]
    out: dict[str, Any] = {"duplicateId": duplicate_id, "assets": assets}
    if state.settings.has_resolve:
        out["suggestedKeepAssetIds"] = suggested_keep(assets)
    return out


def duplicate_group_json(state: State, duplicate_id: str, members: Sequence[Asset], viewer_id: str) -> bytes:
    """``duplicate_group_dto`` as JSON bytes, reusing each asset's JSON while its record is unchanged
    (records are replaced on every change, so identity is a safe cache key)."""
    cache = state.listing_cache
    version = state.settings.version
    parts = []
    for asset in members:
        hit = cache.get(asset.id)
        if hit is not None and hit[0] is asset and hit[1] == (version, viewer_id):
            parts.append(hit[2])
            continue
        encoded = json_body(asset_dto(state, asset, viewer_id=viewer_id, with_people=False))
        cache[asset.id] = (asset, (version, viewer_id), encoded)
        parts.append(encoded)
    out = b'{"duplicateId":"' + duplicate_id.encode() + b'","assets":[' + b",".join(parts) + b"]"
    if state.settings.has_resolve:
        keep = _suggest([(a.id, a.exif) for a in members])  # exif holds exactly the DTO's fields
        out += b',"suggestedKeepAssetIds":' + json_body(keep)
    return out + b"}"


def album_dto(state: State, album: Album, *, viewer_id: str, with_assets: bool = False) -> dict[str, Any]:
    owner = state.users.get(album.owner_id)
    album_users = [{"role": "owner", "user": user_dto(owner)}] if owner else []
    album_users += [
        {"role": role, "user": user_dto(state.users[uid])}
        for uid, role in album.users.items()
        if uid in state.users
    ]
    live = [state.assets[a] for a in album.asset_ids if a in state.assets and not state.assets[a].is_trashed]
    out: dict[str, Any] = {
        "id": album.id,
        "albumName": album.name,
        "description": album.description,
        "albumThumbnailAssetId": live[0].id if live else None,
        "albumUsers": album_users,
        "assetCount": len(live),
        "createdAt": iso(album.created_at),
        "updatedAt": iso(album.updated_at),
        "hasSharedLink": False,
        "isActivityEnabled": True,
        "shared": bool(album.users),
        "order": "desc",
    }
    if live:
        dates = sorted(a.local_date_time for a in live)
        out["startDate"] = iso(dates[0])
        out["endDate"] = iso(dates[-1])
        out["lastModifiedAssetTimestamp"] = iso(max(a.updated_at for a in live))
    if with_assets or not state.settings.is_v3:  # 2.x albums still carried their assets
        out["assets"] = [asset_dto(state, a, viewer_id=viewer_id) for a in live] if with_assets else []
    return out


def stack_dto(state: State, stack: Stack, viewer_id: str) -> dict[str, Any]:
    return {
        "id": stack.id,
        "primaryAssetId": stack.primary_asset_id,
        "assets": [
            asset_dto(state, state.assets[a], viewer_id=viewer_id)
            for a in stack.asset_ids
            if a in state.assets
        ],
    }


def server_version_dto(settings: ServerSettings) -> dict[str, Any]:
    major, minor, patch = settings.version
    out: dict[str, Any] = {"major": major, "minor": minor, "patch": patch}
    if settings.is_v3:
        out["prerelease"] = None
    return out


_MIME = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
    "avif": "image/avif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "dng": "image/x-adobe-dng",
    "cr2": "image/x-canon-cr2",
    "nef": "image/x-nikon-nef",
    "arw": "image/x-sony-arw",
    "mp4": "video/mp4",
    "m4v": "video/x-m4v",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "3gp": "video/3gpp",
    "mts": "model/vnd.mts",
}


def mime_type(path: str, asset_type: str = "IMAGE") -> str:
    """What ``mimeTypes.lookup`` gives for a stored file's extension (a small table)."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _MIME.get(ext, "application/octet-stream")
