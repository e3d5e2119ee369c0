"""Where the district's connection to the app stands, from the hub's onboarding API when the hub has one.

The embedded hub answers `/api/v1/vendor/connections` with the app's client credentials; a hub without
that API (404) simply gives no onboarding state, and the support view says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wizard.hub.errors import AuthError, HubError, NotFound
from wizard.hub.models import App, Connection
from wizard.hub.onboarding import VendorClient

STATUS_WORDS = {
    "pending_district_authorization": "waiting for the district to authorize the app",
    "pending_vendor_acceptance": "waiting for the vendor to accept",
    "vendor_requested_info": "the vendor asked the district a question",
    "connected": "connected",
    "rejected": "rejected by the vendor",
}


@dataclass(frozen=True)
class OnboardingState:
    available: bool
    connection: Connection | None
    note: str  # one plain sentence
    app: App | None = None  # the app's catalog entry, when the hub publishes its catalog

    @property
    def links_by_external_id(self) -> bool:
        """Whether hub logins reach the vendor's own accounts through ExternalID (no Secure Sync): then the
        vendor's roster export decides who lands in their account. Unknown apps are assumed to."""
        return self.app is None or not self.app.uses_secure_sync or self.app.roster_import is not None

    @property
    def status_words(self) -> str:
        if self.connection is None:
            return "unknown"
        return STATUS_WORDS.get(self.connection.status, self.connection.status.replace("_", " "))


def onboarding_state(
    vendor: VendorClient, district_id: str, catalog: Callable[[str], App] | None = None
) -> OnboardingState:
    """The app's connection with `district_id`, or why the hub cannot tell us; `catalog(app_id)` adds the
    app's catalog entry (how it gets its roster)."""
    try:
        connections = vendor.connections()
    except (NotFound, AuthError):
        return OnboardingState(False, None, "This hub does not publish onboarding state to apps.")
    for connection in connections:
        if connection.district_id == district_id:
            app = None
            if catalog is not None:
                try:
                    app = catalog(connection.app_id)
                except HubError:
                    app = None  # the catalog is a bonus; the state stands without it
            return OnboardingState(True, connection, _describe(connection), app)
    return OnboardingState(True, None, "The hub has no connection between this district and your app.")


def _describe(connection: Connection) -> str:
    words = STATUS_WORDS.get(connection.status, connection.status)
    parts = [f"{connection.app_name or connection.app_id}: {words}"]
    if connection.sharing_type:
        locked = ", confirmed by the vendor" if connection.sharing_locked else ""
        parts.append(f"sharing by {connection.sharing_type.replace('_', ' ')}{locked}")
    else:
        parts.append("no sharing set")
    parts.append(f"launch date {connection.launch_date}" if connection.launch_date else "not launched")
    if connection.open_question:
        parts.append(f"open question: {connection.open_question}")
    return "; ".join(parts) + "."
