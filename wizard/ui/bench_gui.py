"""The benchmark's GUI measurements, each run by `python main.py bench` in a fresh, offscreen process:

    python -m wizard.ui.bench_gui gui DISTRICT         the Prepare page checking DISTRICT, then filtering and
                                                       searching its issue list and scrolling its preview
    python -m wizard.ui.bench_gui preview DISTRICT     first paint of the students preview and jump to its end

A 10 ms heartbeat timer runs on the GUI thread; the longest gap between two beats is the longest time the GUI
could not react. Prints one JSON object on its last stdout line. Only the standard library is imported before
the measurement starts. (Startup is measured by wizard.app.bench_startup.)
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HEARTBEAT_MS = 10
WAIT_S = 3600.0


def _offscreen() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "WIZARD_DATA_DIR" not in os.environ:  # never the user's own state or remembered mappings
        os.environ["WIZARD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-wizard-")


def quit_at_first_paint() -> dict[str, float]:
    """Make the wizard window, once shown, quit the application right after its first page is painted; the
    returned dict then holds the wall-clock time of that paint under "at" (for wizard.app.bench_startup)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from wizard.ui import wizard_window

    painted: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "seen" not in painted:
                painted["seen"] = 1.0

                def done() -> None:
                    painted["at"] = time.time()
                    QApplication.quit()

                QTimer.singleShot(0, done)
            return False

    watcher = FirstPaint()
    original = wizard_window.OnboardingWizard.showEvent

    def show_event(self: Any, event: Any) -> None:
        page = self.currentPage()
        (page or self).installEventFilter(watcher)
        original(self, event)

    wizard_window.OnboardingWizard.showEvent = show_event  # type: ignore[method-assign]
    _keep.append(watcher)
    return painted


_keep: list[Any] = []  # the probe must outlive the call that installs it


class _Heartbeat:
    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = 0.0
        self.max_gap = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.max_gap = 0.0
        self.timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def stop(self) -> float:
        """The longest gap in milliseconds (up to now)."""
        self._beat()
        self.timer.stop()
        return round(1000 * self.max_gap, 1)


