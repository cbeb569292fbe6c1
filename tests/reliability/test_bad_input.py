"""Bad input: broken plans and broken server answers give a clear message naming the problem (and
the group), a non-zero exit, and no deletion. Answers that are merely unusual (unknown fields,
nulls where Immich allows them, no EXIF) are read as Immich means them.

Plans: a corpus of damaged copies of a real plan, each run through ``execute`` and ``show``.
Server answers: a rewriting proxy between the CLI and the double changes ``GET /duplicates``
(for ``analyze``) and ``GET /assets/{id}`` or the original (for ``execute``).
"""

from __future__ import annotations

import fnmatch
import json
import re
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from immich_dedupe import cli, connection
from immich_dedupe.planfile import load_plan, write_plan
from tests.e2e.execute_support import make_plan
from tests.fake_immich import FakeImmich
from tests.reliability.proxy import Exchange, Proxy
from tests.reliability.support import (
    Watch,
    check_plan_completed,
    committed,
    no_internal_error,
    planned_deletions,
    resolve_groups,
    snapshot_members,
)

MiB = 1024 * 1024


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(connection, "BACKOFF_CAP", 0.05)


# --------------------------------------------------------------------------- broken plans


@attrs.frozen
class Ids:
    g: list[str]  # duplicate ids, in file order
    a: list[list[str]]  # asset ids per group
    keep: list[list[str]]
    delete: list[list[str]]


def _ids(doc: dict[str, Any]) -> Ids:
    groups = doc["groups"]
    return Ids(
        g=[g["duplicate_id"] for g in groups],
        a=[[a["id"] for a in g["assets"]] for g in groups],
        keep=[list(g["keep"]) for g in groups],
        delete=[list(g["delete"]) for g in groups],
    )


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, indent=2).encode()


Mutation = Callable[[dict[str, Any], Ids], bytes]


def _edit(change: Callable[[dict[str, Any], Ids], None]) -> Mutation:
    def mutate(doc: dict[str, Any], ids: Ids) -> bytes:
        change(doc, ids)
        return _dump(doc)

    return mutate


def _set(path: str, value: Any) -> Mutation:
    """Set (or with ``...`` delete) a value at a dotted path like ``groups.0.keep``."""

    def change(doc: dict[str, Any], ids: Ids) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is ...:
            del node[key]
        else:
            node[key] = value

    return _edit(change)


