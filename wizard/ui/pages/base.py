"""The page base class: a content area, an inline error banner with Retry, a busy bar with Cancel, and the
bookkeeping that keeps hooks to one job each (workers and timers stop in `cleanupPage`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.errors import UserFacingError
from wizard.flow import PAGE_TITLES, PageId
from wizard.logs import log_file_path
from wizard.ui.worker import Task, Worker

if TYPE_CHECKING:
    from wizard.ui.context import WizardContext
    from wizard.ui.wizard_window import OnboardingWizard

log = logging.getLogger(__name__)


def set_tone(widget: QWidget, tone: str) -> None:
    """Give a label the look of a note ("okNote", "warnNote" or "" for plain) and re-apply the stylesheet,
    so its padding and border take effect at once."""
    widget.setObjectName(tone)
    # A widget's own (empty) stylesheet changing is what makes Qt recompute padding; a plain re-polish
    # restyles colours and borders but keeps the old contents margins.
    widget.setStyleSheet(f"/* {tone or 'plain'} */")


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a property it depends on changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.updateGeometry()
    widget.update()


def describe_error(error: object) -> tuple[str, str]:
    """What happened and what to do, for any error a task may raise. Tracebacks go to the log only."""
    if isinstance(error, UserFacingError):
        return error.message, error.hint
    if isinstance(error, OSError):
        return (
            f"The file or folder could not be used: {error.strerror or error}.",
            "Check that it exists and that you may read and write there, then try again.",
        )
    log.error("unexpected error", exc_info=error if isinstance(error, BaseException) else None)
    return (
        "Something unexpected went wrong.",
        "Try again. If it keeps happening, contact support and send them the wizard's log: "
        f"{log_file_path()}",
    )


class ErrorBanner(QFrame):
    """An inline, dismissable message: what happened, what to do, and a Retry button when retrying makes sense."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName(self.tr("Problem"))
        layout = QHBoxLayout(self)
        texts = QVBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setObjectName("errorHint")
        self.hint.setWordWrap(True)
        texts.addWidget(self.message)
        texts.addWidget(self.hint)
        layout.addLayout(texts, 1)
        self.retry_button = QPushButton(self.tr("&Retry"))
        self.retry_button.setAccessibleName(self.tr("Retry"))
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        self._retry: Callable[[], None] | None = None
        self.retry_button.clicked.connect(self._on_retry)
        self.hide()

    def show_error(self, message: str, hint: str, retry: Callable[[], None] | None) -> None:
        self.message.setText(message)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.setAccessibleDescription(f"{message} {hint}".strip())
        self.show()

    def clear(self) -> None:
        self._retry = None
        self.hide()

    def _on_retry(self) -> None:
        retry = self._retry
        self.clear()
        if retry is not None:
            retry()


