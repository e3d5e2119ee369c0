"""The onboarding client's calls on the app catalog and the district's connections: adding and authorizing
an app, its sharing, validation and launch (`/api/v1/apps`, `/api/v1/districts/{d}/connections`).
`OnboardingClient` inherits them."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.hub.calls import HubCalls
from wizard.hub.models import App, Connection, SharedCounts, Sharing, SharingSettings, Validation
from wizard.hub.transport import new_idempotency_key, read_answer
from wizard.wire import onboarding as wire


class ConnectionCalls(HubCalls):
    """The catalog and the district's connections, inherited by OnboardingClient."""

    def apps(self, query: str = "") -> list[App]:
        response = self._transport.request(
            "GET", "/api/v1/apps", "load the app catalog", params={"query": query}
        )
        return [
            App.from_wire(item, self.base_url) for item in read_answer(response, wire.AppList, "apps").data
        ]

    def app(self, app_id: str) -> App:
        response = self._transport.request("GET", f"/api/v1/apps/{app_id}", "load the app")
        return App.from_wire(read_answer(response, wire.AppOut, "app"), self.base_url)

    def app_icon(self, app: App) -> bytes:
        """The icon's bytes (SVG or PNG) for showing in the catalog."""
        return self._transport.request("GET", app.icon_url, "load the app's icon").content

    def add_connection(
        self, district_id: str, app_id: str, *, idempotency_key: str | None = None
    ) -> Connection:
        return self._create(
            Connection,
            f"/api/v1/districts/{district_id}/connections",
            "add the app",
            {"app_id": app_id},
            idempotency_key,
        )

    def connections(self, district_id: str) -> list[Connection]:
        body = self._call(
            wire.ConnectionList, "GET", f"/api/v1/districts/{district_id}/connections", "list your apps"
        )
        return list(body.data)

    def connection(self, district_id: str, connection_id: str) -> Connection:
        return self._call(
            Connection,
            "GET",
            f"/api/v1/districts/{district_id}/connections/{connection_id}",
            "check the app's status",
        )

    def authorize(
        self, district_id: str, connection_id: str, scopes: Sequence[str] | None = None
    ) -> Connection:
        """Authorize the app (all the scopes it asks for unless `scopes` narrows them)."""
        body = {"scopes": list(scopes)} if scopes is not None else {}
        return self._call(
            Connection,
            "POST",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/authorize",
            "authorize the app",
            json=body,
            idempotency_key=new_idempotency_key(),
        )

    def send_message(
        self, district_id: str, connection_id: str, message: str, *, idempotency_key: str | None = None
    ) -> Connection:
        """Reply to the vendor's question (or write to the vendor)."""
        return self._create(
            Connection,
            f"/api/v1/districts/{district_id}/connections/{connection_id}/messages",
            "send your reply to the vendor",
            {"message": message},
            idempotency_key,
        )

    def sharing(self, district_id: str, connection_id: str) -> Sharing:
        return Sharing.from_wire(
            self._call(
                wire.SharingOut,
                "GET",
                f"/api/v1/districts/{district_id}/connections/{connection_id}/sharing",
                "load sharing",
            )
        )

    def preview_sharing(
        self, district_id: str, connection_id: str, settings: SharingSettings
    ) -> SharedCounts:
        """The counts that `settings` would share, without saving anything."""
        body = self._call(
            wire.SharingPreviewOut,
            "POST",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/sharing/preview",
            "preview the sharing",
            json=settings.as_json(),
            idempotency_key=new_idempotency_key(),
        )
        return body.counts

    def set_sharing(self, district_id: str, connection_id: str, settings: SharingSettings) -> Sharing:
        """Save the sharing. A type change after the vendor confirmed raises Conflict (code sharing_type_locked)."""
        return Sharing.from_wire(
            self._call(
                wire.SharingOut,
                "PUT",
                f"/api/v1/districts/{district_id}/connections/{connection_id}/sharing",
                "save the sharing",
                json=settings.as_json(),
            )
        )

    def validation(self, district_id: str, connection_id: str) -> Validation:
        return Validation.from_wire(
            self._call(
                wire.ValidationOut,
                "GET",
                f"/api/v1/districts/{district_id}/connections/{connection_id}/validation",
                "validate the setup",
            )
        )

    def warning_csv(self, district_id: str, connection_id: str, code: str) -> bytes:
        """The affected records of one validation warning, as CSV bytes (cells safe for spreadsheets)."""
        response = self._transport.request(
            "GET",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/validation/warnings/{code}.csv",
            "download the affected records",
            headers=self._headers(),
        )
        return response.content

    def launch(self, district_id: str, connection_id: str, launch_date: str) -> Connection:
        """Set the launch date (YYYY-MM-DD); from then on the app shows in the portal."""
        return self._call(
            Connection,
            "POST",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/launch",
            "launch the app",
            json={"launch_date": launch_date},
            idempotency_key=new_idempotency_key(),
        )
