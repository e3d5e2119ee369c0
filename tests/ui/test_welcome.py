from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.ui.walk import restore_context
from wizard.credentials import process_keyring_store
from wizard.flow import PageId
from wizard.session.context import WizardContext
from wizard.state import Mode, OnboardingState, load_state, save_state
from wizard.ui.pages.welcome import hub_url_problem
from wizard.ui.style import PALETTE, STYLESHEET_PAIRS, contrast_ratio
from wizard.ui.wizard_window import OnboardingWizard


def _open(qtbot: QtBot, ctx: WizardContext | None = None) -> OnboardingWizard:
    window = OnboardingWizard(ctx or restore_context())
    qtbot.addWidget(window)
    window.show()
    return window


def test_every_page_is_registered_and_welcome_comes_first(qtbot: QtBot) -> None:
    window = _open(qtbot)
    assert window.pageIds() == [int(page) for page in PageId]
    assert window.currentId() == PageId.WELCOME


def test_offline_choice_goes_to_prepare_and_is_saved(qtbot: QtBot) -> None:
    window = _open(qtbot)
    page = window.page_for(PageId.WELCOME)
    assert page.online.isChecked()
    assert not page.resume.isEnabled()
    page.offline.setChecked(True)
    window.next()
    assert window.currentId() == PageId.PREPARE_ROSTER
    saved = load_state()
    assert saved is not None
    assert saved.mode is Mode.OFFLINE
    assert saved.current_page == PageId.PREPARE_ROSTER


def test_hub_address_is_validated_as_typed(qtbot: QtBot) -> None:
    window = _open(qtbot)
    page = window.page_for(PageId.WELCOME)
    page.remote.setChecked(True)
    assert not page.isComplete()
    qtbot.keyClicks(page.hub_url, "http://hub.example.org")
    assert "https://" in page.hub_error.text()
    assert not window.button(QWizard.WizardButton.NextButton).isEnabled()
    page.hub_url.setText("https://hub.example.org/")
    assert page.hub_error.text() == ""
    assert page.isComplete()
    window.next()
    state = load_state()
    assert state is not None
    assert state.hub_url == "https://hub.example.org"


def test_hub_url_rules() -> None:
    assert hub_url_problem("https://hub.example.org") == ""
    assert hub_url_problem("http://127.0.0.1:8765") == ""
    assert hub_url_problem("http://localhost:1") == ""
    assert hub_url_problem("ftp://x") != ""
    assert hub_url_problem("hub.example.org") != ""
    assert hub_url_problem("http://127.0.0.2:8765") == ""  # the same rule as the hub client's
    assert "s3cret" not in hub_url_problem("https://admin:s3cret@hub.example.org") != ""


def test_resume_is_offered_and_jumps_to_the_saved_page(qtbot: QtBot) -> None:
    state = OnboardingState(mode=Mode.ONLINE, district_id="d1", current_page=PageId.IDENTITY_AND_SYNC)
    state.district_form.name = "Cedar Unified"
    state.app.uses_secure_sync = True
    save_state(state)
    store = process_keyring_store()
    store.set_admin_token("embedded-hub", "d1", "token-of-d1")  # signed in on this computer: nothing to ask
    window = _open(qtbot, restore_context(credentials=store))
    page = window.page_for(PageId.WELCOME)
    assert page.resume.isEnabled() and page.resume.isChecked()
    assert not page.resume_token.isVisible()
    assert "Cedar Unified" in page.resume.text()
    assert "Identity provider and sync" in page.resume.text()
    window.next()
    assert window.currentId() == PageId.IDENTITY_AND_SYNC
    window.back()
    assert window.currentId() == PageId.WELCOME


@pytest.mark.expected_warning_log(r"saved state unreadable")
def test_a_damaged_saved_state_is_reported_inline(qtbot: QtBot) -> None:
    from wizard.state import state_path

    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("{broken", encoding="utf-8")
    window = _open(qtbot)
    page = window.page_for(PageId.WELCOME)
    assert page.banner.isVisible()
    assert "could not be read" in page.banner.message.text()
    assert page.online.isChecked()


def test_controls_have_accessible_names(qtbot: QtBot) -> None:
    window = _open(qtbot)
    page = window.page_for(PageId.WELCOME)
    for control in (page.online, page.offline, page.resume, page.embedded, page.remote, page.hub_url):
        assert control.accessibleName()


def test_colours_meet_wcag_aa() -> None:
    from PySide6.QtGui import QPalette

    role = QPalette.ColorRole
    pairs = [
        (PALETTE[role.WindowText], PALETTE[role.Window]),
        (PALETTE[role.Text], PALETTE[role.Base]),
        (PALETTE[role.Text], PALETTE[role.AlternateBase]),
        (PALETTE[role.ButtonText], PALETTE[role.Button]),
        (PALETTE[role.HighlightedText], PALETTE[role.Highlight]),
        (PALETTE[role.PlaceholderText], PALETTE[role.Base]),
        (PALETTE[role.Link], PALETTE[role.Base]),
        *STYLESHEET_PAIRS,
    ]
    for foreground, background in pairs:
        assert contrast_ratio(foreground, background) >= 4.5, (foreground, background)


def test_support_view_choice_opens_the_support_window_on_the_chosen_hub(qtbot: QtBot) -> None:
    window = _open(qtbot)
    page = window.page_for(PageId.WELCOME)
    assert page.support.isEnabled()
    page.support.setChecked(True)
    page.remote.setChecked(True)
    page.hub_url.setText("https://hub.example.org/")
    window.next()
    assert window.currentId() == PageId.WELCOME  # the wizard stays; the support view is its own window
    support = page.support_window
    assert support is not None and support.isVisible()
    assert support.hub_edit.text() == "https://hub.example.org"
    support.close()
    page.embedded.setChecked(True)
    window.next()
    assert page.support_window is not None and page.support_window.hub_edit.text() == ""
    page.support_window.close()
