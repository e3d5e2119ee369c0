"""The GUI entry point: builds the QApplication, applies the style and opens the onboarding wizard."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from wizard.session.context import WizardContext
from wizard.ui.style import app_icon, apply_style
from wizard.ui.wizard_window import OnboardingWizard

log = logging.getLogger(__name__)

__all__ = ["OnboardingWizard", "run_gui"]

WARM_UP_MS = 500  # after the first page is on screen


def _load_roster_tables() -> None:
    import wizard.roster.resultfiles  # noqa: F401


def run_gui(ctx: WizardContext, argv: list[str] | None = None) -> int:
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(argv if argv is not None else sys.argv)
    )
    app.setApplicationName("District Onboarding Wizard")
    app.setOrganizationName("DistrictOnboarding")
    # Names the .desktop entry (packaging/linux), so the task bar shows its icon and groups the windows.
    app.setDesktopFileName("district-wizard")
    app.setWindowIcon(app_icon())
    apply_style(app)
    window = OnboardingWizard(ctx)
    window.show()
    # Once the event loop runs the window is on screen; `make dist-check` times the bundle's start by this line.
    QTimer.singleShot(0, lambda: log.info("The wizard window is open."))
    # The system keyring is looked up once the window shows, off the GUI thread (it may wait on the desktop's
    # secret service); a page that needs a secret before then looks it up itself.
    QTimer.singleShot(
        0, lambda: threading.Thread(target=ctx.credentials.find_keyring, name="keyring", daemon=True).start()
    )
    # pandas and pyarrow (the results' tables) load in the background while the admin reads the first pages,
    # so the first check does not wait for them
    QTimer.singleShot(
        WARM_UP_MS, lambda: threading.Thread(target=_load_roster_tables, name="warm-up", daemon=True).start()
    )
    return int(app.exec())
