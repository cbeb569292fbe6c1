"""Request/response records and the route table of the double (no socket code here)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from tests.fake_immich.model import ApiKey, User

if TYPE_CHECKING:
    from tests.fake_immich.server import FakeImmich

__all__ = ["ROUTES", "Request", "Response", "Route", "empty", "json_body", "json_response", "route"]


def json_body(value: Any) -> bytes:
    """Compact JSON like Express's ``res.json`` (non-ASCII left as is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@attrs.frozen(kw_only=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    chunks: Iterable[bytes] | None = None  # streamed body; ``length`` None = chunked encoding
    length: int | None = None
    json: Any = attrs.field(
        default=None, eq=False, repr=False
    )  # what ``body`` encodes, for conformance tests

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


def json_response(status: int, value: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(
        status=status,
        headers=(("Content-Type", "application/json; charset=utf-8"), *headers),
        body=json_body(value),
        json=value,
    )


def empty(status: int = 204) -> Response:
    return Response(status=status)


@attrs.define(kw_only=True)
class Request:
    """What a route handler sees: parsed path parameters, query, JSON body and the caller."""

    app: FakeImmich
    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    json: Any = None
    user: User | None = None
    api_key: ApiKey | None = None

    @property
    def user_id(self) -> str:
        assert self.user is not None
        return self.user.id

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


Handler = Callable[[Request], Response]


@attrs.frozen(kw_only=True)
class Route:
    method: str
    template: str  # as in the spec, without /api
    regex: re.Pattern[str]
    handler: Handler
    uuid_params: tuple[str, ...]
    min_version: tuple[int, int, int] | None = None

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        return found.groupdict() if found else None


ROUTES: list[Route] = []


def route(
    method: str, template: str, *, min_version: tuple[int, int, int] | None = None
) -> Callable[[Handler], Handler]:
    """Register a handler for ``method template`` (template in the spec's ``{param}`` form)."""

    def register(handler: Handler) -> Handler:
        names = re.findall(r"\{(\w+)\}", template)
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        ROUTES.append(
            Route(
                method=method,
                template=template,
                regex=re.compile(pattern),
                handler=handler,
                uuid_params=tuple(names),
                min_version=min_version,
            )
        )
        # literal segments win over parameters (e.g. /albums/assets before /albums/{id})
        ROUTES.sort(key=lambda r: (len(r.uuid_params), r.template))
        return handler

    return register
