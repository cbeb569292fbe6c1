"""The HTTP side of the double: a real ``ThreadingHTTPServer`` on 127.0.0.1 speaking HTTP/1.1.

Order of work per request, as in Immich (Express + NestJS): body parser (10 MB → 413), route
(unknown → 404), auth guard (401), API-key scope (403), validation (400), handler (access checks
→ 400, then the work). Faults wrap that: a stall or an injected status comes first (or, with
``after=True``, replaces the answer once the work is done); slow/cut bodies apply while writing.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_immich import routes as _routes  # noqa: F401 - registers the handlers
from tests.fake_immich.faults import Fault, Faults, RequestLog, RequestRecord
from tests.fake_immich.http import ROUTES, Request, Response, Route, json_body
from tests.fake_immich.model import ApiError, ApiKey, ServerSettings, User
from tests.fake_immich.spec import Spec, is_uuid_v4, load_spec
from tests.fake_immich.state import State
from tests.fake_immich.validation import validation_error

__all__ = ["BODY_LIMIT", "FakeImmich"]

BODY_LIMIT = 10 * 1024 * 1024  # body-parser "10mb"
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1>"
    "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_WEB_APP = b"<!doctype html><html><head><title>Immich</title></head><body><div id=app></div></body></html>"


class FakeImmich:
    """An Immich server double. ``start()`` binds 127.0.0.1 (port 0 = any free port).

    ``state`` holds the data (seed it with ``add_*``), ``faults`` arms failures, ``requests`` logs
    every answered request. ``user``/``api_key`` are a default user and a full-access key secret.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        version: tuple[int, int, int] = (3, 1, 0),
        trash_enabled: bool = True,
        trash_days: int = 30,
        api_key: str | None = None,
        spec: Spec | None = None,
    ) -> None:
        self.spec = spec or load_spec()
        self.state = State(
            seed=seed,
            settings=ServerSettings(version=version, trash_enabled=trash_enabled, trash_days=trash_days),
        )
        self.faults = Faults()
        self.requests = RequestLog()
        self.user: User = self.state.add_user(email="admin@example.com", name="Admin", is_admin=True)
        self.key: ApiKey = self.state.add_api_key(self.user, ("all",), name="full access", secret=api_key)
        self.api_key: str = self.key.secret
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self, port: int = 0, host: str = "127.0.0.1") -> FakeImmich:
        self.faults.released.clear()
        self._httpd = _HTTPServer((host, port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-immich", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.faults.released.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.close_connections()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeImmich:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL without ``/api`` (what a user types as IMMICH_URL)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    # ------------------------------------------------------------------ seeding shortcuts

    @property
    def settings(self) -> ServerSettings:
        return self.state.settings

    def add_user(self, **kwargs: Any) -> User:
        return self.state.add_user(**kwargs)

    def add_api_key(
        self, user: User | str | None = None, permissions: Iterable[str] = ("all",), **kw: Any
    ) -> str:
        """A new key's secret for ``user`` (default: the default user)."""
        return self.state.add_api_key(user or self.user, tuple(permissions), **kw).secret

    def add_session(self, user: User | str | None = None) -> str:
        return self.state.add_session(user or self.user)

    def add_asset(self, owner: User | str | None = None, **kwargs: Any) -> Any:
        return self.state.add_asset(owner or self.user, **kwargs)

    def make_group(self, members: Any = 2, *, owner: User | str | None = None, **kwargs: Any) -> Any:
        return self.state.make_group(owner or self.user, members, **kwargs)

    def add_album(
        self, name: str = "Album", assets: Iterable[Any] = (), *, owner: Any = None, **kw: Any
    ) -> Any:
        return self.state.add_album(owner or self.user, name, assets, **kw)

    def add_tag(self, value: str, *, owner: User | str | None = None, **kw: Any) -> Any:
        return self.state.add_tag(owner or self.user, value, **kw)

    def add_stack(self, assets: Any, *, owner: User | str | None = None) -> Any:
        return self.state.add_stack(owner or self.user, assets)

    def seed_library(self, n_groups: int, *, seed: int = 0, **kwargs: Any) -> Any:
        from tests.fake_immich.seed import seed_library

        return seed_library(self.state, n_groups, owner=self.user, seed=seed, **kwargs)

    # ------------------------------------------------------------------ request handling

    def find_route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        lookup = "GET" if method == "HEAD" else method
        for candidate in ROUTES:
            if candidate.method != lookup:
                continue
            if candidate.min_version is not None and self.settings.version < candidate.min_version:
                continue
            params = candidate.match(path)
            if params is not None:
                return candidate, params
        return None

    def authenticate(self, headers: Any) -> tuple[User, ApiKey | None]:
        """Session (Bearer / cookie) first, then ``x-api-key`` (behaviour §5)."""
        token = None
        authorization = headers.get("authorization") or ""
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        if token is None:
            for part in (headers.get("cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == "immich_access_token" and value:
                    token = value
        if token is not None:
            user_id = self.state.sessions.get(token)
            if user_id is None or user_id not in self.state.users:
                raise ApiError(401, "Invalid user token")
            return self.state.users[user_id], None
        secret = headers.get("x-api-key")
        if secret:
            key = self.state.api_keys.get(secret)
            if key is None or key.user_id not in self.state.users:
                raise ApiError(401, "Invalid API key")
            return self.state.users[key.user_id], key
        raise ApiError(401, "Authentication required")

    def dispatch(
        self, method: str, raw_path: str, headers: Any, body: bytes
    ) -> tuple[Response, str | None, Any]:
        """Route, authenticate, authorise, validate and run one request (faults aside)."""
        split = urlsplit(raw_path)
        path = split.path
        if not path.startswith("/api/") and path != "/api":
            if method in ("GET", "HEAD"):
                return (
                    Response(status=200, headers=(("Content-Type", "text/html"),), body=_WEB_APP),
                    None,
                    None,
                )
            raise ApiError(404, f"Cannot {method} {path}")
        found = self.find_route(method, path[4:])
        if found is None:
            raise ApiError(404, f"Cannot {method} {path}")
        chosen, params = found
        permission, public = self.spec.permission(chosen.method, chosen.template)
        request = Request(
            app=self,
            method=method,
            path=path,
            template=chosen.template,
            params=params,
            query=parse_qs(split.query),
            headers=headers,
            body=body,
        )
        if not public:
            request.user, request.api_key = self.authenticate(headers)
            key = request.api_key
            if (
                key is not None
                and permission
                and permission not in key.permissions
                and "all" not in key.permissions
            ):
                raise ApiError(403, f"Missing required permission: {permission}")
        for name in chosen.uuid_params:
            if not is_uuid_v4(params[name]):
                raise validation_error(self.settings, [([name], "invalid_format", "Invalid UUID")])
        if body:
            try:
                request.json = json.loads(body)
            except ValueError as err:
                raise ApiError(400, f"Unexpected token in JSON: {err}") from None
        op = self.spec.operations.get((chosen.method, chosen.template))
        if op is not None and op.request_schema is not None:
            instance = request.json if request.json is not None else {}
            errors = sorted(self.spec.iter_errors(op.request_schema, instance), key=lambda e: list(e.path))
            if errors:
                raise validation_error(self.settings, errors)
            request.json = instance
        return chosen.handler(request), chosen.template, request.json

    def error_response(self, err: ApiError, cid: str) -> Response:
        if self.settings.is_v3:
            payload: dict[str, Any] = {"message": err.message}
            if err.errors is not None:
                payload["errors"] = err.errors
        else:
            payload = {
                "message": err.errors if err.errors is not None else err.message,
                "error": HTTPStatus(err.status).phrase,
                "statusCode": err.status,
                "correlationId": cid,
            }
        return Response(
            status=err.status,
            headers=(("Content-Type", "application/json; charset=utf-8"),),
            body=json_body(payload),
            json=payload,
        )


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[_Handler], app: FakeImmich) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def close_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _ConnectionCut(Exception):
    """The body was deliberately cut off; close the connection."""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    server_version = "fake-immich"
    sys_version = ""
    _record: RequestRecord
    _bad_request = False

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is ``FakeImmich.requests``."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # ------------------------------------------------------------------

    def _read_body(self) -> tuple[bytes, bool]:
        """The request body and whether it was over the limit (then it is drained, not kept)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data = self.rfile.read(size)
                self.rfile.readline()
                total += size
                if total <= BODY_LIMIT:
                    parts.append(data)
            return (b"", True) if total > BODY_LIMIT else (b"".join(parts), False)
        length = int(self.headers.get("Content-Length") or 0)
        if length > BODY_LIMIT:
            remaining = length
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            return b"", True
        return (self.rfile.read(length) if length else b""), False

    def _serve(self, method: str) -> None:
        app = self.server.app
        started = time.monotonic()
        split = urlsplit(self.path)
        path = split.path
        cid = secrets.token_hex(4)
        template: str | None = None
        parsed: Any = None
        try:
            body, too_large = self._read_body()
        except ValueError:  # a malformed Content-Length or chunk size: answer 400 and hang up
            self.close_connection = True
            body, too_large = b"", False
            self._bad_request = True
        else:
            self._bad_request = False
        hook = app.faults.on_request
        if hook is not None:
            try:
                hook(method, path)
            except Exception:  # a test's hook must not take the server down
                app.state.internal_errors.append("on_request hook raised:\n" + traceback.format_exc())
        stall = app.faults.take("stall", method, path)
        if stall is not None:
            app.faults.sleep(stall.seconds)
        injected = app.faults.take("status", method, path)
        try:
            if injected is not None and not injected.after:
                response = self._injected(injected, cid)
            elif self._bad_request:
                response = app.error_response(ApiError(400, "Bad Request"), cid)
            elif too_large:
                response = app.error_response(ApiError(413, "request entity too large"), cid)
            else:
                try:
                    response, template, parsed = app.dispatch(method, self.path, self.headers, body)
                except ApiError as err:
                    response = app.error_response(err, cid)
                if injected is not None:
                    response = self._injected(injected, cid)
        except Exception:
            app.state.internal_errors.append(f"{method} {self.path}\n{traceback.format_exc()}")
            response = app.error_response(ApiError(500, "Internal server error"), cid)
        slow = app.faults.take("slow", method, path)
        cut = app.faults.take("cut", method, path)
        # logged before the answer goes out, so a client that has the answer also sees the record
        self._record = RequestRecord(
            method=method,
            path=path,
            query=split.query,
            status=response.status,
            request_bytes=len(body),
            response_bytes=0,
            template=template,
            started=started,
            json=parsed,
        )
        app.requests.append(self._record)
        try:
            self._send(response, cid, method == "HEAD", slow, cut)
        except _ConnectionCut:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client went away, or the server is stopping
            self.close_connection = True

    def _injected(self, fault: Fault, cid: str) -> Response:
        app = self.server.app
        headers: tuple[tuple[str, str], ...] = ()
        if fault.retry_after is not None:
            headers = (("Retry-After", fault.retry_after),)
        if fault.html:
            phrase = HTTPStatus(fault.status).phrase
            page = _HTML_PAGE.format(status=fault.status, reason=phrase).encode()
            return Response(status=fault.status, headers=(("Content-Type", "text/html"), *headers), body=page)
        message = fault.message or (
            "Internal server error" if fault.status == 500 else HTTPStatus(fault.status).phrase
        )
        base = app.error_response(ApiError(fault.status, message), cid)
        return Response(status=base.status, headers=base.headers + headers, body=base.body, json=base.json)

    def _send(self, response: Response, cid: str, head: bool, slow: Fault | None, cut: Fault | None) -> int:
        app = self.server.app
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("X-Correlation-ID" if app.settings.is_v3 else "x-immich-cid", cid)
        chunked = False
        if response.chunks is not None and response.length is None:
            chunked = True
            self.send_header("Transfer-Encoding", "chunked")
        else:
            length = response.length if response.chunks is not None else len(response.body)
            if response.status not in (204, 304):
                self.send_header("Content-Length", str(length))
        self.end_headers()
        if head or response.status in (204, 304):
            self.wfile.flush()
            return 0
        pieces: Iterable[bytes] = response.chunks if response.chunks is not None else (response.body,)
        if slow is not None:
            pieces = _rechunk(pieces, slow.chunk_size)
        written = 0
        limit = cut.cut_after if cut is not None else None
        for piece in pieces:
            if not piece:
                continue
            if slow is not None:
                app.faults.sleep(slow.seconds)
            if limit is not None and written + len(piece) >= limit:
                piece = piece[: limit - written]
                self._write(piece, chunked)
                self.wfile.flush()
                raise _ConnectionCut
            self._write(piece, chunked)
            written += len(piece)
        if limit is not None:  # a cut at or after the end still closes before the body is complete
            raise _ConnectionCut
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return written

    def _write(self, piece: bytes, chunked: bool) -> None:
        if not piece:
            return
        self._record.response_bytes += len(piece)  # counted before the bytes can reach the client
        if chunked:
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        else:
            self.wfile.write(piece)


def _rechunk(pieces: Iterable[bytes], size: int) -> Iterator[bytes]:
    for piece in pieces:
        for start in range(0, len(piece), size):
            yield piece[start : start + size]
