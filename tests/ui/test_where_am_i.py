"""Where am I (issue 16): the step panel follows the routing, ticks what is done, highlights the current step
and goes back to a step already passed by mouse or keyboard; the window's title and icon; the About dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import next_to, open_wizard, prepared_district, restore_context, resume, wait_idle
from wizard.about import version
from wizard.flow import PAGE_TITLES, PageId, journey
from wizard.logs import log_file_path
from wizard.session.steps import StepStatus
from wizard.state import data_dir
from wizard.ui.widgets.step_panel import PAGE_ROLE, StepPanel
from wizard.ui.wizard_window import ABOUT_BUTTON, OnboardingWizard
from wizard.ui.worker import Worker

DONE_BEFORE_SHARING = [
    PageId.SIGN_UP,
    PageId.IDENTITY_AND_SYNC,
    PageId.PREPARE_ROSTER,
    PageId.STAFF_ADMINS,
    PageId.ADD_APP,
]


def _panel_pages(window: OnboardingWizard) -> list[PageId]:
    items = window.step_panel.list
    return [PageId(items.item(row).data(PAGE_ROLE)) for row in range(items.count())]


def _status(window: OnboardingWizard) -> dict[PageId, tuple[StepStatus, bool]]:
    return {step.page: (step.status, step.reachable) for step in window.step_panel.steps}


def _resumed_at_sharing(qtbot: QtBot, hub: Any, tmp_path: Path, app_id: str) -> OnboardingWizard:
    ctx = prepared_district(hub, tmp_path / "sis", app_id=app_id, state_page=PageId.SHARING)
    ctx.state.completed_pages = [int(page) for page in DONE_BEFORE_SHARING]
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    wait_idle(qtbot, window, PageId.SHARING)
    return window


def test_the_offline_journey_lists_its_two_steps_and_welcome_is_one_click_back(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, restore_context())
    assert _panel_pages(window) == list(journey(window.ctx.state))  # the online list until offline is chosen
    assert (
        window.windowTitle()
        == f"Step 1 of {len(journey(window.ctx.state))}: Welcome — District Onboarding Wizard"
    )
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)

    assert _panel_pages(window) == [PageId.WELCOME, PageId.PREPARE_ROSTER] == list(journey(window.ctx.state))
    assert _status(window) == {
        PageId.WELCOME: (StepStatus.DONE, True),
        PageId.PREPARE_ROSTER: (StepStatus.CURRENT, False),
    }
    assert window.step_panel.list.item(0).text().startswith("✓")
    current = window.step_panel.list.item(1)
    assert current.text().startswith("▸") and current.font().bold() and current.isSelected()
    assert window.windowTitle() == "Step 2 of 2: Prepare roster files — District Onboarding Wizard"

    list_widget = window.step_panel.list
    qtbot.mouseClick(
        list_widget.viewport(),
        Qt.MouseButton.LeftButton,
        pos=list_widget.visualItemRect(list_widget.item(1)).center(),
    )
    assert window.currentId() == PageId.PREPARE_ROSTER  # the current step is not a way anywhere
    qtbot.mouseClick(
        list_widget.viewport(),
        Qt.MouseButton.LeftButton,
        pos=list_widget.visualItemRect(list_widget.item(0)).center(),
    )
    assert window.currentId() == PageId.WELCOME


def test_a_secure_sync_app_has_no_vendor_step_and_the_title_names_the_district(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    window = _resumed_at_sharing(qtbot, embedded_hub, tmp_path, "amplify-curriculum")
    pages = _panel_pages(window)
    assert pages == list(journey(window.ctx.state)) and PageId.VENDOR_IMPORT not in pages
    assert window.windowTitle() == (
        f"Cedar Unified — Step 7 of {len(pages)}: Sharing permissions — District Onboarding Wizard"
    )
    status = _status(window)
    assert all(status[page] == (StepStatus.DONE, True) for page in [PageId.WELCOME, *DONE_BEFORE_SHARING])
    assert status[PageId.SHARING] == (StepStatus.CURRENT, False)
    assert status[PageId.VALIDATE] == status[PageId.ROLL_OUT] == (StepStatus.TO_DO, False)


def test_an_app_without_secure_sync_adds_the_vendor_import_where_the_routing_puts_it(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(embedded_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.ADD_APP)
    ctx.state.completed_pages = [int(page) for page in DONE_BEFORE_SHARING[:-1]]
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ADD_APP)
    wait_idle(qtbot, window, PageId.ADD_APP)
    pages = _panel_pages(window)
    assert pages == list(journey(window.ctx.state))
    assert pages.index(PageId.VENDOR_IMPORT) == pages.index(PageId.ADD_APP) + 1
    assert len(pages) == len(PageId)
    window.page_for(PageId.ADD_APP).leave()  # its polls for the vendor's news stop
    qtbot.waitUntil(lambda: not Worker.running())


def test_the_keyboard_reaches_the_steps_and_goes_back_to_one_already_done(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    window = _resumed_at_sharing(qtbot, embedded_hub, tmp_path, "amplify-curriculum")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    list_widget = window.step_panel.list
    assert list_widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(window, Qt.Key.Key_F6)  # to the steps
    assert list_widget.hasFocus()
    assert PageId(list_widget.currentItem().data(PAGE_ROLE)) is PageId.SHARING
    qtbot.keyClick(list_widget, Qt.Key.Key_Down)  # Validate: not reached yet, Enter does nothing
    qtbot.keyClick(list_widget, Qt.Key.Key_Return)
    assert window.currentId() == PageId.SHARING
    for _ in range(4):
        qtbot.keyClick(list_widget, Qt.Key.Key_Up)  # Add app, Staff admins, then Prepare roster files
    assert PageId(list_widget.currentItem().data(PAGE_ROLE)) is PageId.PREPARE_ROSTER
    qtbot.keyClick(list_widget, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.currentId() == PageId.PREPARE_ROSTER)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    status = _status(window)
    assert status[PageId.PREPARE_ROSTER] == (StepStatus.CURRENT, False)
    # Completed further on, but no longer on the Back path: ticked, not a way back.
    assert status[PageId.ADD_APP] == (StepStatus.DONE, False)
    assert status[PageId.IDENTITY_AND_SYNC] == (StepStatus.DONE, True)
    assert list_widget.hasFocus()  # the keyboard user stays in the panel
    qtbot.keyClick(list_widget, Qt.Key.Key_F6)  # back to the page
    assert window.page_for(PageId.PREPARE_ROSTER).isAncestorOf(QApplication.focusWidget())
    qtbot.waitUntil(lambda: not Worker.running())  # what the pages passed on the way back had started


def test_screen_readers_hear_each_step_its_number_and_state(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    window = _resumed_at_sharing(qtbot, embedded_hub, tmp_path, "amplify-curriculum")
    list_widget = window.step_panel.list
    assert list_widget.accessibleName() == "Steps of the onboarding"
    assert list_widget.accessibleDescription().startswith("Step 7 of 9: Sharing permissions")
    spoken = [
        list_widget.item(row).data(Qt.ItemDataRole.AccessibleTextRole) for row in range(list_widget.count())
    ]
    assert spoken[2] == "Step 3 of 9: Identity provider and sync, done. Press Enter to go back to it."
    assert spoken[4] == "Step 5 of 9: Staff admins, done. Press Enter to go back to it."
    assert spoken[6] == "Step 7 of 9: Sharing permissions, current step."
    assert spoken[7] == "Step 8 of 9: Validate, not reached yet."
    assert all(PAGE_TITLES[page] in text for page, text in zip(_panel_pages(window), spoken, strict=True))


def test_the_panel_grows_with_the_font(qtbot: QtBot) -> None:
    panel = StepPanel()
    qtbot.addWidget(panel)
    font = QFont(panel.font())
    font.setPointSizeF(10)
    panel.setFont(font)
    narrow = panel.minimumWidth()
    font.setPointSizeF(20)
    panel.setFont(font)
    assert panel.minimumWidth() >= narrow * 1.8


def test_icon_and_about_dialog_with_version_folders_and_licences(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, restore_context())
    assert not window.windowIcon().isNull()
    about_button = window.button(ABOUT_BUTTON)
    assert about_button.isVisible() and about_button.text() == "About"
    qtbot.mouseClick(about_button, Qt.MouseButton.LeftButton)
    dialog = window.about_dialog
    assert dialog is not None and dialog.isVisible()
    text = " ".join(label.text() for label in dialog.findChildren(type(dialog.data_folder)))
    assert f"Version {version()}" in text
    assert dialog.data_folder.text() == str(data_dir()) and dialog.log_file.text() == str(log_file_path())
    rows = {
        dialog.components.item(row, 0).text(): dialog.components.item(row, 2).text()
        for row in range(dialog.components.rowCount())
    }
    assert rows["Python"] == "PSF-2.0"
    assert any("LGPL-3.0" in licence for name, licence in rows.items() if name.lower().startswith("pyside6"))
    assert all(rows.values())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert dialog.isVisible()
    dialog.close()
    assert window.button(QWizard.WizardButton.NextButton).isVisible()
