"""The composition root's part of the built-in hub: how to start it for the wizard (the GUI never does).

The hub's web stack (FastAPI, uvicorn, the SFTP server, pandas) is imported only when a page first needs the
hub, on a worker thread, never while the wizard opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.state import data_dir

if TYPE_CHECKING:
    from wizard.sandbox.settings import HubSettings
    from wizard.session.embedded import EmbeddedHub, HubStarter

EMBEDDED_DB_NAME = "embedded-hub.sqlite3"
# The built-in hub is a demo: it processes SFTP files 20 s after the last one, not 5 minutes as the real hub.
EMBEDDED_SFTP_QUIET_SECONDS = 20.0


def embedded_hub_starter(settings: HubSettings | None = None) -> HubStarter:
    """Starts the built-in hub on a free loopback port over the database in the user data folder, so a
    district registered on it is still there on the next run; it serves SFTP file sync on another free port
    and sends its email to the demo mail server it starts on loopback."""

    def start() -> EmbeddedHub:
        from wizard.sandbox.server import MailOptions, SftpOptions, start_hub

        sftp = SftpOptions(port=0, quiet_seconds=EMBEDDED_SFTP_QUIET_SECONDS)
        # Its email goes to the demo's own SMTP server on loopback; the Mailbox view reads it over the hub's API.
        hub = start_hub(data_dir() / EMBEDDED_DB_NAME, settings=settings, sftp=sftp, mail=MailOptions())
        hub.hold_app_secrets()  # the Instant Login rehearsal's vendor apps sign in with them
        return hub

    return start
