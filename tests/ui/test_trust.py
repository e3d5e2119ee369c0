"""Issue 10, wizard side: each numbered problem reproduced through the GUI (each failed on the old code).

1. No keyring, no loss.  2. One district per district (409 -> sign in instead; Start over; resume keeps Back).
7. Navigation: Back after resume, pages notice the vendor while shown, Finish ends the resumable state.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    context,
    fill_sign_up,
    next_to,
    open_wizard,
    prepared_district,
    restore_context,
    resume,
)
from wizard.credentials import memory_only_store
from wizard.flow import PageId
from wizard.session.questions import RecordedQuestions
from wizard.session.signin import TokenPlace
from wizard.state import OnboardingState, load_state
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.pages.welcome import START_OVER, START_OVER_QUESTION, WelcomePage
from wizard.ui.wizard_window import OnboardingWizard
from wizard.ui.worker import Worker


def _sign_up(qtbot: QtBot, window: OnboardingWizard) -> SignUpPage:
    next_to(qtbot, window, PageId.SIGN_UP)
    page = window.page_for(PageId.SIGN_UP)
    assert isinstance(page, SignUpPage)
    fill_sign_up(qtbot, page)
    return page


def _press_next(qtbot: QtBot, window: OnboardingWizard) -> None:
    button = window.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- 1. No keyring, no loss --------------------------------------------------------------------------------


def test_without_a_keyring_the_sign_up_page_says_so_first_and_shows_the_token_once(
    qtbot: QtBot, embedded_hub: Any
) -> None:
    store = memory_only_store()
    window = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=store))
    page = _sign_up(qtbot, window)
    # Before the token exists, the page says there is no usable keyring and lets the admin choose.
    assert page.no_keyring.isVisible() and "no usable keyring" in page.no_keyring.title()
    assert "keyring, never in a file" not in page.why.text()  # no promise it cannot keep
    assert page.no_keyring.show_once.isChecked()
    _press_next(qtbot, window)
    qtbot.waitUntil(page.token_once.isVisible, timeout=WAIT_MS)
    district_id = window.ctx.state.district_id
    token = page.token_once.token.text()
    assert token and token == store.admin_token("embedded-hub", district_id)
    assert district_id in page.token_once.advice.text()
    page.token_once.copy_button.click()
    assert QApplication.clipboard().text() == token
    assert window.currentId() == PageId.SIGN_UP  # the admin reads it, then goes on
    assert window.ctx.token_place() is TokenPlace.THIS_SESSION
    assert "until the wizard closes" in page.done_note.text()
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    assert not page.token_once.token.text()  # not kept on screen once the admin moved on
    assert token not in ((load_state() and json.dumps(load_state().__dict__, default=str)) or "")


def test_session_only_keeps_the_token_in_memory_without_showing_it(qtbot: QtBot, embedded_hub: Any) -> None:
    window = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=memory_only_store()))
    page = _sign_up(qtbot, window)
    page.no_keyring.session_only.setChecked(True)
    _press_next(qtbot, window)
    qtbot.waitUntil(lambda: window.currentId() == PageId.IDENTITY_AND_SYNC, timeout=WAIT_MS)
    assert not page.token_once.isVisible()
    assert window.ctx.token_place() is TokenPlace.THIS_SESSION


def test_resuming_without_the_token_asks_for_it_and_every_page_tells_the_same_story(
    qtbot: QtBot, embedded_hub: Any
) -> None:
    window = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=memory_only_store()))
    page = _sign_up(qtbot, window)
    _press_next(qtbot, window)
    qtbot.waitUntil(page.token_once.isVisible, timeout=WAIT_MS)
    token, district_id = page.token_once.token.text(), window.ctx.state.district_id
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    window.close()

    # The next day: a new run, no keyring, so no token on this computer: Welcome asks for it with Resume.
    again = open_wizard(qtbot, restore_context(embedded_hub=embedded_hub, credentials=memory_only_store()))
    welcome = again.page_for(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    assert welcome.resume_token.isVisible()
    hint = welcome.resume_token.placeholderText()
    assert "does not keep it" in hint and district_id in hint
    assert welcome.resume.fontMetrics().horizontalAdvance(welcome.resume.text()) < welcome.resume.width()
    assert not again.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "paste your admin token" in welcome.missing_hint.text()
    resume(qtbot, again, PageId.IDENTITY_AND_SYNC, token=token)  # where the admin stopped, signed in
    assert again.ctx.token_place() is TokenPlace.THIS_SESSION
    identity = again.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    identity._select(identity.identity_group, "google")
    identity._select(identity.sync_group, "sftp")
    again.back()  # the Back path survived the close
    sign_up = again.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage) and again.currentId() == PageId.SIGN_UP
    assert "until the wizard closes" in sign_up.done_note.text()  # the same story as Welcome told
    assert "keyring." not in sign_up.done_note.text()
    next_to(qtbot, again, PageId.IDENTITY_AND_SYNC)
    assert again.ctx.district_hub().district().id == district_id


def test_signing_in_with_the_token_from_welcome(qtbot: QtBot, embedded_hub: Any) -> None:
    first = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=memory_only_store()))
    page = _sign_up(qtbot, first)
    _press_next(qtbot, first)
    qtbot.waitUntil(page.token_once.isVisible, timeout=WAIT_MS)
    token, district_id = page.token_once.token.text(), first.ctx.state.district_id
    first.close()

    # Another computer: nothing saved at all.
    other = open_wizard(
        qtbot, context(OnboardingState(), embedded_hub=embedded_hub, credentials=memory_only_store())
    )
    welcome = other.page_for(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    welcome.sign_in.setChecked(True)
    next_to(qtbot, other, PageId.SIGN_UP)
    sign_up = other.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    assert sign_up.existing.isChecked() and sign_up.signin_box.isVisible()
    qtbot.keyClicks(sign_up.district_id, district_id)
    qtbot.keyClicks(sign_up.token, token)
    next_to(qtbot, other, PageId.IDENTITY_AND_SYNC)
    assert other.ctx.state.district_id == district_id


# --- 2. One district per district --------------------------------------------------------------------------


class _RegisteredHub(ThreadingHTTPServer):
    """A hub that already has this NCES id: every sign-up gets the 409 naming the district."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.dumps(
                    {
                        "error": {
                            "code": "district_already_registered",
                            "message": "Maple Valley Unified (NCES id 0601234) is already registered.",
                            "district_id": "dst_existing",
                        }
                    }
                ).encode()
                self.send_response(409)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_a_registered_nces_id_turns_into_sign_in_instead(qtbot: QtBot) -> None:
    hub = _RegisteredHub()
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    try:
        state = OnboardingState(hub_url=f"http://127.0.0.1:{hub.server_address[1]}")
        window = open_wizard(qtbot, context(state, credentials=memory_only_store()))
        page = _sign_up(qtbot, window)
        _press_next(qtbot, window)
        qtbot.waitUntil(page.banner.isVisible, timeout=WAIT_MS)
        assert "already registered" in page.banner.message.text()
        assert "Sign in instead" in page.banner.hint.text()
        assert page.existing.isChecked() and page.signin_box.isVisible()
        assert window.currentId() == PageId.SIGN_UP and not window.ctx.state.district_id
    finally:
        hub.shutdown()
        hub.server_close()


