"""Full walks through the wizard against the embedded hub over HTTP, asserting what the hub holds at the end."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    choose_app,
    context,
    fill_sign_up,
    next_to,
    restore_context,
    wait_idle,
    write_sis_files,
    write_vendor_roster,
)
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.state import load_state
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.validate import ValidatePage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.wizard_window import OnboardingWizard
from wizard.ui.worker import Worker


def _open(qtbot: QtBot, hub: Any) -> OnboardingWizard:
    window = OnboardingWizard(restore_context(embedded_hub=hub))
    qtbot.addWidget(window)
    window.show()
    return window


def _walk_to_add_app(qtbot: QtBot, window: OnboardingWizard, sis: Path) -> None:
    next_to(qtbot, window, PageId.SIGN_UP)
    sign_up = window.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    fill_sign_up(qtbot, sign_up)
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    identity._select(identity.identity_group, "google")
    identity._select(identity.sync_group, "sftp")
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    prepare.add_inputs([sis])
    qtbot.mouseClick(prepare.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)
    assert prepare.result.error_count == 0, prepare.result.issues[:3]
    qtbot.mouseClick(prepare.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.roster.upload_status == "succeeded", timeout=WAIT_MS)
    assert "accepted your roster" in prepare.upload_status.text()
    next_to(qtbot, window, PageId.STAFF_ADMINS)  # optional: nobody to add
    next_to(qtbot, window, PageId.ADD_APP)


def _share_sections_and_finish(qtbot: QtBot, window: OnboardingWizard, tmp_path: Path) -> None:
    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    sharing.type_buttons["sections"].setChecked(True)
    school = sharing.tree_model.item(0)
    school.child(0).setCheckState(Qt.CheckState.Checked)
    school.child(1).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "Would share: 1 school," in sharing.preview.text(), timeout=WAIT_MS)
    qtbot.mouseClick(sharing.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sharing.ready(), timeout=WAIT_MS)
    next_to(qtbot, window, PageId.VALIDATE)

    validate = window.page_for(PageId.VALIDATE)
    assert isinstance(validate, ValidatePage)
    wait_idle(qtbot, window, PageId.VALIDATE)
    assert "✓ The hub holds exactly what your SIS files hold." in validate.mismatch_note.text()
    assert validate.counts.item(3, 0).text() == validate.counts.item(3, 2).text()  # students: SIS == hub
    qtbot.waitUntil(lambda: "Instant Login" in validate.login_check.text(), timeout=WAIT_MS)
    if not window.ctx.state.app.uses_secure_sync:  # checked against the import file written for the vendor
        assert "checked against the import file this wizard wrote" in validate.login_check.text()
    assert validate.warnings.rowCount() >= 1
    target = tmp_path / "affected.csv"
    validate.choose_save_path = lambda suggested: target  # type: ignore[method-assign]
    qtbot.mouseClick(validate.warnings.cellWidget(0, 2), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    assert target.read_text(encoding="utf-8").splitlines()[0]
    next_to(qtbot, window, PageId.ROLL_OUT)

    roll_out = window.page_for(PageId.ROLL_OUT)
    assert isinstance(roll_out, RollOutPage)
    assert not window.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(roll_out.launch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.launched, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: roll_out.user_id.count() > 0, timeout=WAIT_MS
    )  # the shared students, to pick from
    roll_out.user_id.setCurrentIndex(0)
    qtbot.mouseClick(roll_out.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: roll_out.portal.count() == 1, timeout=WAIT_MS)
    assert roll_out.portal.item(0).text() == window.ctx.state.app.app_name
    assert not roll_out.portal.item(0).icon().isNull()  # the app's icon, as the student will see it
    assert "will see 1 app" in roll_out.portal_title.text()
    saved: dict[str, Path] = {}

    def choose(title: str, suggested: str, file_filter: str) -> Path:
        saved[suggested] = tmp_path / suggested
        return saved[suggested]

    roll_out.choose_save_path = choose  # type: ignore[method-assign]
    qtbot.mouseClick(roll_out.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "login-instructions.pdf" in roll_out.file_status.text(), timeout=WAIT_MS)
    assert saved["login-instructions.pdf"].read_bytes().startswith(b"%PDF")
    qtbot.mouseClick(roll_out.summary_button, Qt.MouseButton.LeftButton)
    assert "Maple Valley Unified" in saved["onboarding-summary.txt"].read_text(encoding="utf-8")
    assert window.button(QWizard.WizardButton.FinishButton).isEnabled()


def _vendor_import(qtbot: QtBot, window: OnboardingWizard, tmp_path: Path) -> None:
    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert vendor.profile.currentData() == "symphony-math"
    assert vendor.result.counts.new == 57  # no vendor roster yet: everyone is new
    twin, candidates = write_vendor_roster(tmp_path / "sis", tmp_path / "symphony_export.csv")
    vendor.choose_roster_path = lambda: tmp_path / "symphony_export.csv"  # type: ignore[method-assign]
    qtbot.mouseClick(vendor.roster_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    counts = vendor.result.counts
    assert (counts.linked, counts.needs_decision) == (
        2,
        1,
    )  # one student (its two candidate accounts are listed)
    assert vendor.outcome_filter.currentData() == "decide"
    assert vendor.proxy.rowCount() == 3
    vendor.choose_output_folder = lambda: tmp_path / "vendor_out"  # type: ignore[method-assign]
    qtbot.mouseClick(vendor.write_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert "Only the match report" in vendor.write_status.text()  # an open decision holds the import back
    assert not (tmp_path / "vendor_out" / "vendor_import.csv").exists()
    assert not window.button(QWizard.WizardButton.NextButton).isEnabled()
    row = next(r for r in range(vendor.proxy.rowCount()) if vendor.proxy.index(r, 2).data() == twin)
    vendor.table.setCurrentIndex(vendor.proxy.index(row, 2))
    assert [vendor.choice.itemData(i) for i in range(vendor.choice.count())] == [*candidates, "new"]
    vendor.choice.setCurrentIndex(1)
    qtbot.mouseClick(vendor.decide_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert window.ctx.state.vendor.decisions == {twin: "twin.b"}
    assert vendor.result.counts.needs_decision == 0
    qtbot.mouseClick(vendor.write_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    with (tmp_path / "vendor_out" / "vendor_import.csv").open(encoding="utf-8", newline="") as stream:
        imported = {row["ExternalID"]: row["Username"] for row in csv.DictReader(stream)}
    assert len(imported) == 57
    assert imported[twin] == "twin.b"  # the picked account keeps its username
    assert "kept.one" in imported.values() and "kept.two" in imported.values()


def _hub_client(window: OnboardingWizard) -> OnboardingClient:
    state = window.ctx.state
    token = window.ctx.credentials.admin_token(window.ctx.credential_scope(), state.district_id)
    assert token
    return OnboardingClient(window.ctx.hub_base_url(), token)


def test_secure_sync_app_end_to_end(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    sis = write_sis_files(tmp_path / "sis")
    window = _open(qtbot, embedded_hub)
    _walk_to_add_app(qtbot, window, sis)

    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Amplify Curriculum")
    assert "Secure Sync" in add_app.details.text()
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.app.connection_status == "connected", timeout=WAIT_MS)
    assert all(label.text().startswith("✓") for label in add_app.milestones)
    next_to(qtbot, window, PageId.SHARING)  # Secure Sync: no vendor import page
    _share_sections_and_finish(qtbot, window, tmp_path)

    with _hub_client(window) as client:
        state = window.ctx.state
        district = client.district(state.district_id)
        assert (district.name, district.sso_provider, district.sync_method) == (
            "Maple Valley Unified",
            "google",
            "sftp",
        )
        connection = client.connection(state.district_id, state.app.connection_id)
        assert (connection.app_id, connection.status) == ("amplify-curriculum", "connected")
        assert connection.launch_date == date.today().isoformat()
        sharing = client.sharing(state.district_id, state.app.connection_id)
        assert sharing.settings.type == "sections" and len(sharing.settings.section_ids) == 2
        assert sharing.locked  # the vendor confirmed: the type is locked from now on
        assert client.validation(state.district_id, state.app.connection_id).counts["students"].hub == 57
    saved = load_state()
    assert saved is not None and saved.launched and saved.current_page == PageId.ROLL_OUT


def test_non_secure_sync_app_answers_the_vendor_and_gets_the_vendor_page(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    sis = write_sis_files(tmp_path / "sis")
    window = _open(qtbot, embedded_hub)
    _walk_to_add_app(qtbot, window, sis)

    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Symphony Math")
    assert "keeps its own roster" in add_app.details.text()
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: add_app.send_button.isVisibleTo(add_app), timeout=WAIT_MS)
    assert "ExternalID" in add_app.question.text()
    qtbot.keyClicks(add_app.reply, "Yes, imported with the SIS id in ExternalID.")
    qtbot.mouseClick(add_app.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.app.connection_status == "connected", timeout=WAIT_MS)
    assert add_app.reply.toPlainText() == ""
    next_to(qtbot, window, PageId.VENDOR_IMPORT)
    _vendor_import(qtbot, window, tmp_path)
    next_to(qtbot, window, PageId.SHARING)
    _share_sections_and_finish(qtbot, window, tmp_path)

    with _hub_client(window) as client:
        state = window.ctx.state
        connection = client.connection(state.district_id, state.app.connection_id)
        assert (connection.app_id, connection.status) == ("symphony-math", "connected")
        assert [e.action for e in connection.history][:4] == ["added", "authorized", "asked", "replied"]
        assert any("ExternalID" in e.message for e in connection.history if e.actor == "district")
        student = next(iter(sorted((tmp_path / "sis" / "enrollments.csv").read_text().splitlines()[1:])))
        sis_id = student.split(",")[2]
        portal = client.portal(state.district_id, sis_id)
        assert [app.app_id for app in portal.apps] + [app.app_id for app in portal.hidden] == [
            "symphony-math"
        ]


def test_coming_back_while_a_poll_was_in_flight_polls_again(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    """Leaving Add app while its poll was still running detached the poll, whose end never came: back on the
    page, polling never resumed and the vendor's answer never showed (the screenshot tour got stuck)."""
    sis = write_sis_files(tmp_path / "sis")
    window = _open(qtbot, embedded_hub)
    _walk_to_add_app(qtbot, window, sis)
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Symphony Math")
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: add_app.send_button.isVisibleTo(add_app), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not add_app.is_busy, timeout=WAIT_MS)
    add_app.poll_timer.stop()

    add_app._poll()  # in flight: its result is delivered by the event loop, which has not run yet
    add_app.leave()
    assert not add_app.poll_timer.isActive()
    add_app.shown()  # back on the page
    qtbot.waitUntil(add_app.poll_timer.isActive, timeout=WAIT_MS)
    add_app.leave()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)  # the detached poll ends by itself


