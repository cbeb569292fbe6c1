"""Plain, frozen records of what the server told us: assets, duplicate groups, the server.

These are *ours*, not the generated client's models: the connection layer converts at
the boundary, and everything after it (scoring, planning, execution) works on these.
Every field the server may omit or send as null is ``None`` here; nothing is guessed.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "AssetFacts",
    "BulkResult",
    "Group",
    "ResolveGroup",
    "ServerInfo",
    "Version",
    "asset_facts_draft",
    "freeze_asset_facts",
    "replace_asset",
]


# No __weakref__ slot: nothing weak-references facts, and without it a draft (below) has
# exactly the same layout, so it can become an AssetFacts in place.
@attrs.frozen(kw_only=True, weakref_slot=False)
class AssetFacts:
    """One asset as seen in ``GET /duplicates`` (or ``GET /assets/{id}``), flattened.

    EXIF values come from ``exifInfo``; ``has_exif`` is False when the server sent none.
    ``exif_truthy_count`` counts truthy values in the raw ``exifInfo`` object, which is
    Immich's own tie-break when it suggests a keeper.
    """

    id: str
    duplicate_id: str | None = None
    type: str = "IMAGE"  # IMAGE | VIDEO | AUDIO | OTHER
    original_file_name: str = ""
    original_path: str = ""
    original_mime_type: str | None = None
    checksum: str = ""  # base64 SHA-1 of the bytes; of "path:"+originalPath for external libraries
    library_id: str | None = None  # set for external-library assets
    is_trashed: bool = False
    is_offline: bool = False
    is_favorite: bool = False
    visibility: str = "timeline"  # archive | timeline | hidden | locked
    width: int | None = None  # asset-level width/height
    height: int | None = None
    duration_ms: int | None = None  # videos; 2.x servers send a string, normalised here
    live_photo_video_id: str | None = None
    file_created_at: str | None = None  # ISO 8601 strings as the server sent them
    local_date_time: str | None = None
    # exifInfo
    has_exif: bool = False
    exif_truthy_count: int = 0
    file_size: int | None = None  # exifInfo.fileSizeInByte
    exif_width: int | None = None
    exif_height: int | None = None
    date_time_original: str | None = None
    time_zone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    lens_model: str | None = None
    f_number: float | None = None
    exposure_time: str | None = None
    iso: int | None = None
    focal_length: float | None = None
    description: str | None = None
    rating: int | None = None
    orientation: str | None = None
    projection_type: str | None = None
    # Immich-side memberships
    tags: tuple[str, ...] = ()  # tag values (full paths), sorted
    people: tuple[str, ...] = ()  # person ids; GET /duplicates normally sends none
    albums: tuple[str, ...] | None = None  # album ids; None = not looked up
    stack_id: str | None = None


class _AssetFactsDraft:
    """An ``AssetFacts`` being filled in: same slots, plain (fast) attribute stores."""

    __slots__ = AssetFacts.__slots__


_new = object.__new__
_set_attr = object.__setattr__


def asset_facts_draft() -> Any:
    """A blank, mutable ``AssetFacts``-to-be for a hot reader (``listing``, thousands of assets).

    The frozen class's ``__init__`` stores its 45 fields through ``object.__setattr__`` at
    ~0.2 us each; a draft takes plain slot stores. Set *every* field (no defaults apply:
    an unset one raises AttributeError when read), then ``freeze_asset_facts``.
    """
    return _new(_AssetFactsDraft)


def freeze_asset_facts(draft: Any) -> AssetFacts:
    """The draft, now an ordinary frozen ``AssetFacts`` (same object; equal to one built by
    ``AssetFacts(...)`` with the same values)."""
    _set_attr(draft, "__class__", AssetFacts)
    return draft


_ASSET_FIELDS = AssetFacts.__slots__


def replace_asset(asset: AssetFacts, **changes: Any) -> AssetFacts:
    """``attrs.evolve`` for hot paths (analyze gives every asset its albums): a copy through a
    draft, about twice as cheap. ``changes`` must name fields; a typo raises AttributeError."""
    draft = asset_facts_draft()
    for name in _ASSET_FIELDS:
        setattr(draft, name, getattr(asset, name))
    for name, value in changes.items():
        if name not in _ASSET_FIELDS:
            raise AttributeError(f"AssetFacts has no field {name!r}")
        setattr(draft, name, value)
    return freeze_asset_facts(draft)


@attrs.frozen(kw_only=True)
class Group:
    """One duplicate group. ``assets`` keep the server's order (oldest localDateTime first).

    ``suggested_keep_ids`` is None when the server did not send ``suggestedKeepAssetIds``
    (servers before 2.7); the planner then applies Immich's rule itself.
    """

    duplicate_id: str
    assets: tuple[AssetFacts, ...]
    suggested_keep_ids: tuple[str, ...] | None = None


@attrs.frozen(order=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @classmethod
    def parse(cls, text: str) -> Version:
        """``"v3.1.0"``, ``"3.1.0-rc.1"`` → Version(3, 1, 0)."""
        core = text.strip().lstrip("vV").split("-", 1)[0].split("+", 1)[0]
        parts = [int(p) for p in core.split(".")]
        while len(parts) < 3:
            parts.append(0)
        return cls(parts[0], parts[1], parts[2])


@attrs.frozen(kw_only=True)
class ServerInfo:
    """What pre-flight learned. ``url`` is the normalised base URL (``.../api``), never a key."""

    url: str
    version: Version
    trash_enabled: bool = True
    user_id: str | None = None
    user_email: str | None = None
    permissions: tuple[str, ...] = ()  # of the API key; ("all",) for a full-access key

    @property
    def has_resolve(self) -> bool:
        """POST /duplicates/resolve shipped in server 2.7.0."""
        return self.version >= Version(2, 7, 0)


@attrs.frozen(kw_only=True)
class ResolveGroup:
    """One entry of a ``POST /duplicates/resolve`` request. Every current member must be listed."""

    duplicate_id: str
    keep: tuple[str, ...]
    trash: tuple[str, ...]


@attrs.frozen(kw_only=True)
class BulkResult:
    """One entry of a ``BulkIdResponseDto[]`` answer."""

    id: str
    success: bool
    error: str | None = None  # duplicate | no_permission | not_found | unknown | validation
    message: str | None = None
