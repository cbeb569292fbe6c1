"""The double's server side: auth and scopes (§5), errors (§6), faults, request log, seeding, process."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable

import httpx
import pytest

from tests.fake_immich import FakeImmich, State
from tests.fake_immich.seed import Library, seed_library
from tests.fake_immich.spec import load_spec

# ---------------------------------------------------------------------------- auth


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authentication required"),
        ({"x-api-key": "wrong"}, "Invalid API key"),
        ({"Authorization": "Bearer wrong"}, "Invalid user token"),
        ({"Cookie": "immich_access_token=wrong"}, "Invalid user token"),
    ],
)
def test_unauthenticated_requests_are_401(immich: FakeImmich, headers: dict[str, str], message: str) -> None:
    response = httpx.get(immich.api_url + "/duplicates", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": message}
    assert response.headers["x-correlation-id"]


def test_bearer_wins_over_api_key(immich: FakeImmich) -> None:
    token = immich.add_session()
    ok = httpx.get(
        immich.api_url + "/users/me", headers={"Authorization": f"Bearer {token}", "x-api-key": "x"}
    )
    assert ok.status_code == 200 and ok.json()["id"] == immich.user.id
    bad = httpx.get(
        immich.api_url + "/users/me", headers={"Authorization": "Bearer nope", "x-api-key": immich.api_key}
    )
    assert bad.status_code == 401 and bad.json()["message"] == "Invalid user token"


def test_scopes_come_from_the_spec(immich: FakeImmich) -> None:
    key = immich.add_api_key(permissions=["duplicate.read", "asset.read"])
    headers = {"x-api-key": key}
    assert httpx.get(immich.api_url + "/duplicates", headers=headers).status_code == 200
    asset = immich.add_asset()
    denied = httpx.get(immich.api_url + f"/assets/{asset.id}/original", headers=headers)
    assert denied.status_code == 403
    assert denied.json() == {"message": "Missing required permission: asset.download"}
    spec = load_spec()
    assert spec.permission("GET", "/assets/{id}/original") == ("asset.download", False)
    me = httpx.get(immich.api_url + "/api-keys/me", headers=headers)  # any key may read itself
    assert me.json()["permissions"] == ["duplicate.read", "asset.read"]
    # public endpoints need no key at all
    assert httpx.get(immich.api_url + "/server/version").json()["prerelease"] is None


def test_sessions_are_not_scope_limited(immich: FakeImmich) -> None:
    token = immich.add_session()
    response = httpx.get(immich.api_url + "/server/about", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["version"] == "v3.1.0"


def test_ids_must_be_v4_uuids(immich: FakeImmich, immich_http: httpx.Client) -> None:
    v1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    response = immich_http.get(f"/assets/{v1}")
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation failed",
        "errors": [{"code": "invalid_format", "path": ["id"], "message": "Invalid UUID"}],
    }
    body = immich_http.request("DELETE", "/assets", json={"ids": [v1]}).json()
    assert body["errors"][0]["path"] == ["ids", 0]


def test_unknown_routes_and_non_api_paths(immich: FakeImmich, immich_http: httpx.Client) -> None:
    response = immich_http.get("/duplicates/stack")
    assert response.status_code == 404 and response.json() == {"message": "Cannot GET /api/duplicates/stack"}
    web = httpx.get(immich.url + "/")
    assert web.status_code == 200 and web.headers["content-type"].startswith("text/html")


def test_keep_alive_connection_is_reused(immich: FakeImmich, immich_http: httpx.Client) -> None:
    for _ in range(5):
        immich_http.get("/server/ping")
    assert immich_http.get("/server/ping").http_version == "HTTP/1.1"
    assert len(immich.requests) == 6


def test_spec_json_is_public(immich: FakeImmich) -> None:
    spec = httpx.get(immich.api_url + "/spec.json").json()
    assert spec["info"]["version"] == "3.1.0"
    assert "/duplicates/resolve" in spec["paths"]


# ---------------------------------------------------------------------------- faults


def test_fail_next_n_then_recover(immich: FakeImmich, immich_http: httpx.Client) -> None:
    fault = immich.faults.fail("GET", "/server/ping", 503, count=2)
    statuses = [immich_http.get("/server/ping").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert fault.hits == 2
    assert not immich.faults.pending()


def test_fail_after_does_the_work_and_loses_the_answer(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset()
    immich.faults.fail("DELETE", "/assets", 502, after=True)
    response = immich_http.request("DELETE", "/assets", json={"ids": [asset.id]})
    assert response.status_code == 502
    assert immich.state.asset(asset.id).is_trashed


def test_rate_limit_and_html_pages(immich: FakeImmich, immich_http: httpx.Client) -> None:
    immich.faults.rate_limit("GET", "/duplicates", retry_after=3)
    limited = immich_http.get("/duplicates")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    immich.faults.html_error("*", "/assets/*", 502)
    page = immich_http.get("/assets/11111111-2222-4333-8444-555555555555")
    assert page.status_code == 502 and page.headers["content-type"] == "text/html"
    assert b"502 Bad Gateway" in page.content


def test_stall_outlasts_a_client_timeout(immich: FakeImmich) -> None:
    immich.faults.stall("GET", "/server/ping", seconds=5)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(immich.api_url + "/server/ping", timeout=0.2)


def test_slow_body_still_delivers_every_byte(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=50_000)
    immich.faults.slow_body("GET", "/assets/*/original", 0.01, chunk_size=8192)
    assert immich_http.get(f"/assets/{asset.id}/original").content == asset.content.read()


def test_cut_body_closes_the_connection_mid_way(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=100_000)
    immich.faults.cut_body("GET", f"/assets/{asset.id}/original", after_bytes=30_000)
    with pytest.raises(httpx.RemoteProtocolError):
        immich_http.get(f"/assets/{asset.id}/original")
    assert immich.requests.records[-1].response_bytes == 30_000
    assert len(immich_http.get(f"/assets/{asset.id}/original").content) == 100_000


def test_corrupt_download_keeps_size_and_checksum(immich: FakeImmich, immich_http: httpx.Client) -> None:
    asset = immich.add_asset(size=10_000)
    immich.faults.corrupt_download(asset.id)
    bad = immich_http.get(f"/assets/{asset.id}/original").content
    good = immich_http.get(f"/assets/{asset.id}/original").content
    assert len(bad) == len(good) == 10_000
    assert bad != good and good == asset.content.read()
    assert sum(x != y for x, y in zip(bad, good, strict=True)) == 1
    assert immich_http.get(f"/assets/{asset.id}").json()["checksum"] == asset.checksum


def test_on_request_hook_and_request_log(immich: FakeImmich, immich_http: httpx.Client) -> None:
    seen: list[tuple[str, str]] = []
    deleting = threading.Event()

    def hook(method: str, path: str) -> None:
        seen.append((method, path))
        if method == "DELETE":
            deleting.set()

    immich.faults.on_request = hook
    asset = immich.add_asset()
    immich_http.get("/duplicates")
    immich_http.request("DELETE", "/assets", json={"ids": [asset.id]})
    assert deleting.is_set()
    assert seen == [("GET", "/api/duplicates"), ("DELETE", "/api/assets")]
    assert immich.requests.count("DELETE", "/assets", status=204) == 1
    assert immich.requests.write_count == 1
    record = immich.requests.matching("DELETE")[0]
    assert record.template == "/assets" and record.json == {"ids": [asset.id]}


def test_a_failing_hook_is_reported_not_fatal(immich: FakeImmich, immich_http: httpx.Client) -> None:
    def hook(method: str, path: str) -> None:
        raise RuntimeError("boom")

    immich.faults.on_request = hook
    assert immich_http.get("/server/ping").status_code == 200
    assert "boom" in immich.state.internal_errors[0]
    immich.state.internal_errors.clear()


# ---------------------------------------------------------------------------- seeding


def test_seed_library_is_deterministic_and_varied() -> None:
    def build() -> tuple[State, Library]:
        state = State(seed=1)
        owner = state.add_user()
        return state, seed_library(state, 300, owner=owner, seed=5, original_size=1024)

    state, library = build()
    again, library_again = build()
    assert [a.id for g in library.groups for a in g] == [a.id for g in library_again.groups for a in g]
    assert [a.checksum for a in state.assets.values()] == [a.checksum for a in again.assets.values()]
    sizes = [len(g) for g in library.groups]
    assert set(sizes) <= {2, 3, 4, 5} and 2.1 <= sum(sizes) / len(sizes) <= 2.45
    assets = list(state.assets.values())
    assert any(a.type == "VIDEO" and a.visibility == "timeline" for a in assets)
    assert any(a.live_photo_video_id for a in assets)
    assert any(a.library_id for a in assets)
    assert any(a.is_favorite for a in assets) and any(a.visibility == "archive" for a in assets)
    assert any(a.exif and a.exif["latitude"] is not None for a in assets)
    assert any(a.exif and a.exif["fileSizeInByte"] is None for a in assets)
    assert any(a.exif and a.exif["make"] is None for a in assets)
    assert any(state.albums_of_asset(a) for a in assets) and any(a.tag_ids for a in assets)


def test_seeded_groups_are_listed(immich: FakeImmich, immich_http: httpx.Client) -> None:
    library = immich.seed_library(40, seed=2, original_size=512)
    listed = immich_http.get("/duplicates").json()
    assert 35 <= len(listed) <= 40  # a few lose members to the trash / missing EXIF rows
    assert {g["duplicateId"] for g in listed} <= {g[0].duplicate_id for g in library.groups}


# ---------------------------------------------------------------------------- separate process


def test_runs_as_a_separate_process() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_immich", "--port", "0", "--seed-groups", "3", "--api-key", "k3y"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[1]
        assert proc.stdout.readline().strip() == "KEY k3y"
        groups = httpx.get(url + "/api/duplicates", headers={"x-api-key": "k3y"}).json()
        assert len(groups) == 3
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_malformed_content_length_is_a_400_not_a_crash(immich: FakeImmich) -> None:
    with socket.create_connection(("127.0.0.1", immich.port)) as sock:
        sock.sendall(b"DELETE /api/assets HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    assert immich.requests.records[-1].status == 400


def test_every_route_has_a_permission_from_the_trimmed_spec_or_the_extras() -> None:
    from tests.fake_immich.http import ROUTES
    from tests.fake_immich.spec import EXTRA_OPERATIONS, TRIMMED_SPEC

    spec = load_spec(TRIMMED_SPEC)
    served = {(r.method, r.template) for r in ROUTES}
    for key in served:
        spec.permission(*key)  # KeyError would mean a 500 for that route
    assert set(spec.operations) <= served  # the double serves every operation the client may call
    assert set(EXTRA_OPERATIONS) <= served  # no stale extras


def test_factory_starts_configured_doubles(immich_factory: Callable[..., FakeImmich]) -> None:
    old = immich_factory(version=(2, 6, 3), trash_enabled=False)
    features = httpx.get(old.api_url + "/server/features").json()
    assert features["trash"] is False
    assert httpx.get(old.api_url + "/server/version").json() == {"major": 2, "minor": 6, "patch": 3}
