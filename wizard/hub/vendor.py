"""VendorClient: the vendor's side of a connection on the onboarding API (app client credentials)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from wizard.hub.models import Connection
from wizard.hub.transport import HubTransport, RetryPolicy, new_idempotency_key, read_answer
from wizard.wire import onboarding as wire


class VendorClient:
    """The vendor's side of a connection (app client credentials): list connections, decide on one."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = HubTransport(base_url, policy=policy, sleep=sleep)
        self.client_id = client_id
        self._secret = client_secret

    def __repr__(self) -> str:
        return f"VendorClient({self._transport.base_url!r}, client_id={self.client_id!r})"

    def connections(self) -> list[Connection]:
        response = self._transport.request(
            "GET",
            "/api/v1/vendor/connections",
            "list your app's districts",
            auth=(self.client_id, self._secret),
        )
        return list(read_answer(response, wire.ConnectionList, "connections").data)

    def decide(self, connection_id: str, decision: str, message: str = "") -> Connection:
        """`accept`, `reject` or `request_info` (with the question in `message`)."""
        response = self._transport.request(
            "POST",
            f"/api/v1/vendor/connections/{connection_id}/decision",
            "record the vendor's decision",
            auth=(self.client_id, self._secret),
            json={"decision": decision, "message": message},
            idempotency_key=new_idempotency_key(),
        )
        return read_answer(response, Connection, "decision")

    # ---- the embedded hub's simulated vendor app (Instant Login rehearsal, from the support view) ----

    def load_vendor_accounts(
        self, district_id: str, app_id: str, accounts: Sequence[wire.VendorAccountIn]
    ) -> wire.VendorAccountsOut:
        """Give the simulated vendor app this vendor's roster for a district that authorized the app."""
        response = self._transport.request(
            "PUT",
            f"/vendor-apps/{app_id}/districts/{district_id}/accounts",
            "give the rehearsal app your roster",
            auth=(self.client_id, self._secret),
            json={"accounts": [account.model_dump() for account in accounts]},
        )
        return read_answer(response, wire.VendorAccountsOut, "the rehearsal app's roster")

    def rehearse_login(self, district_id: str, app_id: str, login_hint: str) -> wire.RehearsalOut:
        return follow_rehearsal(self._transport, district_id, app_id, login_hint)

    def close(self) -> None:
        self._transport.close()


def follow_rehearsal(
    transport: HubTransport, district_id: str, app_id: str, login_hint: str
) -> wire.RehearsalOut:
    """Follow the real Instant Login flow from the simulated vendor app's login link to its callback.

    The hub's refusal (a user not shared, a redirect URI not registered) comes back as a not-signed-in
    outcome with the hub's own words."""
    response = transport.request(
        "GET",
        f"/vendor-apps/{app_id}/login",
        "rehearse Instant Login",
        params={"district_id": district_id, "login_hint": login_hint},
        expected=frozenset({200, 400, 403}),
    )
    if response.status_code != 200:
        try:
            detail = str(response.json().get("error_description") or response.text[:200])
        except ValueError:
            detail = response.text[:200]
        return wire.RehearsalOut(
            app_id=app_id, signed_in=False, message=f"The hub refused the sign-in: {detail}"
        )
    return read_answer(response, wire.RehearsalOut, "rehearse Instant Login")
