"""The execute disk floor: write files of the given sizes durably, at the same concurrency.

``python benchmarks/raw_disk.py DIR SIZES_FILE CONCURRENCY`` (one size in bytes a line): each
file is written in 64 KiB pieces and fsynced, as a backup must be before anything is deleted;
the directory is fsynced once at the end. No hashing, no network, no sidecars. It prints the
time of the writing itself (the harness uses that, not the process's wall time), then removes
the files.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_PIECE = 64 * 1024


def main() -> None:
    root = Path(sys.argv[1])
    sizes = [int(s) for s in Path(sys.argv[2]).read_text().split()]
    concurrency = int(sys.argv[3])
    root.mkdir(parents=True, exist_ok=True)
    block = os.urandom(_PIECE)

    def write(item: tuple[int, int]) -> int:
        index, size = item
        fd = os.open(root / f"f{index:06d}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            left = size
            while left > 0:
                left -= os.write(fd, block[: min(left, _PIECE)])
            os.fsync(fd)
        finally:
            os.close(fd)
        return size

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        total = sum(pool.map(write, enumerate(sizes)))
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    elapsed = time.perf_counter() - started
    print(json.dumps({"files": len(sizes), "bytes": total, "seconds": elapsed}), flush=True)
    for path in root.iterdir():
        path.unlink()
    root.rmdir()


if __name__ == "__main__":
    main()
