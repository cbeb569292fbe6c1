"""analyze + execute through the public CLI against a real Immich, checked on the server afterwards.

Seed: two JPEGs of one picture (see images.py): a small one with GPS, time zone and camera, and a larger
re-encode without GPS that is a favourite and in an album. They are made one duplicate group. Immich's own
rule would keep the larger file; immich-dedupe must keep the GPS copy, move the other to the trash after
backing it up, and carry the album and favourite over to the keeper.

How the group is made: machine learning is off (no CLIP model to download), so Immich never detects
duplicates itself. In containers we set the same ``duplicateId`` on both rows of the ``asset`` table, the
column duplicate detection writes (``asset."duplicateId"``, uuid, in server/src/schema/tables/asset.table.ts
at v3.1.0), which is exactly the state detection leaves. A server given by IMMICH_TEST_URL offers no database
access, so there we send ``PUT /api/assets {ids, duplicateId}`` (AssetBulkUpdateDto), which writes the same
column through the API.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from tests.integration.images import MAKE, SeedImage, make_pair
from tests.integration.immich_env import ImmichSetupError, ImmichTarget, TestUser, expect

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 900  # seconds; a hung CLI fails the test instead of blocking CI
METADATA_TIMEOUT = 300  # seconds for Immich's metadata extraction job (slow on a cold first start)
FILE_DATE = "2023-06-15T12:30:00.000Z"


@attrs.frozen(kw_only=True)
class Seeded:
    duplicate_id: str
    small_id: str
    large_id: str
    album_id: str
    small: SeedImage
    large: SeedImage


@attrs.frozen(kw_only=True)
class Run:
    seeded: Seeded
    plan: dict[str, Any]
    plan_path: Path
    backup_dir: Path
    outputs: tuple[str, ...]  # stdout and stderr of every CLI run


# --------------------------------------------------------------------------- helpers


def run_cli(
    args: list[str], *, immich: ImmichTarget, api_key: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """``python -m immich_dedupe ARGS`` with the server and key in the environment, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    env.update({"IMMICH_URL": immich.base_url, "IMMICH_API_KEY": api_key, "NO_COLOR": "1"})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "immich_dedupe", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def _describe(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )


def upload(session: httpx.Client, image: SeedImage) -> str:
    """``POST /api/assets`` multipart with the fields of AssetMediaCreateDto; returns the new asset id."""
    body = expect(
        session.post(
            "/assets",
            files={"assetData": (image.filename, image.data, "image/jpeg")},
            data={"fileCreatedAt": FILE_DATE, "fileModifiedAt": FILE_DATE, "filename": image.filename},
        ),
        201,
    )
    if body.get("status") != "created":
        raise ImmichSetupError(f"upload of {image.filename} was not new: {body}")
    return body["id"]


def wait_for_metadata(session: httpx.Client, asset_id: str, *, with_gps: bool) -> dict[str, Any]:
    """Poll until Immich's metadata extraction has read our EXIF (camera, and GPS when present)."""
    deadline = time.monotonic() + METADATA_TIMEOUT
    exif: dict[str, Any] = {}
    while time.monotonic() < deadline:
        exif = expect(session.get(f"/assets/{asset_id}"), 200).get("exifInfo") or {}
        if exif.get("make") == MAKE and (not with_gps or exif.get("latitude") is not None):
            return exif
        time.sleep(1)
    raise ImmichSetupError(
        f"metadata extraction did not finish for {asset_id} in {METADATA_TIMEOUT} s: {exif}"
    )


def make_duplicate_group(immich: ImmichTarget, session: httpx.Client, asset_ids: list[str]) -> str:
    duplicate_id = str(uuid.uuid4())
    if immich.sql is not None:
        ids = ", ".join(f"'{uuid.UUID(i)}'" for i in asset_ids)  # parsed UUIDs: nothing to inject
        output = immich.sql(f"UPDATE asset SET \"duplicateId\" = '{duplicate_id}' WHERE id IN ({ids})")  # noqa: S608
        if f"UPDATE {len(asset_ids)}" not in output:
            raise ImmichSetupError(f"expected to update {len(asset_ids)} asset rows, psql said: {output}")
    else:
        expect(session.put("/assets", json={"ids": asset_ids, "duplicateId": duplicate_id}), 204)
    groups = expect(session.get("/duplicates"), 200)
    members = {a["id"] for g in groups if g["duplicateId"] == duplicate_id for a in g["assets"]}
    if members != set(asset_ids):
        raise ImmichSetupError(f"GET /api/duplicates does not show the seeded group: {groups}")
    return duplicate_id


def seed(immich: ImmichTarget, user: TestUser) -> Seeded:
    small, large = make_pair(seed=uuid.uuid4().int % 2**32)
    small_id, large_id = upload(user.session, small), upload(user.session, large)
    wait_for_metadata(user.session, small_id, with_gps=True)
    wait_for_metadata(user.session, large_id, with_gps=False)
    # What the user did with the copy they happened to see first: favourite, and into an album.
    expect(user.session.put(f"/assets/{large_id}", json={"isFavorite": True}), 200)
    album = expect(
        user.session.post("/albums", json={"albumName": "Paris 2023", "assetIds": [large_id]}), 201
    )
    duplicate_id = make_duplicate_group(immich, user.session, [small_id, large_id])
    return Seeded(
        duplicate_id=duplicate_id,
        small_id=small_id,
        large_id=large_id,
        album_id=album["id"],
        small=small,
        large=large,
    )


