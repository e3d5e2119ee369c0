"""Run `prepare` (the real command line) in a subprocess under a memory cap and a time cap.

The fuzz suite and the hostile-input tests use it: a reader that grows memory without limit or hangs on a
FIFO fails the test instead of taking the machine (or the suite) down.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MEMORY_CAP = 1024 * 1024 * 1024  # address space of the child (RLIMIT_AS)
TIME_CAP = 60.0  # seconds of wall-clock time for one run


@dataclass
class CappedRun:
    code: int  # the exit code; negative: killed by that signal
    stderr: str
    seconds: float
    max_rss: int  # bytes, the child's peak resident memory
    timed_out: bool


def run_prepare(
    args: Sequence[str | Path],
    *,
    memory: int = MEMORY_CAP,
    seconds: float = TIME_CAP,
    cwd: Path | None = None,
) -> CappedRun:
    """`python -m wizard prepare ARGS` with RLIMIT_AS = memory, killed after `seconds`."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "wizard", "prepare", *map(os.fsdecode, args)]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        preexec_fn=limit,
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        process.send_signal(signal.SIGKILL)

    timer = threading.Timer(seconds, kill)
    timer.start()
    try:
        assert process.stderr is not None
        stderr = process.stderr.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return CappedRun(
        process.returncode,
        stderr,
        time.monotonic() - started,
        int(usage.ru_maxrss) * 1024,
        timed_out.is_set(),
    )
