"""OnboardingClient: the district admin's side of the onboarding API (`/api/v1`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import pydantic

from wizard.hub.connections import ConnectionCalls
from wizard.hub.directory import DirectoryCalls
from wizard.hub.errors import DistrictAlreadyRegistered, HubError, SignupAlreadyCompleted
from wizard.hub.mail import MailCalls
from wizard.hub.models import District, SignupResult
from wizard.hub.previews import PreviewCalls
from wizard.hub.staff import StaffCalls
from wizard.hub.transport import HubTransport, RetryPolicy, error_for, new_idempotency_key, read_answer
from wizard.hub.uploads import UploadCalls
from wizard.hub.vendor import VendorClient as VendorClient  # its old home, kept for callers
from wizard.wire import onboarding as wire


def _signup_conflict(response: Any) -> HubError:
    """A 409 to a sign-up: `signup_already_completed` names the district a retried sign-up registered,
    `district_already_registered` the district that already has this NCES id."""
    try:
        error = wire.ErrorAnswer.model_validate_json(response.content).error
    except pydantic.ValidationError:
        return error_for(response, "sign your district up")
    if error.code == "signup_already_completed" and error.district_id:
        return SignupAlreadyCompleted(error.district_id)
    if error.code == "district_already_registered" and error.district_id:
        return DistrictAlreadyRegistered(error.district_id, error.district_name or "", error.message)
    return error_for(response, "sign your district up")


class OnboardingClient(UploadCalls, ConnectionCalls, StaffCalls, PreviewCalls, MailCalls, DirectoryCalls):
    """One district admin's session with the hub. The admin token is optional until signup or sign-in.

    Sign-up and the district's settings are here; the calls on each other resource are in the module of
    their group (uploads, connections, staff, previews, directory).

    Every method raises a `wizard.hub.errors.HubError` subclass on failure, with a message for the admin.
    """

    def __init__(
        self,
        base_url: str,
        admin_token: str | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = HubTransport(base_url, policy=policy, sleep=sleep)
        self._token = admin_token

    def __repr__(self) -> str:
        signed_in = "signed in" if self._token else "not signed in"
        return f"OnboardingClient({self.base_url!r}, {signed_in})"

    def sign_in(self, admin_token: str) -> None:
        self._token = admin_token

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OnboardingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- signup and district settings ----

    def health(self) -> bool:
        """True when the hub answers /healthz (no sign-in needed)."""
        response = self._transport.request("GET", "/healthz", "check the hub")
        return read_answer(response, wire.Health, "health").status == "ok"

    def signup(
        self, district: Mapping[str, str], admin: Mapping[str, str], *, idempotency_key: str | None = None
    ) -> SignupResult:
        """Register the district. Pass the same `idempotency_key` when retrying to get the same district back.

        `district`: name, state, nces_id, sis_vendor; `admin`: name, email, phone. Invalid fields raise
        ValidationFailed whose `.fields` maps e.g. "district.state" to what is wrong.
        """
        response = self._transport.request(
            "POST",
            "/api/v1/signups",
            "sign your district up",
            json={"district": dict(district), "admin": dict(admin)},
            idempotency_key=idempotency_key or new_idempotency_key(),
            expected=frozenset({201, 409}),
        )
        if response.status_code == 409:
            raise _signup_conflict(response)
        body = read_answer(response, wire.SignupOut, "signup")
        self._token = body.admin_token
        return SignupResult(District.from_wire(body.district), body.admin_token)

    def current_district(self) -> District:
        """The district the admin token belongs to (sign in with a saved token without knowing its id)."""
        return District.from_wire(self._call(wire.SessionOut, "GET", "/api/v1/session", "sign in").district)

    def district(self, district_id: str) -> District:
        return District.from_wire(
            self._call(wire.DistrictOut, "GET", f"/api/v1/districts/{district_id}", "load your district")
        )

    def set_sync_method(self, district_id: str, method: str) -> District:
        """`clever_managed`, `sis_managed` or `sftp`."""
        return self._set_district(district_id, "sync", {"method": method}, "save the sync method")

    def set_identity_provider(self, district_id: str, provider: str) -> District:
        """`clever_passwords`, `google`, `microsoft`, `saml` or `badges`."""
        return self._set_district(district_id, "sso", {"provider": provider}, "save the identity provider")

    def _set_district(self, district_id: str, setting: str, body: dict[str, str], what: str) -> District:
        path = f"/api/v1/districts/{district_id}/{setting}"
        return District.from_wire(self._call(wire.DistrictOut, "PUT", path, what, json=body))
