"""Behaviour of the double's duplicate endpoints, rule by rule (immich-behaviour.md §1 and §3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fake_immich import FakeImmich
from tests.fake_immich.serialize import duplicate_group_dto


def _groups(client: httpx.Client) -> dict[str, dict[str, Any]]:
    response = client.get("/duplicates")
    assert response.status_code == 200
    return {g["duplicateId"]: g for g in response.json()}


def _ids(group: dict[str, Any]) -> list[str]:
    return [a["id"] for a in group["assets"]]


def _resolve(client: httpx.Client, *groups: tuple[str, list[str], list[str]]) -> httpx.Response:
    body = {"groups": [{"duplicateId": d, "keepAssetIds": k, "trashAssetIds": t} for d, k, t in groups]}
    return client.post("/duplicates/resolve", json=body)


# ---------------------------------------------------------------------------- GET /duplicates


def test_listing_holds_only_the_callers_live_listable_assets(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    other = immich.add_user()
    mine = immich.make_group(
        [{}, {}, {"trashed": True}, {"visibility": "hidden"}, {"visibility": "locked"}, {"exif": None}, {}]
    )
    archived = immich.make_group([{"visibility": "archive"}, {}])
    stacked = immich.make_group(3)
    immich.add_stack(stacked[:2])
    immich.make_group(2, owner=other)
    groups = _groups(immich_http)
    assert set(groups) == {mine[0].duplicate_id, archived[0].duplicate_id}
    assert _ids(groups[mine[0].duplicate_id]) == [mine[0].id, mine[1].id, mine[6].id]
    assert _ids(groups[archived[0].duplicate_id]) == [a.id for a in archived]
    # the stacked group has one unstacked member left: a singleton, cleaned up by the same GET
    assert immich.state.asset(stacked[2].id).duplicate_id is None


def test_assets_are_ordered_by_local_date_time(immich: FakeImmich, immich_http: httpx.Client) -> None:
    late, early, middle = immich.make_group(
        [
            {"local_date_time": "2024-03-01T10:00:00Z"},
            {"local_date_time": "2020-01-01T10:00:00Z"},
            {"local_date_time": "2022-06-01T10:00:00Z"},
        ]
    )
    (group,) = _groups(immich_http).values()
    assert _ids(group) == [early.id, middle.id, late.id]


def test_listed_assets_carry_exif_tags_and_no_people_or_stack(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    tag = immich.add_tag("Trips/Rome")
    immich.make_group([{"tags": [tag], "people": [_person()], "exif": {"make": "Canon"}}, {}])
    (group,) = _groups(immich_http).values()
    first = group["assets"][0]
    assert first["exifInfo"]["make"] == "Canon"
    assert first["exifInfo"]["latitude"] is None  # every ExifResponseDto field is present
    assert [t["value"] for t in first["tags"]] == ["Trips/Rome"]
    assert first["people"] == []
    assert "stack" not in first and "owner" not in first
    assert first["isTrashed"] is False


def test_group_order_is_shuffled_between_requests(immich: FakeImmich, immich_http: httpx.Client) -> None:
    for _ in range(30):
        immich.make_group(2)
    orders = {tuple(g["duplicateId"] for g in immich_http.get("/duplicates").json()) for _ in range(4)}
    assert len(orders) > 1
    assert len({frozenset(o) for o in orders}) == 1


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (
            [
                {"exif": {"fileSizeInByte": 100}},
                {"exif": {"fileSizeInByte": 300}},
                {"exif": {"fileSizeInByte": 200}},
            ],
            1,
        ),
        (
            [{"exif": {"fileSizeInByte": 300, "make": "A", "model": "B"}}, {"exif": {"fileSizeInByte": 300}}],
            0,
        ),
        (
            [{"exif": {"fileSizeInByte": 300, "make": "A"}}, {"exif": {"fileSizeInByte": 300, "model": "B"}}],
            1,
        ),
        ([{"exif": {"fileSizeInByte": None, "make": "A", "model": "B"}}, {"exif": {"fileSizeInByte": 0}}], 0),
        ([{"exif": {"fileSizeInByte": None}}, {"exif": {"fileSizeInByte": 1}}], 1),
    ],
    ids=["largest", "size-tie-more-exif", "full-tie-newest", "null-is-zero-then-exif", "null-loses"],
)
def test_suggested_keeper_follows_immichs_rule(
    immich: FakeImmich, immich_http: httpx.Client, members: list[dict[str, Any]], expected: int
) -> None:
    assets = immich.make_group(members)
    (group,) = _groups(immich_http).values()
    assert group["suggestedKeepAssetIds"] == [assets[expected].id]


def test_pre_27_server_sends_no_suggestion_and_has_no_resolve() -> None:
    with FakeImmich(version=(2, 6, 3)) as old, httpx.Client(base_url=old.api_url) as client:
        old.make_group(2)
        client.headers["x-api-key"] = old.api_key
        (group,) = client.get("/duplicates").json()
        assert "suggestedKeepAssetIds" not in group
        assert group["assets"][0]["duration"] == "0:00:00.00000"
        response = _resolve(client, (group["duplicateId"], [], _ids(group)))
        assert response.status_code == 404
        assert response.json()["message"] == "Cannot POST /api/duplicates/resolve"


# ---------------------------------------------------------------------------- singleton cleanup


def test_trashing_one_of_two_dissolves_the_group_on_the_next_get(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    keep, gone = immich.make_group(2)
    assert immich_http.request("DELETE", "/assets", json={"ids": [gone.id]}).status_code == 204
    assert immich.state.asset(gone.id).duplicate_id == keep.duplicate_id  # DELETE leaves duplicateId alone
    assert _groups(immich_http) == {}
    assert immich.state.asset(keep.id).duplicate_id is None
    assert immich.state.asset(gone.id).duplicate_id is None  # the trashed member is cleared too
    immich_http.post("/trash/restore/assets", json={"ids": [gone.id]})
    assert _groups(immich_http) == {}  # a restore does not bring the group back


def test_trashing_one_of_three_keeps_the_group_and_the_trashed_id(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b, c = immich.make_group(3)
    immich_http.request("DELETE", "/assets", json={"ids": [c.id]})
    assert _ids(_groups(immich_http)[a.duplicate_id]) == [a.id, b.id]
    assert immich.state.asset(c.id).duplicate_id == a.duplicate_id
    immich_http.post("/trash/restore/assets", json={"ids": [c.id]})
    assert _ids(_groups(immich_http)[a.duplicate_id]) == [a.id, b.id, c.id]


# ---------------------------------------------------------------------------- resolve


def test_one_foreign_group_rejects_the_whole_batch(immich: FakeImmich, immich_http: httpx.Client) -> None:
    other = immich.add_user()
    mine = immich.make_group(2)
    theirs = immich.make_group(2, owner=other)
    response = _resolve(
        immich_http,
        (mine[0].duplicate_id, [mine[0].id], [mine[1].id]),
        (theirs[0].duplicate_id, [theirs[0].id], [theirs[1].id]),
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Not found or no duplicate.delete access"}
    assert not immich.state.trashed_ids()
    assert immich.state.asset(mine[0].id).duplicate_id == mine[0].duplicate_id


@pytest.mark.parametrize("kind", ["unknown", "all-trashed"])
def test_unknown_or_fully_trashed_group_rejects_the_batch(
    immich: FakeImmich, immich_http: httpx.Client, kind: str
) -> None:
    good = immich.make_group(2)
    if kind == "unknown":
        bad_id = "11111111-2222-4333-8444-555555555555"
    else:
        bad = immich.make_group([{"trashed": True}, {"trashed": True}])
        bad_id = bad[0].duplicate_id
    response = _resolve(immich_http, (good[0].duplicate_id, [good[0].id], [good[1].id]), (bad_id, [], []))
    assert response.status_code == 400
    assert not immich.state.trashed_ids() - ({a.id for a in bad} if kind == "all-trashed" else set())


def test_per_group_validation_errors_do_not_stop_other_groups(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    missing = immich.make_group(3)
    both = immich.make_group(2)
    ok = immich.make_group(2)
    response = _resolve(
        immich_http,
        (missing[0].duplicate_id, [missing[0].id], [missing[1].id]),
        (both[0].duplicate_id, [both[0].id, both[1].id], [both[1].id]),
        (ok[0].duplicate_id, [ok[0].id], [ok[1].id, "11111111-2222-4333-8444-555555555555"]),
    )
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": missing[0].duplicate_id,
            "success": False,
            "error": "validation",
            "errorMessage": "Every asset must be in either keepAssetIds or trashAssetIds",
        },
        {
            "id": both[0].duplicate_id,
            "success": False,
            "error": "validation",
            "errorMessage": "An asset cannot be in both keepAssetIds and trashAssetIds",
        },
        {"id": ok[0].duplicate_id, "success": True},  # the unknown id was silently dropped
    ]
    assert immich.state.trashed_ids() == {ok[1].id}
    assert immich.state.asset(missing[1].id).duplicate_id == missing[0].duplicate_id


def test_resolve_with_one_keeper_merges_metadata(immich: FakeImmich, immich_http: httpx.Client) -> None:
    other = immich.add_user()
    rome = immich.add_tag("Trips/Rome")
    best = immich.add_tag("Best")
    album_a = immich.add_album("A")
    album_b = immich.add_album("B")
    foreign_view = immich.add_album("viewer only", owner=other, shared_with={immich.user.id: "viewer"})
    keeper, fav, archived = immich.make_group(
        [
            {"description": "Beach\nwith grandma", "rating": 2, "latitude": 1.5, "tags": [rome]},
            {"is_favorite": True, "description": "beach day\n\nBeach", "albums": [album_a], "latitude": 1.5},
            {
                "visibility": "archive",
                "rating": 5,
                "description": "  with grandma ",
                "albums": [album_b, foreign_view],
                "tags": [best],
                "longitude": 2.5,
            },
        ]
    )
    response = _resolve(immich_http, (keeper.duplicate_id, [keeper.id], [fav.id, archived.id]))
    assert response.json() == [{"id": keeper.duplicate_id, "success": True}]
    kept = immich.state.asset(keeper.id)
    assert kept.is_favorite and kept.visibility == "archive"
    assert kept.exif is not None
    assert kept.exif["rating"] == 5
    assert kept.exif["description"] == "Beach\nwith grandma\nbeach day"
    assert (kept.exif["latitude"], kept.exif["longitude"]) == (1.5, 2.5)
    assert set(immich.state.tag_values(keeper.id)) == {"Trips/Rome", "Best"}
    assert {a.name for a in immich.state.albums_of_asset(keeper.id)} == {"A", "B"}
    assert kept.duplicate_id is None
    for trashed in (fav, archived):
        record = immich.state.asset(trashed.id)
        assert record.is_trashed and record.status == "trashed" and record.duplicate_id is None


def test_resolve_leaves_gps_alone_when_members_disagree(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    keeper, other = immich.make_group([{"latitude": None}, {"latitude": 10.0, "longitude": 20.0}])
    immich.make_group(0)
    third = immich.add_asset(duplicate_id=keeper.duplicate_id, latitude=11.0, longitude=20.0)
    _resolve(immich_http, (keeper.duplicate_id, [keeper.id], [other.id, third.id]))
    exif = immich.state.asset(keeper.id).exif
    assert exif is not None and exif["latitude"] is None and exif["longitude"] is None


def test_resolve_with_several_keepers_merges_nothing(immich: FakeImmich, immich_http: httpx.Client) -> None:
    album = immich.add_album("Only C")
    a, b, c = immich.make_group([{}, {}, {"is_favorite": True, "albums": [album]}])
    _resolve(immich_http, (a.duplicate_id, [a.id, b.id], [c.id]))
    assert not immich.state.asset(a.id).is_favorite
    assert immich.state.albums_of_asset(a.id) == []
    assert immich.state.asset(a.id).duplicate_id is None and immich.state.asset(b.id).duplicate_id is None


def test_resolve_keep_all_dissolves_without_merge(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.make_group([{}, {"is_favorite": True}])
    response = _resolve(immich_http, (a.duplicate_id, [a.id, b.id], []))
    assert response.json() == [{"id": a.duplicate_id, "success": True}]
    assert not immich.state.asset(a.id).is_favorite
    assert not immich.state.trashed_ids()
    assert _groups(immich_http) == {}


def test_resolve_deletes_permanently_when_trash_is_disabled(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    immich.settings.trash_enabled = False
    keep, gone = immich.make_group(2)
    _resolve(immich_http, (keep.duplicate_id, [keep.id], [gone.id]))
    assert gone.id in immich.state.purged_ids()
    assert gone.id not in immich.state.assets


def test_resolve_skips_members_that_became_stacked(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b, c = immich.make_group(3)
    immich.add_stack([b, c])
    response = _resolve(immich_http, (a.duplicate_id, [a.id], [b.id]))
    # a still owns a live member so access passes; b and c are not members any more and are dropped
    assert response.json() == [{"id": a.duplicate_id, "success": True}]
    assert not immich.state.trashed_ids()


# ---------------------------------------------------------------------------- dismiss


def test_dismiss_clears_every_member_including_trashed(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b, c = immich.make_group([{}, {}, {"trashed": True}])
    d, e = immich.make_group(2)
    assert immich_http.delete(f"/duplicates/{a.duplicate_id}").status_code == 204
    assert all(immich.state.asset(x.id).duplicate_id is None for x in (a, b, c))
    assert immich_http.request("DELETE", "/duplicates", json={"ids": [d.duplicate_id]}).status_code == 204
    assert immich.state.asset(e.id).duplicate_id is None
    assert not immich.state.trashed_ids() - {c.id}


def test_dismissing_a_foreign_group_is_refused(immich: FakeImmich, immich_http: httpx.Client) -> None:
    theirs = immich.make_group(2, owner=immich.add_user())
    response = immich_http.delete(f"/duplicates/{theirs[0].duplicate_id}")
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no duplicate.delete access"
    assert immich.state.asset(theirs[0].id).duplicate_id == theirs[0].duplicate_id


def _person() -> dict[str, Any]:
    return {
        "id": "0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3",
        "name": "Grandma",
        "birthDate": None,
        "isHidden": False,
        "thumbnailPath": "/p.jpeg",
    }


def test_cached_listing_json_equals_the_plain_mapping(immich: FakeImmich, immich_http: httpx.Client) -> None:
    immich.seed_library(30, seed=4, original_size=256)
    first = immich_http.get("/duplicates").json()
    a = first[0]["assets"][0]
    immich_http.put(f"/assets/{a['id']}", json={"isFavorite": not a["isFavorite"], "description": "changed"})
    state = immich.state
    expected = {
        gid: duplicate_group_dto(state, gid, members, immich.user.id)
        for gid, members in state._group_members(immich.user.id).items()
        if len(members) > 1
    }
    second = {g["duplicateId"]: g for g in immich_http.get("/duplicates").json()}
    assert second == expected
    changed = next(x for x in second[first[0]["duplicateId"]]["assets"] if x["id"] == a["id"])
    assert changed["exifInfo"]["description"] == "changed"


def test_first_offending_member_decides_the_validation_message(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b = immich.make_group(2)
    (result,) = _resolve(immich_http, (a.duplicate_id, [b.id], [b.id])).json()
    assert (
        result["errorMessage"] == "Every asset must be in either keepAssetIds or trashAssetIds"
    )  # a comes first


def test_group_whose_live_members_are_all_stacked_is_not_found(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b = immich.make_group(2)
    immich.add_stack([a, b])
    response = _resolve(immich_http, (a.duplicate_id, [a.id], [b.id]))
    assert response.json() == [{"id": a.duplicate_id, "success": False, "error": "not_found"}]


def test_a_repeated_trash_id_is_a_permission_failure(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.make_group(2)
    (result,) = _resolve(immich_http, (a.duplicate_id, [a.id], [b.id, b.id])).json()
    assert result["error"] == "no_permission"
    assert not immich.state.trashed_ids()