# Each case: how to damage the plan, and what the message must say ({g0} = first group's id,
# {a01} = its second asset's id, {k0}/{d0} = its first keep/delete id).
CORPUS: dict[str, tuple[Mutation, list[str]]] = {
    "truncated JSON": (lambda doc, ids: _dump(doc)[:-200], ["is not valid JSON", "line"]),
    "trailing garbage": (lambda doc, ids: _dump(doc) + b"\n}", ["is not valid JSON: Extra data"]),
    "empty file": (lambda doc, ids: b"", ["is not valid JSON"]),
    "binary, not UTF-8": (lambda doc, ids: b"\x89PNG\r\n\x1a\n\xff\xfe" * 100, ["is not UTF-8"]),
    "a JSON array": (lambda doc, ids: b"[]", ["is not a plan"]),
    "a JSON string": (lambda doc, ids: b'"plan"', ["is not a plan"]),
    "deeply nested": (lambda doc, ids: b"[" * 100_000 + b"]" * 100_000, ["nested too deeply"]),
    "deeply nested inside": (
        lambda doc, ids: _dump(doc).replace(
            b'"policy": {', b'"policy": {"x": ' + b"[" * 50_000 + b"]" * 50_000 + b",", 1
        ),
        ["nested too deeply"],
    ),
    "schema version from the future": (_set("schema_version", 99), ["schema version 99 is newer"]),
    "schema version 0": (_set("schema_version", 0), ["unknown plan schema version 0"]),
    "schema version as a string": (_set("schema_version", "1"), ["no integer schema_version"]),
    "no schema version": (_set("schema_version", ...), ["no integer schema_version"]),
    "no groups": (_set("groups", ...), ["'groups' is a required property"]),
    "group without keep": (_set("groups.0.keep", ...), ["group {g0}", "'keep' is a required property"]),
    "group without fingerprint": (_set("groups.0.fingerprint", ...), ["group {g0}", "'fingerprint'"]),
    "asset without checksum": (_set("groups.0.assets.0.checksum", ...), ["group {g0}", "'checksum'"]),
    "asset without id": (_set("groups.0.assets.1.id", ...), ["group {g0}", "'id'"]),
    "id from another group": (
        _edit(lambda doc, ids: doc["groups"][0]["delete"].append(ids.a[1][0])),
        ["group {g0}", "delete names {a10}, which is not a member of this group"],
    ),
    "asset moved to another group with its record": (
        _edit(lambda doc, ids: doc["groups"][0]["assets"].append(dict(doc["groups"][1]["assets"][0]))),
        ["group {g0}", "fingerprint does not match"],
    ),
    "repeated id in delete": (
        _edit(lambda doc, ids: doc["groups"][0]["delete"].append(ids.delete[0][0])),
        ["group {g0}", "delete lists {d0} twice"],
    ),
    "repeated id in keep": (
        _edit(lambda doc, ids: doc["groups"][0]["keep"].append(ids.keep[0][0])),
        ["group {g0}", "keep lists {k0} twice"],
    ),
    "asset listed twice": (
        _edit(lambda doc, ids: doc["groups"][0]["assets"].append(dict(doc["groups"][0]["assets"][0]))),
        ["group {g0}", "listed twice among the group's assets"],
    ),
    "group listed twice": (
        _edit(lambda doc, ids: doc["groups"].append(json.loads(json.dumps(doc["groups"][0])))),
        ["group {g0} appears twice in the plan"],
    ),
    "empty keep": (
        _edit(lambda doc, ids: doc["groups"][0].update(keep=[], delete=ids.a[0])),
        ["group {g0}", "action resolve needs at least one asset in keep"],
    ),
    "keep overlapping delete": (
        _edit(lambda doc, ids: doc["groups"][0]["delete"].append(ids.keep[0][0])),
        ["group {g0}", "asset {k0} is in both keep and delete"],
    ),
    "member in neither keep nor delete": (
        _set("groups.0.delete", []),
        ["group {g0}", "member {d0} is in neither keep nor delete"],
    ),
    "keep as a string": (_set("groups.0.keep", "abc"), ["group {g0}", "keep"]),
    "file size as a string": (_set("groups.0.assets.0.file_size", "big"), ["group {g0}", "file_size"]),
    "duplicate id as a number": (_set("groups.1.duplicate_id", 5), ["groups[1].duplicate_id"]),
    "action null": (_set("groups.0.action", None), ["group {g0}", "action"]),
    "unknown action": (_set("groups.0.action", "delete-everything"), ["group {g0}", "delete-everything"]),
    "assets as an object": (_set("groups.0.assets", {}), ["group {g0}", "assets"]),
    "checksum edited": (
        _set("groups.0.assets.0.checksum", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        ["group {g0}", "fingerprint does not match"],
    ),
    "NaN score": (
        lambda doc, ids: _dump(doc).replace(b'"score": ', b'"score": NaN, "x": ', 1),
        ["NaN is not a JSON number"],
    ),
    "a key given twice": (
        lambda doc, ids: _dump(doc).replace(b'"keep": [', b'"keep": [], "keep": [', 1),
        ["the key 'keep' appears twice", "group {g0}"],
    ),
}


@pytest.fixture
def plan_doc(immich_env: FakeImmich, tmp_path: Path) -> dict[str, Any]:
    for _ in range(3):
        immich_env.make_group([{"size": 3000, "description": "x"}, {"size": 2000}])
    path = tmp_path / "good.json"
    make_plan(immich_env, path)
    immich_env.requests.clear()
    doc: dict[str, Any] = json.loads(path.read_bytes())
    return doc


@pytest.mark.parametrize("case", list(CORPUS))
def test_a_broken_plan_is_refused_with_a_clear_message_before_any_request(
    case: str,
    plan_doc: dict[str, Any],
    immich_env: FakeImmich,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutate, expected = CORPUS[case]
    ids = _ids(plan_doc)
    names = {f"g{i}": g for i, g in enumerate(ids.g)}
    names |= {f"a{i}{j}": a for i, group in enumerate(ids.a) for j, a in enumerate(group)}
    names |= {"k0": ids.keep[0][0], "d0": ids.delete[0][0]}
    plan = tmp_path / "broken.json"
    plan.write_bytes(mutate(json.loads(json.dumps(plan_doc)), ids))
    backup = tmp_path / "backup"

    for argv in (["execute", str(plan), "--backup-dir", str(backup), "--yes"], ["show", str(plan)]):
        code, out, err = _run(capsys, *argv)

        assert code == 7, out + err
        assert err.startswith(f"immich-dedupe: error: {plan}"), err
        assert no_internal_error(err)
        for fragment in expected:
            assert fragment.format(**names) in err, err
    assert len(immich_env.requests) == 0  # not even the pre-flight
    assert not backup.exists()


@pytest.mark.parametrize(
    "how", ["zeros", "a video", "json-looking"], ids=["100MB-of-zeros", "100MB-video", "100MB-json-prefix"]
)
def test_a_100_mb_file_is_refused_quickly_without_reading_it_all(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        if how == "a video":
            f.write(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41")
        elif how == "json-looking":
            f.write(b'{"schema_version": 1, "groups": [\x00')
        f.truncate(100 * MiB)  # sparse: nothing is really written
    tracemalloc.start()
    try:
        code, out, err = _run(capsys, "show", str(big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code == 7
    assert err.startswith(f"immich-dedupe: error: {big}") and no_internal_error(err)
    assert peak < 10 * MiB, f"read {peak / MiB:.0f} MiB of a 100 MiB file to refuse it"


def test_a_plan_larger_than_the_limit_is_refused_by_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(3 * 1024**3)
    code, _, err = _run(capsys, "show", str(huge))
    assert code == 7 and "plans over 2 GiB are refused" in err


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_a_plan_that_is_not_a_file(what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    if what == "directory":
        plan.mkdir()
    code, _, err = _run(capsys, "execute", str(plan), "--backup-dir", str(tmp_path / "b"), "--yes")
    assert code == 7
    assert ("no such plan file" if what == "missing" else "cannot read the plan") in err


# --------------------------------------------------------------------------- broken answers


@pytest.fixture
def proxied(immich_env: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    with Proxy(immich_env.url) as proxy:
        monkeypatch.setenv("IMMICH_URL", proxy.url)
        yield proxy


def _json_rewrite(route: str, change: Callable[[Any], Any]) -> Callable[[Exchange], None]:
    def rewrite(x: Exchange) -> None:
        if x.method == "GET" and _matches(x.route, route) and x.status == 200:
            x.body = json.dumps(change(json.loads(x.body))).encode()

    return rewrite


ASSET = "/api/assets/{id}"  # GET /assets/{id} only, not /original


def _matches(path: str, route: str) -> bool:
    if route == ASSET:
        return re.fullmatch(r"/api/assets/[0-9a-f-]{36}", path) is not None
    return fnmatch.fnmatchcase(path, route)


def _each_asset(change: Callable[[dict[str, Any]], None]) -> Callable[[Any], Any]:
    def apply(groups: Any) -> Any:
        for g in groups:
            for a in g["assets"]:
                change(a)
        return groups

    return apply


def _html_page(x: Exchange) -> None:
    x.status = 200  # a captive portal or a proxy's login page answering in Immich's place
    x.set_header("Content-Type", "text/html; charset=utf-8")
    x.body = b"<!doctype html><html><head><title>Sign in</title></head><body>Please log in</body></html>"


def _only(route: str, change: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def rewrite(x: Exchange) -> None:
        if x.method == "GET" and _matches(x.route, route):
            change(x)

    return rewrite


def _nulls(asset: dict[str, Any]) -> None:
    for key in ("livePhotoVideoId", "stack", "libraryId", "duration", "thumbhash", "originalMimeType"):
        asset[key] = None
    for key in asset.get("exifInfo") or {}:
        asset["exifInfo"][key] = None


def _unknown_fields(asset: dict[str, Any]) -> None:
    asset["futureField"] = {"nested": [1, 2, {"x": None}]}
    asset["exifInfo"]["newExifTag"] = "value"
    asset["tags"] = [*asset.get("tags", []), *()]


# analyze: (rewrite of GET /duplicates, expected exit, message fragment or None)
ANALYZE_CASES: dict[str, tuple[Callable[[Exchange], None], int, str | None]] = {
    "html page with 200": (_only("/api/duplicates", _html_page), 6, "not JSON"),
    "truncated JSON": (
        _only("/api/duplicates", lambda x: setattr(x, "body", x.body[: len(x.body) // 2])),
        6,
        None,
    ),
    "an object, not a list": (_json_rewrite("/api/duplicates", lambda body: {"groups": body}), 6, None),
    "id null": (_json_rewrite("/api/duplicates", _each_asset(lambda a: a.update(id=None))), 6, "id"),
    "checksum a number": (
        _json_rewrite("/api/duplicates", _each_asset(lambda a: a.update(checksum=5))),
        6,
        "checksum",
    ),
    "file size as a string": (
        _json_rewrite("/api/duplicates", _each_asset(lambda a: a["exifInfo"].update(fileSizeInByte="12"))),
        6,
        "fileSizeInByte",
    ),
    "missing exifInfo": (_json_rewrite("/api/duplicates", _each_asset(lambda a: a.pop("exifInfo"))), 0, None),
    "nulls wherever Immich allows them": (_json_rewrite("/api/duplicates", _each_asset(_nulls)), 0, None),
    "unknown fields": (_json_rewrite("/api/duplicates", _each_asset(_unknown_fields)), 0, None),
    "JSON labelled text/plain": (
        _only("/api/duplicates", lambda x: x.set_header("Content-Type", "text/plain")),
        0,
        None,
    ),
}


@pytest.mark.parametrize("case", list(ANALYZE_CASES))
def test_analyze_reads_unusual_answers_and_refuses_broken_ones(
    case: str, proxied: Proxy, immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite, expected_code, fragment = ANALYZE_CASES[case]
    for _ in range(2):
        immich_env.make_group([{"size": 3000, "rating": 2}, {"size": 2000, "description": "y"}])
    plan = tmp_path / "plan.json"
    proxied.rewrite = rewrite

    code, out, err = _run(capsys, "analyze", "-o", str(plan))

    assert code == expected_code, out + err
    assert no_internal_error(err)
    assert immich_env.requests.write_count == 0
    if expected_code:
        assert not plan.exists()
        assert "GET /duplicates" in err
        if fragment:
            assert fragment in err, err
    else:
        assert len(load_plan(plan).groups) == 2


def _unknown_on_asset(body: dict[str, Any]) -> dict[str, Any]:
    body["futureField"] = [1, {"x": None}]
    body["exifInfo"]["newExifTag"] = 1
    return body


# execute: (rewrite, expected exit, the groups that must be completed: "all" or "none")
EXECUTE_CASES: dict[str, tuple[Callable[[Exchange], None], int, str]] = {
    "asset as an html page": (_only(ASSET, _html_page), 1, "none"),
    "asset checksum null": (_json_rewrite(ASSET, lambda b: {**b, "checksum": None}), 1, "none"),
    "asset checksum changed": (
        _json_rewrite(ASSET, lambda b: {**b, "checksum": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}),
        1,
        "none",
    ),
    "asset without duplicateId": (
        _json_rewrite(ASSET, lambda b: {k: v for k, v in b.items() if k != "duplicateId"}),
        1,
        "none",
    ),
    "asset id of another asset": (
        _json_rewrite(ASSET, lambda b: {**b, "id": "00000000-0000-4000-8000-000000000000"}),
        1,
        "none",
    ),
    "asset as a list": (_json_rewrite(ASSET, lambda b: [b]), 1, "none"),
    "original as an html page": (_only("/api/assets/*/original", _html_page), 1, "none"),
    "original labelled text/html": (
        _only("/api/assets/*/original", lambda x: x.set_header("Content-Type", "text/html")),
        0,
        "all",
    ),
    "asset with unknown fields": (_json_rewrite(ASSET, _unknown_on_asset), 0, "all"),
    "asset with nulls wherever Immich allows them": (
        _json_rewrite(ASSET, lambda b: _nulls(b) or b),
        0,
        "all",
    ),
    "listing as an html page": (_only("/api/duplicates", _html_page), 6, "none"),
    "listing truncated": (_only("/api/duplicates", lambda x: setattr(x, "body", x.body[:-40])), 6, "none"),
    "listing with a checksum changed": (
        _json_rewrite(
            "/api/duplicates", _each_asset(lambda a: a.update(checksum="AAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        ),
        1,
        "none",
    ),
    "listing without exifInfo": (
        _json_rewrite("/api/duplicates", _each_asset(lambda a: a.pop("exifInfo"))),
        0,
        "all",
    ),
    "listing with unknown fields": (_json_rewrite("/api/duplicates", _each_asset(_unknown_fields)), 0, "all"),
}


@pytest.mark.parametrize("case", list(EXECUTE_CASES))
def test_execute_never_deletes_on_a_broken_answer(
    case: str, proxied: Proxy, immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite, expected_code, outcome = EXECUTE_CASES[case]
    for _ in range(2):
        immich_env.make_group([{"size": 3000, "rating": 2}, {"size": 2000, "description": "y"}])
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(immich_env, plan_path, server=None)  # the proxy's URL is not the double's
    before = snapshot_members(immich_env, plan)
    watch = Watch(immich_env, backup)
    immich_env.faults.on_request = watch
    immich_env.requests.clear()
    proxied.rewrite = rewrite

    code, out, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")

    assert code == expected_code, out + err
    assert no_internal_error(err)
    assert watch.deletions_without_backup(plan) == []
    if outcome == "none":
        assert not immich_env.state.trashed_ids()
        assert immich_env.requests.count("POST", "/duplicates/resolve") == 0
        if code == 1:  # each group is named with what went wrong
            for g in resolve_groups(plan):
                assert f"{g.duplicate_id}: " in out
        else:
            assert "GET /duplicates" in err
    else:
        assert check_plan_completed(immich_env, plan, backup, before) == []
        assert set(committed(backup)) == planned_deletions(plan)


def test_an_asset_answer_without_exif_never_loses_the_metadata_the_plan_saw(
    proxied: Proxy, immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Immich 2.6 (no server-side merge): immich-dedupe carries the deleted copy's rating and
    description itself, from a fresh GET /assets/{id}. If that answer lacks ``exifInfo`` the
    metadata is unknown, not absent: the copy must not be deleted without it reaching the keeper."""
    immich_env.settings.version = (2, 6, 3)
    plain, rich = immich_env.make_group(
        [{"size": 3000}, {"size": 2000, "rating": 4, "description": "precious"}]
    )
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(immich_env, plan_path, server=None)
    gp = plan.groups[0]
    if gp.keep != (plain.id,):  # the person reviewing chose to keep the plain copy
        write_plan(
            attrs.evolve(plan, groups=(attrs.evolve(gp, keep=(plain.id,), delete=(rich.id,)),)), plan_path
        )
    proxied.rewrite = _json_rewrite(ASSET, lambda b: {k: v for k, v in b.items() if k != "exifInfo"})

    code, out, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")

    keeper = immich_env.state.asset(plain.id)
    if immich_env.state.asset(rich.id).is_trashed:
        assert (keeper.exif or {}).get("rating") == 4, "the rating was lost"
        assert (keeper.exif or {}).get("description") == "precious", "the description was lost"
    else:
        assert code == 1 and f"{gp.duplicate_id}: " in out
