"""Run one command as a fresh subprocess and measure it: wall time, CPU time, peak RSS.

Each command runs under ``spawn.py``, a small interpreter that forks it and measures it with
``os.wait4``: the resource usage of *that* child, unlike ``getrusage(RUSAGE_CHILDREN)`` (a
maximum over every child ever waited for), and not inflated by the harness's own memory (see
spawn.py). CPU time (user + system) is reported beside wall time: on a shared machine it is the
steadier of the two.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

__all__ = ["CommandFailed", "Sample", "Spread", "run_measured", "spread"]

_SPAWN = Path(__file__).resolve().parent / "spawn.py"
_TAIL = 4000  # characters of stdout/stderr kept for error messages and parsing


class CommandFailed(RuntimeError):
    """A measured command exited non-zero (the benchmark is then meaningless)."""


@attrs.frozen(kw_only=True)
class Sample:
    """One measured run of a command."""

    wall_s: float
    cpu_s: float  # user + system of the child
    sys_s: float  # of which in the kernel (socket and file I/O, fsync, page faults)
    peak_rss: int  # bytes (ru_maxrss is KiB on Linux)
    returncode: int
    stdout: str  # the last _TAIL characters
    stderr: str


@attrs.frozen(kw_only=True)
class Spread:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    n: int

    @property
    def rel_spread(self) -> float:
        """(max - min) / median: how noisy the repeats were."""
        return (self.high - self.low) / self.median if self.median else 0.0


def spread(values: Sequence[float]) -> Spread:
    if not values:
        raise ValueError("no values")
    return Spread(median=statistics.median(values), low=min(values), high=max(values), n=len(values))


def _tail(path: Path) -> str:
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - _TAIL))
        return f.read().decode("utf-8", "replace")


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> Sample:
    """Run ``argv`` to completion under ``spawn.py``; output goes to temporary files (no pipe fills)."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as tmp:
        out_path, err_path, result_path = Path(tmp, "stdout"), Path(tmp, "stderr"), Path(tmp, "result")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(  # noqa: S603 - argv built by the harness, no shell
                [sys.executable, "-I", "-S", str(_SPAWN), str(result_path), *argv],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,  # its own process group: a timeout ends the command too
            )
            try:
                proc.wait(timeout=timeout)
            except BaseException as exc:  # timeout or Ctrl-C: do not leave the command running
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                if isinstance(exc, subprocess.TimeoutExpired):
                    raise CommandFailed(f"{' '.join(argv[:4])}… still running after {timeout:g} s") from None
                raise
        try:
            result = json.loads(result_path.read_text())
        except (OSError, ValueError):
            raise CommandFailed(
                f"{' '.join(argv[:4])}… could not be measured (exit {proc.returncode}):\n{_tail(err_path)}"
            ) from None
        sample = Sample(
            wall_s=result["wall_s"],
            cpu_s=result["cpu_s"],
            sys_s=result["sys_s"],
            peak_rss=result["peak_rss"],
            returncode=result["returncode"],
            stdout=_tail(out_path),
            stderr=_tail(err_path),
        )
    if check and sample.returncode != 0:
        output = sample.stderr[-1500:] or sample.stdout[-1500:]
        raise CommandFailed(f"{' '.join(argv[:4])}… exited {sample.returncode}:\n{output}")
    return sample
