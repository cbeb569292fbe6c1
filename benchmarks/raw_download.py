"""The execute baseline: stream the same originals at the same concurrency, discarding the bytes.

Run as a fresh process: ``python benchmarks/raw_download.py IDS_FILE CONCURRENCY`` with
``BENCH_URL`` and ``IMMICH_API_KEY`` in the environment; ``IDS_FILE`` holds one asset id a line.
One shared ``httpx.Client`` (as ``connection.py`` has) with a pool of ``CONCURRENCY``
connections, a thread per download slot, no hashing, no writing. Prints files and bytes.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def main() -> None:
    ids = Path(sys.argv[1]).read_text().split()
    concurrency = int(sys.argv[2])
    base = os.environ["BENCH_URL"].rstrip("/") + "/api/assets/"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(
        headers={"x-api-key": os.environ["IMMICH_API_KEY"]}, limits=limits, timeout=60
    ) as client:

        def fetch(asset_id: str) -> int:
            received = 0
            with client.stream("GET", f"{base}{asset_id}/original") as response:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    received += len(chunk)
            return received

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            total = sum(pool.map(fetch, ids))
    print(json.dumps({"files": len(ids), "bytes": total}))


if __name__ == "__main__":
    main()
