"""Helpers for walking the wizard against a real embedded hub over HTTP (pytest-qt, no sleeps)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from wizard.app.hub import embedded_hub_starter
from wizard.credentials import process_keyring_store
from wizard.demo import write_demo_sis_files
from wizard.errors import UserFacingError
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.session.context import WizardContext
from wizard.session.questions import RecordedQuestions
from wizard.session.settings import SessionSettings
from wizard.state import DistrictForm, Mode, OnboardingState, StateUnreadable, load_state, save_state
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.wizard_window import OnboardingWizard

WAIT_MS = 20_000


@dataclass
class SessionDefaults:
    settings: SessionSettings = dataclass_field(default_factory=SessionSettings)
    questions: RecordedQuestions = dataclass_field(default_factory=RecordedQuestions)
    opened: list[str] = dataclass_field(default_factory=list)  # web pages the wizard asked a browser to open


DEFAULTS = SessionDefaults()  # replaced for each test by the `session_defaults` fixture


def context(state: OnboardingState | None = None, **kwargs: Any) -> WizardContext:
    """A wizard session as the composition root builds it, with this test's settings and recorded answers,
    and a keyring of this process; the built-in hub starts on demand unless the test lends one
    (`embedded_hub=`)."""
    kwargs.setdefault("settings", DEFAULTS.settings)
    kwargs.setdefault("credentials", process_keyring_store())  # never the user's (or the runner's) keyring
    kwargs.setdefault("questions", DEFAULTS.questions)
    kwargs.setdefault("open_url", DEFAULTS.opened.append)  # no test opens a real browser
    if "embedded_hub" not in kwargs:
        kwargs.setdefault("start_hub", embedded_hub_starter())
    return WizardContext(state, **kwargs)


def restore_context(**kwargs: Any) -> WizardContext:
    """`context` on the saved state, as the wizard starts (a damaged state is reported, not fatal)."""
    try:
        return context(load_state(), **kwargs)
    except (StateUnreadable, UserFacingError) as error:
        return context(None, load_error=error, **kwargs)


def write_sis_files(folder: Path, students_per_grade: int = 3) -> Path:
    """The demo district's roster as hub CSV files (small: 57 students)."""
    return write_demo_sis_files(folder, students_per_grade)


def write_vendor_roster(sis: Path, target: Path) -> tuple[str, list[str]]:
    """A Symphony roster export: two accounts already linked by ExternalID, and two same-named accounts for a
    third student (so matching must ask). Returns that student's SIS id and the two candidate usernames."""
    with (sis / "students.csv").open(encoding="utf-8", newline="") as stream:
        students = list(csv.DictReader(stream))
    first, second, third = students[0], students[1], students[2]
    rows = [
        {
            "Username": "kept.one",
            "ExternalID": first["Student_id"],
            "FirstName": first["First_name"],
            "LastName": first["Last_name"],
            "Grade": first["Grade"],
            "School": "",
            "Password": "x1",
        },
        {
            "Username": "kept.two",
            "ExternalID": second["Student_id"],
            "FirstName": second["First_name"],
            "LastName": second["Last_name"],
            "Grade": second["Grade"],
            "School": "",
            "Password": "x2",
        },
        {
            "Username": "twin.a",
            "ExternalID": "",
            "FirstName": third["First_name"],
            "LastName": third["Last_name"],
            "Grade": "",
            "School": "",
            "Password": "x3",
        },
        {
            "Username": "twin.b",
            "ExternalID": "",
            "FirstName": third["First_name"],
            "LastName": third["Last_name"],
            "Grade": "",
            "School": "",
            "Password": "x4",
        },
    ]
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return third["Student_id"], ["twin.a", "twin.b"]


def page(window: OnboardingWizard, page_id: PageId) -> BasePage:
    return window.page_for(page_id)


def wait_idle(qtbot: QtBot, window: OnboardingWizard, page_id: PageId) -> None:
    """Until the page's blocking tasks are done (the busy bar is gone)."""
    qtbot.waitUntil(lambda: not page(window, page_id).is_busy, timeout=WAIT_MS)


