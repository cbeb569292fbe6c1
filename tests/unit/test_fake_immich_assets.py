"""Behaviour of the double's asset endpoints: delete and trash (§2), downloads (§4), updates, albums, tags."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest

from tests.fake_immich import Content, FakeImmich


def _sha1(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def _delete(client: httpx.Client, ids: list[str], **extra: object) -> httpx.Response:
    return client.request("DELETE", "/assets", json={"ids": ids, **extra})


# ---------------------------------------------------------------------------- DELETE /assets


def test_delete_trashes_and_keeps_duplicate_id(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b, c = immich.make_group(3)
    response = _delete(immich_http, [a.id])
    assert response.status_code == 204 and response.content == b""
    record = immich.state.asset(a.id)
    assert record.is_trashed and record.status == "trashed"
    assert record.duplicate_id == b.duplicate_id
    assert immich_http.get(f"/assets/{a.id}").json()["isTrashed"] is True


def test_one_foreign_id_fails_the_whole_delete(immich: FakeImmich, immich_http: httpx.Client) -> None:
    mine = immich.add_asset()
    theirs = immich.add_asset(immich.add_user())
    locked = immich.add_asset(visibility="locked")
    for bad in (theirs.id, locked.id, "11111111-2222-4333-8444-555555555555"):
        response = _delete(immich_http, [mine.id, bad], force=True)
        assert response.status_code == 400
        assert response.json() == {"message": "Not found or no asset.delete access"}
    assert not immich.state.trashed_ids() and not immich.state.purged_ids()


def test_trash_setting_is_not_consulted_by_delete(immich: FakeImmich, immich_http: httpx.Client) -> None:
    immich.settings.trash_enabled = False
    asset = immich.add_asset()
    _delete(immich_http, [asset.id])
    assert immich.state.asset(asset.id).is_trashed  # marked trashed, not purged
    assert immich_http.get("/server/features").json()["trash"] is False


def test_force_deletes_permanently_even_from_the_trash(immich: FakeImmich, immich_http: httpx.Client) -> None:
    album = immich.add_album("Kept")
    asset = immich.add_asset(albums=[album])
    _delete(immich_http, [asset.id])
    assert immich.state.albums[album.id].asset_ids == (asset.id,)  # trash keeps the album link
    assert _delete(immich_http, [asset.id], force=True).status_code == 204
    assert asset.id in immich.state.purged_ids()
    assert immich.state.albums[album.id].asset_ids == ()
    response = immich_http.get(f"/assets/{asset.id}")
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no asset.read access"


def test_restore_brings_assets_back(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.add_asset(), immich.add_asset()
    _delete(immich_http, [a.id])
    response = immich_http.post("/trash/restore/assets", json={"ids": [a.id, b.id]})
    assert response.json() == {"count": 1}
    assert not immich.state.asset(a.id).is_trashed


def test_live_photo_motion_part_follows_permanent_deletion_only(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    still = immich.add_asset(live_photo=True)
    motion_id = still.live_photo_video_id
    assert motion_id is not None
    motion = immich.state.asset(motion_id)
    assert motion.visibility == "hidden" and motion.type == "VIDEO"
    _delete(immich_http, [still.id])
    assert not immich.state.asset(motion_id).is_trashed
    _delete(immich_http, [still.id], force=True)
    assert motion_id in immich.state.purged_ids()


def test_motion_part_shared_by_another_still_survives(immich: FakeImmich, immich_http: httpx.Client) -> None:
    still = immich.add_asset(live_photo=True)
    twin = immich.add_asset(live_photo_video_id=still.live_photo_video_id)
    _delete(immich_http, [still.id], force=True)
    assert twin.live_photo_video_id in immich.state.assets


def test_stack_is_repaired_on_permanent_deletion(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b, c = (immich.add_asset() for _ in range(3))
    stack = immich.add_stack([a, b, c])
    _delete(immich_http, [a.id], force=True)
    assert immich.state.stacks[stack.id].primary_asset_id == b.id
    _delete(immich_http, [b.id], force=True)
    assert stack.id not in immich.state.stacks
    assert immich.state.asset(c.id).stack_id is None


# ---------------------------------------------------------------------------- downloads


def test_original_bytes_match_the_checksum_and_headers_match_send(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    asset = immich.add_asset(file_name="Grand-mère (1).HEIC", size=200_000)
    response = immich_http.get(f"/assets/{asset.id}/original")
    assert response.status_code == 200
    assert (
        _sha1(response.content) == asset.checksum == immich_http.get(f"/assets/{asset.id}").json()["checksum"]
    )
    assert len(response.content) == 200_000
    headers = response.headers
    assert headers["content-type"] == "image/heic"
    assert headers["content-disposition"] == "inline; filename*=UTF-8''Grand-m%C3%A8re%20%281%29.HEIC"
    assert headers["cache-control"] == "private, max-age=86400, no-transform"
    assert headers["content-length"] == "200000"
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"].startswith('W/"30d40-')
    assert headers["last-modified"].endswith(" GMT")


def test_explicit_bytes_are_served(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(data=b"hello world", file_name="a.png")
    response = immich_http.get(f"/assets/{asset.id}/original")
    assert response.content == b"hello world"
    assert response.headers["content-type"] == "image/png"
    assert asset.checksum == _sha1(b"hello world")


def test_external_library_checksum_is_a_path_hash(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(library_id="b9d3e0c7-4f2a-4c1e-9f7b-3a6d5e8c2b10", original_path="/mnt/x/a.jpg")
    info = immich_http.get(f"/assets/{asset.id}").json()
    body = immich_http.get(f"/assets/{asset.id}/original").content
    assert info["checksum"] == _sha1(b"path:/mnt/x/a.jpg") != _sha1(body)
    assert info["exifInfo"]["fileSizeInByte"] == len(body)


@pytest.mark.parametrize(
    ("header", "status", "start", "end", "content_range"),
    [
        ("bytes=0-99", 206, 0, 100, "bytes 0-99/1000"),
        ("bytes=900-", 206, 900, 1000, "bytes 900-999/1000"),
        ("bytes=-10", 206, 990, 1000, "bytes 990-999/1000"),
        ("bytes=950-5000", 206, 950, 1000, "bytes 950-999/1000"),
        ("bytes=0-1,5-6", 200, 0, 1000, None),
        ("items=0-1", 200, 0, 1000, None),
    ],
)
def test_range_requests(
    immich: FakeImmich,
    immich_http: httpx.Client,
    header: str,
    status: int,
    start: int,
    end: int,
    content_range: str | None,
) -> None:
    asset = immich.add_asset(size=1000)
    response = immich_http.get(f"/assets/{asset.id}/original", headers={"Range": header})
    assert response.status_code == status
    assert response.content == asset.content.read()[start:end]
    assert response.headers.get("content-range") == content_range


def test_unsatisfiable_range_is_416(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=1000)
    response = immich_http.get(f"/assets/{asset.id}/original", headers={"Range": "bytes=1000-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */1000"


def test_conditional_get_and_if_range(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=1000)
    first = immich_http.get(f"/assets/{asset.id}/original")
    etag = first.headers["etag"]
    assert immich_http.get(f"/assets/{asset.id}/original", headers={"If-None-Match": etag}).status_code == 304
    stale = immich_http.get(
        f"/assets/{asset.id}/original", headers={"Range": "bytes=0-9", "If-Range": 'W/"other"'}
    )
    assert stale.status_code == 200 and len(stale.content) == 1000


def test_download_access(immich: FakeImmich, immich_http: httpx.Client) -> None:
    other = immich.add_user()
    theirs = immich.add_asset(other)
    shared = immich.add_asset(other)
    immich.add_album("shared", [shared], owner=other, shared_with={immich.user.id: "viewer"})
    trashed_own = immich.add_asset(trashed=True)
    response = immich_http.get(f"/assets/{theirs.id}/original")
    assert response.status_code == 400
    assert response.json() == {"message": "Not found or no asset.download access"}
    assert immich_http.get(f"/assets/{shared.id}/original").status_code == 200
    assert immich_http.get(f"/assets/{trashed_own.id}/original").status_code == 200


def test_generated_content_is_deterministic_and_random_access() -> None:
    content = Content(size=200_000, seed=42)
    whole = content.read()
    assert len(whole) == 200_000
    assert content.read(65_530, 131_080) == whole[65_530:131_080]
    assert Content(size=200_000, seed=42).sha1_b64 == content.sha1_b64 == _sha1(whole)
    assert Content(size=200_000, seed=43).read(0, 64) != whole[:64]


def test_thumbnail_is_an_image(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset()
    thumb = immich_http.get(f"/assets/{asset.id}/thumbnail")
    assert thumb.headers["content-type"] == "image/webp" and thumb.content[:4] == b"RIFF"
    preview = immich_http.get(f"/assets/{asset.id}/thumbnail", params={"size": "preview"})
    assert preview.headers["content-type"] == "image/jpeg" and preview.content[:2] == b"\xff\xd8"


# ---------------------------------------------------------------------------- info and updates


def test_asset_info_has_stack_people_and_owner(immich: FakeImmich, immich_http: httpx.Client) -> None:
    person = {"id": "0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3", "name": "Max", "birthDate": None}
    a = immich.add_asset(people=[{**person, "isHidden": False, "thumbnailPath": "/t.jpeg"}])
    b = immich.add_asset()
    info = immich_http.get(f"/assets/{a.id}").json()
    assert (
        info["stack"] is None and info["people"][0]["name"] == "Max" and info["owner"]["id"] == immich.user.id
    )
    stack = immich_http.post("/stacks", json={"assetIds": [b.id, a.id]}).json()
    info = immich_http.get(f"/assets/{a.id}").json()
    assert info["stack"] == {"id": stack["id"], "primaryAssetId": b.id, "assetCount": 2}


def test_bulk_update_sets_fields_and_can_leave_a_group(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.make_group(2)
    response = immich_http.put(
        "/assets",
        json={
            "ids": [a.id, b.id],
            "duplicateId": None,
            "isFavorite": True,
            "rating": -1,
            "description": "x",
            "visibility": "archive",
            "latitude": 1.0,
            "longitude": 2.0,
        },
    )
    assert response.status_code == 204
    record = immich.state.asset(a.id)
    assert record.duplicate_id is None and record.is_favorite and record.visibility == "archive"
    assert record.exif is not None
    assert (record.exif["rating"], record.exif["description"], record.exif["latitude"]) == (-1, "x", 1.0)


def test_rating_zero_is_invalid_on_v3(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset()
    response = immich_http.put(f"/assets/{asset.id}", json={"rating": 0})
    assert response.status_code == 400 and response.json()["message"] == "Validation failed"


def test_update_of_a_foreign_asset_is_refused(immich: FakeImmich, immich_http: httpx.Client) -> None:
    theirs = immich.add_asset(immich.add_user())
    response = immich_http.put("/assets", json={"ids": [theirs.id], "isFavorite": True})
    assert response.json() == {"message": "Not found or no asset.update access"}
    assert not immich.state.asset(theirs.id).is_favorite


def test_stacked_assets_leave_duplicate_groups(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.make_group(2)
    response = immich_http.post("/stacks", json={"assetIds": [a.id, b.id]})
    assert response.status_code == 201 and response.json()["primaryAssetId"] == a.id
    assert immich_http.get("/duplicates").json() == []
    assert immich_http.post("/stacks", json={"assetIds": [a.id]}).status_code == 400  # min 2


# ---------------------------------------------------------------------------- albums and tags


def test_albums_by_asset_and_adding(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b = immich.add_asset(), immich.add_asset()
    album = immich.add_album("Summer", [a])
    immich.add_album("Other")
    listed = immich_http.get("/albums", params={"assetId": a.id}).json()
    assert [x["id"] for x in listed] == [album.id]
    assert listed[0]["assetCount"] == 1 and "assets" not in listed[0]
    results = immich_http.put(f"/albums/{album.id}/assets", json={"ids": [a.id, b.id]}).json()
    assert results == [{"id": a.id, "success": False, "error": "duplicate"}, {"id": b.id, "success": True}]
    assert immich_http.put("/albums/assets", json={"albumIds": [album.id], "assetIds": [a.id]}).json() == {
        "success": False,
        "error": "duplicate",
    }
    found = immich_http.post("/search/metadata", json={"albumIds": [album.id]}).json()
    assert {x["id"] for x in found["assets"]["items"]} == {a.id, b.id}


def test_viewer_cannot_add_to_a_shared_album(immich: FakeImmich, immich_http: httpx.Client) -> None:
    other = immich.add_user()
    album = immich.add_album("Theirs", owner=other, shared_with={immich.user.id: "viewer"})
    asset = immich.add_asset()
    response = immich_http.put(f"/albums/{album.id}/assets", json={"ids": [asset.id]})
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no albumAsset.create access"


def test_bulk_tagging_counts_new_links(immich: FakeImmich, immich_http: httpx.Client) -> None:
    tag = immich.add_tag("People/Max")
    a = immich.add_asset(tags=[tag])
    b = immich.add_asset()
    response = immich_http.put("/tags/assets", json={"tagIds": [tag.id], "assetIds": [a.id, b.id]})
    assert response.json() == {"count": 1}
    values = [t["value"] for t in immich_http.get("/tags").json()]
    assert values == ["People", "People/Max"]


def test_request_body_over_10_mb_is_413(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset()
    body = b'{"ids": ["' + asset.id.encode() + b'"]' + b" " * (10 * 1024 * 1024) + b"}"
    response = immich_http.request(
        "DELETE", "/assets", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert not immich.state.trashed_ids()
    assert immich_http.get("/server/ping").json() == {"res": "pong"}  # same connection still usable


def test_if_modified_since(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=100)
    url = f"/assets/{asset.id}/original"
    modified = immich_http.get(url).headers["last-modified"]
    assert immich_http.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert (
        immich_http.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code
        == 200
    )
    assert immich_http.get(url, headers={"If-Modified-Since": "garbage"}).status_code == 200
