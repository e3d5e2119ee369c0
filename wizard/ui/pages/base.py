"""The page base class: a content area, an inline error banner with Retry, a busy bar with Cancel, and the
bookkeeping that keeps hooks to one job each (workers and timers stop in `cleanupPage`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from wizard.flow import PAGE_TITLES, PageId
from wizard.hub.models import Connection
from wizard.session.context import WizardContext
from wizard.session.folders import remember_folder, start_folder
from wizard.session.questions import FileKind, FileQuestion, Question
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.widgets.banner import BusyBar, ErrorBanner, describe_error
from wizard.ui.widgets.mailbox import MailboxDialog
from wizard.ui.worker import Worker
from wizard.wire.vocab import ConnectionStatus

log = logging.getLogger(__name__)
Result = TypeVar("Result")  # what a page's background task returns and its result handler takes


class Navigator(Protocol):
    """What a page may ask of the wizard that shows it (the window implements it; pages never import it)."""

    def route_after(self, page_id: PageId) -> int: ...

    def next(self) -> None: ...

    def accept(self) -> None: ...

    def started_over(self) -> None: ...

    def journey_changed(self) -> None: ...


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
        self._polling = False  # a poll (see `poll`) is on its way
        self._navigator: Navigator | None = None
        self.mailbox_dialog: MailboxDialog | None = None
        self._mailbox_buttons: list[QPushButton] = []
        self.busy.cancel_button.clicked.connect(self.cancel_tasks)
        self.completeChanged.connect(self._show_missing)

    # --- routing -------------------------------------------------------------------------------------------
    def attach(self, navigator: Navigator) -> None:
        """The wizard showing this page; routing and moving on go through it."""
        self._navigator = navigator

    def nextId(self) -> int:
        return self._navigator.route_after(self.page_id) if self._navigator is not None else -1

    def go_next(self) -> None:
        if self._navigator is not None:
            self._navigator.next()

    def go_to_start(self) -> None:
        """The saved onboarding was forgotten: every other page starts afresh."""
        if self._navigator is not None:
            self._navigator.started_over()

    def journey_changed(self) -> None:
        """Welcome's hub choice may call for other pages (the clever.com journey's guided steps)."""
        if self._navigator is not None:
            self._navigator.journey_changed()

    def finish(self) -> None:
        if self._navigator is not None:
            self._navigator.accept()

    def may_close(self) -> bool:
        """Whether the wizard may close now (Cancel, Escape, the window's close button); a page with work the
        admin would lose asks first and answers False to stay."""
        return True

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
        task: Callable[[ProgressCallback, CancelToken], Result],
        on_result: Callable[[Result], None],
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

    def poll(
        self,
        task: Callable[[ProgressCallback, CancelToken], Result],
        on_result: Callable[[Result], None],
        *,
        message: str,
    ) -> None:
        """A quiet background check (see run_task), unless the page's last one is still on its way: a slow
        hub gets one question at a time."""
        if self._polling:
            return
        self._polling = True
        worker = self.run_task(task, on_result, message=message, quiet=True)
        worker.finished.connect(self._poll_finished)

    def _poll_finished(self) -> None:
        self._polling = False

    def commit_in_background(
        self,
        task: Callable[[ProgressCallback, CancelToken], Result],
        on_result: Callable[[Result], bool],
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

            def finished(result: Result) -> None:
                if on_result(result):
                    self._commit_done = True
                    self.go_next()

            # Retry presses Next again, which commits what the page shows now.
            self.run_task(task, finished, message=message, on_error=on_error, retry=self.go_next)
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
        self._polling = False  # a detached poll never reports back
        self.busy.hide()

    def show_error(self, error: object, retry: Callable[[], None] | None = None) -> None:
        message, hint = describe_error(error)
        self.banner.show_error(message, hint, retry)

    # --- the browser ---------------------------------------------------------------------------------------
    def open_link(self, url: str) -> None:
        """Open a web page (a clever.com dashboard page) in the admin's browser, or where the session says."""
        if self.ctx.open_url is not None:
            self.ctx.open_url(url)
        elif not QDesktopServices.openUrl(QUrl(url)):
            self.banner.show_error(
                self.tr("No web browser opened {url}.").format(url=url),
                self.tr("Copy the address into your browser."),
                None,
            )

    # --- the hub's email -------------------------------------------------------------------------------------
    def mailbox_button(self) -> QPushButton:
        """A “Mailbox…” button that opens the hub's email to the district (the pages that wait on the vendor,
        and Roll out)."""
        button = QPushButton(self.tr("Mailb&ox…"))
        button.setAccessibleName(self.tr("Open the mailbox: the hub's email to your district"))
        button.clicked.connect(self.open_mailbox)
        self._mailbox_buttons.append(button)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        # clever.com emails the admin's own mailbox and has no API to read it: no Mailbox button there.
        for button in self._mailbox_buttons:
            button.setVisible(not self.ctx.state.on_clever)
        super().showEvent(event)

    def open_mailbox(self) -> MailboxDialog:
        """Show the Mailbox view (read off the GUI thread through the hub's API)."""
        if self.mailbox_dialog is None:
            self.mailbox_dialog = MailboxDialog(lambda: self.ctx.district_hub().mail(), self)
        else:
            self.mailbox_dialog.refresh()
        self.mailbox_dialog.show()
        return self.mailbox_dialog

    # --- questions to the admin ---------------------------------------------------------------------------
    def ask(self, question: Question) -> str:
        return self.ctx.questions.ask(question)

    def choose_paths(
        self,
        key: str,
        kind: FileKind,
        title: str,
        file_filter: str = "",
        *,
        suggested: str = "",
        start: Path | None = None,
    ) -> list[Path]:
        """Ask for files or a folder, starting in `start` or where the admin last chose one (else Documents);
        [] if they cancelled. The choice is remembered for the next dialog."""
        start = start or start_folder(self.ctx.state)
        paths = self.ctx.questions.paths(
            FileQuestion(key, kind, title, start / suggested if suggested else start, file_filter)
        )
        if paths:
            remember_folder(self.ctx.state, paths[0])
            self.ctx.save()
        return paths

    def choose_path(
        self,
        key: str,
        kind: FileKind,
        title: str,
        file_filter: str = "",
        *,
        suggested: str = "",
        start: Path | None = None,
    ) -> Path | None:
        paths = self.choose_paths(key, kind, title, file_filter, suggested=suggested, start=start)
        return paths[0] if paths else None

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


_FINAL = {ConnectionStatus.CONNECTED, ConnectionStatus.REJECTED}


class ConnectionWatch:
    """Pages notice what changes while they are shown: the one watch over the app connection's status.

    While its page is shown, asks the hub for the chosen app's connection every few seconds (quietly: no busy
    bar, Next not held up) and calls `on_change` when its status moves; it stops once the vendor has accepted or
    rejected. The page starts it in `shown` and its timer stops with the page's others when it is left."""

    def __init__(self, page: BasePage, on_change: Callable[[Connection], None], name: str) -> None:
        self._page = page
        self._on_change = on_change
        self.timer = page.make_timer(page.ctx.settings.connection_poll_ms, self._poll)
        self.timer.setObjectName(name)
        self._generation = 0

    def own_request(self) -> None:
        """The page sends a request of the admin's own about the connection (e.g. a reply): an answer to a poll
        sent before it is older than that request's and is dropped."""
        self._generation += 1

    def is_open(self) -> bool:
        app = self._page.ctx.state.app
        return bool(app.connection_id) and app.connection_status not in _FINAL

    def start(self) -> None:
        if self.is_open():
            self.timer.start()

    def _poll(self) -> None:
        if not self.is_open():
            self.timer.stop()
            return
        ctx, connection_id, generation = (
            self._page.ctx,
            self._page.ctx.state.app.connection_id,
            self._generation,
        )
        self._page.poll(  # one question at a time: none while the last answer is on its way
            lambda progress, cancel: ctx.district_hub().connection(connection_id),
            lambda connection: self._polled(connection, generation),
            message=self._page.tr("Checking on the vendor…"),
        )

    def _polled(self, connection: Connection, generation: int) -> None:
        if generation != self._generation:
            return  # sent before the page's own request, whose newer answer the page already has
        app = self._page.ctx.state.app
        if connection.status != app.connection_status:
            app.connection_status = connection.status
            self._page.ctx.save()
            self._on_change(connection)
        if not self.is_open():
            self.timer.stop()
