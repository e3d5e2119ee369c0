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
