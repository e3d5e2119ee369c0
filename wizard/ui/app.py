"""The GUI entry point: builds the QApplication and the onboarding wizard."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage

from wizard.flow import PAGE_TITLES, PageId


class PlaceholderPage(QWizardPage):
    """Stands for a page the GUI issue builds; it says so rather than pretending to work."""

    def __init__(self, page_id: PageId) -> None:
        super().__init__()
        self.setTitle(self.tr(PAGE_TITLES[page_id]))
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr("This step is being built. Offline preparation works today: python main.py prepare")
        )
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)


class OnboardingWizard(QWizard):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("District Onboarding Wizard"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.resize(1100, 760)
        for page_id in PageId:
            self.setPage(page_id, PlaceholderPage(page_id))
        self.setStartId(PageId.WELCOME)


def run_gui(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("District Onboarding Wizard")
    app.setOrganizationName("DistrictOnboarding")
    window = OnboardingWizard()
    window.show()
    return int(app.exec())
