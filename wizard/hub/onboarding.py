"""OnboardingClient: the district admin's side of the onboarding API (`/api/v1`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pydantic
from urllib3 import encode_multipart_formdata

from wizard.hub.directory import DirectoryCalls
from wizard.hub.errors import DistrictAlreadyRegistered, HubError, SignupAlreadyCompleted
from wizard.hub.models import (
    App,
    Connection,
    District,
    PortalView,
    SharedCounts,
    Sharing,
    SharingSettings,
    SignupResult,
    StaffAdmin,
    Upload,
    Validation,
)
from wizard.hub.transport import (
    Answer,
    HubTransport,
    ProgressStream,
    RetryPolicy,
    error_for,
    new_idempotency_key,
    read_answer,
)
from wizard.hub.vendor import VendorClient as VendorClient  # its old home, kept for callers
from wizard.tasks import CancelToken, ProgressCallback, no_progress
from wizard.wire import onboarding as wire
from wizard.wire.sftp import SftpKeyOut, SftpKeyRemoved, SftpPasswordOut, SftpSettingsOut
from wizard.wire.vocab import SchoolShare, StaffRole


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


class OnboardingClient(DirectoryCalls):
    """One district admin's session with the hub. The admin token is optional until signup or sign-in.

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

    @property
    def base_url(self) -> str:
        return self._transport.base_url

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

    # ---- plumbing ----

    def _headers(self) -> dict[str, str]:
        if not self._token:
            raise HubError("You are not signed in to the hub.", "Sign up or sign in first.", status=401)
        return {"Authorization": f"Bearer {self._token}"}

    def _call(self, model: type[Answer], method: str, path: str, what: str, **kwargs: Any) -> Answer:
        response = self._transport.request(method, path, what, headers=self._headers(), **kwargs)
        return read_answer(response, model, what)

    def _create(self, model: type[Answer], path: str, what: str, body: Any, key: str | None) -> Answer:
        return self._call(model, "POST", path, what, json=body, idempotency_key=key or new_idempotency_key())

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
        body = self._call(
            wire.DistrictOut,
            "PUT",
            f"/api/v1/districts/{district_id}/sync",
            "save the sync method",
            json={"method": method},
        )
        return District.from_wire(body)

    def set_identity_provider(self, district_id: str, provider: str) -> District:
        """`clever_passwords`, `google`, `microsoft`, `saml` or `badges`."""
        body = self._call(
            wire.DistrictOut,
            "PUT",
            f"/api/v1/districts/{district_id}/sso",
            "save the identity provider",
            json={"provider": provider},
        )
        return District.from_wire(body)

    def add_staff_admin(
        self,
        district_id: str,
        name: str,
        email: str,
        title: str = "District administrator",
        *,
        role: StaffRole = StaffRole.DISTRICT_ADMIN,
        school_ids: Sequence[str] = (),
        idempotency_key: str | None = None,
    ) -> wire.StaffAdminCreated:
        """Add a staff admin; a school tech lead's own token is in `staff_token`, this once only."""
        body = {
            "name": name,
            "email": email,
            "title": title,
            "role": role.value,
            "school_ids": list(school_ids),
        }
        return self._create(
            wire.StaffAdminCreated,
            f"/api/v1/districts/{district_id}/admins",
            "add a staff admin",
            body,
            idempotency_key,
        )

    def remove_staff_admin(self, district_id: str, staff_id: str) -> StaffAdmin:
        """Remove a staff admin (a school tech lead's token stops working); returns who was removed."""
        body = self._call(
            wire.StaffAdminRemoved,
            "DELETE",
            f"/api/v1/districts/{district_id}/admins/{staff_id}",
            "remove a staff admin",
        )
        return body.removed

    def staff_session(self) -> wire.StaffSessionOut:
        """Signed in with a school tech lead's token: who they are and which apps' school sharing they decide."""
        return self._call(wire.StaffSessionOut, "GET", "/api/v1/staff/me", "sign in as a school tech lead")

    def school_sharing(self, district_id: str, connection_id: str, school_id: str) -> wire.SchoolSiteOut:
        return self._call(
            wire.SchoolSiteOut,
            "GET",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/schools/{school_id}/sharing",
            "load the school's sharing",
        )

    def set_school_sharing(
        self,
        district_id: str,
        connection_id: str,
        school_id: str,
        share: SchoolShare,
        section_ids: Sequence[str] = (),
    ) -> wire.SchoolSiteOut:
        """A school tech lead (or the district admin) decides one school's school-site sharing."""
        return self._call(
            wire.SchoolSiteOut,
            "PUT",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/schools/{school_id}/sharing",
            "save the school's sharing",
            json={"share": share.value, "section_ids": list(section_ids)},
        )

    def staff_admins(self, district_id: str) -> list[StaffAdmin]:
        body = self._call(
            wire.StaffAdminList, "GET", f"/api/v1/districts/{district_id}/admins", "list staff admins"
        )
        return list(body.data)

    # ---- uploads ----

    def upload_roster(
        self,
        district_id: str,
        files: Sequence[Path],
        *,
        idempotency_key: str | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Upload:
        """Upload hub CSV files (schools.csv, students.csv …); the hub answers at once with status processing.

        `progress(sent_bytes, total_bytes, message)` is called as the files go out; `cancel` stops the upload.
        """
        try:
            fields = [("files", (path.name, path.read_bytes(), "text/csv")) for path in files]
        except OSError as error:
            raise HubError(
                f"{error.filename} cannot be read ({error.strerror}).", "Export the roster files again."
            ) from None
        payload, content_type = encode_multipart_formdata(fields)
        headers = {**self._headers(), "Content-Type": content_type}
        response = self._transport.request(
            "POST",
            f"/api/v1/districts/{district_id}/uploads",
            "upload your roster files",
            headers=headers,
            body=lambda: ProgressStream(payload, progress, cancel),
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return Upload.accepted(read_answer(response, wire.UploadAccepted, "upload"))

    def upload(self, district_id: str, upload_id: str) -> Upload:
        return Upload.from_wire(
            self._call(
                wire.UploadOut,
                "GET",
                f"/api/v1/districts/{district_id}/uploads/{upload_id}",
                "check the upload",
            )
        )

    def uploads(self, district_id: str) -> list[Upload]:
        body = self._call(wire.UploadList, "GET", f"/api/v1/districts/{district_id}/uploads", "list uploads")
        return [Upload.from_wire(item) for item in body.data]

    def wait_for_upload(
        self,
        district_id: str,
        upload_id: str,
        *,
        timeout: float = 600.0,
        interval: float = 0.5,
        cancel: CancelToken | None = None,
    ) -> Upload:
        """Poll until the hub has processed the upload (succeeded, failed, on_hold or superseded)."""
        deadline = time.monotonic() + timeout
        while True:
            upload = self.upload(district_id, upload_id)
            if upload.done:
                return upload
            if cancel is not None:
                cancel.raise_if_cancelled()
            if time.monotonic() >= deadline:
                raise HubError(
                    "The hub is still processing your upload.", "Check its status again later from this page."
                )
            time.sleep(interval)

    def approve_upload(self, district_id: str, upload_id: str) -> Upload:
        return Upload.from_wire(
            self._call(
                wire.UploadOut,
                "POST",
                f"/api/v1/districts/{district_id}/uploads/{upload_id}/approve",
                "approve the upload",
            )
        )

    # ---- file sync over SFTP ----

    def sftp_settings(self, district_id: str) -> SftpSettingsOut:
        """The district's SFTP username, the hub's SFTP server and host key fingerprint, keys and folder."""
        return self._call(
            SftpSettingsOut, "GET", f"/api/v1/districts/{district_id}/sftp", "load the SFTP settings"
        )

    def rotate_sftp_password(self, district_id: str) -> SftpPasswordOut:
        """A new SFTP password (the old one stops working); the hub shows it only in this answer."""
        return self._call(
            SftpPasswordOut,
            "POST",
            f"/api/v1/districts/{district_id}/sftp/password",
            "get a new SFTP password",
        )

    def add_sftp_key(self, district_id: str, public_key: str) -> SftpKeyOut:
        return self._call(
            SftpKeyOut,
            "POST",
            f"/api/v1/districts/{district_id}/sftp/keys",
            "register the SSH key",
            json={"public_key": public_key},
        )

    def remove_sftp_key(self, district_id: str, key_id: str) -> None:
        self._call(
            SftpKeyRemoved,
            "DELETE",
            f"/api/v1/districts/{district_id}/sftp/keys/{key_id}",
            "remove the SSH key",
        )

    # ---- app catalog and connections ----

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

    # ---- sharing, validation, launch, portal ----

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

    # ---- the embedded hub's simulated vendor app (Instant Login rehearsal) ----

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
        response = self._transport.request(
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

    def portal(self, district_id: str, sis_id: str) -> PortalView:
        body = self._call(
            wire.PortalOut,
            "GET",
            f"/api/v1/districts/{district_id}/portal/{sis_id}",
            "show the portal preview",
        )
        return PortalView.from_wire(body, self.base_url)
