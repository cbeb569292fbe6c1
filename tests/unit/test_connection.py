"""connection: pre-flight, error translation and retries, on httpx.MockTransport (no sockets)."""

from __future__ import annotations

import io
import json
import random
import socket
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
import httpx
import pytest

from immich_dedupe.connection import BatchRejected, ImmichConnection
from immich_dedupe.errors import (
    AuthError,
    DedupeError,
    IncompatibleServer,
    ProtocolError,
    ServerError,
    ServerUnavailable,
)
from immich_dedupe.facts import ResolveGroup, Version
from immich_dedupe.settings import ConnectionSettings, Secret

KEY = "sentinel-key-Zq8vT3"
BASE = "https://photos.example.org/api"
A1 = "6c1a3e47-0d0b-4f8e-9a43-0c4b5bb2e0a1"
A2 = "0f4e2c7d-b5a1-4c3e-8f1b-2d9e6a7c8b90"
G1 = "a3b9f1e2-3c4d-4e5f-8a6b-7c8d9e0f1a2b"

Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Routes (method, path) to canned answers and records every request it saw."""

    def __init__(self, routes: dict[tuple[str, str], Any] | None = None) -> None:
        self.routes: dict[tuple[str, str], Any] = {
            ("GET", "/api/server/ping"): {"res": "pong"},
            ("GET", "/api/server/version"): {"major": 3, "minor": 1, "patch": 0, "prerelease": None},
            ("GET", "/api/api-keys/me"): {"id": "k1", "name": "dedupe", "permissions": ["all"]},
            ("GET", "/api/users/me"): {"id": "u1", "email": "me@example.org", "name": "Me"},
            ("GET", "/api/server/features"): {"trash": True, "search": True},
        }
        self.routes.update(routes or {})
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json={"message": "Not Found"})
        if callable(answer):
            answer = answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        if isinstance(answer, list) and answer and isinstance(answer[0], httpx.Response | Exception):
            item = answer.pop(0) if len(answer) > 1 else answer[0]  # a script of answers
            if isinstance(item, Exception):
                raise item
            return item
        return httpx.Response(200, json=answer)

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == "/api" + path]


def settings(**over: Any) -> ConnectionSettings:
    values: dict[str, Any] = {"base_url": BASE, "api_key": Secret(KEY), "timeout": 5.0, "retries": 3}
    values.update(over)
    return ConnectionSettings(**values)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def connect(server: Handler, sleeps: list[float] | None = None, **over: Any) -> ImmichConnection:
    record = sleeps if sleeps is not None else []
    return ImmichConnection(
        settings(**over), transport=httpx.MockTransport(server), sleep=record.append, rng=random.Random(7)
    )


def html(status: int, text: str = "Bad Gateway") -> httpx.Response:
    page = f"<html><head><title>{status} {text}</title></head><body><center>nginx</center></body></html>"
    return httpx.Response(status, content=page.encode(), headers={"content-type": "text/html"})


# ----------------------------------------------------------------------- pre-flight


def test_preflight_reads_version_key_user_and_trash() -> None:
    server = Server()
    conn = connect(server)
    info = conn.preflight(required=["duplicate.read"], optional=["album.read"])
    assert info.version == Version(3, 1, 0) and info.has_resolve
    assert info.trash_enabled and info.permissions == ("all",)
    assert (info.user_id, info.user_email) == ("u1", "me@example.org")
    assert info.url == BASE and conn.info is info and conn.warnings == []
    authed = [r for r in server.requests if r.url.path == "/api/api-keys/me"][0]
    assert authed.headers["x-api-key"] == KEY
    assert authed.headers["user-agent"].startswith("immich-dedupe/")


def test_preflight_on_a_2x_server_without_prerelease_or_resolve() -> None:
    server = Server({("GET", "/api/server/version"): {"major": 2, "minor": 6, "patch": 3}})
    conn = connect(server)
    info = conn.preflight()
    assert info.version == Version(2, 6, 3) and not info.has_resolve
    assert any("POST /duplicates/resolve" in w and "2.7.0" in w for w in conn.warnings)
    with pytest.raises(IncompatibleServer, match="needs Immich 2.7.0 or newer; this server is 2.6.3"):
        conn.resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))])
    assert not server.calls("POST", "/duplicates/resolve")


@pytest.mark.parametrize("version", [(1, 118, 2), (4, 0, 0)])
def test_unsupported_versions_warn_but_continue(version: tuple[int, int, int]) -> None:
    major, minor, patch = version
    conn = connect(Server({("GET", "/api/server/version"): {"major": major, "minor": minor, "patch": patch}}))
    conn.preflight()
    assert any("outside the versions immich-dedupe supports (2.x and 3.x)" in w for w in conn.warnings)


@pytest.mark.parametrize(
    ("ping", "expected"),
    [
        (html(200, "Welcome to nginx!"), "answered with an HTML page"),
        (httpx.Response(200, json={"status": "ok"}), "answered with JSON that is not Immich's pong"),
        (httpx.Response(404, json={"message": "Cannot GET /api/server/ping"}), "answered 404 Not Found"),
        (html(404, "Not Found"), "answered 404 Not Found with an HTML page"),
        (html(401, "Authorization Required"), "may require its own login"),
        (httpx.Response(200, text="pong"), "answered with text that is not JSON"),
    ],
)
def test_something_that_is_not_immich_is_named_as_such(ping: httpx.Response, expected: str) -> None:
    conn = connect(Server({("GET", "/api/server/ping"): ping}))
    with pytest.raises(IncompatibleServer) as exc:
        conn.preflight()
    message = str(exc.value)
    assert message.startswith(f"{BASE} does not look like an Immich server: GET /server/ping")
    assert expected in message and "\n" not in message


def test_a_redirect_is_reported_not_followed() -> None:
    moved = httpx.Response(301, headers={"location": "https://login.example.org/sso?next=%2F&token=abc"})
    server = Server({("GET", "/api/server/ping"): moved})
    with pytest.raises(IncompatibleServer, match=r"redirected to https://login\.example\.org/sso;") as exc:
        connect(server).preflight()
    assert "token=abc" not in str(exc.value)
    assert len(server.requests) == 1


def test_a_version_answer_that_is_not_immichs() -> None:
    conn = connect(Server({("GET", "/api/server/version"): {"version": "1.0"}}))
    with pytest.raises(IncompatibleServer, match=r"does not look like an Immich server: GET /server/version"):
        conn.preflight()


def test_rejected_key_is_an_auth_error() -> None:
    server = Server({("GET", "/api/api-keys/me"): httpx.Response(401, json={"message": "Invalid API key"})})
    with pytest.raises(AuthError) as exc:
        connect(server).preflight()
    assert str(exc.value) == (
        "GET /api-keys/me: the server rejected the API key (401 Unauthorized: Invalid API key); "
        "check IMMICH_API_KEY, or create a key in Immich → Account Settings → API Keys"
    )
    assert exc.value.exit_code == 4


def test_missing_required_permissions_are_each_named() -> None:
    perms = {"id": "k", "name": "n", "permissions": ["duplicate.read", "asset.read", "album.read"]}
    conn = connect(Server({("GET", "/api/api-keys/me"): perms}))
    with pytest.raises(AuthError) as exc:
        conn.preflight(required=["duplicate.read", "asset.download", "asset.read", "asset.delete"])
    assert exc.value.missing_permissions == ("asset.download", "asset.delete")
    message = str(exc.value)
    assert "lacks the permissions asset.download (backing up originals" in message
    assert "asset.delete (moving assets to the trash" in message
    assert "duplicate.read" not in message and "asset.read " not in message


def test_missing_optional_permissions_become_warnings() -> None:
    perms = {"id": "k", "name": "n", "permissions": ["duplicate.read"]}
    conn = connect(Server({("GET", "/api/api-keys/me"): perms}))
    info = conn.preflight(required=["duplicate.read"], optional={"album.read": "checking album differences"})
    assert info.permissions == ("duplicate.read",)
    assert conn.warnings == [
        "the API key lacks the permission album.read: checking album differences will not work"
    ]
    conn.preflight(optional=["tag.asset"])
    assert conn.warnings == [
        "the API key lacks the permission tag.asset: copying tags to the keeper will not work"
    ]


def test_without_api_keys_me_the_key_is_still_checked() -> None:
    server = Server(
        {
            ("GET", "/api/api-keys/me"): httpx.Response(404, json={"message": "Not Found"}),
            ("POST", "/api/auth/validateToken"): {"authStatus": True},
        }
    )
    conn = connect(server)
    info = conn.preflight(required=["duplicate.read"])
    assert info.permissions == () and info.user_id == "u1"
    assert any("cannot list the API key's permissions" in w for w in conn.warnings)
    assert server.calls("POST", "/auth/validateToken")


@pytest.mark.parametrize(("features", "trash"), [({"trash": False}, False), ({"search": True}, False)])
def test_trash_setting_and_the_safe_assumption(features: dict[str, bool], trash: bool) -> None:
    conn = connect(Server({("GET", "/api/server/features"): features}))
    assert conn.preflight().trash_enabled is trash
    if "trash" not in features:
        assert any("assuming it is disabled" in w for w in conn.warnings)


# ----------------------------------------------------------------------- transport errors


def _connect_error(cause: BaseException) -> httpx.ConnectError:
    """A ConnectError chained like httpx's own: httpx ← httpcore ← OS/ssl error."""
    try:
        try:
            raise cause
        except BaseException as low:
            raise httpcore.ConnectError(str(low)) from low
    except httpcore.ConnectError as mid:
        err = httpx.ConnectError(str(mid))
        err.__cause__ = mid
        return err


