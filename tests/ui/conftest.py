"""pytest-qt hygiene: offscreen, any Qt warning fails the test, and so does a worker or timer left running."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.ui import walk
from tests.ui.walk import SessionDefaults
from wizard.session.questions import RecordedQuestions

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


@pytest.fixture(autouse=True)
def session_defaults() -> Iterator[SessionDefaults]:
    """What every context a test builds through `tests.ui.walk.context` gets: the session's settings and
    recorded answers to the wizard's questions (no dialog ever opens in a test)."""
    from wizard.session.sharing import LOCK_QUESTION, SAVE_AND_LOCK

    defaults = SessionDefaults()
    # Walks save sharing after the vendor accepted, as admins do: they confirm locking the type.
    defaults.questions.answer(LOCK_QUESTION, SAVE_AND_LOCK)
    walk.DEFAULTS = defaults
    yield defaults
    walk.DEFAULTS = SessionDefaults()


@pytest.fixture
def questions(session_defaults: SessionDefaults) -> RecordedQuestions:
    """The questions the wizard asked in this test, and the answers the test prepared."""
    return session_defaults.questions


@pytest.fixture
def fast_polls(session_defaults: SessionDefaults) -> None:
    """Poll the hub every 50 ms instead of every few seconds (for contexts built after this fixture)."""
    session_defaults.settings = replace(session_defaults.settings, connection_poll_ms=50, upload_poll_ms=50)


@pytest.fixture
def no_retries(session_defaults: SessionDefaults) -> None:
    """One attempt per call, so an injected fault reaches the page at once (no backoff waits)."""
    from wizard.hub.transport import RetryPolicy

    session_defaults.settings = replace(
        session_defaults.settings,
        client_policy=RetryPolicy(attempts=1, connect_timeout=2, read_timeout=10),
    )
