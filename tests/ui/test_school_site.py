"""School-site sharing walked in the GUI against the embedded hub: the district picks the schools, a school's
tech lead signs in with their own token (the demo's "Act as this school's tech lead") and decides, and the
district's Sharing page shows per school the tech lead, opted in or not, what is shared and the counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, open_wizard, prepared_district, resume, wait_idle
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.session.staff import StaffAdmins, StaffDraft
from wizard.ui.pages import sharing as sharing_module
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.widgets.tech_lead import TechLeadDialog
from wizard.ui.worker import Worker
from wizard.wire.vocab import SchoolShare, StaffRole

APP = "amplify-curriculum"


def _row_of(page: SharingPage, school: str) -> int:
    return next(n for n, row in enumerate(page.site_rows) if row.school_name == school)


def _cell(page: SharingPage, school: str, column: int) -> str:
    item = page.site_table.item(_row_of(page, school), column)
    return item.text() if item is not None else ""


def test_a_school_tech_lead_decides_school_site_sharing_and_the_district_sees_it(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(embedded_hub, tmp_path, app_id=APP, state_page=PageId.SHARING)
    schools = {school.name: school for school in ctx.district_directory().schools}
    cedar = schools["Cedar Middle"]
    other = next(school for name, school in schools.items() if name != "Cedar Middle")
    # Added on the Staff admins step: the hub's token for the tech lead is in this computer's keyring.
    StaffAdmins(ctx).add(
        StaffDraft("Sam Ode", "sam.ode@cedar.k12.ca.us", StaffRole.SCHOOL_TECH_LEAD, (cedar.id,))
    )
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)

    # The district picks the schools whose tech leads decide, and saves.
    page.type_buttons["school_site"].setChecked(True)
    assert page.site_box.isVisible()
    for row in range(page.tree_model.rowCount()):
        item = page.tree_model.item(row)
        if item.data(sharing_module.ID_ROLE) in {cedar.id, other.id}:
            item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "Would share: 0 schools" in page.preview.text(), timeout=WAIT_MS)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.ready() and len(page.site_rows) == 2, timeout=WAIT_MS)
    assert page.site_summary.text().startswith("0 of 2 schools opted in")
    assert (_cell(page, "Cedar Middle", 1), _cell(page, "Cedar Middle", 2)) == ("Sam Ode", "✗ Not yet")
    assert "its tech lead has not opted in" in _cell(page, "Cedar Middle", 3)
    assert _cell(page, other.name, 1) == "none yet" and "no tech lead" in _cell(page, other.name, 3)
    assert "Shared with the app: 0 schools" in page.preview.text()

    # A school without a tech lead has nobody to act as; Cedar Middle's tech lead opens their own window.
    page.site_table.selectRow(_row_of(page, other.name))
    assert not page.act_as_lead_button.isEnabled()
    page.site_table.selectRow(_row_of(page, "Cedar Middle"))
    assert page.act_as_lead_button.isEnabled()
    qtbot.mouseClick(page.act_as_lead_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.tech_lead_dialog is not None, timeout=WAIT_MS)
    dialog = page.tech_lead_dialog
    assert isinstance(dialog, TechLeadDialog)
    qtbot.waitUntil(lambda: dialog.decide_box.isEnabled() and not dialog.is_busy, timeout=WAIT_MS)
    assert "Signed in as Sam Ode" in dialog.who.text() and not dialog.token.text()
    assert [dialog.school.itemText(i) for i in range(dialog.school.count())] == [
        "Cedar Middle — Amplify Curriculum"
    ]  # only their own school
    assert dialog.selected_share() is SchoolShare.NOT_DECIDED

    # The whole school: the district's page follows (refreshed on the tech lead's save) with the counts.
    dialog.share_buttons[SchoolShare.WHOLE_SCHOOL].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("✓ Saved"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _cell(page, "Cedar Middle", 2) == "✓ Yes" and not page.is_busy, timeout=WAIT_MS)
    assert _cell(page, "Cedar Middle", 3) == "The whole school"
    assert int(_cell(page, "Cedar Middle", 4)) == cedar.students > 0
    assert page.site_summary.text().startswith("1 of 2 schools opted in")
    assert f"{cedar.students} students" in page.preview.text()

    # Chosen sections instead: one section; the district refreshes while the page is shown.
    dialog.share_buttons[SchoolShare.SECTIONS].setChecked(True)
    assert dialog.sections.isEnabled() and dialog.sections.count() == cedar.sections
    dialog.sections.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 chosen section" in dialog.outcome.text(), timeout=WAIT_MS)
    dialog.close()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)
    qtbot.mouseClick(page.refresh_sites_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _cell(page, "Cedar Middle", 3) == "1 chosen section", timeout=WAIT_MS)
    assert _cell(page, "Cedar Middle", 6) == "1"
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as hub:
        saved = hub.sharing(ctx.state.district_id, ctx.state.app.connection_id)
    decided = {site.school_name: site for site in saved.schools}
    assert decided["Cedar Middle"].share is SchoolShare.SECTIONS and not decided[other.name].opted_in


def test_a_wrong_tech_lead_token_is_refused_in_words(qtbot: QtBot, embedded_hub: Any, tmp_path: Path) -> None:
    ctx = prepared_district(embedded_hub, tmp_path, app_id=APP, state_page=PageId.SHARING)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)
    page = window.page_for(PageId.SHARING)
    assert isinstance(page, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    dialog = page.open_tech_lead("")
    qtbot.keyClicks(dialog.token, "not-a-real-token")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT_MS)
    assert "does not know this tech lead token" in dialog.banner.message.text()
    assert not dialog.decide_box.isEnabled()
    dialog.close()
    qtbot.waitUntil(lambda: not Worker.running(), timeout=WAIT_MS)
