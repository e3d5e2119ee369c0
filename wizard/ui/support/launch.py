"""Opening the support view from the wizard: the wizard's hub choice, keyring and built-in hub, reused."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.demo import write_demo_vendor_roster
from wizard.session.context import WizardContext
from wizard.state import data_dir
from wizard.ui.support.window import DemoLogin, SupportHub, SupportWindow

SYMPHONY = "symphony-math"
DEMO_ROSTER_FILE = "demo-symphony-math-roster.csv"


def support_hub(ctx: WizardContext) -> SupportHub:
    def embedded_base_url() -> str:
        return str(ctx.embedded_hub().base_url)

    def demo() -> DemoLogin:
        seeded = ctx.embedded_hub().seed_demo()  # creates the district once; fresh app secrets each time
        credentials = seeded.credentials[SYMPHONY]
        roster = write_demo_vendor_roster(data_dir() / DEMO_ROSTER_FILE)
        return DemoLogin(credentials.client_id, credentials.client_secret, roster)

    return SupportHub(embedded_base_url, ctx.credentials, demo=demo)


def open_support_view(
    ctx: WizardContext, parent: QWidget | None = None, *, hub_url: str | None = None
) -> SupportWindow:
    """Show the support view as its own window (closed with the wizard) on `hub_url`, by default the hub in
    the saved state; "" is the built-in hub."""
    window = SupportWindow(support_hub(ctx), parent)
    window.hub_edit.setText(ctx.state.hub_url if hub_url is None else hub_url)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