def raising(err: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise err

    return handler


def test_connection_refused_is_retried_then_named(sleeps: list[float]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise _connect_error(ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(ServerUnavailable) as exc:
        connect(handler, sleeps).preflight()
    assert str(exc.value) == (
        f"cannot connect to {BASE}: connection refused after 4 attempts; is Immich running on that port?"
    )
    assert len(calls) == 4 and len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2] <= 10  # exponential, capped


def test_dns_failure_is_not_retried(sleeps: list[float]) -> None:
    err = _connect_error(socket.gaierror(-2, "Name or service not known"))
    with pytest.raises(ServerUnavailable) as exc:
        connect(raising(err), sleeps).preflight()
    assert str(exc.value) == "cannot find the host 'photos.example.org' (DNS lookup failed); check the URL"
    assert sleeps == []


def test_tls_failure_explains_insecure(sleeps: list[float]) -> None:
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate"
    with pytest.raises(ServerUnavailable) as exc:
        connect(raising(_connect_error(cause)), sleeps).preflight()
    message = str(exc.value)
    assert message.startswith(f"TLS verification failed for {BASE} (self-signed certificate)")
    assert "use --insecure only if you trust" in message
    assert sleeps == []


def test_timeouts_say_how_long_and_how_often(sleeps: list[float]) -> None:
    with pytest.raises(ServerUnavailable) as exc:
        connect(raising(httpx.ReadTimeout("timed out")), sleeps).preflight()
    assert str(exc.value) == (
        "GET /server/ping: the server did not answer within 5 s after 4 attempts; "
        "it may be busy — try again, or raise --timeout"
    )
    with pytest.raises(
        ServerUnavailable, match=r"cannot connect to .*: no answer within 5 s after 4 attempts"
    ):
        connect(raising(httpx.ConnectTimeout("timed out")), sleeps).preflight()


def test_a_proxy_502_page_after_retries(sleeps: list[float]) -> None:
    server = Server({("GET", "/api/server/ping"): html(502)})
    with pytest.raises(ServerUnavailable) as exc:
        connect(server, sleeps).preflight()
    assert str(exc.value) == (
        "GET /server/ping: the server answered 502 Bad Gateway with an HTML page after 4 attempts"
        " — probably a proxy in front of Immich; is Immich itself running?"
    )
    assert len(server.requests) == 4


def _all_subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


HTTPX_ERRORS = sorted(
    {c for c in _all_subclasses(httpx.HTTPError) if c.__module__.startswith("httpx")}
    | {httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict},
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("exc_class", HTTPX_ERRORS, ids=lambda c: c.__name__)
def test_every_httpx_error_maps_to_a_dedupe_error(exc_class: type[Exception]) -> None:
    request = httpx.Request("GET", f"{BASE}/server/ping")
    if exc_class is httpx.HTTPStatusError:
        err: Exception = exc_class("boom", request=request, response=httpx.Response(500, request=request))
    elif exc_class in (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict):
        err = exc_class(f"bad {KEY}")
    else:
        err = exc_class(f"boom {KEY}", request=request)
    with pytest.raises(DedupeError) as exc:
        connect(raising(err), []).preflight()
    assert exc.value.__cause__ is err
    assert KEY not in str(exc.value) and "\n" not in str(exc.value)


def test_unexpected_status_from_the_generated_client_maps() -> None:
    server = Server({("PUT", "/api/assets"): httpx.Response(418, json={"message": "I'm a teapot"})})
    with pytest.raises(ServerError) as exc:
        connect(server).update_assets([A1], is_favorite=True)
    assert str(exc.value) == "PUT /assets: the server answered 418 I'm a Teapot: I'm a teapot"
    assert type(exc.value.__cause__).__name__ == "UnexpectedStatus"


def test_generated_client_on_a_nonstandard_status() -> None:
    server = Server({("PUT", "/api/assets"): httpx.Response(599, json={"message": "odd"})})
    with pytest.raises(ServerError, match="PUT /assets: the server answered 599"):
        connect(server).update_assets([A1], is_favorite=True)


# ----------------------------------------------------------------------- retries


def test_reads_retry_5xx_and_honour_retry_after(sleeps: list[float]) -> None:
    answers = [
        httpx.Response(503, headers={"retry-after": "7"}, json={"message": "busy"}),
        httpx.Response(429, headers={"retry-after": "3600"}),
        httpx.Response(500, json={"message": "Internal server error"}),
        httpx.Response(200, json={"res": "pong"}),
    ]
    server = Server({("GET", "/api/server/ping"): answers})
    connect(server, sleeps).preflight()
    assert sleeps[0] == 7 and sleeps[1] == 60  # Retry-After honoured, capped at 60 s
    assert 0 < sleeps[2] <= 10
    assert len(server.calls("GET", "/server/ping")) == 4


def test_retry_after_as_an_http_date(sleeps: list[float]) -> None:
    answers = [
        httpx.Response(503, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}),  # in the past
        httpx.Response(200, json={"res": "pong"}),
    ]
    connect(Server({("GET", "/api/server/ping"): answers}), sleeps).preflight()
    assert sleeps == [0.0]


def test_resolve_is_never_repeated_after_it_may_have_reached_the_server(sleeps: list[float]) -> None:
    server = Server({("POST", "/api/duplicates/resolve"): html(502)})
    conn = connect(server, sleeps)
    with pytest.raises(ServerUnavailable):
        conn.resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))])
    assert len(server.calls("POST", "/duplicates/resolve")) == 1 and sleeps == []

    dropped = Server({("POST", "/api/duplicates/resolve"): [httpx.ReadError("connection reset")]})
    with pytest.raises(ServerUnavailable, match="broke off"):
        connect(dropped, sleeps).resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))])
    assert len(dropped.requests) == 1


