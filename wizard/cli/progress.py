"""Progress on the terminal for long command-line runs."""

from __future__ import annotations

import time
from typing import TextIO


class StderrProgress:
    """Progress lines on stderr, at most one per second, and only once a run has lasted two seconds."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - self.started < 2 or now - self.last < 1:
            return
        self.last = now
        self.shown = True
        share = f" {100 * done // total}%" if total else ""
        self.stream.write(f"\r… {message}{share}".ljust(60)[:100])
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.shown = False
