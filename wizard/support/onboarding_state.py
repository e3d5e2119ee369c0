"""Where the district's connection to the app stands, from the hub's onboarding API when the hub has one.

The embedded hub answers `/api/v1/vendor/connections` with the app's client credentials; a hub without
that API (404) simply gives no onboarding state, and the support view says so instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.hub.errors import AuthError, NotFound
from wizard.hub.models import Connection
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

    @property
    def status_words(self) -> str:
        if self.connection is None:
            return "unknown"
        return STATUS_WORDS.get(self.connection.status, self.connection.status.replace("_", " "))


def onboarding_state(vendor: VendorClient, district_id: str) -> OnboardingState:
    """The app's connection with `district_id`, or why the hub cannot tell us."""
    try:
        connections = vendor.connections()
    except (NotFound, AuthError):
        return OnboardingState(False, None, "This hub does not publish onboarding state to apps.")
    for connection in connections:
        if connection.district_id == district_id:
            return OnboardingState(True, connection, _describe(connection))
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
