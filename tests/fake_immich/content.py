"""Bytes of an asset's original: explicit, or generated on the fly from a seed.

Thousands of multi-megabyte originals must not sit in memory, so generated content is made of
64 KiB blocks, each the SHAKE-128 output for (seed, block index). Any byte range
can be produced without the bytes before it, which is what Range requests need.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator

__all__ = ["BLOCK", "Content", "sha1_b64"]

BLOCK = 64 * 1024


def sha1_b64(data: bytes) -> str:
    """Immich's checksum form: base64 (standard, padded) of a SHA-1 digest."""
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


class Content:
    """The bytes of one original. Immutable; the SHA-1 is computed once, on first use."""

    __slots__ = ("_data", "_lock", "_sha1", "seed", "size")

    def __init__(
        self, *, size: int | None = None, seed: int | None = None, data: bytes | None = None
    ) -> None:
        if data is not None:
            self._data: bytes | None = bytes(data)
            self.size = len(data)
            self.seed: int | None = None
        else:
            if size is None or seed is None or size < 0:
                raise ValueError("generated content needs a seed and a size >= 0")
            self._data = None
            self.size = size
            self.seed = seed
        self._sha1: str | None = None
        self._lock = threading.Lock()

    def _block(self, index: int) -> bytes:
        assert self.seed is not None
        length = min(BLOCK, self.size - index * BLOCK)
        # SHAKE-128 as a keyed stream: ~2x faster than random.Random(...).randbytes here
        return hashlib.shake_128(b"%d:%d" % (self.seed, index)).digest(length)

    def iter_range(self, start: int = 0, end: int | None = None, chunk: int = BLOCK) -> Iterator[bytes]:
        """Bytes ``[start, end)`` in chunks of at most ``chunk`` bytes."""
        stop = self.size if end is None else min(end, self.size)
        if start >= stop:
            return
        if self._data is not None:
            for pos in range(start, stop, chunk):
                yield self._data[pos : min(pos + chunk, stop)]
            return
        pos = start
        while pos < stop:
            index = pos // BLOCK
            block = self._block(index)
            offset = pos - index * BLOCK
            piece = block[offset : min(len(block), stop - index * BLOCK)]
            for sub in range(0, len(piece), chunk):
                yield piece[sub : sub + chunk]
            pos += len(piece)

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        return b"".join(self.iter_range(start, end))

    @property
    def sha1_b64(self) -> str:
        if self._sha1 is None:
            with self._lock:
                if self._sha1 is None:
                    digest = hashlib.sha1()
                    for piece in self.iter_range():
                        digest.update(piece)
                    self._sha1 = base64.b64encode(digest.digest()).decode("ascii")
        return self._sha1