def test_a_write_that_never_left_is_retried(sleeps: list[float]) -> None:
    refused = _connect_error(ConnectionRefusedError(111, "Connection refused"))
    server = Server({("DELETE", "/api/assets"): [refused, httpx.Response(204)]})
    connect(server, sleeps).delete_assets([A1], force=False)
    assert len(sleeps) == 1


# ----------------------------------------------------------------------- the key never leaks


def test_the_key_is_in_no_repr_and_no_message() -> None:
    echo = httpx.Response(400, json={"message": f"Bad key {KEY} given"})
    server = Server(
        {
            ("GET", "/api/assets/" + A1): echo,
            ("PUT", "/api/assets"): echo,
            ("POST", "/api/duplicates/resolve"): echo,
        }
    )
    conn = connect(server)
    texts = [repr(conn), str(vars(conn)), repr(conn._vault)]
    for call in (
        lambda: conn.update_assets([A1], is_favorite=True),
        lambda: conn.resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))]),
        lambda: connect(raising(httpx.ConnectError(f"x {KEY}"))).preflight(),
    ):
        with pytest.raises(DedupeError) as exc:
            call()
        texts += [str(exc.value), repr(exc.value)]
    assert all(KEY not in t for t in texts), [t for t in texts if KEY in t]
    assert any("***" in t for t in texts)


