"""A walk that chooses file upload and sends the roster over real SFTP to the built-in hub's SFTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, context, fill_sign_up, next_to, open_wizard, wait_idle, write_sis_files
from wizard.flow import PageId
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.server import RunningHub, SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings
from wizard.state import SftpAuth, to_json
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.sign_up import SignUpPage


@pytest.fixture
def sftp_hub(tmp_path: Path) -> Iterator[RunningHub]:
    hub = start_hub(
        tmp_path / "hub.sqlite3",
        settings=HubSettings(vendor_delay=0.0, random_seed=1),
        sftp=SftpOptions(port=0, quiet_seconds=0.5),
    )
    yield hub
    hub.stop()


def test_choosing_file_upload_sends_the_roster_over_sftp_and_follows_processing(
    qtbot: QtBot, sftp_hub: RunningHub, tmp_path: Path
) -> None:
    sis = write_sis_files(tmp_path / "sis")
    ctx = context(embedded_hub=sftp_hub)
    window = open_wizard(qtbot, ctx)
    next_to(qtbot, window, PageId.SIGN_UP)
    sign_up = window.page_for(PageId.SIGN_UP)
    assert isinstance(sign_up, SignUpPage)
    fill_sign_up(qtbot, sign_up)
    next_to(qtbot, window, PageId.IDENTITY_AND_SYNC)
    identity = window.page_for(PageId.IDENTITY_AND_SYNC)
    assert isinstance(identity, IdentitySyncPage)
    identity._select(identity.identity_group, "google")
    assert not identity.sftp_box.isVisible()
    identity._select(identity.sync_group, "sftp")
    assert identity.sftp_box.isVisible()
    # choosing file upload fetches the district's SFTP account from the hub
    qtbot.waitUntil(lambda: identity.sftp_box.username.text() != "", timeout=WAIT_MS)
    assert sftp_hub.sftp is not None
    assert (
        identity.sftp_box.host.text() == "127.0.0.1" and identity.sftp_box.port.value() == sftp_hub.sftp.port
    )
    assert sftp_hub.sftp.fingerprint in identity.sftp_box.fingerprint.text()
    qtbot.mouseClick(identity.sftp_box.new_password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved in your keyring" in identity.sftp_box.status.text(), timeout=WAIT_MS)
    account = ctx.state.sftp
    password = ctx.credentials.sftp_password(account.host, account.port, account.username)
    assert password and password not in to_json(ctx.state)  # the keyring only, never the saved state
    next_to(qtbot, window, PageId.PREPARE_ROSTER)
    prepare = window.page_for(PageId.PREPARE_ROSTER)
    assert isinstance(prepare, PrepareRosterPage)
    prepare.add_inputs([sis])
    qtbot.mouseClick(prepare.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepare.result is not None, timeout=WAIT_MS)
    messages: list[str] = []
    prepare.busy.report = lambda done, total, message: messages.append(message)  # type: ignore[method-assign]
    qtbot.mouseClick(prepare.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "processing expected at" in prepare.upload_status.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ctx.state.roster.upload_status == "succeeded", timeout=WAIT_MS)
    assert "accepted your roster" in prepare.upload_status.text()
    wait_idle(qtbot, window, PageId.PREPARE_ROSTER)
    token = ctx.credentials.admin_token(ctx.credential_scope(), ctx.state.district_id)
    uploads = OnboardingClient(sftp_hub.base_url, token).uploads(ctx.state.district_id)
    assert [upload.source for upload in uploads] == ["sftp"]
    assert ctx.state.sftp.host_key_fingerprint == sftp_hub.sftp.fingerprint
    assert ctx.state.sftp.auth == SftpAuth.PASSWORD
    next_to(qtbot, window, PageId.STAFF_ADMINS)  # optional: nobody to add
    next_to(qtbot, window, PageId.ADD_APP)
    wait_idle(qtbot, window, PageId.ADD_APP)  # the catalog loads on arrival: let it finish before teardown
