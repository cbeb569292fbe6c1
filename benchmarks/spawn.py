"""Run one command and report its wall time, CPU time and peak RSS — from a small process.

``python -I -S benchmarks/spawn.py RESULT_FILE ARGV…`` forks, execs ``ARGV`` (environment
inherited), waits for it with ``os.wait4`` and writes ``{"wall_s", "cpu_s", "user_s", "sys_s",
"peak_rss", "returncode"}`` as JSON to ``RESULT_FILE``; its own exit code is the child's.

Why a separate small process: on Linux a child's ``ru_maxrss`` keeps the high-water mark of the
memory image it was forked from (the kernel carries it across ``exec``), so a child forked by
the harness would report at least the harness's RSS. Forked from this ~10 MiB interpreter, the
measured command reports its own peak (any Python program is bigger than this one).
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> int:
    result_file, argv = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.execvp(argv[0], argv)  # noqa: S606 - the harness's own argv
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(result_file, "w") as f:
        json.dump(
            {
                "wall_s": wall,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "user_s": usage.ru_utime,
                "sys_s": usage.ru_stime,
                "peak_rss": usage.ru_maxrss * 1024,
                "returncode": code,
            },
            f,
        )
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
