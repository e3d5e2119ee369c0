"""pytest-qt hygiene: offscreen, any Qt warning fails the test, and so does a worker or timer left running."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):  # type: ignore[no-untyped-def]
    config.option.qt_log_level_fail = "WARNING"


@pytest.fixture(autouse=True)
def nothing_left_running(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Set up before qtbot (autouse) so it checks after qtbot has closed the test's widgets."""
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from wizard.ui.worker import Worker

    yield
    leftovers = [worker.name for worker in Worker.running()]
    pool = QThreadPool.globalInstance()
    if leftovers:
        for worker in Worker.running():
            worker.cancel()
        pool.waitForDone(10_000)
    timers = [
        f"{type(widget).__name__}: {timer.objectName() or 'timer'}"
        for widget in QApplication.allWidgets()
        for timer in widget.findChildren(QTimer)
        if timer.isActive() and timer.objectName() != "qt_scrollarea_timer"
    ]
    assert not leftovers, f"workers still running after the test: {leftovers}"
    assert pool.activeThreadCount() == 0 or pool.waitForDone(10_000), "pool threads still running"
    assert not timers, f"timers still running after the test: {timers}"


@pytest.fixture
def embedded_hub(tmp_path):  # type: ignore[no-untyped-def]
    """A real hub over HTTP on a loopback port; simulated vendors answer at once."""
    from wizard.sandbox.server import start_hub
    from wizard.sandbox.settings import HubSettings

    hub = start_hub(tmp_path / "hub.sqlite3", settings=HubSettings(vendor_delay=0.0, random_seed=1))
    yield hub
    hub.stop()


@pytest.fixture
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll the hub every 50 ms instead of every few seconds (set before pages are built)."""
    from wizard.ui.pages import add_app, prepare_roster

    monkeypatch.setattr(add_app, "POLL_INTERVAL_MS", 50)
    monkeypatch.setattr(prepare_roster, "UPLOAD_POLL_MS", 50)


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One attempt per call, so an injected fault reaches the page at once (no backoff waits)."""
    from wizard.hub.transport import RetryPolicy
    from wizard.ui import hub_access

    monkeypatch.setattr(
        hub_access, "CLIENT_POLICY", RetryPolicy(attempts=1, connect_timeout=2, read_timeout=10)
    )


@pytest.fixture(autouse=True)
def no_modal_close_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question would block a headless run when a test closes the wizard on the offline Prepare page;
    tests about that question replace it on their page instance."""
    from wizard.ui.pages.prepare_roster import CLOSE_ANYWAY, PrepareRosterPage

    monkeypatch.setattr(PrepareRosterPage, "ask_before_closing", lambda self, text: CLOSE_ANYWAY)
