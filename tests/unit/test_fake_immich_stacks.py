"""The double's stacks and dismissals, as far as stack/dismiss execution and restore rely on them
(immich-behaviour.md §1–§3: stacked assets leave duplicate groups but keep their duplicateId)."""

from __future__ import annotations

import uuid

import httpx

from tests.fake_immich import FakeImmich


def _listed(client: httpx.Client) -> dict[str, list[str]]:
    response = client.get("/duplicates")
    assert response.status_code == 200
    return {g["duplicateId"]: sorted(a["id"] for a in g["assets"]) for g in response.json()}


def test_a_stack_takes_its_members_off_the_list_but_they_keep_their_group_id(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b = immich.make_group(2)
    stack = immich_http.post("/stacks", json={"assetIds": [b.id, a.id]}).json()
    assert stack["primaryAssetId"] == b.id  # the first id is the primary
    assert _listed(immich_http) == {}
    info = immich_http.get(f"/assets/{a.id}").json()
    assert info["duplicateId"] == a.duplicate_id
    assert info["stack"] == {"id": stack["id"], "primaryAssetId": b.id, "assetCount": 2}

    assert immich_http.delete(f"/stacks/{stack['id']}").status_code == 204
    assert immich_http.get(f"/assets/{a.id}").json()["stack"] is None
    assert _listed(immich_http) == {a.duplicate_id: sorted([a.id, b.id])}  # the group is back


def test_a_stacked_group_is_not_cleaned_up_as_a_singleton(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b = immich.make_group(2)
    immich_http.post("/stacks", json={"assetIds": [a.id, b.id]})
    _listed(immich_http)  # GET /duplicates cleans up groups with one live member, not stacked ones
    assert immich.state.asset(a.id).duplicate_id == immich.state.asset(b.id).duplicate_id == a.duplicate_id


def test_one_unknown_group_fails_a_dismiss_batch_and_changes_nothing(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, _ = immich.make_group(2)
    unknown = str(uuid.uuid4())
    response = immich_http.request("DELETE", "/duplicates", json={"ids": [a.duplicate_id, unknown]})
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no duplicate.delete access"
    assert immich.state.asset(a.id).duplicate_id == a.duplicate_id


def test_put_assets_gives_a_dismissed_group_its_id_back(
    immich: FakeImmich, immich_http: httpx.Client
) -> None:
    a, b = immich.make_group(2)
    gid = a.duplicate_id
    assert immich_http.delete(f"/duplicates/{gid}").status_code == 204
    assert _listed(immich_http) == {}
    response = immich_http.put("/assets", json={"ids": [a.id, b.id], "duplicateId": gid})
    assert response.status_code == 204
    assert _listed(immich_http) == {gid: sorted([a.id, b.id])}