def test_a_poll_answered_before_the_reply_never_puts_the_question_back(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    """The race behind test_non_secure_sync_app_answers_the_vendor_and_gets_the_vendor_page failing under load:
    a poll the hub answered before the admin's reply (the question still open) was delivered after the reply's
    answer (connected), and overwrote it — the status went back to "the vendor asks", the question and the
    answer box came back, and leaving the page then kept the stale status. Here the poll is held on its way."""
    sis = write_sis_files(tmp_path / "sis")
    window = _open(qtbot, embedded_hub)
    _walk_to_add_app(qtbot, window, sis)
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Symphony Math")
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: add_app.send_button.isVisibleTo(add_app), timeout=WAIT_MS)
    # No other poll from here on (one to mend what the held one breaks, or to hold up the wait below).
    add_app.poll_timer.setInterval(600_000)
    add_app.poll_timer.stop()
    qtbot.waitUntil(lambda: not add_app.is_busy and not add_app._polling, timeout=WAIT_MS)

    hub = window.ctx.district_hub()
    answered, deliver = threading.Event(), threading.Event()
    real_connection = hub.connection

    def held(connection_id: str) -> Any:
        answer = real_connection(connection_id)  # the hub answers now: the question is still open
        answered.set()
        deliver.wait(WAIT_MS / 1000)
        return answer

    hub.connection = held  # type: ignore[method-assign]
    add_app._poll()
    qtbot.waitUntil(answered.is_set, timeout=WAIT_MS)
    hub.connection = real_connection  # type: ignore[method-assign]
    qtbot.keyClicks(add_app.reply, "Yes, imported with the SIS id in ExternalID.")
    qtbot.mouseClick(add_app.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.app.connection_status == "connected", timeout=WAIT_MS)
    deliver.set()  # the poll's older answer arrives after the reply's
    qtbot.waitUntil(lambda: not add_app._polling, timeout=WAIT_MS)
    assert window.ctx.state.app.connection_status == "connected"
    assert not add_app.question.isVisibleTo(add_app) and not add_app.send_button.isVisibleTo(add_app)
    assert not add_app.poll_timer.isActive()
    window.close()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)