# ----------------------------------------------------------------------- assets


def asset_json(asset_id: str = A1, **over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": asset_id,
        "checksum": "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
        "duplicateId": G1,
        "duration": "0:00:05.000000",  # a 2.x shape: must not crash
        "exifInfo": {"fileSizeInByte": 1234, "make": "Canon"},
        "originalFileName": "IMG_1.JPG",
        "type": "VIDEO",
        "isFavorite": False,
        "tags": [],
    }
    d.update(over)
    return d


def test_get_asset_gives_facts_and_raw_json() -> None:
    conn = connect(Server({("GET", f"/api/assets/{A1}"): asset_json()}))
    got = conn.get_asset(A1)
    assert got is not None
    facts, raw = got
    assert facts.id == A1 and facts.duration_ms == 5000 and facts.file_size == 1234
    assert raw["exifInfo"]["make"] == "Canon"


@pytest.mark.parametrize("status", [400, 404])
def test_get_asset_not_found_is_none(status: int) -> None:
    answer = httpx.Response(status, json={"message": "Not found or no asset.read access"})
    assert connect(Server({("GET", f"/api/assets/{A1}"): answer})).get_asset(A1) is None


def test_get_asset_on_a_server_error_raises() -> None:
    server = Server(
        {("GET", f"/api/assets/{A1}"): httpx.Response(500, json={"message": "Internal server error"})}
    )
    with pytest.raises(
        ServerError, match=r"GET /assets/\{id\}: .*500 Internal Server Error.* after 4 attempts"
    ):
        connect(server).get_asset(A1)


