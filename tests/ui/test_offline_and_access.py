"""Offline preparation (no hub, no account) and keyboard/accessibility basics on every page."""

from __future__ import annotations

import csv
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, context, fill_sign_up, next_to, open_wizard, restore_context, wait_idle
from wizard.credentials import process_keyring_store
from wizard.demo import write_demo_sis_files
from wizard.flow import PageId
from wizard.session.questions import RecordedQuestions
from wizard.state import OnboardingState, load_state
from wizard.ui.pages.prepare_roster import CLOSE_QUESTION, PrepareRosterPage


def test_offline_preparation_needs_no_hub(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = context(None, credentials=process_keyring_store())
    window = open_wizard(qtbot, ctx)
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    assert not page.upload_button.isVisible()
    assert page.demo_button.isVisible()
    finish = window.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    assert page.result.error_count == 0
    assert page.code_filter.count() > 1  # counts per problem code
    out = tmp_path / "hub_files"
    page.choose_export_folder = lambda: out  # type: ignore[method-assign]
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    with (out / "students.csv").open(encoding="utf-8", newline="") as stream:
        students = list(csv.DictReader(stream))
    assert len(students) == 57 and students[0]["Student_id"] == "010001"  # leading zeros kept
    assert finish.isEnabled()
    assert ctx._embedded is None  # nothing started a hub
    saved = load_state()
    assert saved is not None and saved.roster.export_dir == str(out)


def test_the_issue_list_filters_live(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    page.use_demo_files()
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    total = page.issue_proxy.rowCount()
    code = str(page.code_filter.itemData(1))
    page.code_filter.setCurrentIndex(1)
    assert 0 < page.issue_proxy.rowCount() < total
    assert all(page.issue_proxy.index(r, 1).data() == code for r in range(page.issue_proxy.rowCount()))
    page.code_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.text_filter, "enrollment")
    assert 0 < page.issue_proxy.rowCount() < total
    assert f"of {total} issues" in page.issue_count.text()


def test_demo_files_are_not_offered_for_a_real_hub(qtbot: QtBot) -> None:
    state = OnboardingState(hub_url="https://hub.example.org", district_id="d1")
    window = open_wizard(qtbot, context(state, credentials=process_keyring_store()))
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    page.initializePage()
    assert page.demo_button.isHidden()


def _part_of_another_control(widget: QWidget) -> bool:
    """Qt's own sub-widgets (a combo box's popup and line edit, a table's corner button) are named by their owner."""
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, QComboBox | QDateEdit | QAbstractItemView | QTabBar | QLineEdit):
            return True
        parent = parent.parent()
    return False


