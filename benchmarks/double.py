"""The Immich test double in its own process, with a control channel for the harness.

``python -m benchmarks.double --seed-groups N --api-key KEY [--original-size BYTES]`` seeds the
library like ``python -m tests.fake_immich``, computes every checksum up front (so no measured
run pays for it), serves on 127.0.0.1 and prints one JSON line ``{"url": …}`` when ready. It
then reads commands on stdin, one per line, and answers each with one JSON line:

- ``stats``: requests by ``METHOD template``, write requests (POST/PUT/PATCH/DELETE), original
  downloads (ids and bytes), trashed/purged asset counts, the double's own internal errors;
- ``clear``: forget the request log.

End of stdin stops the server. ``DoubleProcess`` is the harness's side of that channel.

Listing cache (``--cache-listing``, the harness's default): the double renders
``GET /duplicates`` group by group in Python, ~0.3 ms of CPU per group — slower than a client
parses it, so the analyze floor would time the double. The benchmark double renders the body
once before it reports ready and serves those bytes (same chunks) until the first write request
changes the library; then it renders afresh.

Content: the double makes each original's bytes from ``random.Random(seed).randbytes`` per
64 KiB block, about 120 MB/s on our machine — slower than the loopback transfer, so a
download benchmark would measure the double's generator. With ``--fast-content`` (the
harness's default) each block is a slice of a fixed 4 MiB random pool with a 16-byte header
unique to (asset seed, block index): distinct originals, same sizes and checksums that match
the bytes, served at memory speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import urllib.request
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import attrs

__all__ = ["DoubleProcess", "main"]

ROOT = Path(__file__).resolve().parent.parent
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ORIGINAL = "/assets/{id}/original"

_POOL_BLOCKS = 64
_pool: list[bytes] = []
_block_size = 0


def _fast_block(self: Any, index: int) -> bytes:
    """Replacement for ``Content._block``: pool slice + (seed, index) header; deterministic."""
    length = min(_block_size, self.size - index * _block_size)
    header = (self.seed & (2**64 - 1)).to_bytes(8, "big") + index.to_bytes(8, "big")
    body = _pool[(self.seed * 1_000_003 + index) % _POOL_BLOCKS]
    return (header + body[16:])[:length]


def _enable_fast_content() -> None:
    global _block_size
    from tests.fake_immich import content

    _block_size = content.BLOCK
    rng = random.Random(0x1A3)  # noqa: S311 - test data, not crypto
    _pool[:] = [rng.randbytes(content.BLOCK) for _ in range(_POOL_BLOCKS)]
    content.Content._block = _fast_block  # type: ignore[method-assign]


def _enable_listing_cache(app: Any) -> None:
    """Serve ``GET /duplicates`` from bytes rendered once, until a write request comes in."""
    from tests.fake_immich import http

    cache: dict[str, list[bytes]] = {}  # user id -> the body's chunks

    def forget_on_write(method: str, path: str) -> None:
        if method in _WRITE_METHODS:
            cache.clear()

    app.faults.on_request = forget_on_write
    for index, found in enumerate(http.ROUTES):
        if found.method == "GET" and found.template == "/duplicates":
            render = found.handler

            def cached(request: Any, render: Any = render) -> Any:
                chunks = cache.get(request.user_id)
                if chunks is None:
                    response = render(request)
                    if response.status != 200 or response.chunks is None:
                        return response
                    chunks = cache[request.user_id] = list(response.chunks)
                    headers = response.headers
                else:
                    headers = (("Content-Type", "application/json; charset=utf-8"),)
                return http.Response(status=200, headers=headers, chunks=iter(chunks))

            http.ROUTES[index] = attrs.evolve(found, handler=cached)
            return
    raise RuntimeError("the double has no GET /duplicates route")


def _prime_listing(url: str, api_key: str) -> None:
    # S310: the URL is the double's own http://127.0.0.1 address.
    request = urllib.request.Request(url + "/api/duplicates", headers={"x-api-key": api_key})  # noqa: S310
    with urllib.request.urlopen(request, timeout=3600) as response:  # noqa: S310
        while response.read(1 << 20):
            pass


def _stats(app: Any, trashed_at_start: int) -> dict[str, Any]:
    records = app.requests.records
    by_route: Counter[str] = Counter()
    downloads: list[tuple[str, int]] = []
    for r in records:
        by_route[f"{r.method} {r.template or r.path}"] += 1
        if r.method == "GET" and r.template == _ORIGINAL and r.status in (200, 206):
            downloads.append((r.path.rstrip("/").split("/")[-2], r.response_bytes))
    state = app.state
    with state.lock:
        trashed, purged = len(state.trashed_ids()), len(state.purged_ids())
    return {
        "requests": len(records),
        "by_route": dict(sorted(by_route.items())),
        "writes": sum(1 for r in records if r.method in _WRITE_METHODS),
        "download_ids": [d[0] for d in downloads],
        "download_sizes": [d[1] for d in downloads],
        "download_bytes": sum(d[1] for d in downloads),
        "trashed": trashed,
        "purged": purged,
        "trashed_at_start": trashed_at_start,
        "internal_errors": list(state.internal_errors[:3]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.double", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed-groups", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--original-size", type=int, default=16 * 1024)
    parser.add_argument("--fast-content", action="store_true")
    parser.add_argument("--cache-listing", action="store_true")
    args = parser.parse_args(argv)

    if args.fast_content:
        _enable_fast_content()
    from tests.fake_immich.server import FakeImmich

    app = FakeImmich(seed=args.seed, api_key=args.api_key)
    if args.cache_listing:
        _enable_listing_cache(app)
    if args.seed_groups:
        app.seed_library(args.seed_groups, seed=args.seed, original_size=args.original_size)
    with app.state.lock:
        assets = list(app.state.assets.values())
        trashed_at_start = len(app.state.trashed_ids())
    for asset in assets:  # the checksum is computed lazily; pay for it now, unmeasured
        _ = asset.checksum
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    app.start(port=args.port)
    if args.cache_listing:
        _prime_listing(app.url, args.api_key)
        app.requests.clear()
    _answer(sys.stdout, {"url": app.url, "assets": len(assets), "trashed_at_start": trashed_at_start})
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                _answer(sys.stdout, _stats(app, trashed_at_start))
            elif command == "clear":
                app.requests.clear()
                _answer(sys.stdout, {"ok": True})
            elif command:
                _answer(sys.stdout, {"error": f"unknown command {command!r}"})
    finally:
        app.stop()
    return 0


def _answer(out: IO[str], value: Mapping[str, Any]) -> None:
    out.write(json.dumps(value) + "\n")
    out.flush()


class DoubleProcess:
    """Start ``benchmarks.double`` as a child process; ``stats()``/``clear()``; ``stop()``."""

    def __init__(
        self,
        *,
        groups: int,
        api_key: str,
        original_size: int = 16 * 1024,
        fast_content: bool = True,
        cache_listing: bool = True,
        seed: int = 0,
        ready_timeout: float = 1800.0,
    ) -> None:
        argv = [
            sys.executable,
            "-m",
            "benchmarks.double",
            "--seed-groups",
            str(groups),
            # one token: a random key may start with "-", which argparse would read as a flag
            f"--api-key={api_key}",
            "--original-size",
            str(original_size),
            "--seed",
            str(seed),
        ]
        if fast_content:
            argv.append("--fast-content")
        if cache_listing:
            argv.append("--cache-listing")
        self._proc = subprocess.Popen(  # noqa: S603 - our own module
            argv,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        timer = threading.Timer(ready_timeout, self._proc.kill)
        timer.start()
        try:
            self.info = self._read()
        finally:
            timer.cancel()
        self.url: str = self.info["url"]
        self.pid = self._proc.pid

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait()
            raise RuntimeError(f"the test double exited ({code}) before answering")
        return json.loads(line)

    def _command(self, command: str) -> dict[str, Any]:
        with self._lock:
            assert self._proc.stdin is not None
            self._proc.stdin.write(command + "\n")
            self._proc.stdin.flush()
            return self._read()

    def stats(self) -> dict[str, Any]:
        return self._command("stats")

    def clear(self) -> None:
        self._command("clear")

    def stop(self) -> None:
        if self._proc.poll() is not None:
            return
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.close()  # end of stdin: the double stops
            self._proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()  # our own child, by its handle
            self._proc.wait()

    def __enter__(self) -> DoubleProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    sys.exit(main())
