"""Pre-flight and the connection's calls over real loopback HTTP: the Immich double, plus small
servers that are *not* Immich (a web page, a TLS server with a self-signed certificate).

Each failure test asserts the one line a user would read, and that the API key is not in it.
"""

from __future__ import annotations

import http.server
import io
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immich_dedupe.connection import BatchRejected, ImmichConnection
from immich_dedupe.errors import AuthError, DedupeError, IncompatibleServer, ServerUnavailable
from immich_dedupe.facts import ResolveGroup, Version
from immich_dedupe.settings import ConnectionSettings, Secret, normalize_base_url
from tests.fake_immich import FakeImmich

SENTINEL = "leak-canary-5b2f0c9e"


def connection(url: str, key: str = SENTINEL, **over: Any) -> ImmichConnection:
    values: dict[str, Any] = {"base_url": normalize_base_url(url), "api_key": Secret(key), "timeout": 5.0}
    values.update(over)
    return ImmichConnection(ConnectionSettings(**values), sleep=lambda s: None)


def failure(conn: ImmichConnection, **preflight: Any) -> DedupeError:
    with conn, pytest.raises(DedupeError) as exc:
        conn.preflight(**preflight)
    message = str(exc.value)
    assert SENTINEL not in message and SENTINEL not in repr(exc.value)
    assert "\n" not in message
    return exc.value


# ----------------------------------------------------------------------- the good case


def test_preflight_against_immich_3(immich: FakeImmich) -> None:
    with connection(immich.url, immich.api_key) as conn:
        info = conn.preflight(required=["duplicate.read", "asset.download"], optional=["album.read"])
    assert info.version == Version(3, 1, 0) and info.has_resolve
    assert info.permissions == ("all",) and info.trash_enabled
    assert info.user_id == immich.user.id
    assert info.url == immich.api_url and conn.warnings == []


def test_preflight_and_listing_against_immich_2_6() -> None:
    with FakeImmich(version=(2, 6, 3)) as server:
        server.make_group(2, type="VIDEO")
        with connection(server.url, server.api_key) as conn:
            info = conn.preflight(required=["duplicate.read"])
            groups = list(conn.iter_duplicate_groups())
    assert info.version == Version(2, 6, 3) and not info.has_resolve
    assert any("2.7.0" in w for w in conn.warnings)
    assert len(groups) == 1 and groups[0].suggested_keep_ids is None
    assert all(a.duration_ms == 5000 for a in groups[0].assets)  # "0:00:05.000000" on 2.x


def test_trash_disabled_is_reported(immich: FakeImmich) -> None:
    immich.settings.trash_enabled = False
    with connection(immich.url, immich.api_key) as conn:
        assert conn.preflight().trash_enabled is False


# ----------------------------------------------------------------------- what a user can get wrong


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = failure(connection(f"http://127.0.0.1:{port}", retries=2))
    assert isinstance(err, ServerUnavailable) and err.exit_code == 3
    assert str(err) == (
        f"cannot connect to http://127.0.0.1:{port}/api: connection refused after 3 attempts; "
        "is Immich running on that port?"
    )


def test_dns_failure() -> None:
    err = failure(connection("https://immich-dedupe-test.invalid"))
    assert isinstance(err, ServerUnavailable)
    assert str(err) == "cannot find the host 'immich-dedupe-test.invalid' (DNS lookup failed); check the URL"


def test_rejected_key(immich: FakeImmich) -> None:
    err = failure(connection(immich.url, SENTINEL))
    assert isinstance(err, AuthError) and err.exit_code == 4
    assert str(err) == (
        "GET /api-keys/me: the server rejected the API key (401 Unauthorized: Invalid API key); "
        "check IMMICH_API_KEY, or create a key in Immich → Account Settings → API Keys"
    )


