"""Issue 10, point 8, wizard side: each smaller problem reproduced through the page (each failed before)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    context,
    fill_sign_up,
    next_to,
    open_wizard,
    prepared_district,
    resume,
    wait_idle,
)
from wizard.credentials import memory_only_store
from wizard.flow import PageId
from wizard.sandbox.settings import FaultRule
from wizard.session.folders import documents_folder
from wizard.session.questions import FileQuestion, RecordedQuestions
from wizard.session.sharing import LOCK_QUESTION, NOT_YET, SAVE_AND_LOCK
from wizard.state import Mode, OnboardingState
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import write_pdf
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.vendor_import import VendorImportPage


def test_the_truncated_note_column_has_its_full_text_as_tooltip(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.VENDOR_IMPORT
    )
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VENDOR_IMPORT)
    page = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(page, VendorImportPage)
    qtbot.waitUntil(lambda: page.result is not None and not page.is_busy, timeout=WAIT_MS)
    model = page.proxy
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    note = titles.index("Note")
    notes = [model.index(row, note) for row in range(model.rowCount())]
    written = [index for index in notes if index.data()]
    assert written, "the demo roster gives every new student a note"
    assert all(index.data(Qt.ItemDataRole.ToolTipRole) == index.data() for index in written)


def test_sharing_shows_no_empty_green_banner_while_loading_or_after_a_failure(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path, no_retries: None
) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="amplify-curriculum", state_page=PageId.SHARING
    )
    embedded_hub.set_faults([FaultRule("/api/v1/districts/*/connections/*/sharing", error_rate=1.0, times=5)])
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    assert not page.recommendation.isVisible()  # loading
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert not page.recommendation.isVisible()  # the load failed: no empty green box
    embedded_hub.set_faults([])
    qtbot.mouseClick(page.banner.retry_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.SHARING)
    assert page.recommendation.isVisible() and page.recommendation.text().strip()


def test_an_inline_email_error_does_not_move_the_phone_field(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, context(OnboardingState(), credentials=memory_only_store()))
    next_to(qtbot, window, PageId.SIGN_UP)
    page = window.page_for(PageId.SIGN_UP)
    assert isinstance(page, SignUpPage)
    fill_sign_up(qtbot, page)
    phone = page.inputs["admin_phone"]
    before = phone.mapTo(window, phone.rect().topLeft()).y()
    email = page.inputs["admin_email"]
    email.clear()  # type: ignore[union-attr]
    qtbot.keyClicks(email, "dana@")
    assert page.errors["admin_email"].isVisible()
    qtbot.wait(10)  # let the layout settle
    assert phone.mapTo(window, phone.rect().topLeft()).y() == before


@pytest.mark.parametrize("answer", [NOT_YET, SAVE_AND_LOCK])
def test_saving_sharing_that_locks_the_type_asks_first(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path, questions: RecordedQuestions, answer: str
) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="amplify-curriculum", state_page=PageId.SHARING
    )
    assert ctx.state.app.connection_status == "connected"  # the vendor accepted
    questions.answer(LOCK_QUESTION, answer)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    page.type_buttons["schools"].setChecked(True)
    page.tree_model.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    asked = [q for q in questions.asked if q.key == LOCK_QUESTION]
    assert asked and "for good" in asked[0].text and "schools" in asked[0].text.lower()
    wait_idle(qtbot, window, PageId.SHARING)
    if answer == NOT_YET:
        assert not page.ready() and not page.lock_note.isVisible()  # nothing saved, nothing locked
    else:
        qtbot.waitUntil(page.ready, timeout=WAIT_MS)
        assert page.lock_note.isVisible()


def test_file_dialogs_open_in_the_last_folder_else_documents(
    qtbot: QtBot, tmp_path: Path, questions: RecordedQuestions
) -> None:
    page = PrepareRosterPage(context(OnboardingState(mode=Mode.OFFLINE), credentials=memory_only_store()))
    qtbot.addWidget(page)
    chosen = tmp_path / "exports" / "students.csv"
    chosen.parent.mkdir()
    chosen.write_text("Student_id\n1\n", encoding="utf-8")
    questions.choose_paths("sis-files", chosen)
    page.add_files_button.click()
    page.add_files_button.click()  # cancelled the second time
    starts = [q.start for q in questions.asked if isinstance(q, FileQuestion)]
    assert starts == [documents_folder(), chosen.parent]  # never the program's own folder
    assert page.input_paths() == [chosen]


def test_the_instructions_pdf_is_readable_by_the_user_only(qtbot: QtBot, tmp_path: Path) -> None:
    target = write_pdf("<h1>Lakeside High</h1><p>Sign in at the portal.</p>", tmp_path / "instructions.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind
