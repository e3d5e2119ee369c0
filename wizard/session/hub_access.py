"""The wizard's adapter over the hub helper's clients and credential store (Qt-free, blocking).

Pages call these through `WizardContext`, inside Workers. One `DistrictSession` binds the onboarding client
to the signed-in district so pages never pass ids or tokens around; tokens go straight to the keyring. How hard
the clients retry is the session's setting (`HubAccess(policy)`), not a module variable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.hub.errors import Conflict, HubError
from wizard.hub.models import (
    App,
    Connection,
    District,
    PortalView,
    RosterSchool,
    RosterSection,
    RosterUser,
    SharedCounts,
    Sharing,
    SharingSettings,
    Upload,
    Validation,
)
from wizard.hub.onboarding import OnboardingClient
from wizard.hub.transport import RetryPolicy
from wizard.state import DistrictForm
from wizard.tasks import CancelToken, ProgressCallback
from wizard.wire import onboarding as wire
from wizard.wire.mail import MailOut, TeacherInstructionsOut
from wizard.wire.sftp import SftpKeyOut, SftpPasswordOut, SftpSettingsOut
from wizard.wire.vocab import SchoolShare, StaffRole

if TYPE_CHECKING:
    from wizard.support.linkcheck import VendorRoster
    from wizard.support.rehearsal import RehearsalOutcome


@dataclass(frozen=True)
class Directory:
    schools: list[RosterSchool]
    sections: list[RosterSection]


class DistrictSession:
    """The onboarding API as one signed-in district admin sees it."""

    def __init__(self, client: OnboardingClient, district_id: str) -> None:
        self._client = client
        self.district_id = district_id

    def __repr__(self) -> str:
        return f"DistrictSession({self._client.base_url!r}, {self.district_id!r})"

    def close(self) -> None:
        self._client.close()

    def district(self) -> District:
        return self._client.district(self.district_id)

    def set_sso(self, provider: str) -> District:
        return self._client.set_identity_provider(self.district_id, provider)

    def set_sync(self, method: str) -> District:
        return self._client.set_sync_method(self.district_id, method)

    def upload(self, files: Sequence[Path], progress: ProgressCallback, cancel: CancelToken) -> Upload:
        progress(0, 1, "Uploading your roster files…")
        cancel.raise_if_cancelled()
        upload = self._client.upload_roster(self.district_id, list(files))
        progress(1, 1, "Uploaded; the hub is processing your files…")
        return upload

    def upload_status(self, upload_id: str) -> Upload:
        return self._client.upload(self.district_id, upload_id)

    def approve_upload(self, upload_id: str) -> Upload:
        return self._client.approve_upload(self.district_id, upload_id)

    def uploads(self) -> list[Upload]:
        """The district's uploads, newest first."""
        return self._client.uploads(self.district_id)

    def sftp_settings(self) -> SftpSettingsOut:
        return self._client.sftp_settings(self.district_id)

    def rotate_sftp_password(self) -> SftpPasswordOut:
        return self._client.rotate_sftp_password(self.district_id)

    def add_sftp_key(self, public_key: str) -> SftpKeyOut:
        return self._client.add_sftp_key(self.district_id, public_key)

    def add_connection(self, app_id: str) -> Connection:
        """Add the app; if the district added it before (e.g. in another run), continue with that one."""
        try:
            return self._client.add_connection(self.district_id, app_id)
        except Conflict:
            for connection in self._client.connections(self.district_id):
                if connection.app_id == app_id:
                    return connection
            raise

    def authorize(self, connection_id: str, scopes: Sequence[str]) -> Connection:
        return self._client.authorize(self.district_id, connection_id, scopes)

    def connection(self, connection_id: str) -> Connection:
        return self._client.connection(self.district_id, connection_id)

    def reply(self, connection_id: str, message: str) -> Connection:
        return self._client.send_message(self.district_id, connection_id, message)

    def sharing(self, connection_id: str) -> Sharing:
        return self._client.sharing(self.district_id, connection_id)

    def preview_sharing(self, connection_id: str, settings: SharingSettings) -> SharedCounts:
        return self._client.preview_sharing(self.district_id, connection_id, settings)

    def save_sharing(self, connection_id: str, settings: SharingSettings) -> Sharing:
        return self._client.set_sharing(self.district_id, connection_id, settings)

    def validation(self, connection_id: str) -> Validation:
        return self._client.validation(self.district_id, connection_id)

    def warning_csv(self, connection_id: str, code: str) -> bytes:
        return self._client.warning_csv(self.district_id, connection_id, code)

    def launch(self, connection_id: str, launch_date: str) -> Connection:
        return self._client.launch(self.district_id, connection_id, launch_date)

    def portal(self, sis_id: str) -> PortalView:
        return self._client.portal(self.district_id, sis_id)

    def directory(self) -> Directory:
        """The district's schools and sections with their hub ids, by name (for pickers and printouts)."""
        schools = sorted(self._client.schools(self.district_id), key=lambda s: (s.name.casefold(), s.id))
        sections = sorted(self._client.sections(self.district_id), key=lambda s: (s.name.casefold(), s.id))
        return Directory(schools, sections)

    def shared_users(self, connection_id: str, role: str) -> list[RosterUser]:
        """Everyone with `role` the connection shares, by name."""
        users = self._client.shared_users(self.district_id, connection_id, role=role)
        return sorted(users, key=lambda u: (u.last_name.casefold(), u.first_name.casefold(), u.sis_id))

    def mail(self) -> MailOut:
        """The hub's email about the district: what it sent (and whether it went), the demo mailbox."""
        return self._client.mail(self.district_id)

    def teacher_instructions(self, connection_id: str, *, send: bool) -> TeacherInstructionsOut:
        """Count and preview the teachers' instructions email (send=False), or have the hub send it."""
        return self._client.teacher_instructions(self.district_id, connection_id, send=send)

    def rehearse_login(self, app_id: str, student: RosterUser, roster: VendorRoster) -> RehearsalOutcome:
        """Sign `student` in to the hub's simulated `app_id` holding `roster`, by the real Instant Login flow."""
        from wizard.support.rehearsal import rehearse_instant_login  # pandas loads with it, not at start

        return rehearse_instant_login(self._client, self.district_id, app_id, student, roster)

    # --- staff admins, school-site sharing, the data browser ----------------------------------------------
    def staff_admins(self) -> list[wire.StaffAdminOut]:
        return self._client.staff_admins(self.district_id)

    def add_staff_admin(
        self, name: str, email: str, role: StaffRole, school_ids: Sequence[str]
    ) -> wire.StaffAdminCreated:
        return self._client.add_staff_admin(
            self.district_id, name, email, role.label, role=role, school_ids=school_ids
        )

    def remove_staff_admin(self, staff_id: str) -> wire.StaffAdminOut:
        return self._client.remove_staff_admin(self.district_id, staff_id)

    def set_school_sharing(
        self, connection_id: str, school_id: str, share: SchoolShare, section_ids: Sequence[str] = ()
    ) -> wire.SchoolSiteOut:
        return self._client.set_school_sharing(self.district_id, connection_id, school_id, share, section_ids)

    def browse(self, query: str, limit: int) -> wire.BrowserPage:
        return self._client.browse(self.district_id, query, limit=limit)