def plan_group(plan: dict[str, Any], duplicate_id: str) -> dict[str, Any]:
    matches = [g for g in plan["groups"] if g["duplicate_id"] == duplicate_id]
    assert len(matches) == 1, (
        f"plan has no single group {duplicate_id}: {[g['duplicate_id'] for g in plan['groups']]}"
    )
    return matches[0]


def get_asset(user: TestUser, asset_id: str) -> dict[str, Any]:
    return expect(user.session.get(f"/assets/{asset_id}"), 200)


# ------------------------------------------------------------------ the scenario, run once per module


@pytest.fixture(scope="module")
def run(immich: ImmichTarget, user: TestUser, tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("dedupe-run")
    seeded = seed(immich, user)
    plan_path, backup_dir = work / "plan.json", work / "backup"

    analyzed = run_cli(["analyze", "-o", str(plan_path)], immich=immich, api_key=user.api_key, cwd=work)
    assert analyzed.returncode == 0, "analyze failed: " + _describe(analyzed)
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    group = plan_group(plan, seeded.duplicate_id)
    assert group["action"] == "resolve", (
        f"expected a resolvable group, got {group['action']}: {group['reasons']}"
    )

    executed = run_cli(
        ["execute", str(plan_path), "--backup-dir", str(backup_dir), "--yes"],
        immich=immich,
        api_key=user.api_key,
        cwd=work,
    )
    assert executed.returncode == 0, "execute failed: " + _describe(executed)
    outputs = (analyzed.stdout, analyzed.stderr, executed.stdout, executed.stderr)
    return Run(seeded=seeded, plan=plan, plan_path=plan_path, backup_dir=backup_dir, outputs=outputs)


def test_plan_keeps_the_gps_copy_where_immich_would_keep_the_larger_file(run: Run) -> None:
    group = plan_group(run.plan, run.seeded.duplicate_id)
    assert group["keep"] == [run.seeded.small_id]
    assert group["delete"] == [run.seeded.large_id]
    # The real server's suggestedKeepAssetIds (largest file) is the copy without GPS.
    assert group["immich_keep"] == [run.seeded.large_id]
    assert group["differs_from_immich"] is True


def test_the_larger_copy_is_in_the_trash_and_the_keeper_is_not(run: Run, user: TestUser) -> None:
    assert get_asset(user, run.seeded.large_id)["isTrashed"] is True
    keeper = get_asset(user, run.seeded.small_id)
    assert keeper["isTrashed"] is False
    assert keeper["exifInfo"]["latitude"] is not None


def test_the_keeper_is_no_longer_in_a_duplicate_group(run: Run, user: TestUser) -> None:
    groups = expect(user.session.get("/duplicates"), 200)
    listed = {a["id"] for g in groups for a in g["assets"]}
    assert run.seeded.small_id not in listed
    assert run.seeded.duplicate_id not in {g["duplicateId"] for g in groups}


def test_album_and_favourite_are_carried_over_to_the_keeper(run: Run, user: TestUser) -> None:
    albums = expect(user.session.get("/albums", params={"assetId": run.seeded.small_id}), 200)
    assert run.seeded.album_id in {a["id"] for a in albums}
    assert get_asset(user, run.seeded.small_id)["isFavorite"] is True


def test_backup_holds_the_trashed_original_with_immichs_checksum(run: Run, user: TestUser) -> None:
    by_sha1: dict[str, list[Path]] = {}
    for path in run.backup_dir.rglob("*"):
        if path.is_file():
            by_sha1.setdefault(hashlib.sha1(path.read_bytes()).hexdigest(), []).append(path)
    assert run.seeded.large.sha1_hex in by_sha1, (
        f"no backup file has the original's SHA-1 in {run.backup_dir}"
    )
    # ... and that is the checksum Immich reports for the trashed asset (base64 SHA-1).
    checksum = get_asset(user, run.seeded.large_id)["checksum"]
    assert base64.b64decode(checksum).hex() == run.seeded.large.sha1_hex
    # Only what was deleted is backed up.
    assert run.seeded.small.sha1_hex not in by_sha1


def test_the_api_key_is_never_written_or_printed(run: Run, user: TestUser) -> None:
    key = user.api_key
    assert all(key not in text for text in run.outputs)
    assert key not in run.plan_path.read_text(encoding="utf-8")
    for path in run.backup_dir.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), f"API key found in {path}"


def test_a_key_without_duplicate_read_is_refused_before_anything_happens(
    immich: ImmichTarget, user: TestUser, tmp_path: Path
) -> None:
    key = user.new_api_key(("server.about", "user.read"), name="immich-dedupe too narrow")
    plan_path = tmp_path / "plan.json"
    result = run_cli(["analyze", "-o", str(plan_path)], immich=immich, api_key=key, cwd=tmp_path)
    assert result.returncode == 4, _describe(result)  # AuthError
    assert "duplicate.read" in result.stderr
    assert key not in result.stdout + result.stderr
    assert not plan_path.exists()
