"""The hub's email: notifications and the teachers' instructions through SMTP to the demo's own mail server,
queued and retried in the background, never blocking a request and never carrying a secret."""

from __future__ import annotations

import logging
import random
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub_support import FakeClock, SignedUp, connect, sign_up, small_roster, upload_roster
from wizard.flow import PAGE_TITLES, PageId
from wizard.hub.models import SharingSettings
from wizard.sandbox import notices
from wizard.sandbox.mail import MailState, SmtpSettings
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.server import MailOptions, RunningHub, mailbox_folder, start_hub
from wizard.sandbox.settings import HubSettings

APP = "symphony-math"


@pytest.fixture
def mail_hub(tmp_path: Path, hub_settings: HubSettings) -> Iterator[RunningHub]:
    with start_hub(tmp_path / "hub.sqlite3", settings=hub_settings, mail=MailOptions()) as running:
        yield running


@pytest.fixture
def signed(mail_hub: RunningHub, clock: FakeClock) -> Iterator[SignedUp]:
    signed = sign_up(mail_hub, clock)
    yield signed
    signed.client.close()


def _received(hub: RunningHub, signed: SignedUp) -> dict[str, str]:
    """notice -> the raw text of the last message of that kind the demo server received."""
    assert hub.mailer is not None and hub.mailer.wait_until_idle(10)
    return {m.notice: m.body for m in reversed(signed.client.mail(signed.district_id).mailbox)}


def test_the_vendors_question_and_acceptance_arrive_in_the_demo_mailbox(
    mail_hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path
) -> None:
    client, district_id = signed.client, signed.district_id
    upload_roster(signed, tmp_path / "roster")
    connection = client.add_connection(district_id, APP)
    client.authorize(district_id, connection.id)
    clock.advance(mail_hub.settings.vendor_delay + 1)
    asked = client.connection(district_id, connection.id)
    assert asked.status == "vendor_requested_info"

    mail = client.mail(district_id)
    assert mail.demo_mailbox and mail.sends_to.startswith("127.0.0.1:")
    bodies = _received(mail_hub, signed)
    question = bodies["vendor_question"]
    assert asked.open_question is not None and asked.open_question in question
    assert f"“{PAGE_TITLES[PageId.ADD_APP]}”" in question  # the step where the admin answers
    [entry] = client.mail(district_id).outbox
    assert entry.state == "sent" and entry.to == ["jordan.lee@riverside.k12.ca.us"] and entry.attempts == 1

    client.send_message(district_id, connection.id, "Yes, imported with ExternalIDs.")
    clock.advance(mail_hub.settings.vendor_delay + 1)
    assert client.connection(district_id, connection.id).status == "connected"
    accepted = _received(mail_hub, signed)["vendor_accepted"]
    assert "Symphony Math's vendor accepted" in accepted
    assert f"“{PAGE_TITLES[PageId.SHARING]}”" in accepted
    client.connection(district_id, connection.id)  # reading again sends nothing more
    assert mail_hub.mailer is not None and mail_hub.mailer.wait_until_idle(10)
    assert [m.notice for m in client.mail(district_id).mailbox] == ["vendor_accepted", "vendor_question"]

    # the mailbox is the user's only: a folder and files no one else can read
    folder = mailbox_folder(Path(mail_hub.context.db.path))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.glob("*.eml")} == {0o600}


def test_an_upload_on_hold_and_a_failed_sync_are_mailed_with_the_step(
    mail_hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path
) -> None:
    assert upload_roster(signed, tmp_path / "first") == "succeeded"
    bigger = demo_tables(random.Random(11), students_per_grade=6)  # twice the students: held for approval
    assert upload_roster(signed, tmp_path / "second", bigger) == "on_hold"
    broken = small_roster()
    broken["students"][0]["Student_id"] = ""
    broken["schools"] = []
    assert upload_roster(signed, tmp_path / "third", broken) == "failed"

    bodies = _received(mail_hub, signed)
    assert "on hold" in bodies["upload_on_hold"] and "approve it" in bodies["upload_on_hold"]
    assert "could not apply the roster upload" in bodies["sync_failed"]
    for body in (bodies["upload_on_hold"], bodies["sync_failed"]):
        assert f"“{PAGE_TITLES[PageId.PREPARE_ROSTER]}”" in body