class Body(httpx.SyncByteStream):
    """A response body that yields ``parts``; an exception among them is raised at that point."""

    def __init__(self, *parts: bytes | Exception) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            if isinstance(part, Exception):
                raise part
            yield part


def original(*parts: bytes | Exception, length: int, status: int = 200) -> httpx.Response:
    headers = {
        "content-type": "image/jpeg",
        "content-length": str(length),
        "content-disposition": "inline; filename*=UTF-8''%C3%89t%C3%A9%202019%20%E2%80%94%20plage.jpg",
    }
    return httpx.Response(status, headers=headers, stream=Body(*parts))


def test_open_original_streams_with_size_type_and_name(sleeps: list[float]) -> None:
    path = f"/api/assets/{A1}/original"
    server = Server({("GET", path): [html(503, "Service Unavailable"), original(b"abc", b"def", length=6)]})
    conn = connect(server, sleeps)
    with conn.open_original(A1) as download:
        assert (download.size, download.content_type) == (6, "image/jpeg")
        assert download.filename == "Été 2019 — plage.jpg"
        assert b"".join(download.iter_bytes()) == b"abcdef"
    assert len(sleeps) == 1  # the 503 before the body was retried


def test_a_download_cut_mid_way_is_server_unavailable() -> None:
    cut = original(b"abc", httpx.RemoteProtocolError("peer closed connection"), length=6)
    conn = connect(Server({("GET", f"/api/assets/{A1}/original"): cut}))
    with conn.open_original(A1) as download, pytest.raises(ServerUnavailable) as exc:
        b"".join(download.iter_bytes())
    assert str(exc.value).startswith(
        f"GET /assets/{{id}}/original: the download of asset {A1} broke off after 3 bytes"
    )


def test_a_download_shorter_than_announced_is_server_unavailable() -> None:
    conn = connect(Server({("GET", f"/api/assets/{A1}/original"): original(b"abc", length=10)}))
    with (
        conn.open_original(A1) as download,
        pytest.raises(ServerUnavailable, match="ended after 3 of 10 bytes"),
    ):
        list(download.iter_bytes())


def test_open_original_of_a_missing_asset() -> None:
    answer = httpx.Response(400, json={"message": "Not found or no asset.download access"})
    conn = connect(Server({("GET", f"/api/assets/{A1}/original"): answer}))
    with pytest.raises(ServerError, match="400 Bad Request: Not found or no asset.download access"):  # noqa: SIM117
        with conn.open_original(A1):
            pass


def test_get_thumbnail_returns_bytes() -> None:
    answer = httpx.Response(200, content=b"\xff\xd8jpeg", headers={"content-type": "image/jpeg"})
    server = Server({("GET", f"/api/assets/{A1}/thumbnail"): answer})
    assert connect(server).get_thumbnail(A1) == b"\xff\xd8jpeg"
    assert server.requests[0].url.params["size"] == "thumbnail"


# ----------------------------------------------------------------------- listing


def listing_body(n: int = 3) -> bytes:
    groups = [
        {
            "duplicateId": f"g{i}",
            "assets": [asset_json(f"a{i}"), asset_json(f"b{i}")],
            "suggestedKeepAssetIds": [],
        }
        for i in range(n)
    ]
    return json.dumps(groups).encode()


