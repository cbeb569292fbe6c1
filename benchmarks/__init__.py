"""Benchmarks for immich-dedupe (issue 7): ``invoke bench`` or ``python -m benchmarks``.

Every figure is a ratio to a floor measured in the same run on the same machine, because the
machines we run on are shared and noisy: analyze vs one raw ``GET /api/duplicates`` + ``json.loads``,
execute's download throughput vs raw streaming downloads of the same files, ``--help`` vs
``python -c pass``. The Immich test double runs in its own process on 127.0.0.1
(``benchmarks.double``); each measured command is a fresh subprocess (``benchmarks.measure``).
Results go to ``docs/benchmarks.md``. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations
