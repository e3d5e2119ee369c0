"""The onboarding state: what the admin entered and what the hub answered, saved after every committed step.

Plain dataclasses, stored as JSON in the user's data folder (or WIZARD_DATA_DIR), written atomically so that
killing the app at any moment leaves either the previous or the new file, never half of one. Secrets (the
admin token, client secrets) live in the keyring and never in here: `to_json` refuses keys that look like one.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import platformdirs

from wizard.errors import UserFacingError
from wizard.fileio import write_text_atomically

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
STATE_FILE_NAME = "onboarding.json"
APP_DIR_NAME = "district-onboarding-wizard"
# Key names that must never be persisted: the state is not a secret store.
_SECRET_KEY_PARTS = ("token", "secret", "password")


class Mode(StrEnum):
    ONLINE = "online"  # connect the district to the hub
    OFFLINE = "offline"  # prepare roster files only, no account


@dataclass
class DistrictForm:
    """The sign-up form exactly as the admin typed it (kept even before it is submitted)."""

    name: str = ""
    state: str = ""
    nces_id: str = ""
    sis_vendor: str = ""
    admin_name: str = ""
    admin_email: str = ""
    admin_phone: str = ""


class SftpAuth(StrEnum):
    PASSWORD = "password"  # kept in the keyring, under the SFTP server and username
    KEY = "key"  # an SSH private key file on this computer


@dataclass
class SftpAccount:
    """File sync over SFTP: the account and how to sign in (the password itself only in the keyring)."""

    username: str = ""
    host: str = ""
    port: int = 22
    auth: SftpAuth = SftpAuth.PASSWORD
    key_path: str = ""  # the private key file, with auth == key
    hub_fingerprint: str = ""  # the host key fingerprint the hub's settings show, for the admin to compare
    host_key_fingerprint: str = ""  # the key the server presented (pinned on first use)
    quiet_seconds: float = 300.0  # how long the hub waits after the last file before processing
    sent_at: float = 0.0  # when the last set was sent (0: never)
    upload_before: str = ""  # the newest SFTP upload on the hub before that send (its result is not ours)


@dataclass
class RosterState:
    input_paths: list[str] = field(default_factory=list)
    export_dir: str = ""
    upload_id: str = ""
    upload_status: str = ""  # processing | succeeded | failed | on_hold | superseded | approved
    export_targets: list[str] = field(
        default_factory=list
    )  # standard sets exported beside the hub's: oneroster, sds


@dataclass
class AppState:
    app_id: str = ""
    app_name: str = ""
    uses_secure_sync: bool | None = None  # None until an app is chosen
    connection_id: str = ""
    connection_status: str = ""
    last_seen_history: int = 0  # timeline entries the admin has seen, to show what changed on resume
    reply_draft: str = ""  # an answer to the vendor being written, kept until it is sent


@dataclass
class VendorImportState:
    profile: str = ""
    roster_path: str = ""  # the vendor's current roster export, if the district has one
    decisions: dict[str, str] = field(default_factory=dict)  # SIS id -> kept username, or "new"
    output_dir: str = ""
    written: bool = False


@dataclass
class SharingRule:
    record_type: str = "students"
    field: str = ""
    op: str = "is"  # is | is_not | contains
    value: str = ""


@dataclass
class SharingState:
    sharing_type: str = ""
    school_ids: list[str] = field(default_factory=list)
    section_ids: list[str] = field(default_factory=list)
    rules: list[SharingRule] = field(default_factory=list)
    saved: bool = False


class GuidedStep(StrEnum):
    """The clever.com dashboard steps the wizard guides but cannot do (clever.com publishes no API for them)."""

    SIGN_UP = "sign_up"
    IDENTITY_PROVIDER = "identity_provider"
    ADD_APP = "add_app"
    SHARING = "sharing"
    STAFF_ADMINS = "staff_admins"
    ROLLOUT = "rollout"


@dataclass
class GuidedRecord:
    """One guided dashboard step: whether the admin ticked Done, when, and what they said they chose there."""

    done: bool = False
    done_at: str = ""  # ISO date and time the admin ticked Done ("" while not done)
    choices: dict[str, str] = field(default_factory=dict)  # choice key -> what the admin entered


@dataclass
class CleverState:
    """The journey against the district's real clever.com account: what has no API is guided and recorded."""

    chosen: bool = False  # Welcome's third hub: clever.com
    guided: dict[str, GuidedRecord] = field(default_factory=dict)  # GuidedStep -> what the admin recorded
    dashboard_counts: dict[str, int] = field(default_factory=dict)  # kind -> the count the dashboard shows
    login_check_students: int = -1  # students checked against the vendor's roster export (-1: not run)
    login_check_missing: int = -1  # of those, students without a login link


@dataclass
class StaffMember:
    """A staff admin the district added (for the summary; the hub keeps the list, a tech lead's sign-in only the
    keyring)."""

    name: str = ""
    email: str = ""
    role: str = ""  # a wizard.wire.vocab.StaffRole value
    schools: list[str] = field(default_factory=list)  # a school tech lead's schools, by name


