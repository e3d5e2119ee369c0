"""The wizard against a hub it reaches only by URL: a separate `main.py hub` process, as a district's remote
hub would be. Everything the embedded hub offers works the same: the school picker, the Instant Login check,
the portal user picker and the per-school login instructions."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import (
    WAIT_MS,
    context,
    next_to,
    open_wizard,
    prepared_district,
    resume,
    wait_idle,
)
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.validate import ValidatePage

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RemoteHub:
    base_url: str


@pytest.fixture
def remote_hub(tmp_path: Path) -> Iterator[RemoteHub]:
    """`main.py hub` in its own process on a free port; simulated vendors answer at once."""
    command = [sys.executable, str(ROOT / "main.py"), "hub", "--port", "0", "--sftp-port", "0", "--vendor-delay", "0",
               "--db", str(tmp_path / "remote.sqlite3")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        found = re.search(r"serving on (http://\S+)", "".join(lines))
        assert found, "".join(lines)
        yield RemoteHub(found.group(1))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_whole_app_setup_works_against_a_hub_reached_by_url(
    qtbot: QtBot, remote_hub: RemoteHub, tmp_path: Path
) -> None:
    lent = prepared_district(remote_hub, tmp_path / "sis", app_id="symphony-math", state_page=PageId.SHARING)
    state = lent.state
    state.hub_url = remote_hub.base_url
    token = lent.credentials.admin_token("embedded-hub", state.district_id)
    assert token
    lent.credentials.set_admin_token(state.hub_url, state.district_id, token)
    ctx = context(state, credentials=lent.credentials)
    assert not ctx.uses_embedded_hub
    with OnboardingClient(remote_hub.base_url, token) as hub:
        schools = sorted(hub.schools(state.district_id), key=lambda s: s.name.casefold())
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.SHARING)

    sharing = window.page_for(PageId.SHARING)
    assert isinstance(sharing, SharingPage)
    wait_idle(qtbot, window, PageId.SHARING)
    assert not sharing.banner.isVisible()
    assert all(button.isEnabled() for button in sharing.type_buttons.values())
    assert [sharing.tree_model.item(i).text() for i in range(sharing.tree_model.rowCount())] == [
        s.name for s in schools
    ]
    sharing.type_buttons["schools"].setChecked(True)  # Symphony's recommendation: needs the picker
    cedar = next(i for i, s in enumerate(schools) if s.name == "Cedar Middle")
    sharing.tree_model.item(cedar).setCheckState(Qt.CheckState.Checked)
    expected = f"{schools[cedar].students} students"
    qtbot.waitUntil(lambda: expected in sharing.preview.text(), timeout=WAIT_MS)
    qtbot.mouseClick(sharing.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(sharing.ready, timeout=WAIT_MS)
    next_to(qtbot, window, PageId.VALIDATE)

    validate = window.page_for(PageId.VALIDATE)
    assert isinstance(validate, ValidatePage)
    qtbot.waitUntil(lambda: "Instant Login" in validate.login_check.text(), timeout=WAIT_MS)
    assert f"{schools[cedar].students} shared students" in validate.login_check.text()
    next_to(qtbot, window, PageId.ROLL_OUT)

    roll_out = window.page_for(PageId.ROLL_OUT)
    assert isinstance(roll_out, RollOutPage)
    wait_idle(qtbot, window, PageId.ROLL_OUT)
    qtbot.waitUntil(lambda: roll_out.user_id.count() > 0, timeout=WAIT_MS)
    picked = [roll_out.user_id.itemText(i) for i in range(roll_out.user_id.count())]
    assert len(picked) == schools[cedar].students + schools[cedar].teachers
    assert all("Cedar Middle" in text for text in picked)
    roll_out.user_id.setCurrentIndex(0)  # the portal preview of a picked user (the app is not launched yet)
    qtbot.mouseClick(roll_out.preview_button, Qt.MouseButton.LeftButton)
    first_name = picked[0].split(" ")[0]
    qtbot.waitUntil(lambda: first_name in roll_out.portal_title.text(), timeout=WAIT_MS)
    assert "Symphony Math is not shown" in roll_out.portal_title.text()
    target = tmp_path / "login-instructions.pdf"
    roll_out.choose_save_path = lambda title, suggested, file_filter: target  # type: ignore[method-assign]
    qtbot.mouseClick(roll_out.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "login-instructions.pdf" in roll_out.file_status.text(), timeout=WAIT_MS)
    assert pdf_pages(target.read_bytes()) == len(schools) > 1  # one page per school
