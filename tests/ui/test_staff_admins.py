"""The staff admins step (after the roster, so tech leads get schools) against the embedded hub over HTTP: add with a role (checked as typed), a duplicate
email refused under its field, a school tech lead with their schools and own token (keyring only), remove, and
the summary lists who is left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, next_to, open_wizard, prepared_district, resume, wait_idle
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.state import to_json
from wizard.ui.pages.roll_out import summary_text
from wizard.ui.pages.staff_admins import StaffAdminsPage
from wizard.wire.vocab import StaffRole


def _type(qtbot: QtBot, page: StaffAdminsPage, name: str, email: str) -> None:
    page.name.clear()
    page.email.clear()
    qtbot.keyClicks(page.name, name)
    qtbot.keyClicks(page.email, email)


def _add(qtbot: QtBot, page: StaffAdminsPage, rows: int) -> None:
    assert page.add_button.isEnabled()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy and page.table.rowCount() == rows, timeout=WAIT_MS)


def test_staff_admins_are_added_with_roles_a_duplicate_email_is_refused_and_the_summary_lists_them(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(embedded_hub, tmp_path, state_page=PageId.STAFF_ADMINS)
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.STAFF_ADMINS)
    page = window.page_for(PageId.STAFF_ADMINS)
    assert isinstance(page, StaffAdminsPage)
    wait_idle(qtbot, window, PageId.STAFF_ADMINS)
    assert page.table.rowCount() == 0 and page.empty_note.isVisible()
    assert page.schools.count() >= 2 and not page.schools_box.isVisible()
    # Each role says in plain words what it may do.
    for role, button in page.role_buttons.items():
        assert button.accessibleDescription() == role.plain_words

    # Checked as typed: a half-typed email is shown as such, and Add waits for a valid form.
    qtbot.keyClicks(page.name, "Pat Kim")
    qtbot.keyClicks(page.email, "pat.kim@")
    assert page.errors["email"].isVisible() and "email address" in page.errors["email"].text()
    assert not page.add_button.isEnabled()
    qtbot.keyClicks(page.email, "cedar.k12.ca.us")
    assert not page.errors["email"].isVisible() and not page.errors["name"].isVisible()
    _add(qtbot, page, 1)
    assert page.status.text().startswith("✓ Added Pat Kim <pat.kim@cedar.k12.ca.us> — District admin")

    # A school tech lead needs their schools; they get their own token, kept in the keyring only.
    page.role_buttons[StaffRole.SCHOOL_TECH_LEAD].setChecked(True)
    assert page.schools_box.isVisible()
    _type(qtbot, page, "Sam Ode", "sam.ode@cedar.k12.ca.us")
    assert not page.add_button.isEnabled()
    page.schools.item(0).setCheckState(Qt.CheckState.Checked)
    school_name = page.schools.item(0).text()
    _add(qtbot, page, 2)
    assert page.table.item(1, 3).text() == school_name  # type: ignore[union-attr]
    token = ctx.credentials.staff_token(
        ctx.credential_scope(), ctx.state.district_id, "sam.ode@cedar.k12.ca.us"
    )
    assert token and page.token_row.isVisible() and page.token.text() == token
    assert token not in to_json(ctx.state)

    # The hub refuses a second staff admin with the same email: said under the email field, nothing added.
    page.role_buttons[StaffRole.ADVANCED_USER].setChecked(True)
    _type(qtbot, page, "Pat K.", "PAT.KIM@cedar.k12.ca.us")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.errors["email"].isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.STAFF_ADMINS)
    assert "already a staff admin" in page.errors["email"].text()
    assert page.email.property("invalid") is True
    assert page.table.rowCount() == 2 and not page.banner.isVisible()

    # An advanced user with another email is added; then the district admin is removed.
    _type(qtbot, page, "Ana Ruiz", "ana.ruiz@cedar.k12.ca.us")
    _add(qtbot, page, 3)
    page.table.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy and page.table.rowCount() == 2, timeout=WAIT_MS)
    with OnboardingClient(
        embedded_hub.base_url, ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    ) as hub:
        listed = hub.staff_admins(ctx.state.district_id)
    assert [(a.email, a.role) for a in listed] == [
        ("sam.ode@cedar.k12.ca.us", StaffRole.SCHOOL_TECH_LEAD),
        ("ana.ruiz@cedar.k12.ca.us", StaffRole.ADVANCED_USER),
    ]

    # Skippable step: Next goes on; the summary lists the staff admins with their roles and schools.
    next_to(qtbot, window, PageId.ADD_APP)
    wait_idle(qtbot, window, PageId.ADD_APP)  # the catalog loads on arrival
    assert not page.token.text()  # the token is not shown again when the admin comes back
    summary = summary_text(ctx.state)
    assert f"Sam Ode <sam.ode@cedar.k12.ca.us> — School tech lead for {school_name}" in summary
    assert "Ana Ruiz <ana.ruiz@cedar.k12.ca.us> — Advanced user" in summary
    assert "Pat Kim" not in summary and token not in summary
