"""Roll out: “Sign in as this student” rehearses Instant Login through the hub's simulated vendor app."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, open_wizard, prepared_district, resume, wait_idle
from wizard.flow import PageId
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.session.context import WizardContext
from wizard.ui.pages.roll_out import RollOutPage

APP = "symphony-math"


def _connected_and_shared(hub: Any, tmp_path: Path) -> WizardContext:
    ctx = prepared_district(hub, tmp_path / "sis", app_id=APP, state_page=PageId.ROLL_OUT)
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    district_id, connection_id = ctx.state.district_id, ctx.state.app.connection_id
    with OnboardingClient(hub.base_url, token) as client:
        if client.connection(district_id, connection_id).status == "vendor_requested_info":
            client.send_message(district_id, connection_id, "The import is done.")
        assert client.connection(district_id, connection_id).status == "connected"
        client.set_sharing(district_id, connection_id, SharingSettings(type="district"))
    return ctx


def _roll_out(qtbot: QtBot, ctx: WizardContext) -> RollOutPage:
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ROLL_OUT)
    page = window.page_for(PageId.ROLL_OUT)
    assert isinstance(page, RollOutPage)
    wait_idle(qtbot, window, PageId.ROLL_OUT)
    qtbot.waitUntil(lambda: page.rehearsal.search.completer().model().rowCount() > 0, timeout=WAIT_MS)
    return page


def _sign_in(qtbot: QtBot, page: RollOutPage, typed: str) -> str:
    page.rehearsal.search.clear()
    qtbot.keyClicks(page.rehearsal.search, typed)
    assert page.rehearsal.sign_in_button.isEnabled()
    before = page.rehearsal.outcome.text()
    qtbot.mouseClick(page.rehearsal.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.rehearsal.outcome.isVisible() and page.rehearsal.outcome.text() != before,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: not page.is_busy, timeout=WAIT_MS)
    return page.rehearsal.outcome.text()


def test_a_linked_student_lands_in_their_account_and_an_unlinked_one_is_explained(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = _connected_and_shared(embedded_hub, tmp_path)
    students = ctx.shared_users("student")
    linked, renamed, absent = students[0], students[1], students[2]
    export = tmp_path / "symphony export.csv"  # the vendor's own roster, as the admin exported it
    with export.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Username", "FirstName", "LastName", "ExternalID"])
        writer.writerow(["mathwiz1", linked.first_name, linked.last_name, linked.sis_id])
        writer.writerow(["oldacct2", renamed.first_name, renamed.last_name, ""])  # same name, no ExternalID

    page = _roll_out(qtbot, ctx)
    assert not page.rehearsal.sign_in_button.isEnabled()  # no roster yet: the page asks for one
    assert "needs the vendor's roster" in page.rehearsal.roster_note.text()
    page.choose_vendor_roster = lambda: export  # type: ignore[method-assign]
    page.rehearsal.roster_button.click()
    assert "symphony export.csv" in page.rehearsal.roster_note.text()

    # found by its SIS id in the search box
    text = _sign_in(qtbot, page, linked.sis_id)
    assert text == f"✓ {linked.name}: Signed in to account mathwiz1 (progress kept). " + (
        f"The vendor knows that account as {linked.first_name} {linked.last_name}."
    )

    # no account carries the SIS id: the link check's words, and what to do
    text = _sign_in(qtbot, page, f"{renamed.first_name} {renamed.last_name}")
    assert text.startswith(f"✗ {renamed.name}: No account links this student: an account with the same name")
    assert "oldacct2" in text and "What to do:" in text

    text = _sign_in(qtbot, page, absent.sis_id)
    assert text.startswith(f"✗ {absent.name}: No account links this student:")

    text = _sign_in(qtbot, page, "nobody by that name")
    assert text.startswith("No shared student matches “nobody by that name”")


def test_the_import_file_the_wizard_wrote_is_the_default_roster(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = _connected_and_shared(embedded_hub, tmp_path)
    student = ctx.shared_users("student")[0]
    folder = tmp_path / "vendor files"
    folder.mkdir()
    with (folder / "vendor_import.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Username", "Password", "FirstName", "LastName", "Grade", "ExternalID"])
        writer.writerow(["new.kid", "pw", student.first_name, student.last_name, "", student.sis_id])
    ctx.state.vendor.written, ctx.state.vendor.output_dir = True, str(folder)
    ctx.save()

    page = _roll_out(qtbot, ctx)
    assert "the import file this wizard wrote (vendor_import.csv)" in page.rehearsal.roster_note.text()
    assert "Signed in to account new.kid (progress kept)." in _sign_in(qtbot, page, student.sis_id)
