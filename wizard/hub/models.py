"""What the onboarding API returns, as typed, immutable values the GUI can use directly.

The answers are parsed with the hub's own body models (`wizard.wire.onboarding`); where the GUI wants another
shape (a district's admin fields flat, icon addresses absolute) the value is built from the parsed model, so
a change to the wire shows up here as a type error, not as a silently empty field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.hub.errors import malformed as malformed  # re-exported for older callers
from wizard.wire import directory
from wizard.wire import onboarding as wire
from wizard.wire.vocab import ConnectionStatus, RuleOp, SharingType, UploadStatus


def _absolute(base_url: str, address: str) -> str:
    return f"{base_url}{address}" if address.startswith("/") else address


# Answers the GUI uses exactly as they come.
StaffAdmin = wire.StaffAdminOut
UploadIssue = wire.UploadIssueOut
ChangeCounts = wire.ChangeCountsOut
Scope = wire.ScopeOut
HistoryEvent = (
    wire.HistoryEventOut
)  # actor: district | vendor; action: see wizard.wire.vocab.ConnectionAction
Connection = wire.ConnectionOut
SharedCounts = wire.SharedCountsOut
RosterSection = directory.SectionRow
RosterUser = directory.UserRow  # role: student | teacher | staff


@dataclass(frozen=True)
class OnboardingProgress:
    steps: dict[str, bool]
    next_step: str | None


@dataclass(frozen=True)
class District:
    id: str
    name: str
    state: str
    nces_id: str
    sis_vendor: str
    admin_name: str
    admin_email: str
    admin_phone: str
    sync_method: str | None
    sso_provider: str | None
    sync_state: str
    last_sync: str | None
    last_upload_status: str | None
    created: str
    progress: OnboardingProgress

    @classmethod
    def from_wire(cls, d: wire.DistrictOut) -> District:
        return cls(
            id=d.id,
            name=d.name,
            state=d.state,
            nces_id=d.nces_id,
            sis_vendor=d.sis_vendor,
            admin_name=d.admin.name,
            admin_email=d.admin.email,
            admin_phone=d.admin.phone,
            sync_method=d.sync_method,
            sso_provider=d.sso_provider,
            sync_state=d.sync_state,
            last_sync=d.last_sync or None,
            last_upload_status=d.last_upload_status,
            created=d.created,
            progress=OnboardingProgress(dict(d.onboarding.steps), d.onboarding.next_step or None),
        )


@dataclass(frozen=True)
class SignupResult:
    district: District
    admin_token: str = field(repr=False)


UPLOAD_DONE = frozenset(status for status in UploadStatus if status.done)


@dataclass(frozen=True)
class Upload:
    id: str
    status: str  # an UploadStatus: processing | succeeded | failed | on_hold | superseded
    created: str
    finished: str | None
    counts: dict[str, int]
    errors: tuple[UploadIssue, ...]
    warnings: tuple[UploadIssue, ...]
    changes: dict[str, ChangeCounts]
    changed_share: float
    hold_reason: str | None
    error_count: int = 0  # all errors; `errors` lists at most the first thousand
    warning_count: int = 0
    source: str = "http"  # an UploadSource: http | sftp
    files: tuple[str, ...] = ()  # the file names the upload held

    @property
    def done(self) -> bool:
        return self.status in UPLOAD_DONE

    @classmethod
    def from_wire(cls, u: wire.UploadOut) -> Upload:
        return cls(
            id=u.id,
            status=u.status,
            created=u.created,
            finished=u.finished or None,
            counts=dict(u.counts),
            errors=tuple(u.errors),
            warnings=tuple(u.warnings),
            changes=dict(u.changes),
            changed_share=u.changed_share,
            hold_reason=u.hold_reason or None,
            error_count=u.error_count,
            warning_count=u.warning_count,
            source=u.source,
            files=tuple(u.files),
        )

    @classmethod
    def accepted(cls, a: wire.UploadAccepted) -> Upload:
        """The hub's first answer: the upload exists and is being processed."""
        return cls(a.upload_id, a.status, "", None, {}, (), (), {}, 0.0, None)


@dataclass(frozen=True)
class App:
    id: str
    name: str
    vendor: str
    description: str
    uses_secure_sync: bool
    scopes: tuple[Scope, ...]
    recommended_sharing: str | None
    recommended_sharing_reason: str
    icon_url: str  # absolute URL on the hub
    roster_import: (
        dict[str, str] | None
    )  # e.g. {"method": "vendor_import_file", "link_field": "ExternalID", ...}

    @classmethod
    def from_wire(cls, a: wire.AppOut, base_url: str) -> App:
        return cls(
            id=a.id,
            name=a.name,
            vendor=a.vendor,
            description=a.description,
            uses_secure_sync=a.uses_secure_sync,
            scopes=tuple(a.scopes),
            recommended_sharing=a.recommended_sharing,
            recommended_sharing_reason=a.recommended_sharing_reason,
            icon_url=_absolute(base_url, a.icon_url),
            roster_import=dict(a.roster_import) if a.roster_import is not None else None,
        )


