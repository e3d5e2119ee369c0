"""Running the embedded hub in-process: uvicorn on a background thread, on a free loopback port.

    with start_hub(tmp_path / "hub.sqlite3") as hub:
        client = OnboardingClient(hub.base_url)

`start_hub` returns once `/healthz` answers, so callers never race the server's start-up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

import platformdirs
import uvicorn

from wizard.errors import UserFacingError
from wizard.sandbox.app import create_app
from wizard.sandbox.catalog import AppCredentials, reset_app_secret
from wizard.sandbox.deps import HubContext
from wizard.sandbox.mail import DemoMailServer, Mailbox, Mailer, SmtpSettings
from wizard.sandbox.seed import DemoSeed, seed_demo
from wizard.sandbox.settings import FaultRule, HubSettings

if TYPE_CHECKING:
    from wizard.sandbox.sftp_server import SftpService

log = logging.getLogger(__name__)
STARTUP_TIMEOUT = 15.0


class HubStartError(UserFacingError):
    """The embedded hub could not start (port taken, database unreadable…)."""


class RunningHub:
    """A hub serving on a background thread; stop it with `.stop()` or by leaving the `with` block."""

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, context: HubContext, host: str, port: int
    ) -> None:
        self._server = server
        self._thread = thread
        self.context = context
        self.host = host
        self.port = port
        self._mail_server: DemoMailServer | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def sftp(self) -> SftpService | None:
        """The hub's SFTP server, when it was started with one."""
        return cast("SftpService | None", self.context.sftp)  # the only FileSync the hub starts

    @property
    def settings(self) -> HubSettings:
        return self.context.settings

    @property
    def issued_credentials(self) -> dict[str, AppCredentials]:
        """App credentials issued when this hub created its database (empty when it reopened one)."""
        return dict(self.context.issued_credentials)

    def reset_app_secret(self, app_id: str) -> AppCredentials:
        """A fresh client secret for a catalog app, e.g. for the support view or a vendor test."""
        credentials = reset_app_secret(self.context.db, app_id)
        self.context.issued_credentials[app_id] = credentials  # the simulated vendor app signs in with it
        return credentials

    def app_ids(self) -> list[str]:
        """The catalog's app ids."""
        with self.context.db.read() as conn:
            return [str(row["id"]) for row in conn.execute("SELECT id FROM apps ORDER BY id")]

    def seed_demo(self) -> DemoSeed:
        """Create (once) the demo district; returns a fresh admin token and fresh app credentials."""
        seeded = seed_demo(self.context.db, self.context.settings)
        # the simulated vendor apps (the Instant Login rehearsal) sign in with these fresh secrets
        self.context.issued_credentials.update(seeded.credentials)
        return seeded

    def hold_app_secrets(self) -> None:
        """Give the simulated vendor apps (the Instant Login rehearsal) a secret for every catalog app whose
        secret this hub did not issue in this run (a reopened database keeps only hashes). Issuing one
        replaces the app's previous secret, so only the built-in hub of the wizard, which no real vendor
        uses, does this."""
        for app_id in self.app_ids():
            if app_id not in self.context.issued_credentials:
                self.reset_app_secret(app_id)

    @property
    def mailbox(self) -> Mailbox | None:
        """The demo mail server's mailbox, when the hub sends its email there."""
        return self.context.mailbox

    @property
    def mailer(self) -> Mailer | None:
        return self.context.mailer

    def set_faults(self, rules: list[FaultRule]) -> None:
        self.context.settings.faults = list(rules)

    def stop(self) -> None:
        if self.context.sftp is not None:
            self.context.sftp.stop()
        if self.context.mailer is not None:
            self.context.mailer.stop()
        if self._mail_server is not None:
            self._mail_server.stop()
            self._mail_server = None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningHub:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningHub({self.base_url})"


def default_hub_db() -> Path:
    """The embedded hub's database in the user data folder (WIZARD_DATA_DIR overrides it, e.g. in tests)."""
    override = os.environ.get("WIZARD_DATA_DIR")
    base = (
        Path(override)
        if override
        else Path(platformdirs.user_data_dir("district-onboarding-wizard", appauthor=False))
    )
    return base / "embedded-hub.sqlite3"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it Nagle and delayed ACKs add 40 ms to every answer.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as error:  # OverflowError: a port beyond 65535
        sock.close()
        raise HubStartError(
            f"The embedded hub cannot listen on {host}:{port} ({getattr(error, 'strerror', None) or error}).",
            "Choose another port with --port, or stop the program using it.",
        ) from None
    return sock