class BusyBar(QWidget):
    """What is running, how far along, and a Cancel button for tasks that can stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Progress"))
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the running task"))
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self, message: str, cancellable: bool) -> None:
        self.label.setText(message)
        self.bar.setRange(0, 0)  # indeterminate until the task reports a total
        self.cancel_button.setVisible(cancellable)
        self.show()

    def report(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message:
            self.label.setText(message)


class BasePage(QWizardPage):
    """A wizard page with an error banner, a busy bar, and tracked workers and timers.

    Subclasses build their controls into `self.content`, read the state in `initializePage`, commit it quickly
    in `validatePage`, and run anything slow through `run_task`.
    """

    page_id: PageId

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__()
        self.ctx = ctx
        # Rich text so the title reads as a heading; QWizard shows it in the page header.
        self.setTitle(
            f"<span style='font-size:15pt; font-weight:600'>{self.tr(PAGE_TITLES[self.page_id])}</span>"
        )
        outer = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        self.busy = BusyBar(self)
        self.content = QVBoxLayout()
        # Why Next is disabled, when a page can tell (see `missing`).
        self.missing_hint = QLabel()
        self.missing_hint.setObjectName("missingHint")
        self.missing_hint.setWordWrap(True)
        self.missing_hint.setAccessibleName(self.tr("What is missing to go on"))
        self.missing_hint.hide()
        outer.addWidget(self.banner)
        outer.addLayout(self.content, 1)
        outer.addWidget(self.missing_hint)
        outer.addWidget(self.busy)
        self._workers: dict[Worker, bool] = {}  # worker -> blocks Next (quiet background polls do not)
        self._timers: list[QTimer] = []
        self._commit_done = False
        self.busy.cancel_button.clicked.connect(self.cancel_tasks)
        self.completeChanged.connect(self._show_missing)

    # --- routing -------------------------------------------------------------------------------------------
    def nextId(self) -> int:
        wizard = self.wizard()
        if wizard is None:
            return -1
        return wizard.route_after(self.page_id)  # type: ignore[attr-defined,no-any-return]

    def owner(self) -> OnboardingWizard:
        return self.wizard()  # type: ignore[return-value]

    # --- completeness --------------------------------------------------------------------------------------
    def ready(self) -> bool:
        """Whether the page's inputs allow Next; subclasses override and call `completeChanged.emit()`."""
        return True

    def isComplete(self) -> bool:
        return not self.is_busy and self.ready()

    def missing(self) -> list[str]:
        """What the admin still has to do before Next is enabled, in words (pages that can tell override)."""
        return []

    def _show_missing(self) -> None:
        missing = [] if self.is_busy or self.ready() else self.missing()
        self.missing_hint.setText(self.tr("To go on: ") + "; ".join(missing) + "." if missing else "")
        self.missing_hint.setVisible(bool(missing))

    # --- background work -----------------------------------------------------------------------------------
    def run_task(
        self,
        task: Task,
        on_result: Callable[[Any], None],
        *,
        message: str,
        cancellable: bool = False,
        on_error: Callable[[object], bool] | None = None,
        retry: bool | Callable[[], None] = True,
        quiet: bool = False,
    ) -> Worker:
        """Run `task` off the GUI thread with the busy bar showing; errors land in the banner with Retry.

        `on_error` may handle an error itself (return True), e.g. to mark a form field. `retry` is what the
        banner's Retry does: run the same task again (True), nothing (False), or an action that reads the
        inputs afresh (e.g. press Next again), so a retry after the admin corrected something sends the
        correction. A `quiet` task (a background poll) shows no busy bar, leaves the banner alone and does not
        hold up Next.
        """
        if not quiet:
            self.banner.clear()
        worker = Worker(task, name=f"{type(self).__name__}: {message}")
        self._workers[worker] = not quiet
        worker.progress.connect(self.busy.report)
        worker.result.connect(on_result)

        def failed(error: object) -> None:
            if on_error is not None and on_error(error):
                return

            def again() -> None:
                self.run_task(task, on_result, message=message, cancellable=cancellable, on_error=on_error)

            self.show_error(error, retry if callable(retry) else (again if retry else None))

        worker.error.connect(failed)
        worker.finished.connect(self._worker_finished)
        if not quiet:
            self.busy.start(message, cancellable)
            self.completeChanged.emit()
        worker.start()
        return worker

    def commit_in_background(
        self,
        task: Task,
        on_result: Callable[[Any], bool],
        *,
        message: str,
        on_error: Callable[[object], bool] | None = None,
    ) -> bool:
        """For `validatePage` when committing needs the hub: start `task`; when `on_result` accepts its
        result, move on by itself. Returns True only on that second pass, so Next never blocks the GUI."""
        if self._commit_done:
            self._commit_done = False
            return True
        if not self.is_busy:

            def finished(result: Any) -> None:
                if on_result(result):
                    self._commit_done = True
                    self.owner().next()

            # Retry presses Next again, which commits what the page shows now.
            self.run_task(task, finished, message=message, on_error=on_error, retry=self.owner().next)
        return False

    def _worker_finished(self) -> None:
        worker = self.sender()
        if isinstance(worker, Worker):
            self._workers.pop(worker, None)
        if not self.is_busy:
            self.busy.hide()
        self.completeChanged.emit()

    @property
    def is_busy(self) -> bool:
        """Whether a task that holds up Next is running."""
        return any(self._workers.values())

    def cancel_tasks(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def _detach_workers(self) -> None:
        """Cancel this page's tasks and stop listening to them: a task still finishing after the page is gone
        (the wizard closed mid-request) must not call back into it."""
        for worker in list(self._workers):
            worker.cancel()
            for signal in (worker.progress, worker.result, worker.error, worker.finished):  # run_task's
                with contextlib.suppress(RuntimeError, TypeError):  # nothing connected any more
                    signal.disconnect()
        self._workers.clear()
        self.busy.hide()

    def show_error(self, error: object, retry: Callable[[], None] | None = None) -> None:
        message, hint = describe_error(error)
        self.banner.show_error(message, hint, retry)

    # --- timers --------------------------------------------------------------------------------------------
    def make_timer(self, interval_ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        self._timers.append(timer)
        return timer

    def stop_timers(self) -> None:
        for timer in self._timers:
            timer.stop()

    # --- hooks ---------------------------------------------------------------------------------------------
    def cleanupPage(self) -> None:
        """Leaving backwards: stop what runs; inputs stay in the state so Back never loses work."""
        self.stop_timers()
        self._detach_workers()
        self.banner.clear()

    def shown(self) -> None:
        """The page became the current one, going forwards or back (QWizard re-initializes only forwards)."""

    def leave(self) -> None:
        """Leaving forwards or closing: nothing of this page keeps running."""
        self.stop_timers()
        self._detach_workers()
