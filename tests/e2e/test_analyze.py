"""`analyze` against the Immich double over real loopback HTTP: plan bytes, albums, permissions,
exit codes, and the API key never leaving the process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich_dedupe.cli import main
from immich_dedupe.connection import ImmichConnection
from immich_dedupe.errors import AuthError, ProtocolError, ServerUnavailable
from immich_dedupe.planfile import load_plan, plan_digest
from tests.fake_immich import FakeImmich

SENTINEL = "sentinel-key-7d41c2e9b35f"
MiB = 1024 * 1024

LISBON = {
    "latitude": 38.7139,
    "longitude": -9.1394,
    "time_zone": "Europe/Lisbon",
    "make": "Apple",
    "model": "iPhone 13 Pro",
    "lensModel": "iPhone 13 Pro back triple camera 5.7mm f/1.5",
    "dateTimeOriginal": "2023-06-14T17:42:10.000Z",
    "city": "Lisbon",
    "country": "Portugal",
}


def seed_case(immich: FakeImmich) -> tuple[str, str]:
    """The seed case: a small original with GPS, time zone and camera vs a larger bare copy."""
    original, copy = immich.make_group(
        [
            {"file_name": "IMG_4211.HEIC", "exif": {**LISBON, "fileSizeInByte": int(1.2 * MiB)}},
            {"file_name": "IMG_4211.jpg", "exif": {"fileSizeInByte": int(2.5 * MiB)}},
        ]
    )
    return original.id, copy.id


@pytest.fixture
def server(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    """The double with a sentinel full-access key in the environment and a varied library."""
    immich.add_api_key(secret=SENTINEL)
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", SENTINEL)
    immich.seed_library(25, seed=3)
    return immich


def analyze(tmp_path: Path, *extra: str, name: str = "plan.json") -> tuple[int, Path]:
    out = tmp_path / name
    return main(["analyze", "-o", str(out), *extra]), out


def without_generated_at(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if '"generated_at"' not in line]


def test_two_runs_give_the_same_bytes_but_the_timestamp(
    server: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Same-time members: the server's order among them is unspecified too.
    server.make_group(3, local_date_time="2024-02-02T10:00:00.000Z")
    with httpx.Client(base_url=server.api_url, headers={"x-api-key": SENTINEL}) as client:
        orders = [[g["duplicateId"] for g in client.get("/duplicates").json()] for _ in range(2)]
    assert orders[0] != orders[1]  # the precondition: the server shuffles its groups
    first_rc, first = analyze(tmp_path, name="first.json")
    second_rc, second = analyze(tmp_path, name="second.json")
    assert (first_rc, second_rc) == (0, 0)
    assert first.read_bytes() != second.read_bytes() or "generated_at" in first.read_text()
    assert without_generated_at(first) == without_generated_at(second)
    assert plan_digest(load_plan(first)) == plan_digest(load_plan(second))
    plan = load_plan(first)
    assert plan.summary.groups == len(plan.groups) >= 20
    assert [g.duplicate_id for g in plan.groups] == sorted(g.duplicate_id for g in plan.groups)


def test_one_listing_request_and_no_change_on_the_server(server: FakeImmich, tmp_path: Path) -> None:
    trashed = server.state.trashed_ids()
    rc, _ = analyze(tmp_path)
    assert rc == 0
    assert server.requests.count("GET", "/api/duplicates") == 1
    # Only reads: GETs, and the album search (a POST that changes nothing).
    changes = [
        (r.method, r.path)
        for r in server.requests.writes
        if not (r.method == "POST" and r.path == "/api/search/metadata")
    ]
    assert changes == []
    assert server.state.trashed_ids() == trashed


def test_the_seed_case_keeps_the_small_original_over_immichs_large_copy(
    server: FakeImmich, tmp_path: Path
) -> None:
    original, copy = seed_case(server)
    rc, out = analyze(tmp_path)
    assert rc == 0
    plan = load_plan(out)
    group = next(g for g in plan.groups if original in {a.id for a in g.assets})
    assert group.action == "resolve"
    assert group.keep == (original,) and group.delete == (copy,)
    assert group.immich_keep == (copy,) and group.differs_from_immich
    said = " ".join(group.reasons)
    assert "GPS" in said and "time zone" in said


def test_the_api_key_appears_nowhere(
    server: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = analyze(tmp_path)
    assert rc == 0
    captured = capsys.readouterr()
    assert SENTINEL not in out.read_text(encoding="utf-8")
    assert SENTINEL not in captured.out + captured.err
    plan = load_plan(out)
    assert plan.server is not None and plan.server.url == server.api_url
    assert plan.source == "server" and plan.server.version == "3.1.0"


def test_plan_to_stdout_and_the_summary_to_stderr(
    server: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", "-o", "-"]) == 0
    captured = capsys.readouterr()
    plan = json.loads(captured.out)
    assert plan["schema_version"] == 2 and plan["groups"]
    assert "Plan written to stdout" in captured.err
    assert "duplicate groups" in captured.err and str(plan["summary"]["groups"]) in captured.err
    assert "immich-dedupe execute PLAN.json --backup-dir DIR" in captured.err
    assert SENTINEL not in captured.out + captured.err


def test_summary_counts_and_next_steps(
    server: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = analyze(tmp_path)
    assert rc == 0
    err = capsys.readouterr().err
    s = load_plan(out).summary
    lines = {" ".join(line.split()[:-1]): line.split()[-1] for line in err.splitlines() if line.strip()}
    assert lines["duplicate groups"] == str(s.groups)
    assert lines["resolved automatically"] == str(s.resolve)
    assert lines["left for review"] == str(s.review)
    assert lines["keeper differs from Immich's pick"] == str(s.differs_from_immich)
    assert f"Plan written to {out}" in err
    assert f"immich-dedupe show {out}" in err and f"immich-dedupe execute {out} --backup-dir DIR" in err


# --------------------------------------------------------------------------- albums


def albums_by_asset(path: Path) -> dict[str, Any]:
    return {a.id: a.asset.albums for g in load_plan(path).groups for a in g.assets}


def test_album_memberships_are_looked_up(immich_env: FakeImmich, tmp_path: Path) -> None:
    original, copy = seed_case(immich_env)
    album = immich_env.add_album("Lisbon 2023", [copy])
    rc, out = analyze(tmp_path)
    assert rc == 0
    albums = albums_by_asset(out)
    assert albums[copy] == (album.id,)
    assert albums[original] == ()  # looked up: in no album


def test_no_albums_leaves_them_unknown_and_asks_nothing(immich_env: FakeImmich, tmp_path: Path) -> None:
    _, copy = seed_case(immich_env)
    immich_env.add_album("Lisbon 2023", [copy])
    rc, out = analyze(tmp_path, "--no-albums")
    assert rc == 0
    assert set(albums_by_asset(out).values()) == {None}
    assert immich_env.requests.count("GET", "/api/albums") == 0


def test_a_key_without_album_read_still_analyses_and_says_so(
    immich: FakeImmich, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, copy = seed_case(immich)
    immich.add_album("Lisbon 2023", [copy])
    key = immich.add_api_key(permissions=("duplicate.read",))
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", key)
    rc, out = analyze(tmp_path)
    assert rc == 0
    assert set(albums_by_asset(out).values()) == {None}
    assert immich.requests.count("GET", "/api/albums") == 0
    err = capsys.readouterr().err
    assert "warning: the API key lacks the permission album.read" in err
    assert key not in err


# --------------------------------------------------------------------------- failures


def test_a_key_without_duplicate_read_is_refused_and_writes_no_plan(
    immich: FakeImmich, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_case(immich)
    key = immich.add_api_key(permissions=("asset.read",))
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", key)
    rc, out = analyze(tmp_path)
    assert rc == AuthError.exit_code == 4
    assert not out.exists()
    err = capsys.readouterr().err
    assert "duplicate.read" in err and key not in err
    assert immich.requests.count("GET", "/api/duplicates") == 0


def test_a_rejected_key_exits_4(immich: FakeImmich, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", SENTINEL)  # never registered
    assert analyze(tmp_path)[0] == 4


def test_no_server_url_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IMMICH_URL", "IMMICH_INSTANCE_URL", "IMMICH_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    rc, out = analyze(tmp_path)
    assert rc == 2 and not out.exists()


def test_an_unreachable_server_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeImmich() as gone:
        url = gone.url
    monkeypatch.setenv("IMMICH_URL", url)  # stopped: connection refused
    monkeypatch.setenv("IMMICH_API_KEY", SENTINEL)
    # No real back-off between the connection's retries (the default is bound at definition).
    defaults = dict(ImmichConnection.__init__.__kwdefaults__ or {}, sleep=lambda s: None)
    monkeypatch.setattr(ImmichConnection.__init__, "__kwdefaults__", defaults)
    rc, out = analyze(tmp_path)
    assert rc == ServerUnavailable.exit_code == 3
    assert not out.exists()
    assert SENTINEL not in capsys.readouterr().err


def test_a_listing_cut_off_midway_is_an_error_not_a_partial_plan(server: FakeImmich, tmp_path: Path) -> None:
    server.faults.cut_body("GET", "/duplicates", after_bytes=5000, count=None)
    rc, out = analyze(tmp_path)
    assert rc in (ServerUnavailable.exit_code, ProtocolError.exit_code)
    assert not out.exists()
