"""The onboarding API's bodies (`/api/v1`): what the wizard sends and what the hub answers, defined once.

The hub's routes declare these as request bodies and `response_model`s (so `/openapi.json` describes every
answer); the clients in `wizard.hub` parse answers with the same models, so the two cannot drift apart.
Value lists are the `StrEnum`s of `wizard.wire.vocab`. The shared base (`Answer`, `Body`, errors, links) is
wizard/wire/base.py and the sharing, validation, portal, browser and rehearsal bodies wizard/wire/sharing.py;
both are re-exported here, so `wire.X` names every body of the onboarding API.
"""

from __future__ import annotations

from pydantic import Field

from wizard.wire.base import Answer, Body, ErrorAnswer, ErrorDetail, Health, Link, Text
from wizard.wire.sharing import (
    AppReport,
    BrowserAppOut,
    BrowserEntryOut,
    BrowserPage,
    CountPairOut,
    PortalAppOut,
    PortalOut,
    RehearsalOut,
    RuleOut,
    SchoolSiteOut,
    SharedCountsOut,
    SharingOut,
    SharingPreviewOut,
    SharingReport,
    SyncReport,
    ValidationOut,
    VendorAccountIn,
    VendorAccountsIn,
    VendorAccountsOut,
    WarningOut,
)
from wizard.wire.staff import (
    SchoolSharingIn,
    StaffAdminCreated,
    StaffAdminIn,
    StaffAdminList,
    StaffAdminOut,
    StaffAdminRemoved,
    StaffConnectionOut,
    StaffSessionOut,
)
from wizard.wire.text import LIST_MAX, EmailText, MessageText, NameText, ShortText
from wizard.wire.vocab import (
    Actor,
    ConnectionAction,
    ConnectionStatus,
    Severity,
    SharingType,
    SsoProvider,
    SyncMethod,
    SyncState,
    UploadSource,
    UploadStatus,
)

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


__all__ = [
    "AdminIn",
    "AdminOut",
    "Answer",
    "AppList",
    "AppOut",
    "AppReport",
    "AuthorizeIn",
    "Body",
    "BrowserAppOut",
    "BrowserEntryOut",
    "BrowserPage",
    "ChangeCountsOut",
    "ConnectionIn",
    "ConnectionList",
    "ConnectionOut",
    "CountPairOut",
    "DecisionIn",
    "DistrictIn",
    "DistrictOut",
    "ErrorAnswer",
    "ErrorDetail",
    "Health",
    "HistoryEventOut",
    "LaunchIn",
    "Link",
    "MessageIn",
    "Onboarding",
    "PortalAppOut",
    "PortalOut",
    "RehearsalOut",
    "RuleIn",
    "RuleOut",
    "SchoolSharingIn",
    "SchoolSiteOut",
    "ScopeOut",
    "SessionOut",
    "SharedCountsOut",
    "SharingIn",
    "SharingOut",
    "SharingPreviewOut",
    "SharingReport",
    "SignupIn",
    "SignupOut",
    "SsoIn",
    "StaffAdminCreated",
    "StaffAdminIn",
    "StaffAdminList",
    "StaffAdminOut",
    "StaffAdminRemoved",
    "StaffConnectionOut",
    "StaffSessionOut",
    "SyncIn",
    "SyncReport",
    "Text",
    "UploadAccepted",
    "UploadIssueOut",
    "UploadList",
    "UploadOut",
    "ValidationOut",
    "VendorAccountIn",
    "VendorAccountsIn",
    "VendorAccountsOut",
    "WarningOut",
]
