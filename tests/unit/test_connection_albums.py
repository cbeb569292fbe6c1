"""``album_memberships``: per album through search when that is cheaper, per asset otherwise, same map."""

from __future__ import annotations

import json
import random
import threading
import uuid
from typing import Any

import httpx
import pytest

from immich_dedupe.connection import ImmichConnection
from immich_dedupe.errors import ProtocolError
from tests.unit.test_connection import Server, connect

ALBUM_X = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
ALBUM_Y = "2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def _ids(n: int) -> list[str]:
    return [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)]


class Library:
    """A mock server's albums: album id → [(asset id, visibility)]; answers both ways of asking."""

    def __init__(self, albums: dict[str, list[tuple[str, str]]], *, counts: bool = True) -> None:
        self.albums = albums
        self.counts = counts

    def albums_route(self, request: httpx.Request) -> httpx.Response:
        asset_id = request.url.params.get("assetId")
        out = []
        for album_id, members in self.albums.items():
            if asset_id is None or asset_id in {a for a, _ in members}:
                dto: dict[str, Any] = {"id": album_id, "albumName": "A"}
                if self.counts:
                    dto["assetCount"] = len(members)
                out.append(dto)
        return httpx.Response(200, json=out)

    def search_route(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        (album_id,) = body["albumIds"]
        visibility = body.get("visibility") or "timeline"
        found = [a for a, v in self.albums[album_id] if v == visibility]
        page, size = body["page"], body["size"]
        items = [
            {"id": a, "ownerId": "u1", "exifInfo": {"make": "X"}}
            for a in found[(page - 1) * size : page * size]
        ]
        following = str(page + 1) if page * size < len(found) else None
        assets = {
            "count": len(items),
            "total": len(items),
            "items": items,
            "facets": [],
            "nextPage": following,
        }
        return httpx.Response(
            200, json={"albums": {"count": 0, "total": 0, "items": [], "facets": []}, "assets": assets}
        )

    def server(self, **routes: Any) -> Server:
        return Server(
            {
                ("GET", "/api/albums"): self.albums_route,
                ("POST", "/api/search/metadata"): self.search_route,
                **routes,
            }
        )


def _connected(server: Server, permissions: list[str] | None = None) -> ImmichConnection:
    if permissions is not None:
        server.routes[("GET", "/api/api-keys/me")] = {"id": "k1", "name": "d", "permissions": permissions}
    conn = connect(server)
    conn.preflight()
    server.requests.clear()
    return conn


def _expected(library: Library, ids: list[str]) -> dict[str, tuple[str, ...]]:
    return {
        i: tuple(sorted(album for album, members in library.albums.items() if i in {a for a, _ in members}))
        for i in ids
    }


def _library(ids: list[str]) -> Library:
    # an archived member, one in two albums, one in none
    return Library(
        {
            ALBUM_X: [(ids[0], "timeline"), (ids[1], "archive"), (ids[2], "timeline")],
            ALBUM_Y: [(ids[2], "timeline"), (ids[3], "archive")],
        }
    )


def test_many_assets_few_albums_asks_per_album() -> None:
    ids = _ids(10)
    library = _library(ids)
    server = library.server()
    conn = _connected(server)
    memberships = conn.album_memberships(ids)
    assert memberships == _expected(library, ids)
    assert memberships[ids[2]] == (ALBUM_X, ALBUM_Y) and memberships[ids[1]] == (ALBUM_X,)
    assert memberships[ids[9]] == ()
    assert [r.url.params.get("assetId") for r in server.calls("GET", "/albums")] == [None]
    bodies = [json.loads(r.content) for r in server.calls("POST", "/search/metadata")]
    assert len(bodies) == 4  # two albums, timeline and archive each, one page
    assert {(b["albumIds"][0], b["visibility"]) for b in bodies} == {
        (a, v) for a in (ALBUM_X, ALBUM_Y) for v in ("timeline", "archive")
    }
    assert all(b["withDeleted"] is True and b["size"] == 1000 and b["page"] == 1 for b in bodies)


def test_few_assets_ask_per_asset_with_the_same_answer() -> None:
    ids = _ids(10)
    library = _library(ids)
    server = library.server()
    conn = _connected(server)
    few = ids[:3]  # 3 requests beat at least 4 searches
    assert conn.album_memberships(few) == _expected(library, few)
    assert not server.calls("POST", "/search/metadata")
    assert len(server.calls("GET", "/albums")) == 1 + len(few)


def test_a_key_without_asset_read_asks_per_asset() -> None:
    ids = _ids(10)
    library = _library(ids)
    server = library.server()
    conn = _connected(server, ["duplicate.read", "album.read"])
    assert conn.album_memberships(ids) == _expected(library, ids)
    assert not server.calls("POST", "/search/metadata")
    assert len(server.calls("GET", "/albums")) == 11


def test_without_preflight_or_asset_counts_asks_per_asset() -> None:
    ids = _ids(10)
    library = _library(ids)
    server = library.server()
    assert connect(server).album_memberships(ids) == _expected(library, ids)  # permissions unknown
    no_counts = Library(library.albums, counts=False)
    server = no_counts.server()
    assert _connected(server).album_memberships(ids) == _expected(library, ids)
    assert not server.calls("POST", "/search/metadata")


def test_pages_are_followed_to_the_end() -> None:
    ids = _ids(30)
    library = Library({ALBUM_X: [(i, "timeline") for i in ids[:7]] + [(i, "archive") for i in ids[7:12]]})
    server = library.server()
    conn = _connected(server)
    conn._search_page_size = 3  # cost 4 + 1 = 5 searches < 30 assets
    assert conn.album_memberships(ids) == _expected(library, ids)
    pages = [
        (b["visibility"], b["page"], b["size"])
        for b in map(json.loads, (r.content for r in server.requests[1:]))
    ]
    # the two visibilities are searched side by side, each one's pages in order
    assert [p for p in pages if p[0] == "timeline"] == [("timeline", n, 3) for n in (1, 2, 3)]
    assert [p for p in pages if p[0] == "archive"] == [("archive", n, 3) for n in (1, 2)]


def test_a_refused_search_falls_back_to_per_asset() -> None:
    ids = _ids(10)
    library = _library(ids)
    refused = httpx.Response(400, json={"message": "Not found or no album.read access"})
    server = library.server()
    server.routes[("POST", "/api/search/metadata")] = refused
    conn = _connected(server)
    assert conn.album_memberships(ids) == _expected(library, ids)
    assert len(server.calls("GET", "/albums")) == 11


@pytest.mark.parametrize("next_page", ["1", "later", 2.5])
def test_a_next_page_that_does_not_move_on_is_a_protocol_error(next_page: object) -> None:
    ids = _ids(10)
    item = {"id": ids[0]}
    answer = {"albums": {}, "assets": {"items": [item], "nextPage": next_page}}
    server = Library({ALBUM_X: [(ids[0], "timeline")]}).server()
    server.routes[("POST", "/api/search/metadata")] = answer
    with pytest.raises(ProtocolError, match="POST /search/metadata"):
        _connected(server).album_memberships(ids)


def test_an_item_without_id_is_a_protocol_error() -> None:
    ids = _ids(10)
    server = Library({ALBUM_X: [(ids[0], "timeline")]}).server()
    server.routes[("POST", "/api/search/metadata")] = {
        "assets": {"items": [{"ownerId": "u1"}], "nextPage": None}
    }
    with pytest.raises(ProtocolError, match="has no id"):
        _connected(server).album_memberships(ids)


# ----------------------------------------------------------------------- searches side by side


class Recorder:
    """A ``Progress`` that remembers every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        self.calls.append(("start", task, str(total)))

    def advance(self, task: str, amount: float = 1) -> None:
        self.calls.append(("advance", task))

    def finish(self, task: str) -> None:
        self.calls.append(("finish", task))

    def note(self, text: str) -> None:
        self.calls.append(("note", text))


def _many_albums(ids: list[str], albums: int) -> Library:
    rng = random.Random(5)
    return Library(
        {
            str(uuid.UUID(int=1000 + n, version=4)): [
                (a, rng.choice(("timeline", "archive"))) for a in rng.sample(ids, rng.randint(0, 12))
            ]
            for n in range(albums)
        }
    )


def test_many_albums_give_the_same_map_both_ways() -> None:
    ids = _ids(200)
    library = _many_albums(ids, 25)  # more searches than workers
    server = library.server()
    conn = _connected(server)
    progress = Recorder()
    by_album = conn.album_memberships(ids, progress=progress)
    assert len(server.calls("POST", "/search/metadata")) == 50
    assert by_album == conn._memberships_by_asset(ids, progress=None) == _expected(library, ids)
    assert any(by_album[i] for i in ids) and any(not by_album[i] for i in ids)
    # one step per album, whichever of its searches ends last
    task = "Looking up albums"
    assert progress.calls == [("start", task, "25"), *[("advance", task)] * 25, ("finish", task)]


def test_album_searches_run_side_by_side() -> None:
    ids = _ids(40)
    library = _many_albums(ids, 3)  # 6 searches
    meet = threading.Barrier(3, timeout=10)  # lets searches through only three at a time

    def search(request: httpx.Request) -> httpx.Response:
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            return httpx.Response(500, json={"message": "the searches came one at a time"})
        return library.search_route(request)

    server = library.server()
    server.routes[("POST", "/api/search/metadata")] = search
    assert _connected(server).album_memberships(ids) == _expected(library, ids)


def test_one_refused_album_falls_back_to_per_asset_for_all() -> None:
    ids = _ids(100)
    library = _many_albums(ids, 12)
    refused_album = list(library.albums)[7]

    def search(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["albumIds"] == [refused_album]:
            return httpx.Response(400, json={"message": "Not found or no album.read access"})
        return library.search_route(request)

    server = library.server()
    server.routes[("POST", "/api/search/metadata")] = search
    progress = Recorder()
    assert _connected(server).album_memberships(ids, progress=progress) == _expected(library, ids)
    assert len(server.calls("GET", "/albums")) == 1 + len(ids)
    # the album bar is closed before the per-asset one starts
    starts = [i for i, c in enumerate(progress.calls) if c[0] == "start"]
    assert len(starts) == 2 and progress.calls[starts[1] - 1] == ("finish", "Looking up albums")


def test_the_first_failing_album_in_order_is_the_error() -> None:
    ids = _ids(100)
    library = _many_albums(ids, 12)
    order = list(library.albums)

    def search(request: httpx.Request) -> httpx.Response:
        (album_id,) = json.loads(request.content)["albumIds"]
        if album_id == order[2]:
            return httpx.Response(200, json={"assets": {"items": [{"ownerId": "u1"}], "nextPage": None}})
        if album_id == order[9]:
            return httpx.Response(500, json={"message": "later album broke"})
        return library.search_route(request)

    server = library.server()
    server.routes[("POST", "/api/search/metadata")] = search
    conn = _connected(server)
    with pytest.raises(ProtocolError, match=f"an asset in album {order[2]} has no id"):
        conn.album_memberships(ids)
    # nothing is left running: the connection still answers, from this thread
    assert conn.album_memberships(ids[:2]) == _expected(library, ids[:2])