def test_missing_permissions_are_named(immich: FakeImmich) -> None:
    key = immich.add_api_key(permissions=("duplicate.read", "asset.read"))
    with connection(immich.url, key) as conn:
        with pytest.raises(AuthError) as exc:
            conn.preflight(required=["duplicate.read", "asset.read", "asset.download", "duplicate.delete"])
        assert exc.value.missing_permissions == ("asset.download", "duplicate.delete")
        assert str(exc.value).startswith(
            "the API key lacks the permissions asset.download (backing up originals before deletion); "
            "duplicate.delete (resolving or dismissing duplicate groups): add them to the key"
        )
        conn.preflight(required=["duplicate.read"], optional=["album.read"])
        assert conn.warnings == [
            "the API key lacks the permission album.read: reading album memberships will not work"
        ]


def test_a_403_from_the_server_names_the_permission(immich: FakeImmich) -> None:
    key = immich.add_api_key(permissions=("asset.read",))
    with connection(immich.url, key) as conn, pytest.raises(AuthError) as exc:
        list(conn.iter_duplicate_groups())
    assert exc.value.missing_permissions == ("duplicate.read",)
    assert str(exc.value) == (
        "GET /duplicates: the API key lacks the permission duplicate.read (403); "
        "add it to the key in Immich → Account Settings → API Keys"
    )


def test_the_web_app_url_is_not_the_api(immich: FakeImmich) -> None:
    # Outside /api, Immich serves its web app: an HTML page for any GET.
    err = failure(connection(immich.url + "/photos"))
    assert isinstance(err, IncompatibleServer) and err.exit_code == 5
    assert str(err) == (
        f"{immich.url}/photos/api does not look like an Immich server: "
        "GET /server/ping answered with an HTML page"
    )


