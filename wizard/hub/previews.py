"""The onboarding client's calls that show the admin what the roster and sharing give: the data browser, the
portal preview and the embedded hub's simulated vendor app (the Instant Login rehearsal).
`OnboardingClient` inherits them."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.hub.calls import HubCalls
from wizard.hub.models import PortalView
from wizard.hub.vendor import follow_rehearsal
from wizard.wire import onboarding as wire


class PreviewCalls(HubCalls):
    """The data browser, portal preview and Instant Login rehearsal, inherited by OnboardingClient."""

    def browse(
        self, district_id: str, query: str, *, limit: int = 25, starting_after: str = ""
    ) -> wire.BrowserPage:
        """The data browser: students and teachers matching `query` (name, SIS id or email), one page, each
        with the apps they are shared with and why (or why not). Follow `next_link(page.links)` for more."""
        params = {"query": query, "limit": str(limit)}
        if starting_after:
            params["starting_after"] = starting_after
        return self._call(
            wire.BrowserPage,
            "GET",
            f"/api/v1/districts/{district_id}/browser",
            "search the data browser",
            params=params,
        )

    def load_vendor_accounts(
        self, district_id: str, app_id: str, accounts: Sequence[wire.VendorAccountIn]
    ) -> wire.VendorAccountsOut:
        """Give the simulated vendor app the vendor's roster (the one loaded for the import or link check)."""
        return self._call(
            wire.VendorAccountsOut,
            "PUT",
            f"/vendor-apps/{app_id}/districts/{district_id}/accounts",
            "give the rehearsal app the vendor's roster",
            json={"accounts": [account.model_dump() for account in accounts]},
        )

    def rehearse_login(self, district_id: str, app_id: str, login_hint: str) -> wire.RehearsalOut:
        """Follow the real Instant Login flow from the simulated vendor app's login link to its callback.

        The hub's refusal (a user not shared, a redirect URI not registered) comes back as a not-signed-in
        outcome with the hub's own words."""
        return follow_rehearsal(self._transport, district_id, app_id, login_hint)

    def portal(self, district_id: str, sis_id: str) -> PortalView:
        body = self._call(
            wire.PortalOut,
            "GET",
            f"/api/v1/districts/{district_id}/portal/{sis_id}",
            "show the portal preview",
        )
        return PortalView.from_wire(body, self.base_url)
