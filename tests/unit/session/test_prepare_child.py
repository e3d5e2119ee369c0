"""The GUI's roster check in a child process: the same result as in-process, progress, Cancel, failures."""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from wizard.demo import write_demo_sis_files
from wizard.errors import UserFacingError
from wizard.roster.pipeline import PrepareOptions, prepare
from wizard.session import prepare_child
from wizard.session.prepare_child import CheckFailed, check_in_child
from wizard.session.preview import cell_problems, issue_search_text
from wizard.tasks import Cancelled, CancelToken

SLOW_CHILD = """
import json, time
print(json.dumps({"done": 2, "total": 10, "message": "Reading a very large export"}), flush=True)
time.sleep(120)
"""


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The check's own folders go here, so a test can see that none is left behind."""
    root = tmp_path / "temp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def _inputs(tmp_path: Path) -> Path:
    folder = write_demo_sis_files(tmp_path / "in")
    students = folder / "students.csv"
    lines = students.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("Grade")] = "banana"  # an error that lands on a cell
    students.write_text("\n".join([*lines, ",".join(bad)]) + "\n", encoding="utf-8")
    return folder


def test_the_child_gives_the_in_process_result_with_progress(tmp_path: Path, temp_root: Path) -> None:
    inputs = _inputs(tmp_path)
    updates: list[tuple[int, int, str]] = []
    checked = check_in_child(
        [inputs], None, lambda done, total, message: updates.append((done, total, message))
    )
    expected = prepare([inputs], PrepareOptions())
    assert checked.tables.keys() == expected.tables.keys()
    for kind, frame in expected.tables.items():
        pd.testing.assert_frame_equal(checked.tables[kind], frame)
        assert checked.error_rows[kind].equals(expected.error_rows[kind])
        assert checked.origins[kind]["file"].astype(str).tolist() == expected.origins[kind]["file"].tolist()
        pd.testing.assert_series_equal(checked.origins[kind]["row"], expected.origins[kind]["row"])
        assert checked.cell_problems[kind] == cell_problems(expected, kind)
    pd.testing.assert_frame_equal(checked.issue_frame, expected.issue_frame)
    assert checked.error_count >= 1 and checked.summary() == expected.summary()
    assert checked.issue_search is not None
    assert checked.issue_search.tolist() == issue_search_text(expected.issue_frame).tolist()
    assert any("students" in message.lower() for _, _, message in updates)  # the engine's own steps
    assert list(temp_root.iterdir()) == []  # the result folder is gone once read


def test_cancel_kills_the_child_and_removes_its_folder(
    tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(prepare_child, "child_command", lambda folder: [sys.executable, "-c", SLOW_CHILD])
    monkeypatch.setattr(prepare_child.subprocess, "Popen", popen)
    cancel = CancelToken()
    updates: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        updates.append((done, total, message))
        cancel.cancel()  # mid-way: as soon as the child has said something

    with pytest.raises(Cancelled):
        check_in_child([tmp_path], None, progress, cancel)
    assert updates[0] == (2, 10, "Reading a very large export")
    assert children[0].poll() is not None  # killed, not left running
    assert list(temp_root.iterdir()) == []


def test_a_quiet_step_still_shows_signs_of_life(
    tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_child, "child_command", lambda folder: [sys.executable, "-c", SLOW_CHILD])
    cancel = CancelToken()
    updates: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        updates.append(message)
        if sum(message.startswith("Reading a very large export (") for message in updates) == 3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        check_in_child([tmp_path], None, progress, cancel, tick=0.05)
    said = updates.index("Reading a very large export")  # the child's own report, then the seconds it takes
    assert all(message.startswith("Reading a very large export (") for message in updates[said + 1 :])
    assert all(message.startswith("Starting the check (") for message in updates[:said])


def test_the_engines_own_words_come_back_for_a_users_mistake(tmp_path: Path, temp_root: Path) -> None:
    (tmp_path / "notes.txt").write_bytes(b"\x00\x01 not a roster")
    with pytest.raises(UserFacingError) as raised:
        check_in_child([tmp_path / "notes.txt"], None)
    assert not isinstance(raised.value, CheckFailed)
    assert "None of the inputs could be read" in raised.value.message
    assert "Traceback" not in str(raised.value)
    assert list(temp_root.iterdir()) == []


@pytest.mark.expected_warning_log(r"roster check child failed")
def test_a_crash_in_the_child_is_one_clear_sentence_and_logged(
    tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    crash = "import sys; sys.stderr.write('Traceback (most recent call last): boom'); sys.exit(3)"
    monkeypatch.setattr(prepare_child, "child_command", lambda folder: [sys.executable, "-c", crash])
    with caplog.at_level(logging.ERROR), pytest.raises(CheckFailed) as raised:
        check_in_child([tmp_path], None)
    assert "internal problem (exit code 3)" in raised.value.message
    assert "boom" not in str(raised.value)
    assert "boom" in caplog.text  # the child's traceback is in the log for support
    assert list(temp_root.iterdir()) == []


def test_a_defect_inside_the_engine_is_reported_by_the_child(
    tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the child's own side, run here: an unexpected exception becomes a "failed" event, not a traceback line
    folder = tmp_path / "request"
    folder.mkdir()
    (folder / prepare_child.REQUEST_NAME).write_text('{"inputs": []', encoding="utf-8")  # cut short
    assert prepare_child.child_main([str(folder)]) == 1
    out = capsys.readouterr()
    assert '"event": "failed"' in out.out and "JSONDecodeError" in out.out
    assert "Traceback" in out.err and "Traceback" not in out.out


def test_the_worker_thread_only_waits(tmp_path: Path, temp_root: Path) -> None:
    # the check's thread spends its time blocked on the child, so another thread keeps running meanwhile
    beats: list[int] = []
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.is_set():
            beats.append(1)
            stop.wait(0.01)

    thread = threading.Thread(target=heartbeat)
    thread.start()
    try:
        check_in_child([_inputs(tmp_path)], None)
    finally:
        stop.set()
        thread.join()
    assert len(beats) > 10
