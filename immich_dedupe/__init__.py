"""immich-dedupe: resolve Immich duplicate groups without losing metadata.

The library and the CLI share one core; ``python -m immich_dedupe --help`` lists the commands.
Public names are imported lazily so that ``--help`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
