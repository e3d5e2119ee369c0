"""The onboarding API's bodies for staff admins: district admins and school tech leads, who a staff token
belongs to, and a school's sharing decision (re-exported by wizard.wire.onboarding)."""

from __future__ import annotations

from pydantic import Field

from wizard.wire.base import Answer, Body
from wizard.wire.text import LIST_MAX, EmailText, NameText, ShortText
from wizard.wire.vocab import StaffRole


class StaffAdminIn(Body):
    name: NameText = ""
    email: EmailText = ""
    title: NameText = "District administrator"
    role: ShortText = StaffRole.DISTRICT_ADMIN.value
    school_ids: list[ShortText] = Field(
        default_factory=list, max_length=LIST_MAX, description="a school tech lead's schools (hub ids)"
    )


class SchoolSharingIn(Body):
    """A school tech lead's decision for one school under school-site sharing."""

    share: ShortText = Field(description="whole_school | sections | not_decided (opt out)")
    section_ids: list[ShortText] = Field(default_factory=list, max_length=LIST_MAX)


class StaffAdminOut(Answer):
    id: str
    name: str
    email: str
    title: str
    role: StaffRole = StaffRole.DISTRICT_ADMIN
    school_ids: list[str] = Field(default_factory=list, description="a school tech lead's schools")


class StaffAdminCreated(StaffAdminOut):
    """A new staff admin; a school tech lead's own token comes once, here (the hub keeps only its hash)."""

    staff_token: str | None = Field(default=None, repr=False)


class StaffAdminRemoved(Answer):
    removed: StaffAdminOut


class StaffConnectionOut(Answer):
    """An app shared by school site whose sharing the tech lead decides for `school_ids`."""

    connection_id: str
    app_id: str
    app_name: str
    school_ids: list[str]


class StaffSessionOut(Answer):
    """Who a staff token belongs to (`GET /api/v1/staff/me`) and what they decide."""

    district_id: str
    district_name: str
    admin: StaffAdminOut
    connections: list[StaffConnectionOut]


class StaffAdminList(Answer):
    data: list[StaffAdminOut]
