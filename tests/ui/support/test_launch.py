"""From the wizard to the Cedar Middle finding: open the support view on the embedded hub, try the demo."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.walk import context
from tests.unit.test_credentials import MemoryKeyring
from wizard.credentials import CredentialStore
from wizard.sandbox.server import RunningHub
from wizard.state import OnboardingState, data_dir
from wizard.ui.support.launch import open_support_view
from wizard.ui.support.window import EMBEDDED_SCOPE


def test_demo_district_story_in_the_window(qtbot: QtBot, embedded_hub: RunningHub) -> None:
    store = CredentialStore(MemoryKeyring())
    ctx = context(OnboardingState(), embedded_hub=embedded_hub, credentials=store)
    window = open_support_view(ctx)
    qtbot.addWidget(window)
    assert window.hub_edit.text() == "" and window.demo_button.isVisible()
    window.demo_button.click()
    qtbot.waitUntil(lambda: window.run is not None and not window.is_busy, timeout=20_000)
    assert window.links_tab.roster_edit.text() == str(data_dir() / "demo-symphony-math-roster.csv")
    assert store.app_secret(EMBEDDED_SCOPE, window.client_id_edit.text()) == window.secret_edit.text()
    window.links_tab.check_button.click()
    qtbot.waitUntil(lambda: not window.is_busy, timeout=10_000)
    assert window.links_tab.summary.text().startswith(
        "<b>24 students at Cedar Middle will not be linked.</b>"
    )
    window.close()


def test_a_typed_hub_hides_nothing_but_disables_the_demo(qtbot: QtBot, embedded_hub: RunningHub) -> None:
    ctx = context(
        OnboardingState(hub_url="https://hub.example.org"),
        embedded_hub=embedded_hub,
        credentials=CredentialStore(MemoryKeyring()),
    )
    window = open_support_view(ctx)
    qtbot.addWidget(window)
    assert window.hub_edit.text() == "https://hub.example.org" and not window.demo_button.isEnabled()
    window.hub_edit.clear()
    assert window.demo_button.isEnabled()
    window.close()


def test_welcome_opens_the_support_view_on_the_chosen_hub(qtbot: QtBot, embedded_hub: RunningHub) -> None:
    from wizard.flow import PageId
    from wizard.ui.support.window import SupportWindow
    from wizard.ui.wizard_window import OnboardingWizard

    ctx = context(OnboardingState(), embedded_hub=embedded_hub, credentials=CredentialStore(MemoryKeyring()))
    wizard = OnboardingWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.page_for(PageId.WELCOME)
    assert page.support.isEnabled()
    page.support.setChecked(True)
    page.remote.setChecked(True)
    page.hub_url.setText("https://hub.example.org/")
    wizard.next()
    assert wizard.currentId() == PageId.WELCOME  # the wizard stays; the view is its own window
    support = page.support_window
    assert isinstance(support, SupportWindow) and support.isVisible() and support.isWindow()
    assert support.hub_edit.text() == "https://hub.example.org" and not support.demo_button.isEnabled()
    support.close()
