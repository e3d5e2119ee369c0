"""The GUI entry point: builds the QApplication, applies the style and opens the onboarding wizard."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from wizard.ui.style import apply_style
from wizard.ui.wizard_window import OnboardingWizard

__all__ = ["OnboardingWizard", "run_gui"]


def run_gui(argv: list[str] | None = None) -> int:
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(argv if argv is not None else sys.argv)
    )
    app.setApplicationName("District Onboarding Wizard")
    app.setOrganizationName("DistrictOnboarding")
    apply_style(app)
    window = OnboardingWizard()
    window.show()
    return int(app.exec())
