"""A small reverse proxy in front of the Immich double: rewrites answers (broken bodies, wrong
content types, missing or null fields) and can terminate TLS with a self-signed certificate.

    with Proxy(immich.api_url.removesuffix("/api"), rewrite=fn) as proxy:
        proxy.url  # what the CLI is pointed at

``rewrite(exchange)`` may change ``exchange.status``, ``.headers`` and ``.body`` in place; the proxy
then sends the whole body with a Content-Length. Answers are read whole, which is fine for the
small libraries the tests use.
"""

from __future__ import annotations

import http.client
import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import attrs
import pytest

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade"}


@attrs.define
class Exchange:
    method: str
    path: str  # with the query string
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def route(self) -> str:
        return self.path.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()] + [(name, value)]


class Proxy:
    def __init__(
        self,
        upstream: str,
        *,
        rewrite: Callable[[Exchange], None] | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rewrite = rewrite
        self.seen: list[Exchange] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    answer = upstream.getresponse()
                    exchange = Exchange(
                        method=self.command,
                        path=self.path,
                        status=answer.status,
                        headers=[(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP],
                        body=answer.read(),
                    )
                finally:
                    upstream.close()
                if proxy.rewrite is not None:
                    proxy.rewrite(exchange)
                proxy.seen.append(exchange)
                self.send_response(exchange.status)
                for name, value in exchange.headers:
                    self.send_header(name, value)
                if exchange.status not in (204, 304):
                    self.send_header("Content-Length", str(len(exchange.body)))
                self.end_headers()
                if self.command != "HEAD" and exchange.status not in (204, 304):
                    self.wfile.write(exchange.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward  # noqa: N815

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(cert, key) for ``127.0.0.1`` only, made with the openssl command; skips without it."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", "/CN=immich.test", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key
