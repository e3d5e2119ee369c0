"""The hub's email: a background outbox that sends plain-text messages over SMTP, with retry, and the demo's
own SMTP server on loopback whose mailbox the wizard and `main.py hub --mailbox` show.

Sending never blocks or breaks a request: a route (or the upload processing) only queues a message; one
thread sends them in order, retrying a failed send with growing pauses, and records each message's fate
(queued, sent, retrying, failed and why) for the district's `GET …/mail`. A failure is logged, never raised.

The demo server (aiosmtpd, on 127.0.0.1 and a free port) files every message it receives as one `.eml` file,
readable by the user only, in a user-only folder beside the hub's database.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid, parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Any

from wizard.fileio import write_bytes_atomically

log = logging.getLogger(__name__)

DISTRICT_HEADER = "X-Hub-District"  # which district a message is about (the mailbox view filters on it)
NOTICE_HEADER = "X-Hub-Notice"  # what kind of message it is
DEFAULT_SENDER = "District hub <no-reply@hub.invalid>"
MAX_KEPT = 500  # outbox entries kept in memory per hub


class MailState(StrEnum):
    QUEUED = "queued"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class SmtpSettings:
    """Where the hub sends mail: a configured server (password from the keyring, never a file or flag), or
    the demo server on loopback."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class OutgoingMail:
    district_id: str
    notice: str  # a Notice value
    to: tuple[str, ...]
    subject: str
    body: str


@dataclass
class OutboxEntry:
    id: int
    district_id: str
    notice: str
    to: tuple[str, ...]
    subject: str
    queued_at: float
    state: MailState = MailState.QUEUED
    attempts: int = 0
    error: str = ""