CONNECTION_STATUSES = tuple(ConnectionStatus)
SHARING_TYPES = tuple(SharingType)
RULE_OPS = tuple(RuleOp)


@dataclass(frozen=True)
class SharingRule:
    record_type: str  # school | section | student | teacher
    field: str
    op: str  # is | is_not | contains
    value: str


@dataclass(frozen=True)
class SharingSettings:
    """What the district shares with one app; `type=None` when nothing is shared yet."""

    type: str | None
    school_ids: tuple[str, ...] = ()
    section_ids: tuple[str, ...] = ()
    rules: tuple[SharingRule, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "school_ids": list(self.school_ids),
            "section_ids": list(self.section_ids),
            "rules": [vars(rule) for rule in self.rules],
        }


@dataclass(frozen=True)
class Sharing:
    settings: SharingSettings
    locked: bool
    locked_reason: str
    counts: SharedCounts
    rule_fields: dict[str, tuple[str, ...]]
    schools: tuple[wire.SchoolSiteOut, ...] = ()  # school site: each chosen school's tech leads and decision

    @classmethod
    def from_wire(cls, s: wire.SharingOut) -> Sharing:
        settings = SharingSettings(
            type=s.type,
            school_ids=tuple(s.school_ids),
            section_ids=tuple(s.section_ids),
            rules=tuple(SharingRule(r.record_type, r.field, r.op, r.value) for r in s.rules),
        )
        return cls(
            settings=settings,
            locked=s.locked,
            locked_reason=s.locked_reason,
            counts=s.counts,
            rule_fields={kind: tuple(fields) for kind, fields in s.rule_fields.items()},
            schools=tuple(s.schools),
        )


@dataclass(frozen=True)
class CountPair:
    hub: int
    shared: int


@dataclass(frozen=True)
class ValidationWarning:
    code: str
    message: str
    count: int


@dataclass(frozen=True)
class Validation:
    sync_method: str | None
    sync_state: str
    last_success: str | None
    sync_on_schedule: bool  # the last success is less than a day old
    app_status: str
    sharing_type: str | None
    sharing_status: str  # not_set | set | confirmed
    counts: dict[str, CountPair]  # schools, teachers, sections, students
    warnings: tuple[ValidationWarning, ...]

    @classmethod
    def from_wire(cls, v: wire.ValidationOut) -> Validation:
        return cls(
            sync_method=v.sync.method,
            sync_state=v.sync.state,
            last_success=v.sync.last_success or None,
            sync_on_schedule=v.sync.on_schedule,
            app_status=v.app.status,
            sharing_type=v.sharing.type,
            sharing_status=v.sharing.status,
            counts={kind: CountPair(pair.hub, pair.shared) for kind, pair in v.counts.items()},
            warnings=tuple(ValidationWarning(w.code, w.message, w.count) for w in v.warnings),
        )


@dataclass(frozen=True)
class PortalApp:
    app_id: str
    name: str
    icon_url: str
    reason: str = ""  # why it is hidden; empty for a visible app

    @classmethod
    def from_wire(cls, a: wire.PortalAppOut, base_url: str) -> PortalApp:
        return cls(a.app_id, a.name, _absolute(base_url, a.icon_url), a.reason)


@dataclass(frozen=True)
class PortalView:
    sis_id: str
    user_id: str
    role: str
    name: str
    apps: tuple[PortalApp, ...]
    hidden: tuple[PortalApp, ...]

    @classmethod
    def from_wire(cls, p: wire.PortalOut, base_url: str) -> PortalView:
        return cls(
            sis_id=p.sis_id,
            user_id=p.user_id,
            role=p.role,
            name=p.name,
            apps=tuple(PortalApp.from_wire(a, base_url) for a in p.apps),
            hidden=tuple(PortalApp.from_wire(a, base_url) for a in p.hidden),
        )


@dataclass(frozen=True)
class RosterSchool:
    """A school of the district as the hub holds it, with how many records it has."""

    id: str
    name: str
    sis_id: str
    school_number: str
    low_grade: str
    high_grade: str
    students: int
    teachers: int
    sections: int

    @classmethod
    def from_wire(cls, s: directory.SchoolRow) -> RosterSchool:
        return cls(
            s.id, s.name, s.sis_id, s.school_number, s.low_grade, s.high_grade,
            s.counts.students, s.counts.teachers, s.counts.sections,
        )  # fmt: skip
