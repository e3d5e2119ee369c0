"""The composition root's part of the built-in hub: how to start it for the wizard (the GUI never does)."""

from __future__ import annotations

from wizard.sandbox.server import start_hub
from wizard.sandbox.settings import HubSettings
from wizard.session.embedded import EmbeddedHub, HubStarter
from wizard.state import data_dir

EMBEDDED_DB_NAME = "embedded-hub.sqlite3"


def embedded_hub_starter(settings: HubSettings | None = None) -> HubStarter:
    """Starts the built-in hub on a free loopback port over the database in the user data folder, so a
    district registered on it is still there on the next run."""

    def start() -> EmbeddedHub:
        return start_hub(data_dir() / EMBEDDED_DB_NAME, settings=settings)

    return start
