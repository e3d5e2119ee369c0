"""What the onboarding API returns, as typed, immutable values the GUI can use directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.hub.errors import HubError
from wizard.wire.vocab import ConnectionStatus, RuleOp, SharingType, UploadStatus


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None or value == "" else str(value)


def malformed(what: str) -> HubError:
    return HubError(
        f"The hub sent an answer the wizard cannot read ({what}).",
        "Check the hub address; it may not be a hub.",
    )


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
    def from_json(cls, data: Mapping[str, Any]) -> District:
        try:
            admin = data.get("admin") or {}
            onboarding = data.get("onboarding") or {}
            return cls(
                id=str(data["id"]),
                name=_text(data, "name"),
                state=_text(data, "state"),
                nces_id=_text(data, "nces_id"),
                sis_vendor=_text(data, "sis_vendor"),
                admin_name=_text(admin, "name"),
                admin_email=_text(admin, "email"),
                admin_phone=_text(admin, "phone"),
                sync_method=_optional(data, "sync_method"),
                sso_provider=_optional(data, "sso_provider"),
                sync_state=_text(data, "sync_state"),
                last_sync=_optional(data, "last_sync"),
                last_upload_status=_optional(data, "last_upload_status"),
                created=_text(data, "created"),
                progress=OnboardingProgress(
                    steps={str(k): bool(v) for k, v in (onboarding.get("steps") or {}).items()},
                    next_step=_optional(onboarding, "next_step"),
                ),
            )
        except (KeyError, TypeError, AttributeError):
            raise malformed("district") from None


@dataclass(frozen=True)
class SignupResult:
    district: District
    admin_token: str = field(repr=False)


@dataclass(frozen=True)
class StaffAdmin:
    id: str
    name: str
    email: str
    title: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StaffAdmin:
        return cls(_text(data, "id"), _text(data, "name"), _text(data, "email"), _text(data, "title"))


@dataclass(frozen=True)
class UploadIssue:
    severity: str
    code: str
    file: str
    row: int | None
    column: str
    value: str
    message: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UploadIssue:
        row = data.get("row")
        return cls(
            severity=_text(data, "severity"),
            code=_text(data, "code"),
            file=_text(data, "file"),
            row=int(row) if isinstance(row, int | str) and str(row).isdigit() else None,
            column=_text(data, "column"),
            value=_text(data, "value"),
            message=_text(data, "message"),
        )


@dataclass(frozen=True)
class ChangeCounts:
    added: int
    updated: int
    removed: int


UPLOAD_DONE = frozenset(status for status in UploadStatus if status.done)


@dataclass(frozen=True)
class Upload:
    id: str
    status: str  # processing | succeeded | failed | on_hold | superseded (a newer upload replaced it)
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

    @property
    def done(self) -> bool:
        return self.status in UPLOAD_DONE

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Upload:
        try:
            return cls(
                id=str(data.get("id") or data["upload_id"]),
                status=_text(data, "status"),
                created=_text(data, "created"),
                finished=_optional(data, "finished"),
                counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
                errors=tuple(UploadIssue.from_json(i) for i in data.get("errors") or []),
                warnings=tuple(UploadIssue.from_json(i) for i in data.get("warnings") or []),
                changes={
                    str(kind): ChangeCounts(int(c["added"]), int(c["updated"]), int(c["removed"]))
                    for kind, c in (data.get("changes") or {}).items()
                },
                changed_share=float(data.get("changed_share") or 0.0),
                hold_reason=_optional(data, "hold_reason"),
                error_count=int(data.get("error_count") or len(data.get("errors") or [])),
                warning_count=int(data.get("warning_count") or len(data.get("warnings") or [])),
            )
        except (KeyError, TypeError, ValueError):
            raise malformed("upload") from None


@dataclass(frozen=True)
class Scope:
    name: str
    description: str


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
    def from_json(cls, data: Mapping[str, Any], base_url: str) -> App:
        try:
            icon = _text(data, "icon_url")
            roster_import = data.get("roster_import")
            return cls(
                id=str(data["id"]),
                name=_text(data, "name"),
                vendor=_text(data, "vendor"),
                description=_text(data, "description"),
                uses_secure_sync=bool(data.get("uses_secure_sync")),
                scopes=tuple(
                    Scope(_text(s, "name"), _text(s, "description")) for s in data.get("scopes") or []
                ),
                recommended_sharing=_optional(data, "recommended_sharing"),
                recommended_sharing_reason=_text(data, "recommended_sharing_reason"),
                icon_url=f"{base_url}{icon}" if icon.startswith("/") else icon,
                roster_import={str(k): str(v) for k, v in roster_import.items()}
                if isinstance(roster_import, dict)
                else None,
            )
        except (KeyError, TypeError, AttributeError):
            raise malformed("app") from None


@dataclass(frozen=True)
class HistoryEvent:
    at: str
    actor: str  # district | vendor
    action: (
        str  # added | authorized | asked | replied | message | accepted | rejected | sharing_saved | launched
    )
    message: str


CONNECTION_STATUSES = tuple(ConnectionStatus)


@dataclass(frozen=True)
class Connection:
    id: str
    district_id: str
    app_id: str
    app_name: str
    status: str  # one of CONNECTION_STATUSES
    created: str
    status_since: str
    scopes: tuple[str, ...]
    open_question: str | None
    vendor_confirmed: bool
    sharing_type: str | None
    sharing_locked: bool
    launch_date: str | None
    history: tuple[HistoryEvent, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Connection:
        try:
            return cls(
                id=str(data["id"]),
                district_id=_text(data, "district_id"),
                app_id=_text(data, "app_id"),
                app_name=_text(data, "app_name"),
                status=_text(data, "status"),
                created=_text(data, "created"),
                status_since=_text(data, "status_since"),
                scopes=tuple(str(s) for s in data.get("scopes") or []),
                open_question=_optional(data, "open_question"),
                vendor_confirmed=bool(data.get("vendor_confirmed")),
                sharing_type=_optional(data, "sharing_type"),
                sharing_locked=bool(data.get("sharing_locked")),
                launch_date=_optional(data, "launch_date"),
                history=tuple(
                    HistoryEvent(_text(e, "at"), _text(e, "actor"), _text(e, "action"), _text(e, "message"))
                    for e in data.get("history") or []
                ),
            )
        except (KeyError, TypeError, AttributeError):
            raise malformed("connection") from None


SHARING_TYPES = tuple(SharingType)
RULE_OPS = tuple(RuleOp)


@dataclass(frozen=True)
class SharingRule:
    record_type: str  # school | section | student | teacher
    field: str
    op: str  # is | is_not | contains
    value: str


@dataclass(frozen=True)
class SharedCounts:
    schools: int
    teachers: int
    sections: int
    students: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SharedCounts:
        return cls(*(int(data.get(kind) or 0) for kind in ("schools", "teachers", "sections", "students")))


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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Sharing:
        try:
            settings = SharingSettings(
                type=_optional(data, "type"),
                school_ids=tuple(str(i) for i in data.get("school_ids") or []),
                section_ids=tuple(str(i) for i in data.get("section_ids") or []),
                rules=tuple(
                    SharingRule(_text(r, "record_type"), _text(r, "field"), _text(r, "op"), _text(r, "value"))
                    for r in data.get("rules") or []
                ),
            )
            return cls(
                settings=settings,
                locked=bool(data.get("locked")),
                locked_reason=_text(data, "locked_reason"),
                counts=SharedCounts.from_json(data.get("counts") or {}),
                rule_fields={
                    str(k): tuple(str(f) for f in v) for k, v in (data.get("rule_fields") or {}).items()
                },
            )
        except (TypeError, AttributeError):
            raise malformed("sharing") from None


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
    def from_json(cls, data: Mapping[str, Any]) -> Validation:
        try:
            sync, sharing, app = data["sync"], data["sharing"], data.get("app") or {}
            return cls(
                sync_method=_optional(sync, "method"),
                sync_state=_text(sync, "state"),
                last_success=_optional(sync, "last_success"),
                sync_on_schedule=bool(sync.get("on_schedule")),
                app_status=_text(app, "status"),
                sharing_type=_optional(sharing, "type"),
                sharing_status=_text(sharing, "status"),
                counts={
                    str(k): CountPair(int(v["hub"]), int(v["shared"])) for k, v in data["counts"].items()
                },
                warnings=tuple(
                    ValidationWarning(_text(w, "code"), _text(w, "message"), int(w.get("count") or 0))
                    for w in data.get("warnings") or []
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise malformed("validation") from None


@dataclass(frozen=True)
class PortalApp:
    app_id: str
    name: str
    icon_url: str
    reason: str = ""  # why it is hidden; empty for a visible app


@dataclass(frozen=True)
class PortalView:
    sis_id: str
    user_id: str
    role: str
    name: str
    apps: tuple[PortalApp, ...]
    hidden: tuple[PortalApp, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], base_url: str) -> PortalView:
        def app(entry: Mapping[str, Any]) -> PortalApp:
            icon = _text(entry, "icon_url")
            return PortalApp(
                _text(entry, "app_id"),
                _text(entry, "name"),
                f"{base_url}{icon}" if icon.startswith("/") else icon,
                _text(entry, "reason"),
            )

        try:
            return cls(
                sis_id=_text(data, "sis_id"),
                user_id=_text(data, "user_id"),
                role=_text(data, "role"),
                name=_text(data, "name"),
                apps=tuple(app(a) for a in data.get("apps") or []),
                hidden=tuple(app(a) for a in data.get("hidden") or []),
            )
        except (TypeError, AttributeError):
            raise malformed("portal") from None


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
    def from_json(cls, data: Mapping[str, Any]) -> RosterSchool:
        counts = data.get("counts") or {}
        return cls(
            _text(data, "id"), _text(data, "name"), _text(data, "sis_id"), _text(data, "school_number"),
            _text(data, "low_grade"), _text(data, "high_grade"),
            int(counts.get("students") or 0), int(counts.get("teachers") or 0), int(counts.get("sections") or 0),
        )  # fmt: skip


@dataclass(frozen=True)
class RosterSection:
    id: str
    name: str
    sis_id: str
    school_id: str
    school_name: str
    subject: str
    grade: str
    teacher_names: tuple[str, ...]
    student_count: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RosterSection:
        return cls(
            _text(data, "id"), _text(data, "name"), _text(data, "sis_id"), _text(data, "school_id"),
            _text(data, "school_name"), _text(data, "subject"), _text(data, "grade"),
            tuple(str(n) for n in data.get("teacher_names") or []), int(data.get("student_count") or 0),
        )  # fmt: skip


@dataclass(frozen=True)
class RosterUser:
    id: str
    role: str  # student | teacher | staff
    sis_id: str
    first_name: str
    last_name: str
    email: str
    grade: str
    school_id: str
    school_name: str

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RosterUser:
        return cls(*(_text(data, key) for key in (
            "id", "role", "sis_id", "first_name", "last_name", "email", "grade", "school_id", "school_name"
        )))  # fmt: skip