def compose(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The plain-text message (UTF-8), with the district and the notice in headers for the mailbox view."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="hub.invalid")
    message[DISTRICT_HEADER] = mail.district_id
    message[NOTICE_HEADER] = mail.notice
    message.set_content(mail.body)
    return message


class Mailer:
    """One background thread sending queued mail through `settings`; `retry_delays` are the pauses before
    each new attempt (so len + 1 attempts in all)."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        retry_delays: Sequence[float] = (2.0, 10.0, 30.0),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.retry_delays = tuple(retry_delays)
        self._clock = clock
        self._queue: queue.Queue[OutboxEntry | None] = queue.Queue()
        self._messages: dict[int, OutgoingMail] = {}
        self._entries: list[OutboxEntry] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-mailer", daemon=True)
        self._thread.start()

    # --- what routes call -------------------------------------------------------------------------------
    def send(self, mail: OutgoingMail) -> OutboxEntry | None:
        """Queue `mail` (returns at once); None when it has no recipient."""
        recipients = tuple(address for address in mail.to if parseaddr(address)[1])
        if not recipients:
            log.warning("mail %r for district %s has no recipient; not sent", mail.subject, mail.district_id)
            return None
        mail = replace(mail, to=recipients)
        entry = OutboxEntry(
            next(self._ids), mail.district_id, mail.notice, recipients, mail.subject, self._clock()
        )
        with self._lock:
            self._messages[entry.id] = mail
            self._entries.append(entry)
            del self._entries[:-MAX_KEPT]
        self._queue.put(entry)
        return entry

    def outbox(self, district_id: str) -> list[OutboxEntry]:
        """The district's messages, newest first (copies: the sender thread keeps changing its own)."""
        with self._lock:
            return [replace(e) for e in reversed(self._entries) if e.district_id == district_id]

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """True once every queued message is sent or has failed for good (tests and the command line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                busy = any(e.state in (MailState.QUEUED, MailState.RETRYING) for e in self._entries)
            if not busy:
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        self._thread.join(timeout=5)

    # --- the sender thread ----------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None or self._stopping.is_set():
                return
            self._deliver(entry)

    def _deliver(self, entry: OutboxEntry) -> None:
        mail = self._messages[entry.id]
        for attempt, pause in enumerate((0.0, *self.retry_delays), start=1):
            if pause and self._stopping.wait(pause):
                return
            try:
                self._send_once(compose(mail, self.settings.sender), mail.to)
            except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
                reason = _describe(error, self.settings)
                with self._lock:
                    entry.attempts = attempt
                    entry.error = reason
                    entry.state = (
                        MailState.RETRYING if attempt <= len(self.retry_delays) else MailState.FAILED
                    )
                if entry.state == MailState.FAILED:
                    log.error(
                        "mail %r to %s not sent after %d attempts: %s", mail.subject, mail.to, attempt, reason
                    )
                else:
                    log.warning(
                        "mail %r to %s: attempt %d failed (%s); retrying",
                        mail.subject,
                        mail.to,
                        attempt,
                        reason,
                    )
                continue
            with self._lock:
                entry.attempts, entry.state, entry.error = attempt, MailState.SENT, ""
                self._messages.pop(entry.id, None)
            log.info("mail %r sent to %s", mail.subject, ", ".join(mail.to))
            return
        with self._lock:
            self._messages.pop(entry.id, None)

    def _send_once(self, message: EmailMessage, to: tuple[str, ...]) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password)
            smtp.send_message(message, to_addrs=list(to))


def _describe(error: BaseException, settings: SmtpSettings) -> str:
    """The failure in words, without the password (smtplib never puts it in an error, but be sure)."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        text = f"the mail server {settings.address} refused the user name or password"
    elif isinstance(error, ConnectionRefusedError):
        text = f"nothing answers at {settings.address}"
    elif isinstance(error, socket.timeout | TimeoutError):
        text = f"the mail server {settings.address} did not answer in time"
    else:
        text = f"{type(error).__name__}: {error}"
    return text.replace(settings.password, "•••") if settings.password else text


# ---- the demo's mailbox and server ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredMail:
    id: str  # the file's name without .eml
    received: float
    sender: str
    to: tuple[str, ...]
    subject: str
    district_id: str
    notice: str
    body: str


class Mailbox:
    """The demo server's mailbox: one user-only `.eml` file per message in a user-only folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def deliver(self, raw: bytes, recipients: Sequence[str]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        with self._lock:
            name = f"{time.time_ns():020d}-{next(self._ids):04d}.eml"
        envelope = "".join(f"X-Envelope-To: {address}\r\n" for address in recipients).encode()
        return write_bytes_atomically(self.folder / name, envelope + raw, private=True)

    def messages(self, district_id: str | None = None) -> list[StoredMail]:
        """Every message (of `district_id`, when given), newest first."""
        if not self.folder.is_dir():
            return []
        found = [read_stored(path) for path in sorted(self.folder.glob("*.eml"), reverse=True)]
        return [m for m in found if district_id is None or m.district_id == district_id]

    def message(self, message_id: str) -> StoredMail | None:
        path = self.folder / f"{message_id}.eml"
        if "/" in message_id or not path.is_file():
            return None
        return read_stored(path)


def read_stored(path: Path) -> StoredMail:
    parsed = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
    part = parsed.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    received = int(path.stem.split("-")[0]) / 1e9 if path.stem.split("-")[0].isdigit() else 0.0
    return StoredMail(
        id=path.stem,
        received=received,
        sender=str(parsed.get("From", "")),
        to=tuple(str(v) for v in parsed.get_all("X-Envelope-To", [])) or (str(parsed.get("To", "")),),
        subject=str(parsed.get("Subject", "")),
        district_id=str(parsed.get(DISTRICT_HEADER, "")),
        notice=str(parsed.get(NOTICE_HEADER, "")),
        body=str(body),
    )


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        await asyncio.to_thread(self.mailbox.deliver, raw, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class DemoMailServer:
    """aiosmtpd on 127.0.0.1, on a port bound before it starts (so port 0 means any free port)."""

    def __init__(self, mailbox: Mailbox, port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.mailbox = mailbox
        self.host = "127.0.0.1"
        self.port = int(sock.getsockname()[1])

        class _Bound(Controller):
            def _create_server(self) -> Any:
                return self.loop.create_server(self._factory_invoker, sock=sock)

        self._controller = _Bound(_Handler(mailbox), hostname=self.host, port=self.port)
        self._controller.start()

    def settings(self) -> SmtpSettings:
        return SmtpSettings(host=self.host, port=self.port, starttls=False)

    def stop(self) -> None:
        self._controller.stop()