def test_teachers_instructions_preview_count_and_send(
    mail_hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path
) -> None:
    client, district_id = signed.client, signed.district_id
    upload_roster(signed, tmp_path / "roster")
    connection_id = client.authorize(district_id, client.add_connection(district_id, APP).id).id
    cedar = next(s.id for s in client.schools(district_id) if s.name == "Cedar Middle")
    client.set_sharing(district_id, connection_id, SharingSettings("schools", school_ids=(cedar,)))
    teachers = [t for t in small_roster()["teachers"] if t["School_id"] == "201"]
    with_email = [t for t in teachers if t["Teacher_email"]]

    preview = client.teacher_instructions(district_id, connection_id, send=False)
    assert (preview.teachers, preview.without_email, preview.schools, preview.queued) == (
        len(with_email),
        len(teachers) - len(with_email),
        1,
        0,
    )
    assert preview.preview is not None
    assert "Cedar Middle" in preview.preview.body and mail_hub.base_url in preview.preview.body
    assert preview.preview.subject == "How your students sign in to Symphony Math"
    assert client.mail(district_id).mailbox == []  # a preview sends nothing

    sent = client.teacher_instructions(district_id, connection_id, send=True)
    assert sent.queued == len(with_email)
    assert mail_hub.mailer is not None and mail_hub.mailer.wait_until_idle(10)
    received = [m for m in client.mail(district_id).mailbox if m.notice == "teacher_instructions"]
    assert sorted(address for m in received for address in m.to) == sorted(
        t["Teacher_email"] for t in with_email
    )


def test_no_message_carries_a_token_or_a_password(
    mail_hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path
) -> None:
    client, district_id = signed.client, signed.district_id
    credentials = connect(mail_hub, clock, signed, APP, tmp_path / "roster", SharingSettings("district"))
    sftp_password = client.rotate_sftp_password(district_id).password
    connection_id = client.connections(district_id)[0].id
    client.teacher_instructions(district_id, connection_id, send=True)
    bigger = demo_tables(random.Random(11), students_per_grade=6)
    assert upload_roster(signed, tmp_path / "held", bigger) == "on_hold"
    assert mail_hub.mailer is not None and mail_hub.mailer.wait_until_idle(10)

    secrets = [signed.admin_token, credentials.client_secret, sftp_password]
    received = client.mail(district_id).mailbox
    assert {"vendor_question", "vendor_accepted", "teacher_instructions", "upload_on_hold"} <= {
        m.notice for m in received
    }
    files = mailbox_folder(Path(mail_hub.context.db.path)).glob("*.eml")
    raw = [p.read_bytes().decode() for p in files]  # as stored (headers, encodings) and as read (decoded)
    for message in raw + [f"{m.subject}\n{m.sender}\n{m.body}" for m in received]:
        for secret in secrets:
            assert secret not in message
        assert "password:" not in message.casefold() and "token:" not in message.casefold()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.expected_warning_log(r"attempt \d failed \(nothing answers", r"not sent after 3 attempts")
def test_a_mail_server_that_is_down_never_fails_the_request_and_the_failure_is_shown(
    tmp_path: Path, hub_settings: HubSettings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    down = SmtpSettings(
        host="127.0.0.1", port=_closed_port(), starttls=False, user="hub", password="s3cret-pw"
    )
    options = MailOptions(smtp=down, retry_delays=(0.01, 0.01))
    with start_hub(tmp_path / "hub.sqlite3", settings=hub_settings, mail=options) as hub:
        signed = sign_up(hub, clock)
        with caplog.at_level(logging.WARNING, logger="wizard.sandbox.mail"):
            connection = signed.client.add_connection(signed.district_id, APP)
            signed.client.authorize(signed.district_id, connection.id)
            clock.advance(hub.settings.vendor_delay + 1)
            assert (
                signed.client.connection(signed.district_id, connection.id).status == "vendor_requested_info"
            )
            assert hub.mailer is not None and hub.mailer.wait_until_idle(10)
        mail = signed.client.mail(signed.district_id)
        assert not mail.demo_mailbox and mail.mailbox == []
        [entry] = mail.outbox
        assert entry.state == MailState.FAILED and entry.attempts == 3
        assert f"nothing answers at 127.0.0.1:{down.port}" in entry.error
        assert "not sent after 3 attempts" in caplog.text and "s3cret-pw" not in caplog.text + entry.error
        signed.client.close()


def test_the_steps_named_in_the_messages_are_the_wizards() -> None:
    titles = set(PAGE_TITLES.values())
    assert {notices.STEP_PREPARE, notices.STEP_ADD_APP, notices.STEP_SHARING} <= titles


def test_a_hub_without_mail_refuses_to_send_the_instructions_but_previews_them(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connect(hub, clock, district, APP, tmp_path / "roster", SharingSettings("district"))
    connection_id = client.connections(district_id)[0].id
    assert client.teacher_instructions(district_id, connection_id, send=False).teachers > 0
    from wizard.hub.errors import HubError

    with pytest.raises(HubError) as refused:
        client.teacher_instructions(district_id, connection_id, send=True)
    assert "sends no email" in str(refused.value)
    assert client.mail(district_id).sends_to == ""