def _spin(milliseconds: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def _spin_until(condition: Any, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the wizard did not get there in time")
        _spin(5)


def _prepare_page(district: Path) -> tuple[Any, Any, Any]:
    """The wizard on the offline Prepare page with `district` as its input, shown offscreen."""
    _offscreen()
    from PySide6.QtWidgets import QApplication

    from wizard.credentials import memory_only_store
    from wizard.flow import PageId
    from wizard.session.context import WizardContext
    from wizard.session.questions import RecordedQuestions
    from wizard.ui.pages.prepare_roster import CLOSE_ANYWAY, CLOSE_QUESTION
    from wizard.ui.wizard_window import OnboardingWizard

    app = QApplication.instance() or QApplication([])
    # Nothing to keep when the bench closes the wizard: the close question is answered "close anyway".
    questions = RecordedQuestions(answers={CLOSE_QUESTION: CLOSE_ANYWAY})
    window = OnboardingWizard(WizardContext(None, credentials=memory_only_store(), questions=questions))
    window.show()
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    window.next()
    _spin_until(lambda: window.currentId() == PageId.PREPARE_ROSTER, 60)
    page = window.page_for(PageId.PREPARE_ROSTER)
    page.add_inputs([district])  # type: ignore[attr-defined]
    return app, window, page


def _close(window: Any, page: Any) -> None:
    window.close()
    window.ctx.close()


def _show_tab(page: Any, widget: Any) -> None:
    for index in range(page.tabs.count()):
        tab = page.tabs.widget(index)
        if tab is widget or tab.isAncestorOf(widget):
            page.tabs.setCurrentIndex(index)
            return


def gui(district: Path) -> dict[str, Any]:
    from wizard.ui.worker import Worker

    _app, window, page = _prepare_page(district)
    heartbeat = _Heartbeat()
    progress_times: list[float] = []
    results: dict[str, Any] = {}
    heartbeat.start()
    started = time.perf_counter()
    page.check(use_edited_mapping=False)
    for worker in Worker.running():
        worker.progress.connect(lambda *_: progress_times.append(time.perf_counter()))
    _spin_until(lambda: page.result is not None and not Worker.running())
    finished = time.perf_counter()
    _spin(200)  # whatever the result queued (first paints of the issue list and preview)
    results["check_s"] = round(finished - started, 2)
    results["stall_check_ms"] = heartbeat.stop()
    marks = [started, *progress_times, finished]
    results["progress_updates"] = len(progress_times)
    results["max_progress_gap_ms"] = round(1000 * max(b - a for a, b in itertools.pairwise(marks)), 1)
    results["issues"] = page.issue_proxy.sourceModel().rowCount()

    _show_tab(page, page.issue_view)
    heartbeat.start()
    timings = {}
    for name, action in (
        ("filter_code", lambda: page.code_filter.setCurrentIndex(min(1, page.code_filter.count() - 1))),
        ("filter_severity", lambda: page.severity_filter.setCurrentIndex(page.severity_filter.count() - 1)),
        (
            "filter_clear",
            lambda: (page.code_filter.setCurrentIndex(0), page.severity_filter.setCurrentIndex(0)),
        ),
        ("search_first", lambda: page.text_filter.setText("Student")),
        ("search_next", lambda: page.text_filter.setText("999999999")),
        ("search_clear", lambda: page.text_filter.setText("")),
    ):
        begun = time.perf_counter()
        action()
        _spin(50)
        timings[name] = round(1000 * (time.perf_counter() - begun) - 50, 1)
    results["issue_actions_ms"] = timings
    results["stall_issues_ms"] = heartbeat.stop()

    students = page.preview_choice.findData("students")
    if students >= 0:
        page.preview_choice.setCurrentIndex(students)
    _show_tab(page, page.preview_view)
    _spin(100)
    heartbeat.start()
    bar = page.preview_view.verticalScrollBar()
    for step in range(1, 21):
        bar.setValue(bar.maximum() * step // 20)
        _spin(20)
    page.preview_view.scrollToBottom()
    _spin(20)
    page.preview_view.scrollToTop()
    _spin(50)
    results["stall_scroll_ms"] = heartbeat.stop()
    results["max_gui_stall_ms"] = max(
        results["stall_check_ms"], results["stall_issues_ms"], results["stall_scroll_ms"]
    )
    _close(window, page)
    return results


def preview(district: Path) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, QTimer

    from wizard.tasks import CancelToken, no_progress

    _app, window, page = _prepare_page(district)
    # what the page's check does (in a child process), untimed
    result = page.controller.check([district], None, no_progress, CancelToken())
    page._checked(result)
    _show_tab(page, page.preview_view)
    _spin(100)
    painted: list[float] = []

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, lambda: painted.append(time.perf_counter()))
            return False

    watcher = Painted()
    page.preview_view.viewport().installEventFilter(watcher)
    heartbeat = _Heartbeat()
    heartbeat.start()
    painted.clear()
    started = time.perf_counter()
    page.preview_choice.setCurrentIndex(page.preview_choice.findData("students"))
    _spin_until(lambda: bool(painted), 120)
    first_paint = painted[0] - started
    _spin(100)
    painted.clear()
    started = time.perf_counter()
    page.preview_view.scrollToBottom()
    _spin_until(lambda: bool(painted), 120)
    jump = painted[0] - started
    rows = page.preview_view.model().rowCount()
    stall = heartbeat.stop()
    _close(window, page)
    return {
        "rows": rows,
        "preview_first_paint_ms": round(1000 * first_paint, 1),
        "preview_jump_to_end_ms": round(1000 * jump, 1),
        "stall_preview_ms": stall,
    }


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "gui":
        result = gui(Path(argv[1]))
    elif mode == "preview":
        result = preview(Path(argv[1]))
    else:
        raise SystemExit(f"unknown measurement {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
