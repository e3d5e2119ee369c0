"""The data browser on Validate, against the embedded hub over HTTP: look up a student who is shared (and by
which school) and one who is not (and why), by SIS id, email and name; the look-up runs off the GUI thread."""

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
from wizard.ui.pages.validate import ValidatePage
from wizard.ui.widgets.data_browser import APP, PERSON, SHARED, SIS_ID, WHY, DataBrowser

APP_ID = "amplify-curriculum"


def _look_up(qtbot: QtBot, page: ValidatePage, browser: DataBrowser, text: str) -> None:
    browser.query.clear()
    qtbot.keyClicks(browser.query, text)
    browser.result = None
    qtbot.mouseClick(browser.look_up_button, Qt.MouseButton.LeftButton)
    assert page.is_busy or browser.result is not None  # a Worker runs it, not the GUI thread
    qtbot.waitUntil(lambda: browser.result is not None and not page.is_busy, timeout=WAIT_MS)


def _row(browser: DataBrowser, number: int = 0) -> dict[int, str]:
    return {
        column: (browser.table.item(number, column) or browser.table.item(0, 0)).text()  # type: ignore[union-attr]
        for column in (PERSON, SIS_ID, APP, SHARED, WHY)
    }


def test_the_data_browser_says_who_is_shared_with_the_app_and_why_or_why_not(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(embedded_hub, tmp_path, app_id=APP_ID, state_page=PageId.VALIDATE)
    schools = {school.name: school.id for school in ctx.district_directory().schools}
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as hub:
        hub.set_sharing(
            ctx.state.district_id,
            ctx.state.app.connection_id,
            SharingSettings("schools", school_ids=(schools["Cedar Middle"],)),
        )
        students = list(hub.users(ctx.state.district_id, role="student"))
    cedar = next(s for s in students if s.school_name == "Cedar Middle")
    elsewhere = next(s for s in students if s.school_name != "Cedar Middle" and s.email)
    with (Path(ctx.state.roster.export_dir) / "students.csv").open(encoding="utf-8", newline="") as stream:
        assert {row["Student_id"] for row in csv.DictReader(stream)} >= {cedar.sis_id, elsewhere.sis_id}

    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VALIDATE)
    page = window.page_for(PageId.VALIDATE)
    assert isinstance(page, ValidatePage)
    wait_idle(qtbot, window, PageId.VALIDATE)
    page.tabs.setCurrentWidget(page.data_browser)
    browser = page.data_browser

    # Shared: by SIS id, with the school that brings them in.
    _look_up(qtbot, page, browser, cedar.sis_id)
    row = _row(browser)
    assert (row[SIS_ID], row[APP], row[SHARED]) == (cedar.sis_id, "Amplify Curriculum", "✓ Shared")
    assert "Cedar Middle" in row[WHY] and "sharing by school" in row[WHY]
    assert row[PERSON] == f"{cedar.last_name}, {cedar.first_name}"
    assert browser.status.text().startswith("1 person matching")

    # Not shared: by email, and the reason names their school and the one chosen.
    _look_up(qtbot, page, browser, elsewhere.email.upper())
    row = _row(browser)
    assert (row[SIS_ID], row[SHARED]) == (elsewhere.sis_id, "✗ Not shared")
    assert elsewhere.school_name in row[WHY] and "is not among the 1 school(s) chosen" in row[WHY]

    # By the start of a name; and nobody, said in words.
    _look_up(qtbot, page, browser, cedar.last_name[:3])
    assert cedar.sis_id in {browser.table.item(n, SIS_ID).text() for n in range(browser.table.rowCount())}  # type: ignore[union-attr]
    _look_up(qtbot, page, browser, "zz-nobody-zz")
    assert browser.table.rowCount() == 0 and "Nobody in your district matches" in browser.status.text()
