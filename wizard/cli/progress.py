"""Progress for long runs: on the terminal for people, and as JSON lines for a parent process."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO


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


class JsonLinesProgress:
    """Machine-readable progress for a parent process: one JSON object per line on `stream`,
    {"done": D, "total": T, "message": M}, at most every `interval` seconds unless the message changes.

    `event(kind, **fields)` writes any other line the parent reads ({"event": kind, ...})."""

    def __init__(self, stream: TextIO, interval: float = 0.1) -> None:
        self.stream = stream
        self.interval = interval
        self.last = 0.0
        self.message = ""

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if message == self.message and now - self.last < self.interval:
            return
        self.last, self.message = now, message
        self._write({"done": done, "total": total, "message": message})

    def event(self, kind: str, **fields: object) -> None:
        self._write({"event": kind, **fields})

    def _write(self, line: dict[str, object]) -> None:
        self.stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.stream.flush()


def parse_progress_line(line: str) -> dict[str, Any] | None:
    """A line JsonLinesProgress wrote, as a dict; None for anything else."""
    try:
        parsed = json.loads(line)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
