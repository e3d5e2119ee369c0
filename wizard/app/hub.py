"""The composition root's part of the built-in hub: how to start it for the wizard (the GUI never does)."""

from __future__ import annotations

from wizard.sandbox.server import MailOptions, SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings
from wizard.session.embedded import EmbeddedHub, HubStarter
from wizard.state import data_dir

EMBEDDED_DB_NAME = "embedded-hub.sqlite3"
# The built-in hub is a demo: it processes SFTP files 20 s after the last one, not 5 minutes as the real hub.
EMBEDDED_SFTP = SftpOptions(port=0, quiet_seconds=20.0)
# Its email goes to the demo's own SMTP server on loopback; the wizard's Mailbox view reads it over the hub's API.
EMBEDDED_MAIL = MailOptions()


def embedded_hub_starter(settings: HubSettings | None = None) -> HubStarter:
    """Starts the built-in hub on a free loopback port over the database in the user data folder, so a
    district registered on it is still there on the next run; it serves SFTP file sync on another free port
    and sends its email to the demo mail server it starts on loopback."""

    def start() -> EmbeddedHub:
        hub = start_hub(
            data_dir() / EMBEDDED_DB_NAME, settings=settings, sftp=EMBEDDED_SFTP, mail=EMBEDDED_MAIL
        )
        hub.hold_app_secrets()  # the Instant Login rehearsal's vendor apps sign in with them
        return hub

    return start
