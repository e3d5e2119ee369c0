"""The hub's email in the wizard: the vendor's question and acceptance arrive at the demo mail server and show
in the Mailbox view; Roll out emails the instructions to the teachers of the shared schools (preview, count,
received)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.walk import WAIT_MS, open_wizard, prepared_district, resume, wait_idle
from wizard.flow import PAGE_TITLES, PageId
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.widgets.mailbox import MailboxDialog

APP = "symphony-math"


@pytest.fixture
def mail_hub(tmp_path: Path) -> Iterator[Any]:
    """The built-in hub as the wizard starts it: with the demo mail server on loopback."""
    from wizard.sandbox.server import MailOptions, start_hub
    from wizard.sandbox.settings import HubSettings

    hub = start_hub(
        tmp_path / "hub.sqlite3", settings=HubSettings(vendor_delay=0.0, random_seed=1), mail=MailOptions()
    )
    yield hub
    hub.stop()


def _subjects(dialog: MailboxDialog) -> list[str]:
    return [dialog.table.item(row, 3).text() for row in range(dialog.table.rowCount())]


def _read(qtbot: QtBot, dialog: MailboxDialog, count: int) -> list[str]:
    """Refresh the view until the mailbox holds `count` messages (the hub sends in the background)."""

    def arrived() -> bool:
        if dialog.is_busy:
            return False
        if dialog.table.rowCount() >= count:
            return True
        dialog.refresh()
        return False

    qtbot.waitUntil(arrived, timeout=WAIT_MS)
    return _subjects(dialog)


@pytest.mark.usefixtures("fast_polls")
def test_the_vendors_question_and_acceptance_are_mailed_and_shown_in_the_mailbox(
    qtbot: QtBot, mail_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(mail_hub, tmp_path / "sis", app_id=APP, state_page=PageId.ADD_APP)
    assert ctx.state.app.connection_status == "vendor_requested_info"
    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ADD_APP)
    add_app = window.page_for(PageId.ADD_APP)
    assert isinstance(add_app, AddAppPage)
    qtbot.waitUntil(lambda: add_app.send_button.isVisibleTo(add_app), timeout=WAIT_MS)

    dialog = add_app.open_mailbox()
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT_MS)
    assert _read(qtbot, dialog, 1) == ["Symphony Math asks a question before accepting"]
    assert "demo mail server on this computer (127.0.0.1:" in dialog.summary.text()
    body = dialog.body.toPlainText()
    assert "To: ana@cedar.k12.ca.us" in body and "waits for your answer" in body
    assert f"“{PAGE_TITLES[PageId.ADD_APP]}”" in body  # it names the step where the admin acts
    assert ctx.credentials.admin_token("embedded-hub", ctx.state.district_id) not in body
    dialog.close()

    qtbot.keyClicks(add_app.reply, "Imported, with SIS ids in ExternalID.")
    qtbot.mouseClick(add_app.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.state.app.connection_status == "connected", timeout=WAIT_MS)
    wait_idle(qtbot, window, PageId.ADD_APP)
    dialog = add_app.open_mailbox()
    subjects = _read(qtbot, dialog, 2)
    assert subjects == [
        "Symphony Math accepted your connection",
        "Symphony Math asks a question before accepting",
    ]
    dialog.table.selectRow(0)
    assert f"“{PAGE_TITLES[PageId.SHARING]}”" in dialog.body.toPlainText()
    dialog.close()


def test_roll_out_emails_the_instructions_to_the_teachers_of_the_shared_schools(
    qtbot: QtBot, mail_hub: Any, tmp_path: Path
) -> None:
    ctx = prepared_district(mail_hub, tmp_path / "sis", app_id=APP, state_page=PageId.ROLL_OUT)
    token = ctx.credentials.admin_token("embedded-hub", ctx.state.district_id)
    district_id, connection_id = ctx.state.district_id, ctx.state.app.connection_id
    with OnboardingClient(mail_hub.base_url, token) as client:
        schools = {s.name: s.id for s in client.schools(district_id)}
        client.set_sharing(
            district_id, connection_id, SharingSettings("schools", school_ids=(schools["Cedar Middle"],))
        )
        teachers = [t for t in client.shared_users(district_id, connection_id, role="teacher") if t.email]
    assert teachers

    window = open_wizard(qtbot, ctx)
    resume(qtbot, window, PageId.ROLL_OUT)
    page = window.page_for(PageId.ROLL_OUT)
    assert isinstance(page, RollOutPage)
    wait_idle(qtbot, window, PageId.ROLL_OUT)
    qtbot.mouseClick(page.email_button, Qt.MouseButton.LeftButton)
    dialog = page.teacher_email
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=WAIT_MS)
    count = f"{len(teachers)} teacher{'s' if len(teachers) != 1 else ''}"
    assert dialog.count.text().startswith(f"{count} at 1 school will get this message.")
    preview = dialog.message.toPlainText()
    assert "Subject: How your students sign in to Symphony Math" in preview
    assert "Cedar Middle" in preview and mail_hub.base_url in preview and token not in preview
    assert dialog.send_button.text().replace("&", "") == f"Send to {count}"

    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.isVisible(), timeout=WAIT_MS)
    assert dialog.status.text().startswith(f"✓ The hub is emailing {count}")
    assert not dialog.send_button.isEnabled()  # sent once

    qtbot.mouseClick(dialog.mailbox_button, Qt.MouseButton.LeftButton)
    mailbox = page.mailbox_dialog
    assert mailbox is not None
    subjects = _read(qtbot, mailbox, len(teachers) + 1)  # and the vendor's question from before
    assert subjects.count("How your students sign in to Symphony Math") == len(teachers)
    received = {mailbox.table.item(row, 2).text() for row in range(mailbox.table.rowCount())}
    assert {t.email for t in teachers} <= received
    mailbox.close()
    dialog.close()


def test_a_message_the_hub_could_not_send_is_shown_with_why(qtbot: QtBot) -> None:
    from wizard.wire.mail import MailOut, OutboxEntryOut

    failed = OutboxEntryOut(
        notice="vendor_question",
        to=["ana@cedar.k12.ca.us"],
        subject="Symphony Math asks a question before accepting",
        queued_at="2026-12-01T10:00:00.000Z",
        state="failed",
        attempts=4,
        error="nothing answers at mail.cedar.k12.ca.us:587",
    )
    mail = MailOut(sends_to="mail.cedar.k12.ca.us:587", demo_mailbox=False, outbox=[failed], mailbox=[])
    dialog = MailboxDialog(lambda: mail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_busy and dialog.problems.isVisible(), timeout=WAIT_MS)
    assert dialog.summary.text() == (
        "The hub sends its email through mail.cedar.k12.ca.us:587: 0 messages sent. Read them in your own mailbox."
    )
    assert dialog.problems.text() == (
        "✗ “Symphony Math asks a question before accepting” to ana@cedar.k12.ca.us: not sent after 4 "
        "attempt(s): nothing answers at mail.cedar.k12.ca.us:587."
    )
    assert dialog.table.rowCount() == 0
