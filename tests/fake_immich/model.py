"""Records of the double's state: users, keys, assets, albums, tags, stacks, server settings.

Records are frozen; the state replaces a record on every change. A ``GET /duplicates`` can then
take a cheap, consistent snapshot (a list of references) and serialise it outside the lock, the
way Postgres answers one query from one snapshot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from tests.fake_immich.content import Content

__all__ = [
    "EXIF_FIELDS",
    "ApiError",
    "ApiKey",
    "Album",
    "Asset",
    "ServerSettings",
    "Stack",
    "Tag",
    "User",
    "iso",
    "normalise_exif",
    "parse_time",
]

# ExifResponseDto, in the spec's order; every one of them is nullable and always sent.
EXIF_FIELDS: tuple[str, ...] = (
    "city",
    "country",
    "dateTimeOriginal",
    "description",
    "exifImageHeight",
    "exifImageWidth",
    "exposureTime",
    "fNumber",
    "fileSizeInByte",
    "focalLength",
    "iso",
    "latitude",
    "lensModel",
    "longitude",
    "make",
    "model",
    "modifyDate",
    "orientation",
    "projectionType",
    "rating",
    "state",
    "timeZone",
)
_EXIF_DATES = ("dateTimeOriginal", "modifyDate")


def _camel(name: str) -> str:
    if name == "f_number":
        return "fNumber"
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_EXIF_SET = frozenset(EXIF_FIELDS)
_EXIF_ALIASES = {_camel(re.sub(r"(?<!^)(?=[A-Z])", "_", f).lower()): f for f in EXIF_FIELDS}


class ApiError(Exception):
    """An HTTP error the double answers with, in the server version's error shape."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def iso(value: dt.datetime) -> str:
    """Immich's timestamp form: UTC, milliseconds, ``Z``."""
    if value.tzinfo is None:
        return value.isoformat(timespec="milliseconds") + "Z"
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"  # drop "+00:00"; isoformat is fast


def parse_time(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def normalise_exif(values: Mapping[str, Any]) -> dict[str, Any]:
    """EXIF given in Immich's camelCase or in snake_case → a full ExifResponseDto-shaped dict."""
    out: dict[str, Any] = dict.fromkeys(EXIF_FIELDS)
    for key, value in values.items():
        field = key if key in _EXIF_SET else _EXIF_ALIASES.get(_camel(key))
        if field is None:
            raise ValueError(f"unknown EXIF field {key!r}; expected one of {', '.join(EXIF_FIELDS)}")
        if field in _EXIF_DATES and isinstance(value, dt.datetime):
            value = iso(value)
        out[field] = value
    return out


@attrs.frozen(kw_only=True)
class User:
    id: str
    email: str
    name: str
    is_admin: bool = False
    created_at: dt.datetime
    avatar_color: str = "primary"
    storage_label: str | None = None


@attrs.frozen(kw_only=True)
class ApiKey:
    id: str
    name: str
    secret: str = attrs.field(repr=False)
    user_id: str
    permissions: tuple[str, ...]
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class Asset:
    """One row of ``asset`` plus its EXIF row (``exif`` None = no EXIF row), tags and faces."""

    id: str
    owner_id: str
    type: str = "IMAGE"
    original_file_name: str
    original_path: str
    content: Content = attrs.field(repr=False, eq=False)
    library_id: str | None = None
    device_asset_id: str = "fake-device-asset"
    file_created_at: dt.datetime
    file_modified_at: dt.datetime
    local_date_time: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    exif: Mapping[str, Any] | None = attrs.field(repr=False, eq=False)
    tag_ids: tuple[str, ...] = ()
    people: tuple[Mapping[str, Any], ...] = ()
    live_photo_video_id: str | None = None
    is_favorite: bool = False
    visibility: str = "timeline"
    duplicate_id: str | None = None
    deleted_at: dt.datetime | None = None
    status: str = "active"  # active | trashed (permanently deleted assets leave the state)
    stack_id: str | None = None
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    thumbhash: str | None = None
    is_offline: bool = False

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None

    @property
    def checksum(self) -> str:
        """Base64 SHA-1 of the bytes; for external-library assets of ``"path:" + originalPath``."""
        if self.library_id is not None:
            from tests.fake_immich.content import sha1_b64

            return sha1_b64(("path:" + self.original_path).encode())
        return self.content.sha1_b64

    @property
    def size(self) -> int:
        return self.content.size


@attrs.frozen(kw_only=True)
class Album:
    id: str
    owner_id: str
    name: str
    description: str = ""
    asset_ids: tuple[str, ...] = ()
    users: Mapping[str, str] = attrs.field(factory=dict)  # user id -> "editor" | "viewer"
    created_at: dt.datetime
    updated_at: dt.datetime


@attrs.frozen(kw_only=True)
class Tag:
    id: str
    owner_id: str
    value: str  # full path, e.g. "Places/Paris"
    color: str | None = None
    parent_id: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        return self.value.rsplit("/", 1)[-1]


@attrs.frozen(kw_only=True)
class Stack:
    id: str
    owner_id: str
    asset_ids: tuple[str, ...]  # the primary first

    @property
    def primary_asset_id(self) -> str:
        return self.asset_ids[0]


@attrs.define(kw_only=True)
class ServerSettings:
    """What ``/server/*`` reports and what changes the double's behaviour by version."""

    version: tuple[int, int, int] = (3, 1, 0)
    trash_enabled: bool = True
    trash_days: int = 30

    @property
    def is_v3(self) -> bool:
        return self.version >= (3, 0, 0)

    @property
    def has_resolve(self) -> bool:
        """POST /duplicates/resolve and suggestedKeepAssetIds exist from v2.7.0."""
        return self.version >= (2, 7, 0)
