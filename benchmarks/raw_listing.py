"""The analyze floor: one raw ``GET /api/duplicates`` and ``json.loads`` of the whole body.

Run as a fresh process (``python benchmarks/raw_listing.py``) with ``BENCH_URL`` and
``IMMICH_API_KEY`` in the environment. This is the least any analysis must do: fetch the listing
and parse it. Prints the number of groups and body bytes (the harness checks them).
"""

from __future__ import annotations

import json
import os

import httpx


def main() -> None:
    url = os.environ["BENCH_URL"].rstrip("/") + "/api/duplicates"
    # Plain http needs no CA store; loading it (~50 ms CPU) would pad the floor.
    verify = not url.startswith("http://")
    response = httpx.get(url, headers={"x-api-key": os.environ["IMMICH_API_KEY"]}, timeout=600, verify=verify)
    response.raise_for_status()
    groups = json.loads(response.content)
    print(json.dumps({"groups": len(groups), "bytes": len(response.content)}))


if __name__ == "__main__":
    main()
