"""The sign-up form's own checks, before anything reaches the hub."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.walk import fill_sign_up
from wizard.state import OnboardingState
from wizard.ui.context import WizardContext
from wizard.ui.hub_access import memory_only_store
from wizard.ui.pages.sign_up import SignUpPage


def test_an_nces_id_from_another_state_is_pointed_out(qtbot: QtBot) -> None:
    page = SignUpPage(WizardContext(OnboardingState(), credentials=memory_only_store()))
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

    ctx = WizardContext(OnboardingState(), credentials=memory_only_store())
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
