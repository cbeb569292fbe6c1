"""Album memberships against the Immich double: per album and per asset agree, per album is cheap."""

from __future__ import annotations

import random

from immich_dedupe.connection import ImmichConnection
from immich_dedupe.settings import ConnectionSettings, Secret, normalize_base_url
from tests.fake_immich import FakeImmich

ALBUMS = 5
PAGE_SIZE = 40  # small pages so the per-album way crosses several of them


def _connect(immich: FakeImmich, key: str) -> ImmichConnection:
    settings = ConnectionSettings(base_url=normalize_base_url(immich.url), api_key=Secret(key), timeout=5.0)
    return ImmichConnection(settings, sleep=lambda s: None)


def _library(immich: FakeImmich) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """200 groups; members spread over 5 albums (some in two, some archived, one trashed); a foreign album."""
    library = immich.seed_library(200, seed=11, original_size=64)
    ids = [a.id for group in library.groups for a in group]
    rng = random.Random(3)
    members: dict[str, list[str]] = {}
    for n in range(ALBUMS):
        chosen = rng.sample(ids, 60)
        album = immich.add_album(f"Album {n}", chosen)
        members[album.id] = chosen
    for asset_id in rng.sample(ids, 25):
        immich.state.set_asset(asset_id, visibility="archive")
    trashed = next(iter(members.values()))[0]
    immich.state.delete_assets(immich.user.id, [trashed], force=False)
    other = immich.add_user()
    immich.add_album("Not shared with us", [immich.add_asset(owner=other)], owner=other)
    expected = {i: tuple(sorted(a.id for a in immich.state.visible_albums(immich.user.id, i))) for i in ids}
    assert all(set(a for a, m in members.items() if i in m) <= set(expected[i]) for i in ids)
    return ids, expected


def test_per_album_and_per_asset_give_the_same_memberships(immich: FakeImmich) -> None:
    ids, expected = _library(immich)
    assert sum(1 for v in expected.values() if len(v) > 1) > 0  # some assets are in two albums
    with _connect(immich, immich.api_key) as conn:
        conn.preflight(required=["duplicate.read"], optional=["album.read", "asset.read"])
        conn._search_page_size = PAGE_SIZE
        immich.requests.clear()
        by_album = conn.album_memberships(ids)
        requests = len(immich.requests.records)
    searches = immich.requests.count("POST", "/api/search/metadata")
    assert by_album == expected
    # one GET /albums, then per album a page or two of timeline assets and one of archived ones
    albums = immich.state.visible_albums(immich.user.id)  # ours plus the seeded ones
    pages = sum(-(-len(a.asset_ids) // PAGE_SIZE) + 1 for a in albums)
    assert searches <= pages and requests <= len(albums) + pages + 2
    assert immich.requests.count("GET", "/api/albums") == 1

    no_search = immich.add_api_key(permissions=["duplicate.read", "album.read"])
    with _connect(immich, no_search) as conn:
        conn.preflight(required=["duplicate.read"])
        immich.requests.clear()
        by_asset = conn.album_memberships(ids)
    assert by_asset == by_album
    assert immich.requests.count("POST", "/api/search/metadata") == 0
    assert immich.requests.count("GET", "/api/albums") == 1 + len(ids)


def test_a_few_assets_are_asked_one_by_one(immich: FakeImmich) -> None:
    ids, expected = _library(immich)
    few = ids[:4]
    with _connect(immich, immich.api_key) as conn:
        conn.preflight()
        immich.requests.clear()
        assert conn.album_memberships(few) == {i: expected[i] for i in few}
    assert immich.requests.count("POST", "/api/search/metadata") == 0
    assert immich.requests.count("GET", "/api/albums") == 1 + len(few)
