"""The execute work floor: download, hash and durably store the same originals, nothing more.

``python benchmarks/raw_backup.py IDS_FILE CONCURRENCY DIR`` with ``BENCH_URL`` and
``IMMICH_API_KEY`` in the environment. Like ``raw_download.py`` (one shared ``httpx.Client``,
a thread per download slot, ``iter_bytes()``), but each body is also SHA-1 hashed and written to
its own new file in ``DIR``, which is fsynced; the directory is fsynced once at the end. That is
the least a verified backup needs (the issue's baseline leaves the hashing and the storing out).
No metadata requests, no sidecars, no journal, no deletions. Prints files, bytes and whether
every SHA-1 matched the ``checksum`` the harness passes in the ids file (``id checksum`` lines),
then removes the files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def main() -> None:
    lines = [line.split() for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    concurrency = int(sys.argv[2])
    root = Path(sys.argv[3])
    root.mkdir(parents=True, exist_ok=True)
    base = os.environ["BENCH_URL"].rstrip("/") + "/api/assets/"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(
        headers={"x-api-key": os.environ["IMMICH_API_KEY"]}, limits=limits, timeout=60
    ) as client:

        def fetch(item: list[str]) -> tuple[int, bool]:
            asset_id, checksum = item[0], item[1] if len(item) > 1 else ""
            sha1 = hashlib.sha1()  # noqa: S324 - Immich's checksum is SHA-1
            received = 0
            fd = os.open(root / asset_id, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with client.stream("GET", f"{base}{asset_id}/original") as response:
                    response.raise_for_status()
                    for chunk in response.iter_bytes():
                        sha1.update(chunk)
                        view = memoryview(chunk)
                        while view:
                            view = view[os.write(fd, view) :]
                        received += len(chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            return received, base64.b64encode(sha1.digest()).decode() == checksum

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(fetch, lines))
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    total = sum(n for n, _ in results)
    verified = sum(1 for _, ok in results if ok)
    print(json.dumps({"files": len(lines), "bytes": total, "verified": verified}))
    for path in root.iterdir():
        path.unlink()
    root.rmdir()


if __name__ == "__main__":
    main()
