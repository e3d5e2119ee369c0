from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from wizard.errors import UserFacingError
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.worker import Worker


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    seen_threads: list[threading.Thread] = []

    def task(progress: ProgressCallback, cancel: CancelToken) -> int:
        seen_threads.append(threading.current_thread())
        progress(1, 2, "half")
        return 42

    worker = Worker(task)
    progress: list[tuple[int, int, str]] = []
    worker.progress.connect(lambda d, t, m: progress.append((d, t, m)))
    with qtbot.waitSignal(worker.result, timeout=5000) as blocker:
        worker.start()
    assert blocker.args == [42]
    assert progress == [(1, 2, "half")]
    assert seen_threads[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: not worker.is_running)


def test_errors_are_handed_over_not_raised(qtbot: QtBot) -> None:
    def task(progress: ProgressCallback, cancel: CancelToken) -> None:
        raise UserFacingError("The hub said no.", "Try later.")

    worker = Worker(task)
    errors: list[object] = []
    worker.error.connect(errors.append)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start()
    [error] = errors
    assert isinstance(error, UserFacingError)
    assert error.message == "The hub said no."
    assert not worker.is_running


def test_cancel_stops_a_task_at_its_next_check(qtbot: QtBot) -> None:
    started = threading.Event()
    release = threading.Event()

    def task(progress: ProgressCallback, cancel: CancelToken) -> str:
        started.set()
        release.wait(5)
        cancel.raise_if_cancelled()
        return "finished anyway"

    worker = Worker(task)
    results: list[object] = []
    worker.result.connect(results.append)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.start()
        assert started.wait(5)
        worker.cancel()
        release.set()
    assert results == []


def test_a_worker_runs_once(qtbot: QtBot) -> None:
    worker = Worker(lambda progress, cancel: None)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start()
    with pytest.raises(RuntimeError):
        worker.start()
