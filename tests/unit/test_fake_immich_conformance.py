"""Every JSON response the double sends, checked against the trimmed Immich spec.

A scripted session touches every operation of ``openapi/immich-openapi-trimmed.json`` (plus the
extra endpoints the double serves) with successes and failures; each response's status must be
one the spec lists for that operation and its body must validate against the spec's schema.
Error bodies must have Immich 3.x's shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import jsonschema
import pytest

from tests.fake_immich import FakeImmich
from tests.fake_immich.spec import TRIMMED_SPEC, UPSTREAM_SPEC, Spec, load_spec

ERROR_V3 = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "path", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "path": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["message"],
    "additionalProperties": False,
}
ERROR_V2 = {
    "type": "object",
    "properties": {
        "message": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "error": {"type": "string"},
        "statusCode": {"type": "integer"},
        "correlationId": {"type": "string"},
    },
    "required": ["message", "error", "statusCode", "correlationId"],
    "additionalProperties": False,
}


@attrs.frozen
class Seen:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


@pytest.fixture
def trimmed() -> Spec:
    assert TRIMMED_SPEC.exists(), "the conformance test needs the committed trimmed spec"
    return load_spec(TRIMMED_SPEC)


@pytest.fixture
def recorded(immich: FakeImmich) -> Iterator[tuple[httpx.Client, list[Seen]]]:
    seen: list[Seen] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        seen.append(
            Seen(
                method=response.request.method,
                path=response.request.url.path,
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                body=response.content,
            )
        )

    with httpx.Client(
        base_url=immich.api_url, headers={"x-api-key": immich.api_key}, event_hooks={"response": [keep]}
    ) as client:
        yield client, seen


def _scripted_session(immich: FakeImmich, client: httpx.Client) -> None:  # noqa: PLR0915 - one long script
    library = immich.seed_library(12, seed=7, original_size=2048)
    other = immich.add_user(email="other@example.com")
    other_group = immich.make_group(2, owner=other)
    tag = immich.add_tag("Trips/Rome", color="#ff0000")
    album = immich.add_album("Holiday", [library.groups[0][0]])
    shared = immich.add_album("Shared by other", [], owner=other, shared_with={immich.user.id: "editor"})
    live = immich.make_group(
        [{"live_photo": True, "people": [_person()]}, {"exif": {"make": "Apple", "rating": 5}}],
        tags=[tag],
    )
    external = immich.add_asset(
        library_id="b9d3e0c7-4f2a-4c1e-9f7b-3a6d5e8c2b10", file_name="Ümlaut photo.jpg"
    )
    limited = immich.add_api_key(permissions=["duplicate.read"])
    bearer = immich.add_session()

    for path in ("/server/ping", "/server/version", "/server/features", "/server/config", "/server/about"):
        client.get(path)
    client.get("/users/me")
    client.get("/api-keys/me")
    client.get("/api-keys")
    groups = client.get("/duplicates").json()
    a0 = live[0].id
    client.get(f"/assets/{a0}")
    client.get(f"/assets/{external.id}")
    client.get(f"/assets/{a0}/original")
    client.get(f"/assets/{a0}/original", headers={"Range": "bytes=0-99"})
    client.get(f"/assets/{a0}/original", headers={"Range": "bytes=999999-"})
    client.get(f"/assets/{a0}/thumbnail")
    client.get(f"/assets/{a0}/thumbnail", params={"size": "preview"})
    client.put(f"/assets/{a0}", json={"isFavorite": True, "rating": 4, "description": "Rome\nday 1"})
    client.put(f"/assets/{a0}", json={"rating": None, "latitude": 41.9, "longitude": 12.5})
    client.put("/assets", json={"ids": [live[1].id], "isFavorite": False, "visibility": "archive"})
    client.get("/albums")
    client.get("/albums", params={"assetId": library.groups[0][0].id})
    client.get(f"/albums/{album.id}")
    client.get(f"/albums/{shared.id}")
    client.put(f"/albums/{album.id}/assets", json={"ids": [a0, library.groups[0][0].id, other_group[0].id]})
    client.put("/albums/assets", json={"albumIds": [album.id, shared.id], "assetIds": [live[1].id]})
    client.put("/albums/assets", json={"albumIds": [album.id], "assetIds": [live[1].id]})
    client.request("DELETE", f"/albums/{album.id}/assets", json={"ids": [live[1].id]})
    client.get("/tags")
    client.put("/tags/assets", json={"tagIds": [tag.id], "assetIds": [a0, live[1].id]})
    client.put(f"/tags/{tag.id}/assets", json={"ids": [library.groups[1][0].id]})
    client.post("/search/metadata", json={"albumIds": [album.id], "withExif": True})
    client.post("/search/metadata", json={"albumIds": [album.id], "page": 1, "size": 1})
    client.post("/search/metadata", json={"albumIds": [album.id], "page": 2, "size": 1})
    client.post("/search/metadata", json={"albumIds": [album.id, shared.id], "visibility": "archive"})
    client.post("/search/metadata", json={"albumIds": [other_group[0].id]})  # no such album: 400
    client.post("/search/metadata", json={"size": 1001})  # over the spec's maximum: 400
    client.post("/search/metadata", json={"withDeleted": True, "page": 1, "size": 5})
    stack = client.post("/stacks", json={"assetIds": [g.id for g in library.groups[2]]}).json()
    client.get("/stacks")
    client.get("/stacks", params={"primaryAssetId": stack["primaryAssetId"]})
    client.get(f"/stacks/{stack['id']}")
    client.get(f"/assets/{stack['primaryAssetId']}")
    client.delete(f"/stacks/{stack['id']}")
    stack2 = client.post("/stacks", json={"assetIds": [g.id for g in library.groups[3]]}).json()
    client.request("DELETE", "/stacks", json={"ids": [stack2["id"]]})

    g_keep, g_bad, g_both = groups[0], groups[1], groups[2]
    ids = [a["id"] for a in g_keep["assets"]]
    client.post(
        "/duplicates/resolve",
        json={
            "groups": [
                {"duplicateId": g_keep["duplicateId"], "keepAssetIds": ids[:1], "trashAssetIds": ids[1:]},
                {
                    "duplicateId": g_bad["duplicateId"],
                    "keepAssetIds": [g_bad["assets"][0]["id"]],
                    "trashAssetIds": [],
                },
                {
                    "duplicateId": g_both["duplicateId"],
                    "keepAssetIds": [a["id"] for a in g_both["assets"]],
                    "trashAssetIds": [g_both["assets"][0]["id"]],
                },
            ]
        },
    )
    client.delete(f"/duplicates/{groups[3]['duplicateId']}")
    client.request("DELETE", "/duplicates", json={"ids": [groups[4]["duplicateId"]]})
    trash_ids = [a["id"] for a in groups[5]["assets"][1:]]
    client.request("DELETE", "/assets", json={"ids": trash_ids, "force": False})
    client.post("/trash/restore/assets", json={"ids": trash_ids})
    client.request("DELETE", "/assets", json={"ids": [groups[6]["assets"][0]["id"]], "force": True})
    client.post("/trash/empty")
    client.post("/trash/restore")

    # failures: auth, scopes, validation, access, routing, size, injected faults
    client.get("/duplicates", headers={"x-api-key": ""})
    client.get("/duplicates", headers={"x-api-key": "not-a-key"})
    client.get("/duplicates", headers={"Authorization": "Bearer nope"})
    client.get("/users/me", headers={"Authorization": f"Bearer {bearer}"})
    client.get("/api-keys/me", headers={"Authorization": f"Bearer {bearer}"})
    client.get(f"/assets/{a0}", headers={"x-api-key": limited})
    client.get("/assets/not-a-uuid")
    client.get("/assets/6ba7b810-9dad-11d1-80b4-00c04fd430c8")  # a v1 UUID
    client.get(f"/assets/{other_group[0].id}")
    client.request("DELETE", "/assets", json={"ids": [a0, other_group[0].id]})
    client.request("DELETE", "/assets", json={"force": "yes"})
    client.put("/assets", json={"ids": [a0], "rating": 0})
    client.post(
        "/duplicates/resolve",
        json={
            "groups": [{"duplicateId": other_group[0].duplicate_id, "keepAssetIds": [], "trashAssetIds": []}]
        },
    )
    client.post("/duplicates/resolve", json={"groups": []})
    client.post("/duplicates/resolve", content=b"{not json", headers={"Content-Type": "application/json"})
    client.delete(f"/duplicates/{other_group[0].duplicate_id}")
    client.get(f"/albums/{other_group[0].id}")
    client.get("/albums", params={"assetId": "nope"})
    client.get("/no/such/route")
    client.post("/stacks", json={"assetIds": [a0]})
    client.delete(f"/stacks/{other_group[0].id}")
    client.request("DELETE", "/assets", content=b'{"ids": []}' + b" " * (10 * 1024 * 1024))
    immich.faults.fail("GET", "/duplicates", 500)
    client.get("/duplicates")
    immich.faults.fail("GET", "/server/version", 503)
    client.get("/server/version")
    immich.faults.rate_limit("GET", "/users/me", retry_after=1)
    client.get("/users/me")


def _person() -> dict[str, Any]:
    return {
        "id": "0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3",
        "name": "Grandma",
        "birthDate": "1950-02-03",
        "isHidden": False,
        "thumbnailPath": "/data/thumbs/p.jpeg",
    }


def _validate(spec: Spec, schema: Any, body: Any, where: str) -> None:
    errors = list(spec.iter_errors(schema, body))
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_every_response_matches_the_trimmed_spec(
    immich: FakeImmich, recorded: tuple[httpx.Client, list[Seen]], trimmed: Spec
) -> None:
    client, seen = recorded
    _scripted_session(immich, client)
    exercised_ok: set[tuple[str, str]] = set()
    statuses: set[int] = set()
    for item in seen:
        found = immich.find_route(item.method, item.path.removeprefix("/api"))
        where = f"{item.method} {item.path} → {item.status}"
        statuses.add(item.status)
        if item.status >= 400:
            assert item.content_type.startswith("application/json"), where
            jsonschema.validate(json.loads(item.body), ERROR_V3)
            continue
        assert found is not None, where
        template = found[0].template
        op = trimmed.operations.get((item.method, template))
        if op is None:
            assert (item.method, template) in {
                ("PUT", "/tags/{id}/assets"),
                ("DELETE", "/albums/{id}/assets"),
                ("POST", "/trash/restore"),
                ("POST", "/trash/empty"),
                ("GET", "/api-keys"),
            }, f"{where}: not in the trimmed spec"
            if UPSTREAM_SPEC.exists():
                upstream = load_spec(UPSTREAM_SPEC)
                up_op = upstream.operations[(item.method, template)]
                assert str(item.status) in up_op.response_schemas, where
                schema = up_op.response_schemas[str(item.status)]
                if schema is not None:
                    _validate(upstream, schema, json.loads(item.body), where)
            continue
        if item.status == 206 and template == "/assets/{id}/original":
            continue  # Range support comes from Express's send module; the spec lists 200 only
        exercised_ok.add((item.method, template))
        assert str(item.status) in op.response_schemas, f"{where}: status not in the spec"
        schema = op.response_schemas[str(item.status)]
        if item.status == 204:
            assert item.body == b"", where
        elif schema is None:  # binary download / thumbnail
            assert not item.content_type.startswith("application/json"), where
        else:
            _validate(trimmed, schema, json.loads(item.body), where)
    assert exercised_ok == set(trimmed.operations), (
        f"operations never answered with success: {set(trimmed.operations) - exercised_ok}"
    )
    assert {400, 401, 403, 404, 413, 416, 429, 500, 503} <= statuses


def test_v2_server_sends_v2_error_bodies(trimmed: Spec) -> None:
    with FakeImmich(version=(2, 6, 3)) as old, httpx.Client(base_url=old.api_url) as client:
        cases = [
            client.get("/duplicates"),
            client.get("/duplicates", headers={"x-api-key": "wrong"}),
            client.get("/assets/not-a-uuid", headers={"x-api-key": old.api_key}),
            client.get("/nope", headers={"x-api-key": old.api_key}),
            client.post("/duplicates/resolve", json={"groups": []}, headers={"x-api-key": old.api_key}),
        ]
        for response in cases:
            jsonschema.validate(response.json(), ERROR_V2)
            assert response.json()["statusCode"] == response.status_code
            assert response.headers["x-immich-cid"] == response.json()["correlationId"]
        assert cases[2].json()["message"] == ["id Invalid UUID"]
        assert cases[4].status_code == 404  # no /duplicates/resolve before 2.7


def test_a_seeded_library_listing_matches_the_spec(
    immich: FakeImmich, immich_http: httpx.Client, trimmed: Spec
) -> None:
    immich.seed_library(120, seed=11, original_size=128)
    body = immich_http.get("/duplicates").json()
    op = trimmed.operations[("GET", "/duplicates")]
    _validate(trimmed, op.response_schemas["200"], body, "GET /duplicates (seeded)")
    for group in body[:20]:
        for asset in group["assets"]:
            info = immich_http.get(f"/assets/{asset['id']}").json()
            _validate(
                trimmed,
                trimmed.operations[("GET", "/assets/{id}")].response_schemas["200"],
                info,
                asset["id"],
            )


def test_v2_lists_assets_without_exif_rows() -> None:
    with FakeImmich(version=(2, 7, 5)) as old, httpx.Client(base_url=old.api_url) as client:
        a, b = old.make_group([{"exif": None}, {}])
        client.headers["x-api-key"] = old.api_key
        (group,) = client.get("/duplicates").json()
        assert [x["id"] for x in group["assets"]] == [a.id, b.id]
        assert "exifInfo" not in group["assets"][0]
        assert group["suggestedKeepAssetIds"] == [b.id]