def test_every_control_on_every_page_has_a_name_and_a_focus_policy(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    missing: list[str] = []
    for page_id in PageId:
        page = window.page_for(page_id)
        for widget in page.findChildren(QAbstractButton):
            if _part_of_another_control(widget):
                continue
            if not (widget.accessibleName() or widget.text().replace("&", "").strip()):
                missing.append(f"{page_id.name}: {type(widget).__name__} {widget.objectName()}")
        for kind in (QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QAbstractItemView):
            for widget in page.findChildren(kind):
                if _part_of_another_control(widget):
                    continue
                if not widget.accessibleName():
                    missing.append(f"{page_id.name}: {type(widget).__name__}")
    assert not missing, missing
    # Mnemonics: the main actions of each page have an Alt+letter shortcut.
    labels = [
        b.text()
        for p in PageId
        for b in window.page_for(p).findChildren(QAbstractButton)
        if b.text() and not _part_of_another_control(b)
    ]
    with_mnemonic = [text for text in labels if "&" in text]
    assert len(with_mnemonic) >= 0.6 * len(labels), labels


SLOW_CHILD = """
import json, sys, time
print(json.dumps({"done": 1, "total": 10, "message": "Reading a very large export…"}), flush=True)
time.sleep(120)
"""


def test_checking_can_be_cancelled(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The check runs in a child process: its progress reaches the bar, Cancel kills it, an exported set
    stays as it was."""
    import sys

    from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs
    from wizard.session import prepare_child

    inputs = write_demo_sis_files(tmp_path / "in")
    exported = tmp_path / "exported"
    write_outputs(prepare([inputs], PrepareOptions()), exported, allow_errors=True)
    before = {path.name: path.read_bytes() for path in exported.iterdir()}
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(prepare_child, "child_command", lambda folder: [sys.executable, "-c", SLOW_CHILD])
    monkeypatch.setattr(prepare_child.subprocess, "Popen", popen)
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    page.add_inputs([inputs])
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.busy.bar.maximum() == 10, timeout=WAIT_MS)  # the child's progress
    assert "Reading a very large export" in page.busy.label.text()
    assert page.busy.cancel_button.isVisible()
    assert not window.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(page.busy.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy, timeout=WAIT_MS)
    assert "stopped" in page.summary.text()
    assert page.result is None and not page.banner.isVisible()
    assert len(children) == 1 and children[0].poll() is not None  # killed, not left running
    assert {path.name: path.read_bytes() for path in exported.iterdir()} == before


@pytest.mark.expected_warning_log(r"roster check child failed")
def test_a_failing_check_shows_a_message_not_a_traceback(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from wizard.session import prepare_child

    crash = "import sys; sys.stderr.write('Traceback (most recent call last): boom'); sys.exit(3)"
    monkeypatch.setattr(prepare_child, "child_command", lambda folder: [sys.executable, "-c", crash])
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    page.add_inputs([write_demo_sis_files(tmp_path / "in")])
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy and page.banner.isVisible(), timeout=WAIT_MS)
    shown = page.banner.findChildren(QLabel)
    text = " ".join(label.text() for label in shown)
    assert "stopped because of an internal problem" in text and "exit code 3" in text
    assert "Traceback" not in text and "boom" not in text
    assert page.result is None


def test_the_wizard_starts_its_own_hub_when_needed_and_stops_it_on_close(qtbot: QtBot) -> None:
    import requests

    from wizard.app.hub import embedded_hub_starter
    from wizard.sandbox.settings import HubSettings
    from wizard.state import data_dir

    ctx = context(
        None,
        credentials=process_keyring_store(),
        start_hub=embedded_hub_starter(HubSettings(vendor_delay=0.0)),
    )
    window = open_wizard(qtbot, ctx)
    assert ctx._embedded is None  # nothing runs until a page needs the hub
    next_to(qtbot, window, PageId.SIGN_UP)
    fill_sign_up(qtbot, window.page_for(PageId.SIGN_UP))  # type: ignore[arg-type]
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    hub = ctx._embedded
    assert hub is not None and hub.host == "127.0.0.1" and hub.port > 0
    assert (data_dir() / "embedded-hub.sqlite3").exists()  # the district outlives this run
    base_url = hub.base_url
    direct = requests.Session()
    direct.trust_env = False  # straight to the loopback port, never through a proxy
    assert direct.get(f"{base_url}/healthz", timeout=5).ok
    window.close()
    assert ctx._embedded is None
    with pytest.raises(requests.ConnectionError):
        direct.get(f"{base_url}/healthz", timeout=2)


def test_enter_moves_on_when_the_page_is_ready(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.currentId() == PageId.PREPARE_ROSTER


def test_an_edited_mapping_is_used_and_remembered(qtbot: QtBot) -> None:
    from wizard.session.prepare import mapping_file
    from wizard.ui.models import MappingModel

    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    page.use_demo_files()
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    assert page.result.tables["schools"]["Principal"].str.len().gt(0).all()
    model = page.mapping_model
    row = next(
        r
        for r in range(model.rowCount())
        if (model.index(r, 0).data(), model.index(r, 2).data()) == ("schools.csv", "Principal")
    )
    assert model.setData(model.index(row, MappingModel.TARGET_COLUMN), "")  # ignore the column
    qtbot.mouseClick(page.apply_mapping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    assert page.result.tables["schools"]["Principal"].eq("").all()
    assert mapping_file("offline").is_file()
    window.close()

    again = open_wizard(qtbot, restore_context(credentials=process_keyring_store()))
    next_to(qtbot, again, PageId.PREPARE_ROSTER)  # resume is preselected
    page = again.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)  # checked again with the saved mapping
    assert page.result.tables["schools"]["Principal"].eq("").all()


@pytest.mark.parametrize("choice", ["back", "close", "export"])
def test_finishing_offline_with_nothing_exported_asks_first_and_keeps_the_work(
    qtbot: QtBot, tmp_path: Path, choice: str, questions: RecordedQuestions
) -> None:
    ctx = context(None, credentials=process_keyring_store())
    window = open_wizard(qtbot, ctx)
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    questions.answer(CLOSE_QUESTION, choice)
    out = tmp_path / "hub_files"
    questions.choose_paths("export-folder", out)
    finish = window.button(QWizard.WizardButton.FinishButton)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    asked = [question.text for question in questions.asked if question.key == CLOSE_QUESTION]
    assert asked and "not exported" in asked[0]
    if choice == "back":
        assert window.isVisible() and window.currentId() == PageId.PREPARE_ROSTER
    elif choice == "close":
        assert not window.isVisible()
    else:
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
        assert (out / "students.csv").is_file()
    saved = load_state()
    assert saved is not None and saved.roster.input_paths  # the prepared work is kept either way
    assert PageId.PREPARE_ROSTER in saved.completed_pages


def test_finishing_offline_after_an_export_does_not_ask(
    qtbot: QtBot, tmp_path: Path, questions: RecordedQuestions
) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    page.export(tmp_path / "out")
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    qtbot.mouseClick(window.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert CLOSE_QUESTION not in questions.asked_keys(), "asked although everything was exported"
    assert not window.isVisible()


@pytest.mark.parametrize("choice", ["back", "close"])
def test_closing_the_window_offline_with_nothing_exported_asks_too(
    qtbot: QtBot, choice: str, questions: RecordedQuestions
) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    questions.answer(CLOSE_QUESTION, choice)
    window.close()
    asked = [question.text for question in questions.asked if question.key == CLOSE_QUESTION]
    assert asked and "not exported" in asked[0]
    assert window.isVisible() == (choice == "back")
    saved = load_state()
    assert saved is not None and saved.roster.input_paths


def test_the_export_writes_the_chosen_standard_sets_beside_the_hub_files(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The GUI's export offered only the hub set; the command line had --target oneroster/sds."""
    ctx = context(None, credentials=process_keyring_store())
    window = open_wizard(qtbot, ctx)
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    assert [box.text() for box in page.target_boxes.values()] == ["OneRoster 1.1", "Microsoft SDS v2.1"]
    assert not any(box.isChecked() for box in page.target_boxes.values())
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    page.target_boxes["oneroster"].setChecked(True)
    page.target_boxes["sds"].setChecked(True)
    out = tmp_path / "hub_files"
    page.choose_export_folder = lambda: out  # type: ignore[method-assign]
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    assert (out / "students.csv").is_file()
    with zipfile.ZipFile(out / "oneroster_1.1.zip") as bundle:
        assert {"manifest.csv", "users.csv", "enrollments.csv"} <= set(bundle.namelist())
    assert (out / "sds_v2.1" / "users.csv").is_file()
    assert "OneRoster 1.1 (oneroster_1.1.zip), Microsoft SDS v2.1 (sds_v2.1)" in page.upload_status.text()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["targets"]) == {"oneroster", "sds"}
    saved = load_state()
    assert saved is not None and saved.roster.export_targets == ["oneroster", "sds"]

    page.target_boxes["sds"].setChecked(False)  # the next export leaves no SDS set that disagrees
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    assert (out / "oneroster_1.1.zip").is_file() and not (out / "sds_v2.1").exists()
    assert load_state().roster.export_targets == ["oneroster"]  # type: ignore[union-attr]
    page.initializePage()  # coming back to the page: the choice is kept
    assert page.target_boxes["oneroster"].isChecked() and not page.target_boxes["sds"].isChecked()
