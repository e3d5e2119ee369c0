"""VendorClient: the vendor's side of a connection on the onboarding API (app client credentials)."""

from __future__ import annotations

import time
from collections.abc import Callable

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

    def close(self) -> None:
        self._transport.close()
