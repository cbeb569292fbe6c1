"""The double's ``POST /search/metadata``: what immich-dedupe relies on to read an album's assets."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fake_immich import FakeImmich


def _search(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/search/metadata", json=body)


def _ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["assets"]["items"]}


def test_album_ids_keep_assets_in_all_given_albums(immich: FakeImmich, immich_http: httpx.Client) -> None:
    a, b, c = immich.add_asset(), immich.add_asset(), immich.add_asset()
    one = immich.add_album("One", [a, b])
    two = immich.add_album("Two", [b, c])
    assert _ids(_search(immich_http, albumIds=[one.id])) == {a.id, b.id}
    assert _ids(_search(immich_http, albumIds=[one.id, two.id])) == {b.id}


def test_paging_gives_every_asset_once_and_next_page_as_a_string(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    assets = [immich.add_asset() for _ in range(5)]
    album = immich.add_album("Five", assets)
    seen: list[str] = []
    pages = []
    page: int | None = 1
    while page is not None:
        body = _search(immich_http, albumIds=[album.id], page=page, size=2).json()["assets"]
        pages.append(body["nextPage"])
        seen.extend(item["id"] for item in body["items"])
        assert body["count"] == len(body["items"]) <= 2
        page = int(body["nextPage"]) if body["nextPage"] is not None else None
    assert pages == ["2", "3", None]
    assert sorted(seen) == sorted(a.id for a in assets)


def test_trashed_and_archived_assets_need_asking_for(immich: FakeImmich, immich_http: httpx.Client) -> None:
    kept, trashed, archived = immich.add_asset(), immich.add_asset(), immich.add_asset(visibility="archive")
    album = immich.add_album("Mixed", [kept, trashed, archived])
    assert immich_http.request("DELETE", "/assets", json={"ids": [trashed.id]}).status_code == 204
    assert _ids(_search(immich_http, albumIds=[album.id])) == {kept.id}
    assert _ids(_search(immich_http, albumIds=[album.id], withDeleted=True)) == {kept.id, trashed.id}
    assert _ids(_search(immich_http, albumIds=[album.id], visibility="archive")) == {archived.id}


def test_without_albums_only_own_assets_with_albums_any_readable_album(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    mine = immich.add_asset()
    other = immich.add_user()
    theirs = immich.add_asset(owner=other)
    shared = immich.add_album("Shared", [theirs, mine], owner=other, shared_with={immich.user.id: "viewer"})
    private = immich.add_album("Private", [theirs], owner=other)
    assert _ids(_search(immich_http)) == {mine.id}
    assert _ids(_search(immich_http, albumIds=[shared.id])) == {mine.id, theirs.id}
    refused = _search(immich_http, albumIds=[private.id])
    assert refused.status_code == 400
    assert refused.json()["message"] == "Not found or no album.read access"


def test_search_needs_asset_read(immich: FakeImmich) -> None:
    album = immich.add_album("A", [immich.add_asset()])
    key = immich.add_api_key(permissions=["album.read"])
    with httpx.Client(base_url=immich.api_url, headers={"x-api-key": key}) as client:
        response = _search(client, albumIds=[album.id])
    assert response.status_code == 403
    assert response.json()["message"] == "Missing required permission: asset.read"
