"""The sign-up form's own checks, before anything reaches the hub."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, context, fill_sign_up, next_to, open_wizard
from wizard.credentials import process_keyring_store
from wizard.flow import PageId
from wizard.state import OnboardingState
from wizard.ui.pages.sign_up import SignUpPage


def test_an_nces_id_from_another_state_is_pointed_out(qtbot: QtBot) -> None:
    page = SignUpPage(context(OnboardingState(), credentials=process_keyring_store()))
    qtbot.addWidget(page)
    page.show()
    fill_sign_up(qtbot, page)  # 0601234 in California
    assert not page.errors["nces_id"].isVisible() and page.ready()
    state_box = page.inputs["state"]
    state_box.setCurrentIndex(state_box.findData("OR"))  # type: ignore[union-attr]
    error = page.errors["nces_id"]
    assert error.isVisible() and "California" in error.text() and "41" in error.text()
    assert not page.ready()


def test_next_disabled_says_what_is_missing(qtbot: QtBot) -> None:
    from wizard.ui.pages.identity_sync import IdentitySyncPage

    ctx = context(OnboardingState(), credentials=process_keyring_store())
    page = SignUpPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.initializePage()
    page.completeChanged.emit()
    assert page.missing_hint.isVisible() and "complete District name" in page.missing_hint.text()
    fill_sign_up(qtbot, page)
    assert not page.missing_hint.isVisible()
    page.existing.setChecked(True)
    page.completeChanged.emit()
    assert "type the district id" in page.missing_hint.text()

    identity = IdentitySyncPage(ctx)
    qtbot.addWidget(identity)
    identity.show()
    identity.initializePage()
    assert "choose how people sign in" in identity.missing_hint.text()
    identity._select(identity.identity_group, "google")
    assert identity.missing_hint.text() == "To go on: choose how your roster reaches the hub."
    identity._select(identity.sync_group, "sftp")
    assert not identity.missing_hint.isVisible()
    # Choosing file upload starts a quiet look-up of the SFTP account; this test has no hub, so end it here.
    from wizard.ui.worker import Worker

    identity.cancel_tasks()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)


class _RefusingHub(ThreadingHTTPServer):
    """A hub that answers every sign-up with a 422 naming fields its way ("admin.email")."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.dumps(
                    {
                        "error": {
                            "code": "invalid_fields",
                            "message": "Please correct: admin.email, district.name",
                            "fields": {"admin.email": "Unknown domain.", "district.name": "Taken."},
                        }
                    }
                ).encode()
                self.send_response(422)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_the_hubs_field_errors_appear_under_the_fields(qtbot: QtBot) -> None:
    """Issue 9: handle_field_errors was never connected; pressing Next against a hub that refuses fields shows
    each complaint under its field (and the banner says what happened)."""
    hub = _RefusingHub()
    thread = threading.Thread(target=hub.serve_forever, daemon=True)
    thread.start()
    try:
        state = OnboardingState(hub_url=f"http://127.0.0.1:{hub.server_address[1]}")
        window = open_wizard(qtbot, context(state, credentials=process_keyring_store()))
        window.page_for(PageId.WELCOME).online.setChecked(True)  # type: ignore[attr-defined]
        next_to(qtbot, window, PageId.SIGN_UP)
        page = window.page_for(PageId.SIGN_UP)
        assert isinstance(page, SignUpPage)
        fill_sign_up(qtbot, page)
        qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.errors["admin_email"].isVisible(), timeout=WAIT_MS)
        assert page.errors["admin_email"].text() == "Unknown domain."
        assert page.errors["name"].text() == "Taken."
        assert page.banner.isVisible() and window.currentId() == PageId.SIGN_UP
    finally:
        hub.shutdown()
        hub.server_close()
