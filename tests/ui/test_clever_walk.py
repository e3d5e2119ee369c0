"""The clever.com journey in the GUI: guided dashboard steps ticked and recorded, real steps done — the files
sent over SFTP to the built-in hub's SFTP server standing in for sftp.clever.com — through to Roll out, with a
resume in the middle. The context has no hub API to call: a page that tried would fail the walk."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    context,
    next_to,
    open_wizard,
    restore_context,
    resume,
    wait_idle,
    write_sis_files,
    write_vendor_roster,
)
from wizard.credentials import process_keyring_store
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.server import RunningHub, SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings
from wizard.session import clever
from wizard.state import GuidedStep, to_json
from wizard.ui.pages.clever_identity import CleverIdentityPage
from wizard.ui.pages.clever_validate import CleverValidatePage
from wizard.ui.pages.guided import CleverAddAppPage, CleverSharingPage, CleverSignUpPage, GuidedPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.widgets.guided_step import GuidedStepBox
from wizard.ui.wizard_window import OnboardingWizard

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def sftp_hub(tmp_path: Path) -> Iterator[RunningHub]:
    hub = start_hub(
        tmp_path / "hub.sqlite3",
        settings=HubSettings(vendor_delay=0.0, random_seed=1),
        sftp=SftpOptions(port=0, quiet_seconds=0.5),
    )
    yield hub
    hub.stop()


def dashboard_account(hub: RunningHub) -> tuple[str, str, str, str, int, str]:
    """What the dashboard's Sync settings would show: a district account on the stand-in SFTP server."""
    with OnboardingClient(hub.base_url) as client:
        signed = client.signup(
            {
                "name": "Maple Valley Unified",
                "state": "CA",
                "nces_id": "0601234",
                "sis_vendor": "PowerSchool",
            },
            {"name": "Dana Whitfield", "email": "dana@maplevalley.k12.ca.us", "phone": "5552014400"},
        )
        district = signed.district.id
        client.set_sync_method(district, "sftp")
        settings = client.sftp_settings(district)
        password = client.rotate_sftp_password(district).password
    return district, signed.admin_token, settings.username, settings.host, settings.port, password


def fill(qtbot: QtBot, box: GuidedStepBox, **values: str) -> None:
    """Enter what the admin chose in the dashboard, as they would in each kind of input."""
    for key, value in values.items():
        widget = box.inputs[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findData(value))
        elif isinstance(widget, QDateEdit):
            widget.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, QListWidget):
            wanted = set(value.split())
            for row in range(widget.count()):
                item = widget.item(row)
                if item.data(Qt.ItemDataRole.UserRole) in wanted:
                    item.setCheckState(Qt.CheckState.Checked)
        elif isinstance(widget, QLineEdit):
            widget.clear()
            qtbot.keyClicks(widget, value)


