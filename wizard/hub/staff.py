"""The onboarding client's calls on the district's staff admins and school-site sharing
(`/api/v1/districts/{d}/admins`, `/api/v1/staff/me`, a connection's `schools/{s}/sharing`).
`OnboardingClient` inherits them."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.hub.calls import HubCalls
from wizard.hub.models import StaffAdmin
from wizard.wire import onboarding as wire
from wizard.wire.vocab import SchoolShare, StaffRole


class StaffCalls(HubCalls):
    """Staff admins and school-site sharing, inherited by OnboardingClient."""

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
