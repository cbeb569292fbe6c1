"""Secrets and files: the API key appears in no output and no file of any command (failures and
internal errors included) and in no repr; everything written is owner-only whatever the umask;
server-given file names cannot leave the backup directory; TLS is verified unless --insecure.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import cli, connection, execute
from immich_dedupe.backup import BackupStore
from immich_dedupe.connection import ImmichConnection
from immich_dedupe.errors import AuthError
from immich_dedupe.execute import ExecuteOptions
from immich_dedupe.planfile import load_plan
from immich_dedupe.settings import ConnectionSettings
from tests import factories
from tests.e2e.execute_support import make_plan
from tests.fake_immich import FakeImmich
from tests.reliability.proxy import Proxy, self_signed_certificate
from tests.reliability.support import (
    SENTINEL,
    check_plan_completed,
    committed,
    files_under,
    leaked_in,
    must_back_up,
    planned_deletions,
    sha1_b64,
    snapshot_members,
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def keyed(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeImmich:
    """The double with the sentinel as a full-access key, in the environment; cwd in tmp_path."""
    immich.add_api_key(secret=SENTINEL)
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", SENTINEL)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # anything written to the working directory is scanned too
    return immich


# --------------------------------------------------------------------------- the key


@pytest.mark.slow
def test_the_api_key_is_in_no_output_and_no_file_of_any_command(
    keyed: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    immich = keyed
    monkeypatch.setattr(connection, "BACKOFF_BASE", 0.01)  # failures below are retried: keep it quick
    monkeypatch.setattr(connection, "BACKOFF_CAP", 0.05)
    immich.make_group(
        [{"size": 3000, "description": "trip", "rating": 4}, {"size": 2000, "is_favorite": True}]
    )
    immich.make_group([{"size": 3000}, {"size": 2000, "live_photo": True}])
    bad = immich.make_group([{"size": 3000}, {"size": 2000}])
    plan, backup, report = tmp_path / "plan.json", tmp_path / "backup", tmp_path / "report.html"
    outputs: list[str] = []
    codes: dict[str, int] = {}

    def run(label: str, *argv: str) -> None:
        code, out, err = _run(capsys, *argv)
        codes[label] = code
        outputs.extend((out, err))

    run("analyze", "analyze", "-o", str(plan))
    gid = json.loads(plan.read_text())["groups"][0]["duplicate_id"]
    run("show", "show", str(plan))
    run("show group", "show", str(plan), gid)
    run("report", "report", str(plan), "-o", str(report), "--thumbnails")
    run("dry run", "execute", str(plan), "--backup-dir", str(backup), "--dry-run")
    immich.faults.corrupt_download(bad[1].id, count=None)  # one group fails: its message is printed
    run("execute", "execute", str(plan), "--backup-dir", str(backup), "--yes")
    run("restore", "restore", str(backup), "--yes")
    immich.faults.clear()

    # failures whose messages quote the server, which echoes the key back
    immich.faults.fail("GET", "/duplicates", 500, count=None, message=f"bad header x-api-key: {SENTINEL}")
    run("analyze fails", "analyze", "-o", str(tmp_path / "plan2.json"))
    immich.faults.fail("GET", "/assets/*/thumbnail", 500, count=None, message=f"no {SENTINEL}")
    run("thumbnails fail", "report", str(plan), "-o", str(tmp_path / "r2.html"), "--thumbnails")
    immich.faults.clear()
    tampered = tmp_path / "tampered.json"
    doc = json.loads(plan.read_text())
    doc["groups"][0]["assets"][0]["checksum"] = SENTINEL  # even a plan quoting the key is not echoed
    tampered.write_text(json.dumps(doc))
    run("tampered", "execute", str(tampered), "--backup-dir", str(tmp_path / "b2"), "--yes")

    # internal errors: the traceback is shown, the key is not
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom with {SENTINEL} in the message")

    with monkeypatch.context() as m:
        m.setattr(execute, "execute_plan", boom)
        run("internal", "execute", str(plan), "--backup-dir", str(backup), "--yes")
    with monkeypatch.context() as m:
        m.setattr(
            httpx.HTTPTransport,
            "handle_request",
            lambda self, request: _raise_with_headers(request),
        )
        run("internal http", "analyze", "-o", str(tmp_path / "plan3.json"))
    with monkeypatch.context() as m:  # the key only on the command line
        m.delenv("IMMICH_API_KEY")
        m.setattr(execute, "execute_plan", boom)
        run(
            "internal argv", "execute", str(plan), "--backup-dir", str(backup), "--yes", "--api-key", SENTINEL
        )
        run("rejected argv", "analyze", "-o", str(tmp_path / "p4.json"), "--api-key", SENTINEL + "-typo")

    assert codes == {
        "analyze": 0,
        "show": 0,
        "show group": 0,
        "report": 0,
        "dry run": 0,
        "execute": 1,
        "restore": 0,
        "analyze fails": 3,
        "thumbnails fail": 0,
        "tampered": 7,
        "internal": 70,
        "internal http": 70,
        "internal argv": 70,
        "rejected argv": 4,
    }
    text = "\n".join(outputs)
    assert text.count("internal error (a bug)") == 3  # with their tracebacks, redacted:
    assert "boom with *** in the message" in text and "'x-api-key': '***'" in text
    written = [p for p in files_under(tmp_path) if p != tampered]  # our own input quotes the key
    assert {"journal.jsonl", "report.json", "report.txt", "plan.json", "report.html"} <= {
        p.name for p in written
    }
    assert committed(backup)
    assert leaked_in(written, outputs, SENTINEL) == []


def _raise_with_headers(request: httpx.Request) -> httpx.Response:
    # A bug deep in the HTTP layer whose message quotes the request headers.
    raise RuntimeError(f"unexpected failure sending {dict(request.headers)!r}")


def test_no_repr_or_error_shows_the_key(keyed: FakeImmich) -> None:
    settings_ = ConnectionSettings.from_sources(url=keyed.url, api_key=SENTINEL)
    options = ExecuteOptions(backup_dir=Path("b"), forbidden=(SENTINEL,))
    shown = [repr(settings_), str(settings_), repr(settings_.api_key), str(settings_.api_key), repr(options)]
    asset = keyed.add_asset(size=1000)
    with ImmichConnection(settings_) as conn:
        shown += [repr(conn), str(conn), repr(vars(conn))]
        with conn.open_original(asset.id) as download:
            shown.append(repr(download))
            b"".join(download.iter_bytes())
    rejected = ConnectionSettings.from_sources(url=keyed.url, api_key=SENTINEL + "-unknown")
    with ImmichConnection(rejected) as conn, pytest.raises(AuthError) as err:
        conn.preflight()
    shown += [str(err.value), repr(err.value), repr(vars(err.value))]
    assert [s for s in shown if SENTINEL in s] == []


# --------------------------------------------------------------------------- modes


@pytest.fixture(params=[0o000, 0o022, 0o077], ids=lambda m: f"umask-{m:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_written_is_owner_only_whatever_the_umask(
    keyed: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], umask: int
) -> None:
    keyed.make_group([{"size": 3000}, {"size": 2000, "live_photo": True}])
    keyed.make_group([{"size": 3000}, {"size": 2000}])
    plan, backup, report = tmp_path / "plan.json", tmp_path / "backup", tmp_path / "report.html"
    assert _run(capsys, "analyze", "-o", str(plan))[0] == 0
    assert _run(capsys, "report", str(plan), "-o", str(report))[0] == 0
    assert _run(capsys, "execute", str(plan), "--backup-dir", str(backup), "--yes")[0] == 0

    assert _mode(plan) == 0o600 and _mode(report) == 0o600
    assert _mode(backup) == 0o700
    dirs = [p for p in backup.rglob("*") if p.is_dir()]
    files = files_under(backup)
    assert set(committed(backup)) == must_back_up(load_plan(plan))
    assert {oct(_mode(d)) for d in dirs} == {oct(0o700)}
    assert {oct(_mode(f)) for f in files} == {oct(0o600)}, {f.name: oct(_mode(f)) for f in files}


# --------------------------------------------------------------------------- file names


HOSTILE = [
    "../../escaped.jpg",
    "..\\..\\escaped-win.jpg",
    "/etc/cron.d/evil",
    "..",
    ".",
    "",
    "sub/../../x.jpg",
    "journal.jsonl",
    "../journal.jsonl",
    "immich-dedupe.lock",
    "report.json",
    "IMG_1.jpg.json",
    "IMG_2.jpg.part",
    "CON.jpg",
    "nul",
    "a\x00b.jpg",
    "line\nbreak.jpg",
    "\u202egpj.exe",
    "é" * 200 + ".jpg",
    "x" * 400,
    "~root/.ssh/authorized_keys",
    "same.jpg",
    "SAME.jpg",
]


def test_server_given_file_names_never_leave_the_backup_directory(
    keyed: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in HOSTILE:
        keyed.make_group(
            [{"size": 5000, "file_name": "keeper.jpg"}, {"size": 1000 + len(name), "file_name": name}]
        )
    work = tmp_path / "work"
    work.mkdir()
    plan_path, backup = work / "plan.json", work / "backup"
    plan = make_plan(keyed, plan_path)
    before = snapshot_members(keyed, plan)

    code, out, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")

    assert code == 0, out + err
    assert check_plan_completed(keyed, plan, backup, before) == []
    everything = files_under(tmp_path)
    root = backup.resolve()
    assert [p for p in everything if not p.resolve().is_relative_to(root)] == [plan_path]
    originals = (backup / "originals").resolve()
    found = committed(backup)
    assert set(found) == planned_deletions(plan)
    for data, _ in found.values():
        assert data.resolve().parent.parent == originals  # originals/<xx>/<name>, nothing deeper
        assert data.is_file() and not data.is_symlink()
    top = sorted(p.name for p in backup.iterdir())
    assert top == ["journal.jsonl", "originals", "report.json", "report.txt"]
    assert json.loads((backup / "journal.jsonl").read_text().splitlines()[0])["type"] == "header"


def test_a_symlink_planted_in_the_backup_directory_is_not_followed(
    keyed: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = keyed.make_group([{"size": 5000}, {"size": 1000}])
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    make_plan(keyed, plan_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (backup / "originals").mkdir(parents=True, mode=0o700)
    (backup / "originals" / group[1].id[:2]).symlink_to(outside)

    code, out, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")

    assert code == 1, out + err
    assert "outside" in out
    assert list(outside.iterdir()) == []
    assert not keyed.state.trashed_ids()


names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300) | st.sampled_from(HOSTILE)
ids = st.uuids(version=4).map(str) | st.text(min_size=1, max_size=80)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, other=names, asset_id=ids)
def test_any_name_from_the_server_is_saved_inside_the_originals_folder(
    tmp_path_factory: pytest.TempPathFactory, name: str, other: str, asset_id: str
) -> None:
    root = tmp_path_factory.mktemp("store")
    store = BackupStore(root)
    records = []
    for n, (aid, fname) in enumerate(((asset_id, name), (asset_id + "-2", other), (asset_id + "-3", name))):
        data = f"{n}:{fname}".encode("utf-8", "surrogatepass")
        asset = factories.asset(fname or "x", id=aid, original_file_name=fname, checksum=sha1_b64(data))
        records.append(store.save(asset, {"id": aid}, [data]))
    originals = (root / "originals").resolve()
    assert len({r.path for r in records}) == 3  # same names never overwrite each other
    for r in records:
        path = store.path_of(r)
        assert path.resolve().parent.parent == originals
        assert len(path.name.encode("utf-8", "surrogatepass")) <= 200
        assert path.with_name(path.name + ".json").is_file()
    assert sorted(p.name for p in root.iterdir()) == ["originals"]


# --------------------------------------------------------------------------- TLS


@pytest.fixture
def tls(keyed: FakeImmich, tmp_path: Path) -> Iterator[tuple[Proxy, Path]]:
    cert, key = self_signed_certificate(tmp_path)
    with Proxy(keyed.url, tls=(cert, key)) as proxy:
        yield proxy, cert


def test_tls_is_verified_unless_insecure(
    keyed: FakeImmich,
    tls: tuple[Proxy, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy, cert = tls
    keyed.make_group([{"size": 3000}, {"size": 2000}])
    monkeypatch.setenv("IMMICH_URL", proxy.url)
    plan = tmp_path / "plan.json"

    code, _, err = _run(capsys, "analyze", "-o", str(plan))
    assert code == 3
    assert "TLS verification failed" in err and "self-signed certificate" in err
    assert not plan.exists() and proxy.seen == [] and len(keyed.requests) == 0

    code, _, err = _run(capsys, "analyze", "-o", str(plan), "--insecure")
    assert code == 0, err
    assert "warning: TLS verification is off (--insecure)" in err

    # Verification really checks: the certificate, once trusted, works without --insecure ...
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    code, _, err = _run(capsys, "analyze", "-o", str(plan))
    assert code == 0, err
    assert "TLS verification is off" not in err
    # ... but not for a host name it was not issued for
    monkeypatch.setenv("IMMICH_URL", proxy.url.replace("127.0.0.1", "localhost"))
    code, _, err = _run(capsys, "analyze", "-o", str(tmp_path / "other.json"))
    assert code == 3 and "TLS verification failed" in err


def test_execute_over_unverified_tls_changes_nothing_unless_insecure(
    keyed: FakeImmich,
    tls: tuple[Proxy, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy, _ = tls
    keyed.make_group([{"size": 3000}, {"size": 2000}])
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    make_plan(keyed, plan_path, server=None)  # a plan from a file: usable against the proxy's URL
    keyed.requests.clear()
    monkeypatch.setenv("IMMICH_URL", proxy.url)

    code, _, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes")
    assert code == 3 and "TLS verification failed" in err
    assert len(keyed.requests) == 0 and not keyed.state.trashed_ids()

    code, _, err = _run(capsys, "execute", str(plan_path), "--backup-dir", str(backup), "--yes", "--insecure")
    assert code == 0, err
    assert len(keyed.state.trashed_ids()) == 1
