"""What every group of the onboarding client's calls stands on: the transport, the admin token, and a
signed-in call whose answer is parsed as its wire model.

`OnboardingClient` (wizard/hub/onboarding.py) inherits one group per resource: uploads, connections and
sharing, previews, the directory; each is a `HubCalls`.
"""

from __future__ import annotations

from typing import Any

from wizard.hub.errors import HubError
from wizard.hub.transport import Answer, HubTransport, new_idempotency_key, read_answer


class HubCalls:
    """The plumbing of a district admin's calls; OnboardingClient sets `_transport` and `_token`."""

    _transport: HubTransport
    _token: str | None

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def _headers(self) -> dict[str, str]:
        if not self._token:
            raise HubError("You are not signed in to the hub.", "Sign up or sign in first.", status=401)
        return {"Authorization": f"Bearer {self._token}"}

    def _call(self, model: type[Answer], method: str, path: str, what: str, **kwargs: Any) -> Answer:
        response = self._transport.request(method, path, what, headers=self._headers(), **kwargs)
        return read_answer(response, model, what)

    def _create(self, model: type[Answer], path: str, what: str, body: Any, key: str | None) -> Answer:
        return self._call(model, "POST", path, what, json=body, idempotency_key=key or new_idempotency_key())