class _Page(http.server.BaseHTTPRequestHandler):
    """Some other web server: a router's admin page answers every path with HTML."""

    status = 200
    body = b"<!DOCTYPE html><html><head><title>Router</title></head><body>Login</body></html>"
    answers: dict[str, Any] = {}

    def do_GET(self) -> None:
        if self.path in self.answers:
            data = json.dumps(self.answers[self.path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            data = self.body
            self.send_response(self.status)
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def web_page() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_server_that_is_not_immich(web_page: str) -> None:
    err = failure(connection(web_page))
    assert isinstance(err, IncompatibleServer)
    assert str(err) == (
        f"{web_page}/api does not look like an Immich server: GET /server/ping answered with an HTML page"
    )


def test_a_proxy_error_page(immich: FakeImmich) -> None:
    immich.faults.html_error("GET", "/server/ping", 502, count=None)
    err = failure(connection(immich.url, immich.api_key, retries=2))
    assert isinstance(err, ServerUnavailable)
    assert str(err) == (
        "GET /server/ping: the server answered 502 Bad Gateway with an HTML page after 3 attempts"
        " — probably a proxy in front of Immich; is Immich itself running?"
    )


def test_a_proxy_error_page_once_is_retried(immich: FakeImmich) -> None:
    immich.faults.html_error("GET", "/server/ping", 502, count=1)
    with connection(immich.url, immich.api_key) as conn:
        assert conn.preflight().version == Version(3, 1, 0)
    assert immich.requests.count("GET", "/server/ping") == 2


def test_a_server_that_does_not_answer_in_time(immich: FakeImmich) -> None:
    immich.faults.stall("GET", "/server/ping", seconds=10, count=None)
    err = failure(connection(immich.url, immich.api_key, timeout=0.3, retries=1))
    assert isinstance(err, ServerUnavailable)
    assert str(err) == (
        "GET /server/ping: the server did not answer within 0.3 s after 2 attempts; "
        "it may be busy — try again, or raise --timeout"
    )


# ----------------------------------------------------------------------- TLS


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=immich.test",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class _MiniImmich(_Page):
    """Just enough Immich for pre-flight, behind TLS."""

    answers = {
        "/api/server/ping": {"res": "pong"},
        "/api/server/version": {"major": 3, "minor": 2, "patch": 2, "prerelease": None},
        "/api/api-keys/me": {"id": "k", "name": "n", "permissions": ["duplicate.read"]},
        "/api/server/features": {"trash": True},
    }


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[str]:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MiniImmich)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_self_signed_certificate(tls_server: str) -> None:
    err = failure(connection(tls_server))
    assert isinstance(err, ServerUnavailable)
    assert str(err) == (
        f"TLS verification failed for {tls_server}/api (self-signed certificate); if the server uses a "
        "self-signed certificate, add it to your trust store (SSL_CERT_FILE), or use --insecure only if "
        "you trust every network between you and the server"
    )


def test_insecure_accepts_the_self_signed_certificate(tls_server: str) -> None:
    with connection(tls_server, insecure=True) as conn:
        info = conn.preflight(required=["duplicate.read"])
    assert info.version == Version(3, 2, 2) and info.url == tls_server + "/api"


# ----------------------------------------------------------------------- the calls, against the double


def test_listing_assets_and_downloads(immich: FakeImmich) -> None:
    members = immich.make_group(3)
    with connection(immich.url, immich.api_key) as conn:
        saved = io.BytesIO()
        groups = list(conn.iter_duplicate_groups(save_to=saved))
        assert [sorted(a.id for a in g.assets) for g in groups] == [sorted(a.id for a in members)]
        assert json.loads(saved.getvalue())[0]["duplicateId"] == groups[0].duplicate_id
        facts, raw = conn.get_asset(members[0].id) or pytest.fail("asset not found")
        assert facts.checksum == members[0].checksum and raw["id"] == members[0].id
        assert conn.get_asset("0a0b0c0d-0000-4000-8000-000000000000") is None
        with conn.open_original(members[0].id) as download:
            data = b"".join(download.iter_bytes())
        assert download.size == len(data) == members[0].size
        assert download.filename == members[0].original_file_name

        immich.faults.cut_body("GET", "/assets/*/original", after_bytes=1000)
        with conn.open_original(members[1].id) as download, pytest.raises(ServerUnavailable) as exc:
            b"".join(download.iter_bytes())
        assert "it can be restarted" in str(exc.value)


def test_resolve_and_a_rejected_batch(immich: FakeImmich) -> None:
    keep, trash = immich.make_group(2)
    stale = "0a0b0c0d-0000-4000-8000-00000000beef"
    with connection(immich.url, immich.api_key) as conn:
        conn.preflight()
        group = ResolveGroup(duplicate_id=keep.duplicate_id, keep=(keep.id,), trash=(trash.id,))
        with pytest.raises(BatchRejected) as exc:
            conn.resolve([group, ResolveGroup(duplicate_id=stale, keep=(keep.id,), trash=())])
        assert exc.value.server_message == "Not found or no duplicate.delete access"
        assert not immich.state.trashed_ids()
        results = conn.resolve([group])
    assert [(r.id, r.success) for r in results] == [(keep.duplicate_id, True)]
    assert trash.id in immich.state.trashed_ids()


def test_trash_restore_update_albums_tags_stacks(immich: FakeImmich) -> None:
    a, b = immich.make_group(2)
    album = immich.add_album("Summer", assets=[b.id])
    tag = immich.add_tag("Holidays/beach")
    with connection(immich.url, immich.api_key) as conn:
        conn.delete_assets([b.id], force=False)
        assert b.id in immich.state.trashed_ids()
        assert conn.restore_assets([b.id]) == 1
        conn.update_assets([a.id, b.id], duplicate_id=None, is_favorite=True)
        assert immich.state.asset(a.id).duplicate_id is None and immich.state.asset(a.id).is_favorite
        assert conn.album_memberships([a.id, b.id]) == {a.id: (), b.id: (album.id,)}
        conn.add_assets_to_albums([album.id], [a.id])
        conn.add_assets_to_albums([album.id], [a.id])  # already there: not an error
        assert album.id in {al.id for al in immich.state.albums_of_asset(a.id)}
        assert conn.tag_ids_by_value()["Holidays/beach"] == tag.id
        conn.tag_assets([tag.id], [a.id])
        assert "Holidays/beach" in immich.state.tag_values(a.id)
        stack_id = conn.create_stack([a.id, b.id])
        assert immich.state.asset(a.id).stack_id == stack_id
        conn.delete_stack(stack_id)
        assert immich.state.asset(a.id).stack_id is None
