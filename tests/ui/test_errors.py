"""Error paths: hub down, 5xx, 409, 429 and validation errors show their message on the page and recover."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
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
from wizard.credentials import process_keyring_store
from wizard.errors import UserFacingError
from wizard.flow import PageId
from wizard.hub.errors import ValidationFailed
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.settings import FaultRule
from wizard.session.context import WizardContext
from wizard.state import OnboardingState
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.validate import ValidatePage
from wizard.ui.worker import Worker

pytestmark = [pytest.mark.usefixtures("no_retries", "fast_polls"), pytest.mark.timeout(120)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sign_up_page(qtbot: QtBot, ctx: WizardContext) -> tuple[Any, SignUpPage]:
    window = open_wizard(qtbot, ctx)
    next_to(qtbot, window, PageId.SIGN_UP)
    page = window.page_for(PageId.SIGN_UP)
    assert isinstance(page, SignUpPage)
    fill_sign_up(qtbot, page)
    return window, page


def test_sign_up_shows_a_hub_failure_keeps_the_form_and_retries(qtbot: QtBot, embedded_hub: Any) -> None:
    embedded_hub.set_faults([FaultRule("/api/v1/signups", error_rate=1.0, error_status=503, times=1)])
    window, page = _sign_up_page(
        qtbot, context(None, embedded_hub=embedded_hub, credentials=process_keyring_store())
    )
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert "had a problem" in page.banner.message.text()
    assert page.banner.retry_button.isVisible()
    assert window.currentId() == PageId.SIGN_UP
    assert page.inputs["name"].text() == "Maple Valley Unified"  # nothing typed is lost
    page.inputs["name"].setText("Maple Valley Unified School District")  # type: ignore[union-attr]
    page._edited("name")
    qtbot.mouseClick(page.banner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentId() == PageId.IDENTITY_AND_SYNC, timeout=WAIT_MS)
    assert window.ctx.state.district_id
    # Retry sent the corrected form, not the one that failed.
    assert window.ctx.state.district_form.name == "Maple Valley Unified School District"
    token = window.ctx.credentials.admin_token("embedded-hub", window.ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as client:
        assert client.district(window.ctx.state.district_id).name == "Maple Valley Unified School District"


def test_hub_down_then_up(qtbot: QtBot, tmp_path: Path) -> None:
    from wizard.sandbox.server import start_hub
    from wizard.sandbox.settings import HubSettings

    port = _free_port()
    ctx = context(OnboardingState(hub_url=f"http://127.0.0.1:{port}"), credentials=process_keyring_store())
    window, page = _sign_up_page(qtbot, ctx)
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert "Could not reach the hub" in page.banner.message.text()
    assert "try again" in page.banner.hint.text()
    hub = start_hub(tmp_path / "late.sqlite3", port=port, settings=HubSettings(vendor_delay=0.0))
    try:
        qtbot.mouseClick(page.banner.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.currentId() == PageId.IDENTITY_AND_SYNC, timeout=WAIT_MS)
        assert not page.banner.isVisible()
    finally:
        window.close()
        hub.stop()


def test_sign_up_validates_as_typed_and_shows_the_hubs_field_errors(qtbot: QtBot, embedded_hub: Any) -> None:
    window, page = _sign_up_page(
        qtbot, context(None, embedded_hub=embedded_hub, credentials=process_keyring_store())
    )
    next_button = window.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    page.inputs["admin_email"].clear()  # type: ignore[union-attr]
    qtbot.keyClicks(page.inputs["admin_email"], "dana-at-district")
    assert "email address" in page.errors["admin_email"].text()
    assert page.errors["admin_email"].isVisible()
    assert not next_button.isEnabled()
    page.inputs["admin_email"].clear()  # type: ignore[union-attr]
    qtbot.keyClicks(page.inputs["admin_email"], "dana@district.org")
    assert not page.errors["admin_email"].isVisible()
    assert next_button.isEnabled()
    # A 422 from the hub names fields its way ("admin.email"); they land under the right inputs.
    page.handle_field_errors(
        ValidationFailed("Rejected.", fields={"admin.email": "Unknown domain.", "district.name": "Taken."})
    )
    assert page.errors["admin_email"].text() == "Unknown domain."
    assert page.errors["name"].text() == "Taken."


def test_rate_limited_catalog_says_so_and_recovers(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    ctx = prepared_district(embedded_hub, tmp_path / "sis", state_page=PageId.ADD_APP)
    embedded_hub.set_faults([FaultRule("/api/v1/apps", rate_limit_rate=1.0, retry_after=1, times=1)])
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ADD_APP)
    page = window.page_for(PageId.ADD_APP)
    assert isinstance(page, AddAppPage)
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert "slow down" in page.banner.message.text()
    qtbot.mouseClick(page.banner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.catalog.rowCount() == 3, timeout=WAIT_MS)
    assert not page.banner.isVisible()


def test_locked_sharing_type_409_is_explained_and_the_page_shows_the_lock(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="amplify-curriculum", state_page=PageId.SHARING
    )
    assert ctx.state.app.connection_status == "connected"
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    assert not page.lock_note.isVisible()
    # Meanwhile another admin saves "whole district"; the vendor has confirmed, so the type is now locked.
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as client:
        client.set_sharing(
            ctx.state.district_id, ctx.state.app.connection_id, SharingSettings(type="district")
        )
    page.type_buttons["schools"].setChecked(True)
    page.tree_model.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.lock_note.isVisible, timeout=WAIT_MS)
    assert "can no longer change" in page.banner.message.text()
    assert not page.banner.retry_button.isVisible()
    assert page.selected_type() == "district"
    assert "its type stays" in page.lock_note.text() and "add sections" not in page.lock_note.text()
    assert not page.type_buttons["schools"].isEnabled()
    assert page.ready()  # the saved (locked) sharing lets the admin go on
    # The preview the type change started may still be counting (a teardown error under load).
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)


def test_sharing_preview_explains_an_incomplete_choice(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(embedded_hub, tmp_path / "sis", app_id="lexia-core5", state_page=PageId.SHARING)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    page.type_buttons["schools"].setChecked(True)
    qtbot.waitUntil(lambda: "at least one school" in page.preview.text(), timeout=WAIT_MS)
    assert not page.banner.isVisible()
    page.tree_model.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "Would share: 1 school," in page.preview.text(), timeout=WAIT_MS)


def test_validate_recovers_from_a_hub_error(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="amplify-curriculum", state_page=PageId.VALIDATE
    )
    embedded_hub.set_faults([FaultRule("*/validation", error_rate=1.0, error_status=500, times=1)])
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VALIDATE)
    page = window.page_for(PageId.VALIDATE)
    assert isinstance(page, ValidatePage)
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert "HTTP 500" in page.banner.message.text()
    qtbot.mouseClick(page.banner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.counts.item(3, 2) is not None, timeout=WAIT_MS)
    assert page.counts.item(3, 2).text() == "57"
    wait_idle(qtbot, window, PageId.VALIDATE)


def test_an_existing_district_signs_in_with_its_token(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    known = prepared_district(embedded_hub, tmp_path / "sis")
    token = known.credentials.admin_token("embedded-hub", known.state.district_id)
    assert token
    fresh = context(OnboardingState(), embedded_hub=embedded_hub, credentials=process_keyring_store())
    window = open_wizard(qtbot, fresh)
    next_to(qtbot, window, PageId.SIGN_UP)
    page = window.page_for(PageId.SIGN_UP)
    assert isinstance(page, SignUpPage)
    page.existing.setChecked(True)
    assert page.signin_box.isVisible() and not page.signup_box.isVisible()
    qtbot.keyClicks(page.district_id, known.state.district_id)
    qtbot.keyClicks(page.token, "not-the-token")
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
    assert "did not accept this admin token" in page.banner.message.text()  # the hub refused it, in words
    assert (
        fresh.credentials.admin_token("embedded-hub", known.state.district_id) is None
    )  # a bad token is not kept
    page.token.clear()
    qtbot.keyClicks(page.token, token)
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    # The hub says identity, sync and roster are done: the wizard goes straight on to the app.
    qtbot.waitUntil(lambda: window.currentId() == PageId.ADD_APP, timeout=WAIT_MS)
    assert fresh.state.district_id == known.state.district_id
    assert (fresh.state.identity_provider, fresh.state.sync_method) == ("google", "sftp")
    assert fresh.state.district_form.name == "Cedar Unified"
    assert fresh.credentials.admin_token("embedded-hub", known.state.district_id) == token
    assert page.token.text() == ""  # the secret does not linger in the form
    wait_idle(qtbot, window, PageId.ADD_APP)


def test_unreadable_inputs_are_explained(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_wizard(qtbot, context(None, credentials=process_keyring_store()))
    window.page_for(PageId.WELCOME).offline.setChecked(True)  # type: ignore[attr-defined]
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    broken = tmp_path / "export.csv"
    broken.write_bytes(b"\x00\x01\x02 not a table \xff\xfe")
    page.add_inputs([broken])  # type: ignore[attr-defined]
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not page.is_busy, timeout=WAIT_MS)
    assert page.result is None  # type: ignore[attr-defined]
    assert page.banner.isVisible()
    assert "does not look like a text table" in page.banner.message.text()
    assert "Export it from your SIS as CSV or XLSX" in page.banner.message.text() + page.banner.hint.text()
    assert page.input_paths() == [broken]  # type: ignore[attr-defined]  # nothing chosen is dropped


def test_rules_builder_and_school_search(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    ctx = prepared_district(embedded_hub, tmp_path / "sis", app_id="lexia-core5", state_page=PageId.SHARING)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    assert page.selected_type() == "rules"  # Lexia recommends rules
    assert "(recommended)" in page.type_buttons["rules"].text()
    assert page.rules_box.isVisible() and not page.picker_box.isVisible()
    qtbot.mouseClick(page.add_rule_button, Qt.MouseButton.LeftButton)
    rule = page.rule_rows[0]
    rule.record_type.setCurrentIndex(rule.record_type.findData("student"))
    rule.field.setCurrentIndex(rule.field.findData("grade"))
    rule.op.setCurrentIndex(rule.op.findData("is"))
    qtbot.keyClicks(rule.value, "5")
    # 3 fifth-graders in each of the two elementary schools
    qtbot.waitUntil(lambda: page.preview.text().endswith(" 6 students"), timeout=WAIT_MS)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.ready, timeout=WAIT_MS)
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as client:
        saved = client.sharing(ctx.state.district_id, ctx.state.app.connection_id).settings
    assert saved.type == "rules"
    assert [(r.record_type, r.field, r.op, r.value) for r in saved.rules] == [("student", "grade", "is", "5")]
    # The school picker filters as you type.
    page.type_buttons["schools"].setEnabled(
        True
    )  # (the vendor confirmed, so the page locked it; test the tree)
    page.tree_search.setText("elementary")
    assert page.tree_proxy.rowCount() == 2
    page.tree_search.setText("")
    assert page.tree_proxy.rowCount() == 4


def test_an_upload_on_hold_shows_the_changes_and_can_be_approved(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    from tests.ui.walk import write_sis_files

    ctx = prepared_district(embedded_hub, tmp_path / "sis", state_page=PageId.PREPARE_ROSTER)
    bigger = write_sis_files(tmp_path / "next_year", students_per_grade=6)  # twice the students: held
    ctx.state.roster.input_paths = [str(bigger)]
    ctx.state.roster.export_dir = str(tmp_path / "export")
    ctx.save()
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.PREPARE_ROSTER)
    page = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(page, PrepareRosterPage)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.state.roster.upload_status == "on_hold", timeout=WAIT_MS)
    assert page.approve_button.isVisible()
    assert "on hold" in page.upload_status.text() and "added 57 students" in page.upload_status.text()
    assert not window.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.state.roster.upload_status == "succeeded", timeout=WAIT_MS)
    assert not page.approve_button.isVisible()
    assert window.button(QWizard.WizardButton.NextButton).isEnabled()


def test_catalog_search_and_scopes_in_plain_words(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    ctx = prepared_district(embedded_hub, tmp_path / "sis", state_page=PageId.ADD_APP)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ADD_APP)
    page = window.page_for(PageId.ADD_APP)
    assert isinstance(page, AddAppPage)
    qtbot.waitUntil(lambda: page.catalog.rowCount() == 3, timeout=WAIT_MS)
    assert all(not page.catalog.item(row).icon().isNull() for row in range(3))
    qtbot.keyClicks(page.search, "zzz")
    assert page.no_match.isVisible() and page.selected_app() is None
    assert not page.authorize_button.isEnabled()
    page.search.clear()
    qtbot.keyClicks(page.search, "reading")  # matches Lexia by its description
    shown = [row for row in range(3) if not page.app_list.isRowHidden(row)]
    assert [page.catalog.item(row).data(Qt.ItemDataRole.UserRole + 1).id for row in shown] == ["lexia-core5"]
    page.app_list.setCurrentIndex(page.catalog.index(shown[0], 0))
    assert "See the names, SIS ids and grades of the students you share." in page.details.text()
    assert "read:students" not in page.details.text()  # plain words, not scope codes
    assert page.authorize_button.isEnabled()
    wait_idle(qtbot, window, PageId.ADD_APP)


def test_a_repeated_sign_up_signs_in_with_the_saved_token_and_the_key_is_then_forgotten(
    qtbot: QtBot, embedded_hub: Any
) -> None:
    store = process_keyring_store()
    window, _page = _sign_up_page(qtbot, context(None, embedded_hub=embedded_hub, credentials=store))
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentId() == PageId.IDENTITY_AND_SYNC, timeout=WAIT_MS)
    ctx = window.ctx
    assert ctx.state.signup_key == ""  # the token is in the keyring: the key has no further use
    form = dataclasses.replace(ctx.state.district_form, nces_id="0601299")  # one district per NCES id
    key = "key-of-a-sign-up-whose-answer-was-lost"
    first = ctx.sign_up(form, key)
    assert ctx.sign_up(form, key).id == first.id  # the hub replays only "done"; the saved token signs in
    elsewhere = context(None, embedded_hub=embedded_hub, credentials=process_keyring_store())
    with pytest.raises(UserFacingError) as no_token:
        elsewhere.sign_up(form, key)
    assert first.id in str(no_token.value) and "Sign in to a district already registered" in str(
        no_token.value
    )