def test_iter_duplicate_groups_streams_and_can_save_a_copy() -> None:
    data = listing_body()
    server = Server({("GET", "/api/duplicates"): httpx.Response(200, stream=Body(data[:100], data[100:]))})
    saved = io.BytesIO()
    groups = list(connect(server).iter_duplicate_groups(save_to=saved))
    assert [g.duplicate_id for g in groups] == ["g0", "g1", "g2"]
    assert saved.getvalue() == data


def test_save_duplicates_copies_the_raw_body() -> None:
    data = listing_body(5)
    server = Server({("GET", "/api/duplicates"): httpx.Response(200, stream=Body(data[:7], data[7:]))})
    dest = io.BytesIO()
    assert connect(server).save_duplicates(dest) == len(data)
    assert dest.getvalue() == data


def test_listing_errors() -> None:
    forbidden = httpx.Response(403, json={"message": "Missing required permission: duplicate.read"})
    with pytest.raises(AuthError) as exc:
        list(connect(Server({("GET", "/api/duplicates"): forbidden})).iter_duplicate_groups())
    assert exc.value.missing_permissions == ("duplicate.read",)
    assert str(exc.value) == (
        "GET /duplicates: the API key lacks the permission duplicate.read (403); "
        "add it to the key in Immich → Account Settings → API Keys"
    )
    page = httpx.Response(200, content=html(200).content)
    with pytest.raises(ProtocolError, match="the GET /duplicates answer is an HTML or XML page"):
        list(connect(Server({("GET", "/api/duplicates"): page})).iter_duplicate_groups())
    data = listing_body()
    cut = httpx.Response(200, stream=Body(data[:500], httpx.ReadError("reset")))
    with pytest.raises(ServerUnavailable, match="GET /duplicates: the answer broke off after 500 bytes"):
        list(connect(Server({("GET", "/api/duplicates"): cut})).iter_duplicate_groups())


# ----------------------------------------------------------------------- changes


def test_resolve_sends_every_member_and_reads_per_group_results() -> None:
    results = [
        {"id": G1, "success": True},
        {"id": A2, "success": False, "error": "validation", "errorMessage": "Every asset must be in either"},
        {"id": A1, "success": False, "error": "some_new_reason"},
    ]
    server = Server({("POST", "/api/duplicates/resolve"): results})
    got = connect(server).resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))])
    body = json.loads(server.requests[0].content)
    assert body == {"groups": [{"duplicateId": G1, "keepAssetIds": [A1], "trashAssetIds": [A2]}]}
    assert [(r.id, r.success, r.error) for r in got] == [
        (G1, True, None),
        (A2, False, "validation"),
        (A1, False, "some_new_reason"),
    ]
    assert got[1].message == "Every asset must be in either"


def test_resolve_whole_batch_rejected() -> None:
    answer = httpx.Response(400, json={"message": "Not found or no duplicate.delete access"})
    server = Server({("POST", "/api/duplicates/resolve"): answer})
    with pytest.raises(BatchRejected) as exc:
        connect(server).resolve([ResolveGroup(duplicate_id=G1, keep=(A1,), trash=(A2,))])
    assert isinstance(exc.value, ServerError)
    assert exc.value.server_message == "Not found or no duplicate.delete access"
    assert "rejected the whole batch of 1 group(s), nothing changed" in str(exc.value)


@pytest.mark.parametrize("force", [False, True])
def test_delete_assets_always_sends_force(force: bool) -> None:
    server = Server({("DELETE", "/api/assets"): httpx.Response(204)})
    connect(server).delete_assets([A1, A2], force=force)
    assert json.loads(server.requests[0].content) == {"ids": [A1, A2], "force": force}


def test_delete_assets_whole_request_refused() -> None:
    answer = httpx.Response(400, json={"message": "Not found or no asset.delete access"})
    with pytest.raises(BatchRejected, match=r"^DELETE /assets: the server rejected the whole batch") as info:
        connect(Server({("DELETE", "/api/assets"): answer})).delete_assets([A1], force=False)
    assert info.value.server_message == "Not found or no asset.delete access"


def test_delete_assets_other_failures_are_not_a_rejected_batch() -> None:
    answer = httpx.Response(500, json={"message": "Internal server error"})
    with pytest.raises(ServerError) as info:
        connect(Server({("DELETE", "/api/assets"): answer})).delete_assets([A1], force=True)
    assert not isinstance(info.value, BatchRejected)