def tick(qtbot: QtBot, box: GuidedStepBox) -> None:
    qtbot.mouseClick(box.done, Qt.MouseButton.LeftButton, pos=QPoint(8, box.done.height() // 2))
    assert box.done.isChecked(), box.said.text()


def next_button(window: OnboardingWizard) -> bool:
    return window.button(QWizard.WizardButton.NextButton).isEnabled()


def test_the_clever_com_journey_guides_the_dashboard_and_does_the_rest(
    qtbot: QtBot, sftp_hub: RunningHub, tmp_path: Path
) -> None:
    sis = write_sis_files(tmp_path / "sis")
    district, token, username, host, port, password = dashboard_account(sftp_hub)
    opened: list[str] = []
    credentials = process_keyring_store()
    ctx = context(start_hub=None, credentials=credentials, open_url=opened.append)  # no hub API at all
    window = open_wizard(qtbot, ctx)
    welcome = window.page_for(PageId.WELCOME)
    welcome.clever.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.SIGN_UP)
    assert ctx.state.on_clever and ctx.state.sync_method == "sftp"

    # Sign-up (guided): the dashboard page opens in the browser; Done needs the district's name first.
    sign_up = window.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, CleverSignUpPage)
    box = sign_up.boxes[GuidedStep.SIGN_UP]
    lead = sign_up.findChild(QLabel, "lead")
    assert lead is not None and "clever.com has no interface" in lead.text()
    qtbot.mouseClick(box.open_button, Qt.MouseButton.LeftButton)
    assert opened == ["https://clever.com/signup"]
    assert not next_button(window)
    qtbot.mouseClick(box.done, Qt.MouseButton.LeftButton, pos=QPoint(8, box.done.height() // 2))
    assert not box.done.isChecked() and "to tick done, fill in" in box.said.text().lower()
    fill(
        qtbot,
        box,
        district_name="Maple Valley Unified",
        admin_name="Dana Whitfield",
        admin_email="dana@maplevalley.k12.ca.us",
    )
    assert "Maple Valley Unified" in box.check.text()
    tick(qtbot, box)
    assert box.said.text().startswith("✓ You said your district Maple Valley Unified")
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)

    # Identity (guided) and the SFTP account from the dashboard (real: the password goes to the keyring).
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, CleverIdentityPage)
    assert identity.sftp_box.host.text() == "sftp.clever.com"  # clever.com's server, until the admin types
    assert not identity.sftp_box.fetch_button.isVisible()  # clever.com has no API that hands it out
    fill(qtbot, identity.guided, provider="google")
    tick(qtbot, identity.guided)
    assert not next_button(window)  # the SFTP account is still missing
    for widget, text in ((identity.sftp_box.username, username), (identity.sftp_box.host, host)):
        widget.clear()
        qtbot.keyClicks(widget, text)
    identity.sftp_box.port.setValue(port)
    qtbot.keyClicks(identity.sftp_box.password, password)
    qtbot.mouseClick(identity.settings_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == clever.SYNC_SETTINGS_URL
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    assert credentials.sftp_password(host, port, username) == password
    assert password not in to_json(ctx.state)  # the keyring only
    assert ctx.state.identity_provider == "google"

    # Prepare and send over SFTP (real), to the stand-in server; its host key is pinned and shown.
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    assert not prepare.demo_button.isVisible()  # no demo district on a real hub
    assert prepare.upload_button.text().replace("&", "") == "Send to clever.com over SFTP"
    prepare.add_inputs([sis])
    qtbot.mouseClick(prepare.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)
    assert not next_button(window)
    qtbot.mouseClick(prepare.upload_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    qtbot.waitUntil(lambda: prepare.upload_status.text().startswith("✓ Sent 5 files"), timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    assert sftp_hub.sftp is not None
    assert ctx.state.sftp.host_key_fingerprint == sftp_hub.sftp.fingerprint
    assert sftp_hub.sftp.fingerprint in prepare.upload_status.text()
    assert "dashboard's Sync page" in prepare.upload_status.text()
    next_to(qtbot, window, PageId.ADD_APP)

    # Add and authorize the app (guided): an app without Secure Sync brings in the vendor import page.
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, CleverAddAppPage)
    fill(qtbot, add_app.boxes[GuidedStep.ADD_APP], app_name="Symphony Math", roster_route="import")
    tick(qtbot, add_app.boxes[GuidedStep.ADD_APP])
    next_to(qtbot, window, PageId.VENDOR_IMPORT)

    # The vendor import file (real).
    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert vendor.profile.currentData() == "symphony-math"
    twin, candidates = write_vendor_roster(sis, tmp_path / "symphony_export.csv")
    vendor.choose_roster_path = lambda: tmp_path / "symphony_export.csv"  # type: ignore[method-assign]
    qtbot.mouseClick(vendor.roster_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    vendor.decide(twin, candidates[1])
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    vendor.write(tmp_path / "vendor_out")
    qtbot.waitUntil(lambda: ctx.state.vendor.written, timeout=WAIT_MS)
    assert not vendor.tell_button.isVisible()  # no hub to tell the vendor through: the admin emails them
    next_to(qtbot, window, PageId.SHARING)

    # Sharing (guided): the type and the schools, picked from the files sent; then an interruption.
    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, CleverSharingPage)
    sharing_box = sharing.boxes[GuidedStep.SHARING]
    schools = sharing_box.inputs["schools"]
    assert isinstance(schools, QListWidget) and schools.count() == 4
    fill(qtbot, sharing_box, sharing_type="schools", schools="101 102 201")
    assert "Sharing: Schools; 3 schools: Maple Valley Elementary" in sharing_box.check.text()
    tick(qtbot, sharing_box)
    window.close()

    # Resume in a new wizard: the clever.com pages come back with what was recorded.
    ctx = restore_context(start_hub=None, credentials=credentials, open_url=opened.append)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, CleverSharingPage)
    sharing_box = sharing.boxes[GuidedStep.SHARING]
    assert sharing_box.done.isChecked()
    assert "You said you set sharing to Schools (3 schools:" in sharing_box.said.text()
    assert ctx.state.sharing.sharing_type == "schools"
    assert ctx.state.sharing.school_ids == ["101", "102", "201"]
    assert [PageId(page) for page in window.visitedIds()] == [
        PageId.WELCOME,
        PageId.SIGN_UP,
        PageId.IDENTITY_AND_SYNC,
        PageId.PREPARE_ROSTER,
        PageId.ADD_APP,
        PageId.VENDOR_IMPORT,
        PageId.SHARING,
    ]
    assert isinstance(window.page_for(PageId.SIGN_UP), GuidedPage)
    assert not next_button(window)  # staff admins not ticked yet
    staff = sharing.boxes[GuidedStep.STAFF_ADMINS]
    fill(qtbot, staff, admins="lee@maplevalley.k12.ca.us\nkim@maplevalley.k12.ca.us")
    tick(qtbot, staff)
    next_to(qtbot, window, PageId.VALIDATE)

    # Validate on clever.com: counts typed from the dashboard, a mismatch explained; warnings; login links.
    validate = window.page_for(PageId.VALIDATE)
    assert isinstance(validate, CleverValidatePage)
    wait_idle(qtbot, window, PageId.VALIDATE)
    assert not next_button(window)
    with (sis / "students.csv").open(encoding="utf-8", newline="") as stream:
        students = sum(1 for _ in csv.DictReader(stream))
    dashboard = {"schools": 4, "teachers": 27, "sections": 56, "students": students - 2, "enrollments": 52}
    for kind, count in dashboard.items():
        validate.type_count(kind, count)
    assert "clever.com shows 2 fewer students than your files" in validate.mismatch_note.text()
    assert "School_id is in schools.csv" in validate.mismatch_note.text()
    validate.type_count("students", students)
    assert "✓ clever.com holds exactly what your files hold." in validate.mismatch_note.text()
    assert validate.warnings.rowCount() > 0  # the engine's data warnings on the files
    validate.choose_open_path = lambda: tmp_path / "symphony_export.csv"  # type: ignore[method-assign]
    qtbot.mouseClick(validate.vendor_roster_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "checked against" in validate.login_check.text(), timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.VALIDATE)
    assert f"of {students} students in your files" in validate.login_check.text()
    assert ctx.state.clever.login_check_students == students
    qtbot.mouseClick(validate.open_button, Qt.MouseButton.LeftButton)
    next_to(qtbot, window, PageId.ROLL_OUT)

    # Roll out: the launch date is guided; the instructions (PDF) and the summary are written.
    roll_out = window.page_for(PageId.ROLL_OUT)
    assert isinstance(roll_out, RollOutPage)
    assert not roll_out.launch_box.isVisible() and not roll_out.portal_box.isVisible()
    assert not window.button(QWizard.WizardButton.FinishButton).isEnabled()
    fill(qtbot, roll_out.guided, launch_date="2027-01-11", portal_url="https://clever.com/in/maplevalley")
    tick(qtbot, roll_out.guided)
    assert ctx.state.launch_date == "2027-01-11" and not ctx.state.launched  # guided, not done by the wizard
    saved: dict[str, Path] = {}

    def choose(title: str, suggested: str, file_filter: str) -> Path:
        saved[suggested] = tmp_path / suggested
        return saved[suggested]

    roll_out.choose_save_path = choose  # type: ignore[method-assign]
    qtbot.mouseClick(roll_out.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "login-instructions.pdf" in roll_out.file_status.text(), timeout=WAIT_MS)
    assert saved["login-instructions.pdf"].read_bytes().startswith(b"%PDF")
    qtbot.mouseClick(roll_out.summary_button, Qt.MouseButton.LeftButton)
    summary = saved["onboarding-summary.txt"].read_text(encoding="utf-8")
    assert window.button(QWizard.WizardButton.FinishButton).isEnabled()

    # Every guided step recorded, every real step done; the summary tells which is which.
    assert all(clever.is_done(ctx.state, item.step) for item in clever.guides())
    assert f"Roster files sent over SFTP to {username}@{host}:{port}" in summary
    assert "Vendor import file written" in summary and f"Login-link check: {students} students" in summary
    for item in clever.guides():
        assert (
            clever.said_text(ctx.state, item.step, clever.prepared_schools(ctx.state.roster.export_dir))
            in summary
        )
    assert "You said the app launches on 01/11/2027" in summary
    assert "District: Maple Valley Unified" in summary
    assert opened[:2] == ["https://clever.com/signup", clever.SYNC_SETTINGS_URL]
    assert opened[-1] == clever.DATA_BROWSER_URL
    with OnboardingClient(sftp_hub.base_url, token) as client:  # the stand-in received and processed them
        qtbot.waitUntil(
            lambda: [u.status for u in client.uploads(district)] == ["succeeded"], timeout=WAIT_MS
        )
        assert [upload.source for upload in client.uploads(district)] == ["sftp"]
    assert ctx._embedded is None  # no page called a hub API


def test_the_hub_choice_on_welcome_swaps_the_guided_pages_in_and_out(qtbot: QtBot) -> None:
    from wizard.ui.pages.identity_sync import IdentitySyncPage
    from wizard.ui.pages.sign_up import SignUpPage
    from wizard.ui.pages.validate import ValidatePage

    ctx = context(start_hub=None)
    window = open_wizard(qtbot, ctx)
    welcome = window.page_for(PageId.WELCOME)
    assert isinstance(window.page_for(PageId.SIGN_UP), SignUpPage)
    welcome.clever.setChecked(True)  # type: ignore[attr-defined]
    assert not welcome.sign_in.isEnabled()  # type: ignore[attr-defined]  # clever.com has no admin token
    next_to(qtbot, window, PageId.SIGN_UP)
    assert isinstance(window.page_for(PageId.SIGN_UP), CleverSignUpPage)
    assert isinstance(window.page_for(PageId.IDENTITY_AND_SYNC), CleverIdentityPage)
    assert isinstance(window.page_for(PageId.VALIDATE), CleverValidatePage)
    assert window.step_panel.list.count() == 8  # the same steps as on the built-in hub
    window.back()
    welcome.support.setChecked(True)  # type: ignore[attr-defined]
    assert not welcome.validatePage()  # the support view opens in its own window, on clever.com's Data API
    support = welcome.support_window  # type: ignore[attr-defined]
    assert support is not None and support.hub_edit.text() == "https://api.clever.com"
    support.close()
    welcome.online.setChecked(True)  # type: ignore[attr-defined]
    welcome.embedded.setChecked(True)  # type: ignore[attr-defined]
    assert welcome.validatePage()
    assert not ctx.state.on_clever
    assert isinstance(window.page_for(PageId.SIGN_UP), SignUpPage)
    assert isinstance(window.page_for(PageId.IDENTITY_AND_SYNC), IdentitySyncPage)
    assert isinstance(window.page_for(PageId.VALIDATE), ValidatePage)


def test_every_control_on_the_clever_com_pages_has_a_name(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView

    from tests.ui.test_offline_and_access import _part_of_another_control
    from wizard.state import Mode, OnboardingState

    state = OnboardingState(mode=Mode.ONLINE)
    clever.choose_clever(state, True)
    window = open_wizard(qtbot, context(state, start_hub=None))
    missing: list[str] = []
    for page_id in PageId:
        page = window.page_for(page_id)
        for button in page.findChildren(QAbstractButton):
            if not _part_of_another_control(button) and not (
                button.accessibleName() or button.text().replace("&", "").strip()
            ):
                missing.append(f"{page_id.name}: {type(button).__name__}")
        for kind in (QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QAbstractItemView):
            for widget in page.findChildren(kind):
                if not _part_of_another_control(widget) and not widget.accessibleName():
                    missing.append(f"{page_id.name}: {type(widget).__name__}")
    assert isinstance(window.page_for(PageId.SHARING), CleverSharingPage)
    assert not missing, missing


def test_the_files_go_to_clever_com_with_an_ssh_key_whose_public_key_the_admin_adds_in_the_dashboard(
    qtbot: QtBot, sftp_hub: RunningHub, tmp_path: Path
) -> None:
    from wizard.state import Mode, OnboardingState, SftpAuth, save_state

    sis = write_sis_files(tmp_path / "sis")
    district, token, username, host, port, _password = dashboard_account(sftp_hub)
    state = OnboardingState(mode=Mode.ONLINE, current_page=int(PageId.IDENTITY_AND_SYNC))
    clever.choose_clever(state, True)
    for key, value in {"district_name": "Maple", "admin_name": "Dana", "admin_email": "d@m.org"}.items():
        clever.set_choice(state, GuidedStep.SIGN_UP, key, value)
    clever.set_done(state, GuidedStep.SIGN_UP, True)
    state.history = [int(PageId.SIGN_UP), int(PageId.IDENTITY_AND_SYNC)]
    save_state(state)
    window = open_wizard(qtbot, restore_context(start_hub=None, credentials=process_keyring_store()))
    resume(qtbot, window, PageId.IDENTITY_AND_SYNC)
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, CleverIdentityPage)
    fill(qtbot, identity.guided, provider="clever_passwords")
    tick(qtbot, identity.guided)
    box = identity.sftp_box
    for widget, text in ((box.username, username), (box.host, host)):
        widget.clear()
        qtbot.keyClicks(widget, text)
    box.port.setValue(port)
    box.use_key.setChecked(True)
    assert not next_button(window)  # no key yet
    qtbot.mouseClick(box.make_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.public_key.toPlainText().startswith("ssh-ed25519 "), timeout=WAIT_MS)
    assert "Add the public key above on the dashboard's Sync settings page" in box.status.text()
    key_path = Path(window.ctx.state.sftp.key_path)
    assert key_path.is_file() and key_path.stat().st_mode & 0o077 == 0  # the private key: user-only
    with OnboardingClient(sftp_hub.base_url, token) as client:  # what the admin does in the dashboard
        client.add_sftp_key(district, box.public_key.toPlainText())
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    assert window.ctx.state.sftp.auth == SftpAuth.KEY
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    prepare.add_inputs([sis])
    qtbot.mouseClick(prepare.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)
    qtbot.mouseClick(prepare.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepare.upload_status.text().startswith("✓ Sent 5 files"), timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    assert next_button(window)
    with OnboardingClient(sftp_hub.base_url, token) as client:
        qtbot.waitUntil(
            lambda: [u.status for u in client.uploads(district)] == ["succeeded"], timeout=WAIT_MS
        )
