"""Resume: a walk interrupted at every page continues, in a new wizard, at the same page with the same inputs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    choose_app,
    fill_sign_up,
    next_to,
    restore_context,
    resume,
    wait_idle,
    write_sis_files,
    write_vendor_roster,
)
from wizard.credentials import process_keyring_store
from wizard.flow import PageId
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.wizard_window import OnboardingWizard
from wizard.ui.worker import Worker

pytestmark = [pytest.mark.usefixtures("fast_polls"), pytest.mark.timeout(180)]


class Session:
    """One wizard at a time over the same data folder, hub and keyring, like an admin reopening the app."""

    def __init__(self, qtbot: QtBot, hub: Any) -> None:
        self.qtbot, self.hub, self.credentials = qtbot, hub, process_keyring_store()
        self.window = self._open()

    def _open(self) -> OnboardingWizard:
        window = OnboardingWizard(restore_context(embedded_hub=self.hub, credentials=self.credentials))
        self.qtbot.addWidget(window)
        window.show()
        return window

    def restart(self, expected: PageId) -> OnboardingWizard:
        self.window.close()
        self.window = self._open()
        resume(self.qtbot, self.window, expected)
        return self.window


def test_every_page_resumes_with_its_inputs(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    sis = write_sis_files(tmp_path / "sis")
    session = Session(qtbot, embedded_hub)
    window = session.window
    assert not window.page_for(PageId.WELCOME).resume.isEnabled()  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.SIGN_UP)

    # Sign up: half-typed, never sent.
    sign_up = window.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    qtbot.keyClicks(sign_up.inputs["name"], "Maple Valley Unified")
    qtbot.keyClicks(sign_up.inputs["admin_email"], "dana@maplevalley.k12.ca.us")
    window = session.restart(PageId.SIGN_UP)
    sign_up = window.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    assert sign_up.inputs["name"].text() == "Maple Valley Unified"  # type: ignore[union-attr]
    assert sign_up.inputs["admin_email"].text() == "dana@maplevalley.k12.ca.us"  # type: ignore[union-attr]
    fill_sign_up(qtbot, sign_up)
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    district_id = window.ctx.state.district_id

    # Identity and sync: chosen, not yet sent.
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    identity._select(identity.identity_group, "badges")
    identity._select(identity.sync_group, "sftp")
    window = session.restart(PageId.IDENTITY_AND_SYNC)
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    assert (identity._selected(identity.identity_group), identity._selected(identity.sync_group)) == (
        "badges",
        "sftp",
    )
    assert window.ctx.state.district_id == district_id  # a second run finds the saved district
    next_to(qtbot, window, PageId.PREPARE_ROSTER)

    # Prepare: inputs chosen; then uploaded.
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    prepare.add_inputs([sis])
    window = session.restart(PageId.PREPARE_ROSTER)
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    assert prepare.input_paths() == [sis]
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)  # checked again on its own
    qtbot.mouseClick(prepare.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.roster.upload_status == "succeeded", timeout=WAIT_MS)
    window = session.restart(PageId.PREPARE_ROSTER)
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    qtbot.waitUntil(lambda: "accepted your roster" in prepare.upload_status.text(), timeout=WAIT_MS)
    next_to(qtbot, window, PageId.STAFF_ADMINS)  # optional: nobody to add
    next_to(qtbot, window, PageId.ADD_APP)

    # Add app: authorized, then the wizard is closed while the vendor takes its time.
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Symphony Math")
    embedded_hub.settings.vendor_delay = 3600.0
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.ctx.state.app.connection_status == "pending_vendor_acceptance", timeout=WAIT_MS
    )
    wait_idle(qtbot, window, PageId.ADD_APP)
    window.close()
    embedded_hub.settings.vendor_delay = 0.0  # the vendor answers while the wizard is closed
    window = session.restart(PageId.ADD_APP)
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    qtbot.waitUntil(lambda: add_app.send_button.isVisibleTo(add_app), timeout=WAIT_MS)
    assert add_app.selected_app() is not None and add_app.selected_app().name == "Symphony Math"  # type: ignore[union-attr]
    assert "1 new entry since you last looked" in add_app.status_text.text()
    assert add_app.history.item(add_app.history.count() - 1).text().startswith("★ New")
    qtbot.keyClicks(add_app.reply, "Imported, with SIS ids in ExternalID.")
    qtbot.mouseClick(add_app.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.app.connection_status == "connected", timeout=WAIT_MS)
    next_to(qtbot, window, PageId.VENDOR_IMPORT)

    # Vendor import: a roster loaded and a decision taken.
    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    twin, candidates = write_vendor_roster(sis, tmp_path / "export.csv")
    vendor.choose_roster_path = lambda: tmp_path / "export.csv"  # type: ignore[method-assign]
    qtbot.mouseClick(vendor.roster_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    vendor.decide(twin, candidates[0])
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    window = session.restart(PageId.VENDOR_IMPORT)
    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert str(tmp_path / "export.csv") in vendor.roster_label.text()
    assert vendor.result.counts.needs_decision == 0 and vendor.result.counts.linked == 3
    vendor.write(tmp_path / "vendor_out")
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    next_to(qtbot, window, PageId.SHARING)

    # Sharing: a draft, not saved.
    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    sharing.type_buttons["sections"].setChecked(True)
    school = sharing.tree_model.item(2)
    school.child(0).setCheckState(Qt.CheckState.Checked)
    picked = sharing.checked_ids("section")
    window = session.restart(PageId.SHARING)
    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    assert sharing.selected_type() == "sections"
    assert sharing.checked_ids("section") == picked
    assert not sharing.ready()  # still a draft: not saved
    qtbot.waitUntil(lambda: "Would share: 1 school," in sharing.preview.text(), timeout=WAIT_MS)
    qtbot.mouseClick(sharing.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(sharing.ready, timeout=WAIT_MS)
    next_to(qtbot, window, PageId.VALIDATE)

    window = session.restart(PageId.VALIDATE)
    wait_idle(qtbot, window, PageId.VALIDATE)
    next_to(qtbot, window, PageId.ROLL_OUT)

    # Roll out: a launch date picked, not launched.
    roll_out = window.page_for(PageId.ROLL_OUT)
    assert isinstance(roll_out, RollOutPage)
    later = date.today() + timedelta(days=14)
    roll_out.launch_date.setDate(QDate(later.year, later.month, later.day))
    window = session.restart(PageId.ROLL_OUT)
    roll_out = window.page_for(PageId.ROLL_OUT)
    assert isinstance(roll_out, RollOutPage)
    assert roll_out.launch_date.date().toPython() == later
    assert not window.ctx.state.launched
    wait_idle(qtbot, window, PageId.ROLL_OUT)
    # The page's quiet background load (the shared users for the preview) is let finish, not cut off.
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)
    window.close()