def test_update_assets_sends_null_for_duplicate_id() -> None:
    server = Server({("PUT", "/api/assets"): httpx.Response(204)})
    conn = connect(server)
    conn.update_assets([A1], duplicate_id=None)
    conn.update_assets([A2], is_favorite=True, rating=5, visibility="archive", description="x")
    assert json.loads(server.requests[0].content) == {"ids": [A1], "duplicateId": None}
    assert json.loads(server.requests[1].content) == {
        "ids": [A2],
        "isFavorite": True,
        "rating": 5,
        "visibility": "archive",
        "description": "x",
    }
    with pytest.raises(TypeError, match="unknown field"):
        conn.update_assets([A1], is_favourite=True)


def test_a_success_status_other_than_the_documented_one_is_not_read_as_empty() -> None:
    server = Server({("PUT", "/api/assets"): httpx.Response(200, json={})})
    with pytest.raises(ServerError, match="PUT /assets: the server answered 200 OK"):
        connect(server).update_assets([A1], is_favorite=True)


def test_restore_dismiss_stack_tags_and_albums() -> None:
    stack_answer = {"id": "s1", "primaryAssetId": A1, "assets": [asset_json(A1)]}  # 2.x-shaped assets
    tag = {"id": "7d1f3c2a-1b2c-4d3e-8f40-5a6b7c8d9e0f", "name": "beach", "value": "Holidays/beach"}
    tag |= {"createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"}
    album = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
    server = Server(
        {
            ("POST", "/api/trash/restore/assets"): {"count": 2},
            ("DELETE", "/api/duplicates"): httpx.Response(204),
            ("POST", "/api/stacks"): httpx.Response(201, json=stack_answer),
            ("DELETE", "/api/stacks/" + "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"): httpx.Response(204),
            ("GET", "/api/tags"): [tag],
            ("PUT", "/api/tags/assets"): {"count": 1},
            ("PUT", "/api/albums/assets"): {"success": False, "error": "duplicate"},
            ("GET", "/api/albums"): lambda r: (
                [{"id": album}] if r.url.params.get("assetId") in (None, A1) else []
            ),
        }
    )
    conn = connect(server)
    assert conn.restore_assets([A1, A2]) == 2
    conn.dismiss_groups([G1])
    assert json.loads(server.calls("DELETE", "/duplicates")[0].content) == {"ids": [G1]}
    assert conn.create_stack([A1, A2]) == "s1"
    assert json.loads(server.calls("POST", "/stacks")[0].content) == {"assetIds": [A1, A2]}
    conn.delete_stack("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d")
    assert conn.tag_ids_by_value() == {"Holidays/beach": tag["id"]}
    assert conn.tag_assets([tag["id"]], [A1]) == 1
    conn.add_assets_to_albums([album], [A1])  # already there: fine
    assert conn.album_memberships([A1, A2, A1]) == {A1: (album,), A2: ()}


def test_dismiss_a_batch_that_the_server_refuses_whole_is_batch_rejected() -> None:
    answer = httpx.Response(400, json={"message": "Not found or no duplicate.delete access"})
    server = Server({("DELETE", "/api/duplicates"): answer})
    with pytest.raises(BatchRejected) as exc:
        connect(server).dismiss_groups([G1, G1])
    assert exc.value.server_message == "Not found or no duplicate.delete access"
    assert "rejected the whole batch of 2 group(s), nothing changed" in str(exc.value)
    assert len(server.requests) == 1  # a write is never repeated


def test_dismiss_one_group_and_nothing_sent_for_none() -> None:
    server = Server({("DELETE", "/api/duplicates/" + G1): httpx.Response(204)})
    conn = connect(server)
    conn.dismiss_group(G1)
    conn.dismiss_groups([])
    assert [(r.method, r.url.path) for r in server.requests] == [("DELETE", "/api/duplicates/" + G1)]


def test_album_memberships_without_albums_asks_once() -> None:
    server = Server({("GET", "/api/albums"): []})
    assert connect(server).album_memberships([A1, A2]) == {A1: (), A2: ()}
    assert len(server.requests) == 1


def test_add_assets_to_albums_failure_is_raised() -> None:
    server = Server({("PUT", "/api/albums/assets"): {"success": False, "error": "no_permission"}})
    with pytest.raises(ServerError, match=r"PUT /albums/assets: the server added nothing \(no_permission\)"):
        connect(server).add_assets_to_albums(["5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"], [A1])


