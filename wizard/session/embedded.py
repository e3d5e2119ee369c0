"""What the session needs of the built-in hub, as a protocol: the composition root (`wizard.app`) starts the
real one and hands it in, so the session and the GUI never import the hub's server code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol


class AppLogin(Protocol):
    @property
    def client_id(self) -> str: ...

    @property
    def client_secret(self) -> str: ...


class DemoSeeding(Protocol):
    @property
    def credentials(self) -> Mapping[str, AppLogin]: ...


class EmbeddedHub(Protocol):
    """A running built-in hub: where it answers, how to seed its demo district, how to stop it."""

    @property
    def base_url(self) -> str: ...

    def seed_demo(self) -> DemoSeeding: ...

    def stop(self) -> None: ...


HubStarter = Callable[[], EmbeddedHub]