def _wait_until_healthy(base_url: str, thread: threading.Thread) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if not thread.is_alive():
            break
        try:
            with opener.open(f"{base_url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.02)
    raise HubStartError(
        "The embedded hub did not start.", "Run the wizard with --verbose and look at the log."
    )


@dataclass(frozen=True)
class SftpOptions:
    """The hub's SFTP server: its port (0 = any free port), quiet period, and largest file accepted."""

    port: int = 8722
    quiet_seconds: float = 300.0
    max_file_bytes: int | None = None  # None: the hub's upload limit


@dataclass(frozen=True)
class MailOptions:
    """Where the hub sends its email: `smtp` (a configured server), else the demo's own SMTP server on
    loopback (`demo_port`, 0 = any free port), whose mailbox is a user-only folder beside the database."""

    smtp: SmtpSettings | None = None
    demo_port: int = 0
    retry_delays: tuple[float, ...] = (2.0, 10.0, 30.0)


def mailbox_folder(db_path: Path) -> Path:
    """The demo mail server's mailbox of the hub over `db_path`."""
    return db_path.parent / f"{db_path.stem}-mailbox"


def start_hub(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    settings: HubSettings | None = None,
    sftp: SftpOptions | None = None,
    mail: MailOptions | None = None,
) -> RunningHub:
    """Start the hub over the SQLite file `db_path` (created if missing); port 0 picks a free port.

    With `sftp`, it also serves SFTP on the same host (folders and host key beside the database); with
    `mail`, it sends its notifications by email (to the demo's own SMTP server unless one is configured).
    """
    app = create_app(db_path, settings)
    context: HubContext = app.state.hub
    sock = _bind(host, port)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="embedded-hub", daemon=True)
    thread.start()
    bound_port = int(sock.getsockname()[1])
    hub = RunningHub(server, thread, context, host, bound_port)
    try:
        _wait_until_healthy(hub.base_url, thread)
    except HubStartError:
        hub.stop()
        raise
    if sftp is not None:
        _start_sftp(hub, db_path, host, sftp)
    if mail is not None:
        _start_mail(hub, db_path, mail)
    log.info("embedded hub serving on %s", hub.base_url)
    return hub


def _start_sftp(hub: RunningHub, db_path: Path, host: str, options: SftpOptions) -> None:
    from wizard.sandbox.sftp_server import start_sftp
    from wizard.sandbox.uploads import MAX_UPLOAD_BYTES

    try:
        start_sftp(
            hub.context,
            db_path,
            host=host,
            port=options.port,
            quiet_seconds=options.quiet_seconds,
            max_file_bytes=options.max_file_bytes or MAX_UPLOAD_BYTES,
        )
    except (OSError, ValueError) as error:
        hub.stop()
        raise HubStartError(
            f"The embedded hub's SFTP server cannot listen on {host}:{options.port} "
            f"({getattr(error, 'strerror', None) or error}).",
            "Choose another port with --sftp-port (0 = any free port), or stop the program using it.",
        ) from None


def _start_mail(hub: RunningHub, db_path: Path, options: MailOptions) -> None:
    smtp = options.smtp
    if smtp is None:
        mailbox = Mailbox(mailbox_folder(db_path))
        try:
            hub._mail_server = DemoMailServer(mailbox, options.demo_port)
        except (OSError, RuntimeError) as error:
            hub.stop()
            raise HubStartError(
                f"The embedded hub's demo mail server cannot listen on 127.0.0.1:{options.demo_port} "
                f"({getattr(error, 'strerror', None) or error}).",
                "Choose another port with --mail-port (0 = any free port), or stop the program using it.",
            ) from None
        hub.context.mailbox = mailbox
        smtp = hub._mail_server.settings()
    hub.context.mailer = Mailer(smtp, retry_delays=options.retry_delays)
    log.info("the hub sends its email through %s", smtp.address)
