"""Fault injection and the request log of the double. Thread-safe; tests arm faults, the server consumes them.

A fault matches a method (``"*"`` = any) and a path glob (``fnmatch``; ``/api`` is prepended when
missing, the query string is ignored), and fires for the next ``count`` matching requests
(``count=None`` = until cleared).
"""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Fault", "Faults", "RequestLog", "RequestRecord"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that only read (a search body is too big for a query string): not counted as writes.
READ_ONLY_POSTS = frozenset({"/search/metadata"})


@attrs.define(kw_only=True)
class Fault:
    """One armed fault. ``kind`` says what happens; the other fields are its parameters."""

    kind: str  # status | stall | slow | cut | corrupt
    method: str
    pattern: str
    remaining: int | None
    status: int = 500
    message: str | None = None
    html: bool = False
    retry_after: str | None = None
    after: bool = False  # status faults: run the request first, then answer with the error
    seconds: float = 0.0
    chunk_size: int = 16 * 1024
    cut_after: int = 0
    asset_id: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.pattern)


def _normalise(pattern: str) -> str:
    pattern = pattern if pattern.startswith(("/", "*")) else "/" + pattern
    return pattern if pattern.startswith(("/api", "*")) else "/api" + pattern


class Faults:
    """Arm faults for upcoming requests. Each ``fail``/``stall``/… returns the ``Fault`` (see ``hits``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.released = threading.Event()  # set when the server stops: stalls end at once
        self.on_request: Callable[[str, str], None] | None = None

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail(
        self,
        method: str,
        pattern: str,
        status: int = 500,
        *,
        count: int | None = 1,
        message: str | None = None,
        html: bool = False,
        retry_after: float | str | None = None,
        after: bool = False,
    ) -> Fault:
        """The next ``count`` matching requests answer ``status`` (JSON error body, or an HTML page with
        ``html=True``, as a reverse proxy would). ``after=True``: the request is processed first (its
        changes happen) and only the answer is replaced."""
        return self._add(
            Fault(
                kind="status",
                method=method.upper(),
                pattern=_normalise(pattern),
                remaining=count,
                status=status,
                message=message,
                html=html,
                retry_after=None if retry_after is None else str(retry_after),
                after=after,
            )
        )

    def rate_limit(
        self, method: str, pattern: str, *, count: int | None = 1, retry_after: float = 1
    ) -> Fault:
        """429 Too Many Requests with a ``Retry-After`` header (seconds)."""
        return self.fail(
            method, pattern, 429, count=count, retry_after=retry_after, message="Too Many Requests"
        )

    def html_error(self, method: str, pattern: str, status: int = 502, *, count: int | None = 1) -> Fault:
        """An HTML error page instead of JSON (a proxy in front of Immich)."""
        return self.fail(method, pattern, status, count=count, html=True)

    def stall(self, method: str, pattern: str, seconds: float = 30.0, *, count: int | None = 1) -> Fault:
        """Sleep ``seconds`` before answering (ends early when the server stops)."""
        return self._add(
            Fault(
                kind="stall",
                method=method.upper(),
                pattern=_normalise(pattern),
                remaining=count,
                seconds=seconds,
            )
        )

    def slow_body(
        self,
        method: str,
        pattern: str,
        seconds_per_chunk: float,
        *,
        chunk_size: int = 16 * 1024,
        count: int | None = 1,
    ) -> Fault:
        """Send the response body in ``chunk_size`` pieces with a sleep before each."""
        return self._add(
            Fault(
                kind="slow",
                method=method.upper(),
                pattern=_normalise(pattern),
                remaining=count,
                seconds=seconds_per_chunk,
                chunk_size=chunk_size,
            )
        )

    def cut_body(self, method: str, pattern: str, after_bytes: int, *, count: int | None = 1) -> Fault:
        """Send the headers (with the full Content-Length), then ``after_bytes`` of the body, then
        close the connection."""
        return self._add(
            Fault(
                kind="cut",
                method=method.upper(),
                pattern=_normalise(pattern),
                remaining=count,
                cut_after=after_bytes,
            )
        )

    def corrupt_download(self, asset_id: str, *, count: int | None = 1) -> Fault:
        """Flip one bit in the middle of the next ``count`` downloads of this asset's original;
        its checksum and size stay as they were."""
        return self._add(
            Fault(
                kind="corrupt",
                method="GET",
                pattern=f"/api/assets/{asset_id}/original",
                remaining=count,
                asset_id=asset_id,
            )
        )

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kind: str, method: str, path: str) -> Fault | None:
        """Consume one use of the first matching fault of ``kind`` (server side)."""
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and fault.matches(method, path):
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def sleep(self, seconds: float) -> None:
        self.released.wait(seconds)


@attrs.define(kw_only=True)
class RequestRecord:
    method: str
    path: str  # without the query string
    query: str
    status: int
    request_bytes: int
    response_bytes: int  # body bytes written so far (final once the response is complete)
    template: str | None  # the matched route, e.g. "/assets/{id}"
    started: float
    json: Any = attrs.field(default=None, eq=False, repr=False)  # the parsed request body, if any


class RequestLog:
    """Every request the double answered, in order of completion."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def matching(
        self, method: str = "*", pattern: str = "*", status: int | None = None
    ) -> list[RequestRecord]:
        pattern = pattern if pattern == "*" else _normalise(pattern)
        return [
            r
            for r in self.records
            if method.upper() in ("*", r.method)
            and fnmatch.fnmatchcase(r.path, pattern)
            and (status is None or r.status == status)
        ]

    def count(self, method: str = "*", pattern: str = "*", status: int | None = None) -> int:
        return len(self.matching(method, pattern, status))

    @property
    def writes(self) -> list[RequestRecord]:
        """POST/PUT/PATCH/DELETE requests (whatever their status), except read-only searches."""
        return [
            r
            for r in self.records
            if r.method in WRITE_METHODS and not (r.method == "POST" and r.template in READ_ONLY_POSTS)
        ]

    @property
    def write_count(self) -> int:
        return len(self.writes)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def now() -> float:
    return time.monotonic()