@dataclass
class OnboardingState:
    schema_version: int = SCHEMA_VERSION
    mode: Mode = Mode.ONLINE
    hub_url: str = ""  # "" = the embedded hub started by the wizard
    current_page: int = 1  # a PageId; kept as int so this module does not depend on the flow
    history: list[int] = field(default_factory=list)  # the pages shown since Welcome, in order (Back's path)
    completed_pages: list[int] = field(default_factory=list)
    finished: bool = False  # Finish was pressed: nothing left to resume
    district_form: DistrictForm = field(default_factory=DistrictForm)
    district_id: str = ""
    signup_key: str = ""  # Idempotency-Key of the sign-up, so a retry after a crash finds the same district
    identity_provider: str = ""
    sync_method: str = ""
    roster: RosterState = field(default_factory=RosterState)
    sftp: SftpAccount = field(default_factory=SftpAccount)
    app: AppState = field(default_factory=AppState)
    vendor: VendorImportState = field(default_factory=VendorImportState)
    sharing: SharingState = field(default_factory=SharingState)
    staff: list[StaffMember] = field(default_factory=list)  # staff admins, as the hub last listed them
    launch_date: str = ""  # ISO date
    launched: bool = False
    last_folder: str = ""  # where the admin last chose a file or folder; file dialogs open there
    clever: CleverState = field(default_factory=CleverState)

    def mark_completed(self, page: int) -> None:
        if page not in self.completed_pages:
            self.completed_pages.append(page)

    def forget_completed(self, page: int) -> None:
        if page in self.completed_pages:
            self.completed_pages.remove(page)

    @property
    def signed_up(self) -> bool:
        return bool(self.district_id)

    @property
    def on_clever(self) -> bool:
        """The online journey against clever.com (dashboard steps guided, files and SFTP done)."""
        return self.mode is Mode.ONLINE and self.clever.chosen


def data_dir() -> Path:
    """The folder for the state and remembered mappings: WIZARD_DATA_DIR, else the platform's user data folder."""
    override = os.environ.get("WIZARD_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def state_path() -> Path:
    return data_dir() / STATE_FILE_NAME


def to_json(state: OnboardingState) -> str:
    payload = asdict(state)
    _refuse_secret_keys(payload)
    return json.dumps(payload, indent=2, sort_keys=True)


def from_json(text: str) -> OnboardingState:
    """Parse a saved state; unknown keys (from a newer minor version) are ignored, missing ones defaulted."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise StateUnreadable(f"line {error.lineno}: {error.msg}") from error
    if not isinstance(payload, dict):
        raise StateUnreadable("the file does not hold an object")
    version = payload.get("schema_version", 0)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise UserFacingError(
            "Your saved onboarding was written by a newer version of this wizard.",
            "Update the wizard to continue where you left off, or start over.",
        )
    payload["schema_version"] = SCHEMA_VERSION
    try:
        return _build(OnboardingState, payload)
    except (TypeError, ValueError) as error:
        raise StateUnreadable(str(error)) from error


class StateUnreadable(UserFacingError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Your saved onboarding could not be read ({detail}).",
            "The wizard kept the damaged file next to the new one and starts fresh.",
        )


def save_state(state: OnboardingState, path: Path | None = None) -> Path:
    """Write the state atomically: a temporary file in the same folder, flushed, then renamed over the old one."""
    target = path or state_path()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the state names the district: user-only
    text = to_json(state)
    return write_text_atomically(target, text)


def load_state(path: Path | None = None) -> OnboardingState | None:
    """The saved state, or None when there is none. A damaged file is set aside (renamed *.damaged)."""
    source = path or state_path()
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return from_json(text)
    except StateUnreadable:
        damaged = source.with_suffix(".damaged.json")
        source.replace(damaged)
        log.warning("saved state unreadable; moved to %s", damaged)
        raise


def _refuse_secret_keys(value: Any, where: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if any(part in str(key).lower() for part in _SECRET_KEY_PARTS):
                raise ValueError(f"refusing to persist a secret-looking key: {where}{key}")
            _refuse_secret_keys(item, f"{where}{key}.")
    elif isinstance(value, list):
        for item in value:
            _refuse_secret_keys(item, where)


T = TypeVar("T", bound="DataclassInstance")


def _build(cls: type[T], payload: dict[str, Any]) -> T:
    """Recursively build a dataclass from a dict, converting nested dataclasses, lists of them and enums."""
    hints = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in payload.items():
        if name not in hints:
            continue  # a key from a newer minor version, or one we dropped
        kwargs[name] = _convert(_FIELD_TYPES.get((cls.__name__, name)), value)
    return cls(**kwargs)


def _convert(kind: Any, value: Any) -> Any:
    if kind is None:
        return value
    if isinstance(kind, dict):  # {str: ValueDataclass}
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        ((_key_type, value_type),) = kind.items()
        return {str(key): _convert(value_type, item) for key, item in value.items()}
    if isinstance(kind, list):  # [ElementDataclass]
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return [_convert(kind[0], item) for item in value]
    if isinstance(kind, type) and is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {kind.__name__}")
        return _build(kind, value)
    return kind(value)


# Fields whose JSON needs converting back into a richer type.
_FIELD_TYPES: dict[tuple[str, str], Any] = {
    ("OnboardingState", "mode"): Mode,
    ("OnboardingState", "district_form"): DistrictForm,
    ("OnboardingState", "roster"): RosterState,
    ("OnboardingState", "sftp"): SftpAccount,
    ("SftpAccount", "auth"): SftpAuth,
    ("OnboardingState", "app"): AppState,
    ("OnboardingState", "sharing"): SharingState,
    ("OnboardingState", "vendor"): VendorImportState,
    ("SharingState", "rules"): [SharingRule],
    ("OnboardingState", "clever"): CleverState,
    ("CleverState", "guided"): {str: GuidedRecord},
    ("OnboardingState", "staff"): [StaffMember],
}
