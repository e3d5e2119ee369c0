"""The vendor import page's output folder picker."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui.walk import context
from wizard.credentials import process_keyring_store
from wizard.state import OnboardingState, data_dir
from wizard.ui.pages.vendor_import import VendorImportPage


def test_the_folder_picker_starts_where_the_admin_finds_it_again(qtbot: QtBot, tmp_path: Path) -> None:
    state = OnboardingState()
    page = VendorImportPage(context(state, credentials=process_keyring_store()))
    qtbot.addWidget(page)
    first = page.output_folder_start()
    assert first.is_dir() and data_dir() not in [first, *first.parents]
    state.vendor.output_dir = str(tmp_path)
    assert page.output_folder_start() == tmp_path  # the last folder used
    state.vendor.output_dir = str(tmp_path / "gone")
    assert page.output_folder_start() == first


def test_the_page_shows_every_warning_the_command_line_prints(qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 10, problem 5: for the same data the CLI warned that existing accounts get an empty password and
    about a formula-like middle name; the page said only "✓ vendor_import.csv written"."""
    from tests.unit.roster.vendor.fixtures import district, schools
    from wizard.roster.vendor import load_profile, match_roster, summarize, write_vendor_outputs
    from wizard.roster.vendor.summary import issue_line

    sis, roster = district()
    sis.loc[sis["Student_id"] == "1007", "Middle_name"] = '=HYPERLINK("http://x.test","y")'
    roster = roster.assign(Password="")  # the export shows no passwords
    decisions = {"1005": "slee", "1006": "new", "1008": "twin1"}
    result = match_roster(sis, schools(), roster, load_profile("symphony-math"), decisions)
    page = VendorImportPage(context(OnboardingState(), credentials=process_keyring_store()))
    qtbot.addWidget(page)
    page.controller.result = result
    page.write(tmp_path / "gui")
    qtbot.waitUntil(lambda: page.issue_list.count() > 0, timeout=10_000)
    shown = [page.issue_list.item(row).text() for row in range(page.issue_list.count())]
    # What the command line prints for the same match (it prints the same summary's lines).
    cli = summarize(result, write_vendor_outputs(result, tmp_path / "cli"), tmp_path / "cli")
    assert shown == [issue_line(issue) for issue in cli.issues]
    assert any("existing accounts get an empty password" in line for line in shown)
    assert any(line.startswith("warning vendor_name_looks_like_formula") for line in shown)
    assert "Read the warnings below first." in page.write_status.text()