class TechLeadSession:
    """The onboarding API as a school tech lead sees it, signed in with their own token: who they are, and the
    school-site sharing of their own schools (the hub answers 404 for any other school)."""

    def __init__(self, client: OnboardingClient) -> None:
        self._client = client

    def close(self) -> None:
        self._client.close()

    def me(self) -> wire.StaffSessionOut:
        return self._client.staff_session()

    def school_sharing(self, district_id: str, connection_id: str, school_id: str) -> wire.SchoolSiteOut:
        return self._client.school_sharing(district_id, connection_id, school_id)

    def sections(self, district_id: str, school_id: str) -> list[RosterSection]:
        found = self._client.sections(district_id, school_id=school_id)
        return sorted(found, key=lambda s: (s.name.casefold(), s.id))

    def set_school_sharing(
        self,
        district_id: str,
        connection_id: str,
        school_id: str,
        share: SchoolShare,
        section_ids: Sequence[str] = (),
    ) -> wire.SchoolSiteOut:
        return self._client.set_school_sharing(district_id, connection_id, school_id, share, section_ids)


class HubAccess:
    """The hub's onboarding API for the wizard, with the session's retry policy (None: the client's default)."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy

    def client(self, base_url: str, token: str | None = None) -> OnboardingClient:
        return OnboardingClient(base_url, token, policy=self.policy)

    def sign_up(self, base_url: str, form: DistrictForm, idempotency_key: str) -> tuple[District, str]:
        district = {
            "name": form.name,
            "state": form.state,
            "nces_id": form.nces_id,
            "sis_vendor": form.sis_vendor,
        }
        admin = {"name": form.admin_name, "email": form.admin_email, "phone": form.admin_phone}
        with self.client(base_url) as hub:
            result = hub.signup(district, admin, idempotency_key=idempotency_key)
        return result.district, result.admin_token

    def open_district(self, base_url: str, district_id: str, token: str) -> DistrictSession:
        return DistrictSession(self.client(base_url, token), district_id)

    def open_tech_lead(self, base_url: str, token: str) -> TechLeadSession:
        return TechLeadSession(self.client(base_url, token))

    def list_apps(self, base_url: str, query: str = "") -> list[App]:
        with self.client(base_url) as hub:
            return hub.apps(query)

    def get_app(self, base_url: str, app_id: str) -> App:
        with self.client(base_url) as hub:
            return hub.app(app_id)

    def app_icon(self, base_url: str, app: App | str) -> bytes | None:
        """The icon's bytes, or None when the hub has none (an app without icon still shows, with its name)."""
        with self.client(base_url) as hub:
            try:
                return hub.app_icon(hub.app(app) if isinstance(app, str) else app)
            except HubError:
                return None