def test_start_over_says_what_is_kept_and_what_is_forgotten(
    qtbot: QtBot, embedded_hub: Any, questions: RecordedQuestions
) -> None:
    store = memory_only_store()
    window = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=store))
    page = _sign_up(qtbot, window)
    page.no_keyring.session_only.setChecked(True)
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    district_id = window.ctx.state.district_id
    window.close()

    again = open_wizard(qtbot, restore_context(embedded_hub=embedded_hub, credentials=store))
    welcome = again.page_for(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    assert welcome.start_over_button.isVisible()
    welcome.start_over_button.click()  # the safe answer (keep) is the default
    asked = [q for q in questions.asked if q.key == START_OVER_QUESTION]
    assert asked and district_id in asked[0].text and "Kept on the hub" in asked[0].text
    assert "Forgotten on this computer" in asked[0].text
    assert again.ctx.state.district_id == district_id and welcome.resume.isEnabled()
    questions.answer(START_OVER_QUESTION, START_OVER)
    welcome.start_over_button.click()
    assert not again.ctx.state.district_id and not welcome.resume.isEnabled()
    saved = load_state()
    assert saved is not None and not saved.district_id and not saved.district_form.name
    next_to(qtbot, again, PageId.SIGN_UP)
    sign_up = again.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    assert sign_up.form_area.isVisible() and not sign_up.inputs["name"].text()  # type: ignore[union-attr]


# --- 2 and 7. Resume keeps the Back history ----------------------------------------------------------------


def test_after_resuming_back_goes_to_the_previous_page_not_welcome(qtbot: QtBot, embedded_hub: Any) -> None:
    store = memory_only_store()
    window = open_wizard(qtbot, context(None, embedded_hub=embedded_hub, credentials=store))
    page = _sign_up(qtbot, window)
    page.no_keyring.session_only.setChecked(True)
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    identity._select(identity.identity_group, "google")
    identity._select(identity.sync_group, "sftp")
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    window.close()

    again = open_wizard(qtbot, restore_context(embedded_hub=embedded_hub, credentials=store))
    resume(qtbot, again, PageId.PREPARE_ROSTER)
    again.back()
    assert again.currentId() == PageId.IDENTITY_AND_SYNC
    identity = again.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    assert identity._selected(identity.identity_group) == "google"  # the page shows its inputs
    again.back()
    assert again.currentId() == PageId.SIGN_UP
    sign_up = again.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    assert "Signed in as Maple Valley Unified" in sign_up.done_note.text()
    again.back()
    assert again.currentId() == PageId.WELCOME
    assert load_state() is not None


def test_finish_ends_the_resumable_state(qtbot: QtBot) -> None:
    window = open_wizard(qtbot, context(None, credentials=memory_only_store()))
    welcome = window.page_for(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    welcome.offline.setChecked(True)
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    prepare: Any = window.page_for(PageId.PREPARE_ROSTER)
    prepare.use_demo_files()
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)
    prepare.export(Path(load_state().roster.input_paths[0]).parent / "out")  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not prepare.is_busy and prepare.controller.exported, timeout=WAIT_MS)
    qtbot.mouseClick(window.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not window.isVisible()

    again = open_wizard(qtbot, restore_context(credentials=memory_only_store()))
    welcome = again.page_for(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    assert not welcome.resume.isEnabled()  # finished: nothing to resume
    saved = load_state()
    assert saved is not None and saved.roster.input_paths  # the work itself is kept


# --- 7. Pages notice what changes while they are shown ------------------------------------------------------


def test_the_vendor_page_notices_the_question_arriving_while_shown(
    qtbot: QtBot, embedded_hub: Any, fast_polls: None, tmp_path: Path
) -> None:
    embedded_hub.settings.vendor_delay = 3600.0  # the vendor has not looked yet
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.VENDOR_IMPORT
    )
    assert ctx.state.app.connection_status == "pending_vendor_acceptance"
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VENDOR_IMPORT)
    vendor = window.page_for(PageId.VENDOR_IMPORT)
    assert isinstance(vendor, VendorImportPage)
    qtbot.waitUntil(lambda: not vendor.is_busy, timeout=WAIT_MS)
    assert not vendor.tell_status.isVisible()
    embedded_hub.settings.vendor_delay = 0.0  # now the vendor asks about the import
    qtbot.waitUntil(lambda: "waits for this import" in vendor.tell_status.text(), timeout=WAIT_MS)
    assert window.ctx.state.app.connection_status == "vendor_requested_info"
    assert window.currentId() == PageId.VENDOR_IMPORT  # noticed without leaving and coming back
    window.close()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)  # the last poll's answer came back
