"""The one worker class: runs a plain `fn(progress, cancel)` task on the global QThreadPool.

The task knows nothing of Qt. The Worker (a QObject living on the GUI thread) relays its progress, result,
error or cancellation as queued signals, so page slots always run on the GUI thread. Running workers are kept
alive in a registry until they have reported, which also lets tests assert that none are left running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from wizard.tasks import Cancelled, CancelToken, ProgressCallback

log = logging.getLogger(__name__)

Task = Callable[[ProgressCallback, CancelToken], Any]


class _Relay(QObject):
    """Signals emitted from the pool thread; queued to the Worker on the GUI thread."""

    progress = Signal(int, int, str)
    done = Signal(str, object)  # outcome ("result" | "error" | "cancelled"), payload


class _Runnable(QRunnable):
    def __init__(self, task: Task, cancel: CancelToken, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._cancel = cancel
        self._relay = relay

    def run(self) -> None:
        def report(done: int, total: int, message: str = "") -> None:
            self._relay.progress.emit(done, total, message)

        try:
            result = self._task(report, self._cancel)
        except Cancelled:
            self._relay.done.emit("cancelled", None)
        except Exception as error:  # handed to the page, which shows it; never crashes the pool
            self._relay.done.emit("error", error)
        else:
            outcome = "cancelled" if self._cancel.cancelled else "result"
            self._relay.done.emit(outcome, result)


class Worker(QObject):
    """Run `task(progress, cancel)` off the GUI thread; exactly one of result/error/cancelled follows, then finished."""

    progress = Signal(int, int, str)
    result = Signal(object)
    error = Signal(object)  # the exception instance
    cancelled = Signal()
    finished = Signal()

    _running: ClassVar[set[Worker]] = set()

    def __init__(self, task: Task, name: str = "task") -> None:
        super().__init__()
        self.name = name
        self._task = task
        self._cancel = CancelToken()
        self._relay = _Relay()
        self._relay.progress.connect(self.progress)
        self._relay.done.connect(self._on_done)
        self._started = False

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a Worker runs once; create a new one")
        self._started = True
        Worker._running.add(self)
        QThreadPool.globalInstance().start(_Runnable(self._task, self._cancel, self._relay))

    def cancel(self) -> None:
        """Ask the task to stop; it reports `cancelled` at its next check (or its result is dropped)."""
        self._cancel.cancel()

    @property
    def is_running(self) -> bool:
        return self in Worker._running

    @classmethod
    def running(cls) -> list[Worker]:
        return list(cls._running)

    def _on_done(self, outcome: str, payload: object) -> None:
        Worker._running.discard(self)
        if outcome == "result":
            self.result.emit(payload)
        elif outcome == "error":
            if not isinstance(payload, Exception) or not hasattr(payload, "hint"):
                log.error(
                    "task %s failed", self.name, exc_info=payload if isinstance(payload, Exception) else None
                )
            self.error.emit(payload)
        else:
            self.cancelled.emit()
        self.finished.emit()
