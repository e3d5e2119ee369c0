"""How the wizard's session behaves, injected where it is built (the composition root, a test, the tour).

Nothing here is a module variable to patch: a test that wants quick polls or no retries builds its context with
different settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.hub.transport import RetryPolicy


@dataclass(frozen=True)
class SessionSettings:
    client_policy: RetryPolicy | None = None  # how hard the hub clients retry; None is the client's default
    connection_poll_ms: int = 2000  # how often a page asks the hub about the app's connection
    upload_poll_ms: int = 1500  # how often the Prepare page asks about an upload the hub is processing
