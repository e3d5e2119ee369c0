"""The onboarding API's bodies (`/api/v1`): what the wizard sends and what the hub answers, defined once.

The hub's routes declare these as request bodies and `response_model`s (so `/openapi.json` describes every
answer); the clients in `wizard.hub` parse answers with the same models, so the two cannot drift apart.
Value lists are the `StrEnum`s of `wizard.wire.vocab`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from wizard.wire.text import LIST_MAX, EmailText, MessageText, NameText, ShortText
from wizard.wire.vocab import (
    Actor,
    ConnectionAction,
    ConnectionStatus,
    DirectoryRole,
    SchoolShare,
    Severity,
    SharingStatus,
    SharingType,
    SsoProvider,
    StaffRole,
    SyncMethod,
    SyncState,
    UploadSource,
    UploadStatus,
)


def _empty_if_null(value: object) -> object:
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_empty_if_null)]  # text a hub may send as null: read as ""


class Body(BaseModel):
    """A request body: unknown keys are ignored, as before."""

    model_config = ConfigDict(frozen=True)


class Answer(BaseModel):
    """An answer body as the clients read it."""

    model_config = ConfigDict(frozen=True)


# ---- errors and small shared pieces ---------------------------------------------------------------------------


class ErrorDetail(Answer):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="field -> what is wrong with it")
    district_id: str | None = None  # signup_already_completed / district_already_registered
    district_name: str | None = None  # district_already_registered


class ErrorAnswer(Answer):
    """Every `/api/v1` failure: `{"error": {"code", "message", "fields"?}}`."""

    error: ErrorDetail


class Link(Answer):
    rel: str
    uri: str


class Health(Answer):
    status: str
    schema_version: int


# ---- requests -------------------------------------------------------------------------------------------------


class DistrictIn(Body):
    name: NameText = ""
    state: ShortText = ""
    nces_id: ShortText = ""
    sis_vendor: NameText = ""


class AdminIn(Body):
    name: NameText = ""
    email: EmailText = ""
    phone: ShortText = ""


class SignupIn(Body):
    district: DistrictIn
    admin: AdminIn


class SyncIn(Body):
    method: ShortText


class SsoIn(Body):
    provider: ShortText


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


class ConnectionIn(Body):
    app_id: ShortText


class AuthorizeIn(Body):
    scopes: list[ShortText] | None = Field(default=None, max_length=100)


class MessageIn(Body):
    message: MessageText = Field(min_length=1)


class RuleIn(Body):
    record_type: ShortText
    field: ShortText
    op: ShortText
    value: NameText


class SharingIn(Body):
    type: ShortText
    school_ids: list[ShortText] = Field(default_factory=list, max_length=LIST_MAX)
    section_ids: list[ShortText] = Field(default_factory=list, max_length=LIST_MAX)
    rules: list[RuleIn] = Field(default_factory=list, max_length=100)


class LaunchIn(Body):
    launch_date: ShortText


class DecisionIn(Body):
    decision: ShortText
    message: MessageText = ""


# ---- districts ------------------------------------------------------------------------------------------------


class AdminOut(Answer):
    name: str
    email: str
    phone: str


class Onboarding(Answer):
    steps: dict[str, bool]
    next_step: str | None


class DistrictOut(Answer):
    id: str
    name: str
    state: str
    nces_id: str
    sis_vendor: str
    admin: AdminOut
    sync_method: SyncMethod | None
    sso_provider: SsoProvider | None
    sync_state: SyncState
    last_sync: str | None
    last_upload_status: UploadStatus | None
    created: str
    onboarding: Onboarding


class SignupOut(Answer):
    district: DistrictOut
    admin_token: str


class SessionOut(Answer):
    district: DistrictOut


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


# ---- uploads --------------------------------------------------------------------------------------------------


class UploadIssueOut(Answer):
    severity: Severity
    code: str
    file: str
    row: int | None
    column: str
    value: str
    message: str


class ChangeCountsOut(Answer):
    added: int
    updated: int
    removed: int


class UploadAccepted(Answer):
    upload_id: str
    status: UploadStatus


class UploadOut(Answer):
    id: str
    status: UploadStatus
    created: str
    finished: str | None
    counts: dict[str, int]
    errors: list[UploadIssueOut]
    warnings: list[UploadIssueOut]
    error_count: int
    warning_count: int
    changes: dict[str, ChangeCountsOut]
    changed_share: float
    hold_reason: str | None
    source: UploadSource = UploadSource.HTTP
    files: list[str] = Field(default_factory=list, description="the file names the upload held")


class UploadList(Answer):
    data: list[UploadOut]


# ---- app catalog ----------------------------------------------------------------------------------------------


class ScopeOut(Answer):
    name: str
    description: str


class AppOut(Answer):
    id: str
    name: str
    vendor: str
    description: str
    uses_secure_sync: bool
    roster_import: dict[str, str] | None
    scopes: list[ScopeOut]
    recommended_sharing: SharingType | None
    recommended_sharing_reason: str
    icon_url: str = Field(description="the icon's path on the hub")


class AppList(Answer):
    data: list[AppOut]


# ---- connections ----------------------------------------------------------------------------------------------


class HistoryEventOut(Answer):
    at: str
    actor: Actor
    action: ConnectionAction
    message: str


class ConnectionOut(Answer):
    id: str
    district_id: str
    app_id: str
    app_name: str
    status: ConnectionStatus
    created: str
    status_since: str
    scopes: tuple[str, ...]
    open_question: str | None
    vendor_confirmed: bool
    sharing_type: SharingType | None
    sharing_locked: bool
    launch_date: str | None
    history: tuple[HistoryEventOut, ...]


class ConnectionList(Answer):
    data: list[ConnectionOut]


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