def next_to(qtbot: QtBot, window: OnboardingWizard, expected: PageId) -> None:
    """Press Next (as the user would) and wait until the wizard shows `expected`."""
    button = window.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentId() == expected, timeout=WAIT_MS)


def fill_sign_up(qtbot: QtBot, sign_up: SignUpPage, name: str = "Maple Valley Unified") -> None:
    values = {
        "name": name,
        "nces_id": "0601234",
        "admin_name": "Dana Whitfield",
        "admin_email": "dana@maplevalley.k12.ca.us",
        "admin_phone": "(555) 201-4400",
    }
    for field, text in values.items():
        widget = sign_up.inputs[field]
        widget.clear()  # type: ignore[union-attr]
        qtbot.keyClicks(widget, text)
    state_box = sign_up.inputs["state"]
    state_box.setCurrentIndex(state_box.findData("CA"))  # type: ignore[union-attr]
    sign_up.inputs["sis_vendor"].setCurrentText("PowerSchool")  # type: ignore[union-attr]


def choose_app(qtbot: QtBot, add_app: AddAppPage, name: str) -> None:
    qtbot.waitUntil(lambda: add_app.catalog.rowCount() > 0, timeout=WAIT_MS)
    add_app.search.setText(name)
    for row in range(add_app.catalog.rowCount()):
        if not add_app.app_list.isRowHidden(row):
            add_app.app_list.setCurrentIndex(add_app.catalog.index(row, 0))
            break
    selected = add_app.selected_app()
    assert selected is not None and selected.name == name


def prepared_district(
    hub: Any, folder: Path, *, app_id: str = "", state_page: PageId = PageId.WELCOME
) -> WizardContext:
    """A district signed up, set up and rostered through the hub client (not the GUI), optionally with an app
    added and authorized, and a context that resumes at `state_page` — for page-level tests."""
    sis = write_sis_files(folder)
    store = process_keyring_store()
    state = OnboardingState(mode=Mode.ONLINE, current_page=int(state_page))
    state.district_form = DistrictForm(
        "Cedar Unified", "CA", "0601235", "PowerSchool", "Ana Ruiz", "ana@cedar.k12.ca.us", "5552014400"
    )
    with OnboardingClient(hub.base_url) as client:
        signed = client.signup(
            {"name": "Cedar Unified", "state": "CA", "nces_id": "0601235", "sis_vendor": "PowerSchool"},
            {"name": "Ana Ruiz", "email": "ana@cedar.k12.ca.us", "phone": "5552014400"},
        )
        district = signed.district.id
        client.set_identity_provider(district, "google")
        client.set_sync_method(district, "sftp")
        upload = client.upload_roster(district, sorted(sis.glob("*.csv")))
        assert client.wait_for_upload(district, upload.id, timeout=30, interval=0.05).status == "succeeded"
        state.district_id, state.identity_provider, state.sync_method = district, "google", "sftp"
        state.roster.export_dir, state.roster.upload_id, state.roster.upload_status = (
            str(sis),
            upload.id,
            "succeeded",
        )
        if app_id:
            app = client.app(app_id)
            connection = client.authorize(district, client.add_connection(district, app_id).id)
            connection = client.connection(district, connection.id)  # the simulated vendor acts now
            state.app.app_id, state.app.app_name = app.id, app.name
            state.app.uses_secure_sync = app.uses_secure_sync
            state.app.connection_id, state.app.connection_status = connection.id, connection.status
    store.set_admin_token("embedded-hub", district, signed.admin_token)
    save_state(state)
    return context(state, embedded_hub=hub, credentials=store)


def open_wizard(qtbot: QtBot, ctx: WizardContext) -> OnboardingWizard:
    window = OnboardingWizard(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def resume(qtbot: QtBot, window: OnboardingWizard, expected: PageId, token: str = "") -> None:
    """On the Welcome page, choose Resume (pasting the admin token when this computer does not keep it) and
    land on `expected`."""
    welcome: Any = window.page_for(PageId.WELCOME)
    assert welcome.resume.isEnabled()
    welcome.resume.setChecked(True)
    if token:
        assert welcome.resume_token.isVisible()
        qtbot.keyClicks(welcome.resume_token, token)
    next_to(qtbot, window, expected)
