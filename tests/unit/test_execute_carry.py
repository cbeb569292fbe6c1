"""carry: what keepers must receive where Immich does not merge (old servers, --permanent, several
keepers), computed with Immich's own merge rules, and sent in as few requests as possible."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from immich_dedupe.carry import KeeperUpdate, apply_updates, keeper_updates, merged_description
from tests.factories import asset

NO_ALBUMS: dict[str, tuple[str, ...]] = {}


def _one(members: Sequence[Any], keep: Sequence[str], **kw: Any) -> KeeperUpdate:
    updates = keeper_updates(
        members, set(keep), albums=kw.get("albums", NO_ALBUMS), tag_ids=kw.get("tags", {})
    )
    assert len(updates) == 1
    return updates[0]


def test_a_keeper_that_already_has_everything_needs_no_write() -> None:
    keeper = asset(is_favorite=True, rating=5, description="Beach", latitude=1.0, longitude=2.0)
    copy = asset(is_favorite=True, rating=3, description="Beach", latitude=1.0, longitude=2.0)
    assert keeper_updates([keeper, copy], {keeper.id}, albums=NO_ALBUMS, tag_ids={}) == []


def test_favourite_rating_and_archive_come_from_any_deleted_copy() -> None:
    keeper = asset(rating=2)
    copy = asset(is_favorite=True, rating=4, visibility="archive")
    update = _one([keeper, copy], [keeper.id])
    assert update.fields == {"is_favorite": True, "rating": 4, "visibility": "archive"}


def test_a_rejected_rating_does_not_win_and_a_lower_rating_is_not_written() -> None:
    keeper = asset(rating=5)
    copies = [asset(rating=-1), asset(rating=3)]
    assert keeper_updates([keeper, *copies], {keeper.id}, albums=NO_ALBUMS, tag_ids={}) == []


def test_descriptions_are_merged_line_by_line_in_group_order() -> None:
    older = asset(description="Grandma's birthday\nKitchen")
    keeper = asset(description="Kitchen  ")
    newer = asset(description="\n grandma's cake \nGrandma's birthday")
    update = _one([older, keeper, newer], [keeper.id])
    assert update.fields["description"] == "Grandma's birthday\nKitchen\ngrandma's cake"
    assert merged_description([None, "", " \n "]) == ""


def test_gps_is_copied_only_when_every_copy_with_coordinates_agrees() -> None:
    keeper = asset()
    agreeing = [asset(latitude=48.85, longitude=2.29), asset(latitude=48.85, longitude=2.29), asset()]
    update = _one([keeper, *agreeing], [keeper.id])
    assert (update.fields["latitude"], update.fields["longitude"]) == (48.85, 2.29)
    disagreeing = [asset(latitude=48.85, longitude=2.29), asset(latitude=52.5, longitude=13.4)]
    assert keeper_updates([keeper, *disagreeing], {keeper.id}, albums=NO_ALBUMS, tag_ids={}) == []


def test_albums_and_tags_of_deleted_copies_are_added_and_nothing_else() -> None:
    keeper = asset(tags=("Family",))
    copy = asset(tags=("Family", "Holiday", "Unknown"))
    albums = {keeper.id: ("a1",), copy.id: ("a1", "a2")}
    update = _one(
        [keeper, copy], [keeper.id], albums=albums, tags={"Holiday": "t-holiday", "Family": "t-fam"}
    )
    assert update.albums == {"a2"}
    assert update.tags == {"t-holiday"}  # a tag without a known id cannot be added
    assert update.permissions() == {"albumAsset.create", "tag.asset"}


def test_with_several_keepers_each_receives_the_deleted_copies_metadata_not_each_others() -> None:
    k1 = asset(is_favorite=True)
    k2 = asset(description="k2 only")
    gone = asset(rating=3)
    updates = {u.asset_id: u for u in keeper_updates([k1, k2, gone], {k1.id, k2.id}, albums={}, tag_ids={})}
    assert updates[k1.id].fields == {"rating": 3}
    assert updates[k2.id].fields == {"rating": 3}  # not k1's favourite, not its own description again


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...], Any]] = []

    def update_assets(self, ids: Sequence[str], **fields: Any) -> None:
        self.calls.append(("update", tuple(ids), fields))

    def add_assets_to_albums(self, album_ids: Sequence[str], asset_ids: Sequence[str]) -> None:
        self.calls.append(("albums", tuple(asset_ids), tuple(album_ids)))

    def tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> int:
        self.calls.append(("tags", tuple(asset_ids), tuple(tag_ids)))
        return len(asset_ids)


def test_updates_are_batched_by_identical_content() -> None:
    updates = [
        KeeperUpdate(asset_id=f"k{i}", fields={"is_favorite": True}, albums=frozenset({"a"}))
        for i in range(50)
    ]
    updates.append(KeeperUpdate(asset_id="x", fields={"description": "only x"}, tags=frozenset({"t"})))
    conn = _Recorder()

    sent = apply_updates(conn, updates)

    assert sent == len(conn.calls) == 4
    assert ("update", tuple(f"k{i}" for i in range(50)), {"is_favorite": True}) in conn.calls
    assert ("albums", tuple(f"k{i}" for i in range(50)), ("a",)) in conn.calls
    assert ("update", ("x",), {"description": "only x"}) in conn.calls
    assert ("tags", ("x",), ("t",)) in conn.calls