def test_the_vendor_waits_for_the_import_which_is_made_next_and_reported_from_there(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    sis = write_sis_files(tmp_path / "sis")
    window = _open(qtbot, embedded_hub)
    _walk_to_add_app(qtbot, window, sis)
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    choose_app(qtbot, add_app, "Symphony Math")
    qtbot.mouseClick(add_app.authorize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: add_app.question.isVisibleTo(add_app), timeout=WAIT_MS)
    assert add_app.reply.toPlainText() == ""  # never an answer the admin did not write
    assert "not written yet" in add_app.status_text.text() and "Next" in add_app.status_text.text()
    history = [add_app.history.item(row).text() for row in range(add_app.history.count())]
    assert "You added Symphony Math." in history[0]
    assert "read:" not in " ".join(history)  # scopes in the catalog's words
    assert "The district added the app" not in " ".join(history)
    next_to(qtbot, window, PageId.VENDOR_IMPORT)  # the question may stay open meanwhile

    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert not vendor.tell_button.isVisible()
    assert "write the file" in vendor.tell_status.text()
    assert vendor.missing_hint.text() == "To go on: write the import file."
    vendor.write(tmp_path / "vendor_out")
    wait_idle(qtbot, window, PageId.VENDOR_IMPORT)
    assert not vendor.missing_hint.isVisible()
    assert "previous step" not in vendor.write_status.text()
    assert vendor.tell_button.isVisible() and vendor.tell_button.isEnabled()
    qtbot.mouseClick(vendor.tell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: vendor.tell_status.text().startswith("✓ Sent"), timeout=WAIT_MS)
    assert not vendor.tell_button.isVisible()

    window.back()
    assert window.currentId() == PageId.ADD_APP

    def history_lines() -> list[str]:
        return [add_app.history.item(row).text() for row in range(add_app.history.count())]

    qtbot.waitUntil(lambda: any("The vendor accepted" in line for line in history_lines()), timeout=WAIT_MS)
    assert any("You answered: “Our students are now imported" in line for line in history_lines())
    assert add_app.status_text.objectName() == "okNote"  # success looks like success


def test_launching_before_the_vendor_accepts_says_who_must_act(qtbot: QtBot) -> None:
    from wizard.credentials import process_keyring_store
    from wizard.hub.errors import Conflict
    from wizard.state import OnboardingState

    state = OnboardingState()
    state.app.app_name = "Symphony Math"
    page = RollOutPage(context(state, credentials=process_keyring_store()))
    qtbot.addWidget(page)
    refused = Conflict(
        "Could not launch the app: it clashes with the current state.", "", code="not_connected"
    )
    assert page._launch_refused(refused)
    assert "vendor has not accepted" in page.banner.message.text()
    assert "Reload" not in page.banner.hint.text() and "vendor has to act" in page.banner.hint.text()


pytestmark = pytest.mark.timeout(120)
