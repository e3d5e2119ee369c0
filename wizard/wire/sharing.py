"""The onboarding API's bodies for sharing, validation and what they show: the sharing rules and counts, the
validation report, the portal preview, the data browser and the simulated vendor app's Instant Login rehearsal
(re-exported by wizard.wire.onboarding, the one `wire` namespace the clients and routes use)."""

from __future__ import annotations

from pydantic import Field

from wizard.wire.base import Answer, Body, Link
from wizard.wire.staff import StaffAdminOut
from wizard.wire.text import NameText, ShortText
from wizard.wire.vocab import (
    ConnectionStatus,
    DirectoryRole,
    SchoolShare,
    SharingStatus,
    SharingType,
    SyncMethod,
    SyncState,
)

# ---- sharing and validation -----------------------------------------------------------------------------------


class RuleOut(Answer):
    record_type: str
    field: str
    op: str
    value: str


class SharedCountsOut(Answer):
    schools: int
    teachers: int
    sections: int
    students: int


class SchoolSiteOut(Answer):
    """One school under school-site sharing: who decides, and what they decided."""

    school_id: str
    school_name: str
    tech_leads: list[StaffAdminOut]
    opted_in: bool
    share: SchoolShare
    section_ids: list[str]
    counts: SharedCountsOut


class SharingOut(Answer):
    type: SharingType | None
    school_ids: list[str]
    section_ids: list[str]
    rules: list[RuleOut]
    locked: bool
    locked_reason: str
    counts: SharedCountsOut
    rule_fields: dict[str, list[str]]
    schools: list[SchoolSiteOut] = Field(
        default_factory=list, description="school-site sharing: each chosen school's tech leads and decision"
    )


class SharingPreviewOut(Answer):
    counts: SharedCountsOut


class SyncReport(Answer):
    method: SyncMethod | None
    state: SyncState
    last_success: str | None
    on_schedule: bool = Field(description="the last success is less than a day (and a little) old")


class AppReport(Answer):
    id: str
    status: ConnectionStatus


class SharingReport(Answer):
    type: SharingType | None
    status: SharingStatus


class CountPairOut(Answer):
    hub: int
    shared: int


class WarningOut(Answer):
    code: str
    message: str
    count: int


class ValidationOut(Answer):
    sync: SyncReport
    app: AppReport
    sharing: SharingReport
    counts: dict[str, CountPairOut]
    warnings: list[WarningOut]


class PortalAppOut(Answer):
    app_id: str
    name: str
    icon_url: str
    reason: str = Field(default="", description="why the app is hidden; empty for a visible app")


class PortalOut(Answer):
    sis_id: str
    user_id: str
    role: DirectoryRole
    name: str
    apps: list[PortalAppOut]
    hidden: list[PortalAppOut]


# ---- data browser ---------------------------------------------------------------------------------------------


class BrowserAppOut(Answer):
    """One of the district's apps for one person: shared or not, and why."""

    connection_id: str
    app_id: str
    app_name: str
    connection_status: ConnectionStatus
    sharing_type: SharingType | None
    shared: bool
    reason: str = Field(description="the sharing rule, school or section that brings them in, or why not")
    via_school_ids: list[str] = Field(default_factory=list)
    via_section_ids: list[str] = Field(default_factory=list)


class BrowserEntryOut(Answer):
    id: str
    role: DirectoryRole
    sis_id: str
    first_name: str
    last_name: str
    email: str
    school_names: list[str]
    section_count: int
    apps: list[BrowserAppOut]


class BrowserPage(Answer):
    """Students and teachers found by name, SIS id or email, sorted by id; `rel: next` links page on."""

    data: list[BrowserEntryOut]
    links: list[Link] = Field(default_factory=list)


# ---- the simulated vendor app (Instant Login rehearsal) -------------------------------------------------------


class VendorAccountIn(Body):
    """One account in the vendor's own roster, as the simulated vendor app looks it up."""

    username: NameText
    external_id: ShortText = ""
    first_name: NameText = ""
    last_name: NameText = ""


class VendorAccountsIn(Body):
    accounts: list[VendorAccountIn] = Field(max_length=1_000_000)


class VendorAccountsOut(Answer):
    accounts: int
    with_external_id: int


class RehearsalOut(Answer):
    """What the simulated vendor app saw at the end of the Instant Login flow."""

    app_id: str
    signed_in: bool
    account: str = Field(default="", description="the vendor account's username the student landed in")
    account_name: str = ""
    user_id: str = ""
    sis_id: str = ""
    student_name: str = ""
    message: str
