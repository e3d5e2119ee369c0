from __future__ import annotations

from pytestqt.qtbot import QtBot

from wizard.flow import PageId
from wizard.ui.app import OnboardingWizard


def test_wizard_has_every_page_in_order(qtbot: QtBot) -> None:
    window = OnboardingWizard()
    qtbot.addWidget(window)
    assert window.pageIds() == [int(page) for page in PageId]
    assert window.startId() == PageId.WELCOME
