"""Carry metadata from the assets we delete to the ones we keep, where Immich will not.

``POST /duplicates/resolve`` merges favourite, rating, description, visibility, agreeing GPS,
albums and tags into the keeper, but only with exactly one keeper and only on servers >= 2.7.
Everywhere else (older servers, ``--permanent`` with trash on, groups with several keepers)
``execute`` calls ``keeper_updates`` and ``apply_updates`` *before* deleting, so that both
paths leave the keepers with the same metadata. The rules mirror the server's merge
(docs: immich-behaviour.md §3); with several keepers each keeper receives what the deleted
members had (never what the other keepers had: that is Immich issue #27687).

Every update is idempotent: re-running after a crash computes nothing new for a keeper that
already received its update, so carrying needs no journal entry of its own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

import attrs

from immich_dedupe.facts import AssetFacts

__all__ = [
    "CarryWriter",
    "KeeperUpdate",
    "apply_updates",
    "keeper_updates",
    "merged_description",
]

# Immich's order: the most restrictive visibility present wins.
_VISIBILITY_RANK = {"hidden": 0, "timeline": 1, "archive": 2, "locked": 3}


@attrs.frozen(kw_only=True)
class KeeperUpdate:
    """What one keeper must receive. ``fields`` are ``update_assets`` keyword arguments."""

    asset_id: str
    fields: Mapping[str, Any] = attrs.field(factory=dict)
    albums: frozenset[str] = frozenset()  # album ids to add the keeper to
    tags: frozenset[str] = frozenset()  # tag ids to add to the keeper

    @property
    def empty(self) -> bool:
        return not (self.fields or self.albums or self.tags)

    def permissions(self) -> set[str]:
        """API-key permissions the writes for this update need."""
        needed = set()
        if self.fields:
            needed.add("asset.update")
        if self.albums:
            needed.add("albumAsset.create")
        if self.tags:
            needed.add("tag.asset")
        return needed

    def describe(self) -> str:
        parts = [f"{k}={v!r}" for k, v in sorted(self.fields.items())]
        if self.albums:
            parts.append(f"{len(self.albums)} album(s)")
        if self.tags:
            parts.append(f"{len(self.tags)} tag(s)")
        return ", ".join(parts)


def merged_description(descriptions: Sequence[str | None]) -> str:
    """Immich's merge: every line of every description, trimmed, empty and repeated lines dropped."""
    seen: dict[str, None] = {}
    for text in descriptions:
        for line in (text or "").splitlines():
            line = line.strip()
            if line:
                seen.setdefault(line, None)
    return "\n".join(seen)


def _agreed(values: Sequence[float | None]) -> float | None:
    distinct = {v for v in values if v is not None and math.isfinite(v)}
    return distinct.pop() if len(distinct) == 1 else None


def keeper_updates(
    members: Sequence[AssetFacts],
    keep: Collection[str],
    *,
    albums: Mapping[str, Collection[str]],
    tag_ids: Mapping[str, str],
) -> list[KeeperUpdate]:
    """The non-empty updates that give each keeper what the deleted members carry.

    ``members`` are the group's assets in the server's order (oldest first, which is the
    order descriptions are joined in); ``keep`` the ids to keep, every other member is being
    deleted. ``albums`` maps asset id → album ids; ``tag_ids`` maps tag value → tag id for
    the deleted members' tags (a value without an id there cannot be added and is skipped).
    """
    deleted = [m for m in members if m.id not in keep]
    if not deleted:
        return []
    updates = []
    for keeper in (m for m in members if m.id in keep):
        sources = [m for m in members if m is keeper or m.id not in keep]
        fields: dict[str, Any] = {}
        if not keeper.is_favorite and any(m.is_favorite for m in sources):
            fields["is_favorite"] = True
        visibility = max(
            (m.visibility for m in sources if m.visibility in _VISIBILITY_RANK),
            key=_VISIBILITY_RANK.__getitem__,
            default=keeper.visibility,
        )
        if visibility != keeper.visibility and visibility != "hidden":
            fields["visibility"] = visibility
        rating = max((m.rating for m in sources if m.rating is not None and m.rating > 0), default=None)
        if rating is not None and rating != keeper.rating:
            fields["rating"] = rating
        description = merged_description([m.description for m in sources])
        if description != (keeper.description or "").strip() and description:
            fields["description"] = description
        lat = _agreed([m.latitude for m in sources])
        lon = _agreed([m.longitude for m in sources])
        if lat is not None and lon is not None and (lat, lon) != (keeper.latitude, keeper.longitude):
            fields["latitude"] = lat
            fields["longitude"] = lon
        own_albums = set(albums.get(keeper.id, ()))
        add_albums = {a for m in deleted for a in albums.get(m.id, ())} - own_albums
        own_tags = set(keeper.tags)
        add_tags = {tag_ids[t] for m in deleted for t in m.tags if t not in own_tags and t in tag_ids}
        update = KeeperUpdate(
            asset_id=keeper.id, fields=fields, albums=frozenset(add_albums), tags=frozenset(add_tags)
        )
        if not update.empty:
            updates.append(update)
    return updates


class CarryWriter(Protocol):
    """The three connection calls carrying needs (``ImmichConnection`` has them)."""

    def update_assets(self, ids: Sequence[str], **fields: Any) -> None: ...

    def add_assets_to_albums(self, album_ids: Sequence[str], asset_ids: Sequence[str]) -> Any: ...

    def tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> Any: ...


def apply_updates(
    conn: CarryWriter,
    updates: Sequence[KeeperUpdate],
    *,
    on_request: Callable[[], None] | None = None,
) -> int:
    """Send ``updates`` in as few write requests as possible; returns how many were sent.

    Keepers needing the same fields (e.g. ``is_favorite=True``) share one ``PUT /assets``;
    keepers needing the same album set share one ``PUT /albums/assets``, and likewise for
    tags. Unique values (descriptions, coordinates) cost one request per keeper.
    """
    by_fields: dict[tuple[tuple[str, Any], ...], list[str]] = defaultdict(list)
    by_albums: dict[frozenset[str], list[str]] = defaultdict(list)
    by_tags: dict[frozenset[str], list[str]] = defaultdict(list)
    for u in updates:
        if u.fields:
            by_fields[tuple(sorted(u.fields.items()))].append(u.asset_id)
        if u.albums:
            by_albums[u.albums].append(u.asset_id)
        if u.tags:
            by_tags[u.tags].append(u.asset_id)
    sent = 0

    def count() -> None:
        nonlocal sent
        sent += 1
        if on_request is not None:
            on_request()

    for key, ids in by_fields.items():
        conn.update_assets(ids, **dict(key))
        count()
    for album_set, ids in by_albums.items():
        conn.add_assets_to_albums(sorted(album_set), ids)
        count()
    for tag_set, ids in by_tags.items():
        conn.tag_assets(sorted(tag_set), ids)
        count()
    return sent
