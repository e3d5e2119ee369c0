"""The Validate page's Instant Login check reads the vendor's export as the support view does (one implementation)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, open_wizard, prepared_district, resume, wait_idle
from wizard.flow import PageId
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.ui.pages.validate import ValidatePage


def test_a_cp1252_vendor_export_is_read_and_lost_leading_zeros_are_named(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.VALIDATE
    )
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as client:
        client.set_sharing(
            ctx.state.district_id, ctx.state.app.connection_id, SharingSettings(type="district")
        )
    students = ctx.shared_users("student")
    assert len(students) > 3
    damaged = students[0]
    assert damaged.sis_id.startswith("0")  # the vendor's copy below lost the leading zeros
    export = tmp_path / "symphony export.csv"
    with export.open("w", encoding="cp1252", newline="") as stream:  # as Excel on Windows saves it
        writer = csv.writer(stream)
        writer.writerow(["Username", "FirstName", "LastName", "Grade", "ExternalID"])
        writer.writerow(["zoë.ruiz", "Zoë", "Ruíz", "5", "999999"])  # not a shared student: cp1252 letters
        for student in students[1:]:
            writer.writerow(
                [student.id[:8], student.first_name, student.last_name, student.grade, student.sis_id]
            )
        writer.writerow(
            ["dmg", damaged.first_name, damaged.last_name, damaged.grade, damaged.sis_id.lstrip("0")]
        )

    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VALIDATE)
    page = window.page_for(PageId.VALIDATE)
    assert isinstance(page, ValidatePage)
    wait_idle(qtbot, window, PageId.VALIDATE)
    page.run_login_check(export)
    qtbot.waitUntil(lambda: "checked against the vendor's roster" in page.login_check.text(), timeout=WAIT_MS)
    text = page.login_check.text()
    assert "cannot be read" not in text
    assert f"of {len(students)} shared students, 1 has a SIS id the vendor's roster does not know" in text
    assert "for 1 of them the vendor's ExternalID lost the SIS id's leading zeros" in text
