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
    qtbot.waitUntil(
        lambda: "checked against Symphony Math's roster export" in page.login_check.text(), timeout=WAIT_MS
    )
    text = page.login_check.text()
    assert "cannot be read" not in text
    assert f"of {len(students)} shared students, 1 has a SIS id the vendor's roster does not know" in text
    assert "for 1 of them the vendor's ExternalID lost the SIS id's leading zeros" in text


def test_the_check_names_the_roster_it_read_and_the_students_who_will_not_link(
    qtbot: QtBot, embedded_hub: Any, tmp_path: Path
) -> None:
    """Issue 10, problem 4: Validate showed "✓ … (checked against the vendor's roster)" when it had checked the
    wizard's own import file, and after the vendor's real export said 6 do not link without naming them."""
    ctx = prepared_district(
        embedded_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.VALIDATE
    )
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    with OnboardingClient(embedded_hub.base_url, token) as client:
        client.set_sharing(
            ctx.state.district_id, ctx.state.app.connection_id, SharingSettings(type="district")
        )
    students = ctx.shared_users("student")
    own = tmp_path / "vendor files"
    own.mkdir()
    with (own / "vendor_import.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Username", "Password", "FirstName", "LastName", "Grade", "ExternalID"])
        for student in students:
            writer.writerow([student.id[:8], "pw", student.first_name, student.last_name, "", student.sis_id])
    ctx.state.vendor.written, ctx.state.vendor.output_dir = True, str(own)
    ctx.save()

    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.VALIDATE)
    page = window.page_for(PageId.VALIDATE)
    assert isinstance(page, ValidatePage)
    qtbot.waitUntil(lambda: "Instant Login" in page.login_check.text(), timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.VALIDATE)
    text = page.login_check.text()
    assert "checked against the import file this wizard wrote (vendor_import.csv)" in text
    assert "not Symphony Math's own roster" in text and "checked against the vendor's roster" not in text

    # The vendor's real export: two students have no account there; both are named, with the reason.
    missing = students[:2]
    export = tmp_path / "symphony.csv"
    with export.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Username", "FirstName", "LastName", "ExternalID"])
        for student in students[2:]:
            writer.writerow([student.id[:8], student.first_name, student.last_name, student.sis_id])
    page.run_login_check(export)
    qtbot.waitUntil(lambda: "symphony.csv" in page.login_check.text(), timeout=WAIT_MS)
    text = page.login_check.text()
    assert "checked against Symphony Math's roster export symphony.csv" in text
    assert f"of {len(students)} shared students, 2 have a SIS id the vendor's roster does not know" in text
    for student in missing:
        assert (
            f"• {student.name} ({student.sis_id}, {student.school_name}): no account has their SIS id" in text
        )
