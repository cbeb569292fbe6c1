"""How long-running library calls report progress without knowing about terminals.

The CLI passes an object that draws rich progress bars on a terminal and writes plain lines
otherwise; library users and tests pass nothing (``NullProgress``) or their own recorder.
``advance`` may be called from several threads at once (execute's download workers) and
often: an implementation keeps it cheap.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullProgress", "Progress"]


class Progress(Protocol):
    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        """Begin a task; ``unit="bytes"`` asks for byte counts, rate and ETA."""

    def advance(self, task: str, amount: float = 1) -> None: ...

    def finish(self, task: str) -> None: ...

    def note(self, text: str) -> None:
        """A one-line remark for the user (never contains secrets)."""


class NullProgress:
    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        pass

    def advance(self, task: str, amount: float = 1) -> None:
        pass

    def finish(self, task: str) -> None:
        pass

    def note(self, text: str) -> None:
        pass
