"""Long work as plain functions: they take a progress callback and a cancel token, and know nothing of Qt.

The GUI runs them on a thread pool through one worker class; the CLI runs them directly and prints progress
on stderr. A task checks `cancel.raise_if_cancelled()` between chunks and reports `progress(done, total)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol


class Cancelled(Exception):
    """Raised inside a task when its cancel token was set; the task leaves no half-written output behind."""


class CancelToken:
    """A thread-safe flag the UI sets and the task polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


def no_progress(done: int, total: int, message: str = "") -> None:
    """The default progress callback: ignores every report."""


ProgressCallback = Callable[[int, int, str], None]