def test_generated_model_mismatch_is_a_protocol_error() -> None:
    server = Server({("POST", "/api/trash/restore/assets"): {"restored": 2}})
    with pytest.raises(
        ProtocolError, match=r"POST /trash/restore/assets: the answer does not match Immich's API"
    ):
        connect(server).restore_assets([A1])


def test_threads_sharing_a_connection_each_get_their_own_attempt_count() -> None:
    """execute downloads in worker threads through one connection; messages must stay right."""
    import threading

    a_last_attempt, b_started = threading.Event(), threading.Event()
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(A1):
            attempts.append(1)
            if len(attempts) == 4:  # A's last attempt: let B run a whole request meanwhile
                a_last_attempt.set()
                assert b_started.wait(5)
            return httpx.Response(500, json={"message": "Internal server error"})
        b_started.set()
        return httpx.Response(200, json=asset_json(A2))

    conn = connect(handler)
    errors: list[Exception] = []

    def a() -> None:
        try:
            conn.get_asset(A1)
        except ServerError as err:
            errors.append(err)

    def b() -> None:
        assert a_last_attempt.wait(5)
        conn.get_asset(A2)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(errors) == 1 and "after 4 attempts" in str(errors[0])


def test_a_busy_server_is_unavailable_not_foreign(sleeps: list[float]) -> None:
    busy = httpx.Response(429, headers={"retry-after": "1"}, json={"message": "Too many requests"})
    with pytest.raises(ServerUnavailable) as exc:
        connect(Server({("GET", "/api/server/ping"): busy}), sleeps).preflight()
    assert str(exc.value) == (
        "GET /server/ping: the server answered 429 Too Many Requests: Too many requests after 4 attempts"
    )
    assert sleeps == [1, 1, 1]


# ----------------------------------------------------------------------- start-up cost

_READ_PATH = """
import json, sys, httpx
from immich_dedupe.connection import ImmichConnection
from immich_dedupe.settings import ConnectionSettings, Secret

album, asset = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "6c1a3e47-0d0b-4f8e-9a43-0c4b5bb2e0a1"
answers = {
    "/api/server/ping": {"res": "pong"},
    "/api/server/version": {"major": 3, "minor": 1, "patch": 0},
    "/api/api-keys/me": {"permissions": ["all"]},
    "/api/users/me": {"id": "u1", "email": "me@example.org"},
    "/api/server/features": {"trash": True},
    "/api/duplicates": [],
    "/api/albums": [{"id": album, "assetCount": 1}],
    "/api/search/metadata": {"assets": {"items": [{"id": asset}], "nextPage": None}},
    "/api/trash/restore/assets": {"count": 1},
}
seen = []
def handler(request):
    seen.append(request.headers.get("x-api-key"))
    return httpx.Response(200, json=answers[request.url.path])
settings = ConnectionSettings(base_url="http://nas.local/api", api_key=Secret("k-123"))
with ImmichConnection(settings, transport=httpx.MockTransport(handler)) as conn:
    conn.preflight()
    assert list(conn.iter_duplicate_groups()) == []
    assert conn.album_memberships([asset] * 1 + [str(i) for i in range(9)])[asset] == (album,)
    read_path = sorted(m for m in sys.modules if m.startswith("immich_client"))
    assert conn.restore_assets([asset]) == 1  # a generated call: same client, same key
print(json.dumps({"read_path": read_path, "keys": sorted(set(seen)), "requests": len(seen)}))
"""


def test_the_read_path_imports_no_generated_code() -> None:
    """Pre-flight, listing and album look-ups (all of analyze) skip the generated client: its
    models alone cost ~0.1 s of CPU at start-up. A generated call still works afterwards."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _READ_PATH], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["read_path"] == []
    assert result["keys"] == ["k-123"] and result["requests"] == 10


def test_tls_verification_by_scheme() -> None:
    from immich_dedupe.connection import _tls_context

    https = _tls_context(settings())
    assert isinstance(https, ssl.SSLContext)
    assert https.verify_mode == ssl.CERT_REQUIRED and https.check_hostname
    for url in ("http://nas.local:2283/api", "HTTP://nas.local/api"):
        plain = _tls_context(settings(base_url=url))
        # never used for http://; should TLS happen anyway it verifies, and trusts no CA at all
        assert isinstance(plain, ssl.SSLContext)
        assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname
        assert plain.cert_store_stats()["x509_ca"] == 0 and not plain.get_ca_certs()
    assert _tls_context(settings(insecure=True)) is False
