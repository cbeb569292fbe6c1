"""Run the double as its own process (benchmarks, kill tests)::

    python -m tests.fake_immich --port 0 --seed-groups 2000 --api-key KEY [--original-size BYTES]

Prints ``URL <base url>`` and ``KEY <api key>`` on stdout (one line each, flushed) and serves until
SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tests.fake_immich.server import FakeImmich


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_immich", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--seed-groups", type=int, default=0, help="duplicate groups to seed")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed for the library")
    parser.add_argument("--api-key", default=None, help="secret of the full-access key (default: random)")
    parser.add_argument("--original-size", type=int, default=16 * 1024, help="typical original size in bytes")
    parser.add_argument("--version", default="3.1.0", help="server version to emulate, e.g. 2.6.3")
    parser.add_argument("--trash-disabled", action="store_true", help="report trash disabled")
    args = parser.parse_args(argv)
    major, minor, patch = (int(p) for p in args.version.split("."))
    app = FakeImmich(
        seed=args.seed,
        version=(major, minor, patch),
        api_key=args.api_key,
        trash_enabled=not args.trash_disabled,
    )
    if args.seed_groups:
        app.seed_library(args.seed_groups, seed=args.seed, original_size=args.original_size)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    app.start(port=args.port)
    print(f"URL {app.url}", flush=True)
    print(f"KEY {app.api_key}", flush=True)
    try:
        stop.wait()
    finally:
        app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
