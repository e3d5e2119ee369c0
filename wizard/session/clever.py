"""The clever.com journey, Qt-free: the dashboard steps the wizard guides (data in resources/clever_guide.toml),
what the admin records about them, and the checks it does itself against the prepared files.

clever.com publishes no API for a district's sign-up, identity provider, app approval, sharing, staff admins or
rollout. For each, a page lists the dashboard steps, opens the dashboard page, says what to check there and
records what the admin says they chose, with a Done box they tick. Nothing here claims the wizard did a guided
step: the words are "You said you…". What has an interface the wizard does: the files, the SFTP upload, the
vendor import file, the counts side by side with the dashboard's, the login-link check and the instructions.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.flow import PageId
from wizard.resources import resource
from wizard.session.summary import COUNTED_FILES, SisCount
from wizard.session.text import plural
from wizard.state import GuidedRecord, GuidedStep, OnboardingState, SftpAccount

if TYPE_CHECKING:
    from wizard.hub.models import RosterUser
    from wizard.hub.sftp import SentFiles
    from wizard.support.linkcheck import InstantLoginCheck, RosterSource

GUIDE_FILE = "clever_guide.toml"
SFTP_HOST = "sftp.clever.com"
SYNC_SETTINGS_URL = "https://schools.clever.com/sync/settings"
DATA_BROWSER_URL = "https://schools.clever.com/data"
LOGIN_URL = "https://clever.com/login"
REPORT_NAME = "validation_report.csv"


class ChoiceKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    SCHOOLS = "schools"  # a checklist of the schools in the prepared files
    LINES = "lines"  # one entry per line


@dataclass(frozen=True)
class Choice:
    """Something the admin chose in the dashboard and tells the wizard (recorded, never sent anywhere)."""

    key: str
    label: str
    kind: ChoiceKind
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    mirror: str = ""  # the onboarding state field it also fills ("app.app_name"), "" for none
    placeholder: str = ""

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)


@dataclass(frozen=True)
class Guide:
    """One guided dashboard step: where it shows, the dashboard page, the steps, what to check, the words."""

    step: GuidedStep
    page: PageId
    title: str
    dashboard: str
    open_label: str
    steps: tuple[str, ...]
    check: str
    done_label: str
    said: str
    choices: tuple[Choice, ...]


@cache
def guides() -> tuple[Guide, ...]:
    """Every guided step, in the journey's order (read once from the shipped TOML)."""
    data = tomllib.loads(resource(GUIDE_FILE).read_text(encoding="utf-8"))
    found = []
    for key, entry in data.items():
        found.append(
            Guide(
                step=GuidedStep(key),
                page=PageId[entry["page"]],
                title=entry["title"],
                dashboard=entry["dashboard"],
                open_label=entry["open_label"],
                steps=tuple(entry["steps"]),
                check=entry["check"],
                done_label=entry["done_label"],
                said=entry["said"],
                choices=tuple(
                    Choice(
                        key=choice["key"],
                        label=choice["label"],
                        kind=ChoiceKind(choice["kind"]),
                        required=bool(choice.get("required", False)),
                        options=tuple((str(v), str(label)) for v, label in choice.get("options", ())),
                        mirror=choice.get("mirror", ""),
                        placeholder=choice.get("placeholder", ""),
                    )
                    for choice in entry.get("choices", ())
                ),
            )
        )
    return tuple(found)


def guide(step: GuidedStep) -> Guide:
    return next(item for item in guides() if item.step is step)


def guides_for(page: PageId) -> tuple[Guide, ...]:
    return tuple(item for item in guides() if item.page is page)


# --- what the admin records ------------------------------------------------------------------------------
def record(state: OnboardingState, step: GuidedStep) -> GuidedRecord:
    """The admin's record of `step` (made empty the first time)."""
    return state.clever.guided.setdefault(str(step), GuidedRecord())


def choose_clever(state: OnboardingState, chosen: bool) -> None:
    """Welcome's hub choice: the journey against clever.com, or not. The clever.com journey syncs by SFTP."""
    state.clever.chosen = chosen
    if chosen:
        state.hub_url = ""
        state.sync_method = "sftp"
        if not state.sftp.host:
            state.sftp.host = SFTP_HOST


def set_choice(state: OnboardingState, step: GuidedStep, key: str, value: str) -> None:
    """Record what the admin chose in the dashboard, and fill the state field it mirrors."""
    choice = next(item for item in guide(step).choices if item.key == key)
    value = value.strip()
    record(state, step).choices[key] = value
    if choice.mirror:
        _mirror(state, choice.mirror, value)


def _mirror(state: OnboardingState, path: str, value: str) -> None:
    if path == "app.uses_secure_sync":
        state.app.uses_secure_sync = None if not value else value == "secure_sync"
        return
    if path == "app.app_name":  # the vendor import's profile is found by the app's name, e.g. symphony-math
        state.app.app_name = value
        state.app.app_id = "-".join(value.lower().split())
        return
    if path == "sharing.school_ids":
        state.sharing.school_ids = [line for line in value.splitlines() if line.strip()]
        return
    owner: Any = state
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    setattr(owner, name, value)


def missing(state: OnboardingState, step: GuidedStep) -> list[str]:
    """The required choices not filled in yet (their labels); sharing by schools needs at least one school."""
    chosen = record(state, step).choices
    by_schools = chosen.get("sharing_type") == "schools"
    absent = [
        item.label
        for item in guide(step).choices
        if item.required
        and not chosen.get(item.key)
        and (item.kind is not ChoiceKind.SCHOOLS or by_schools)  # schools only with the Schools type
    ]
    portal = chosen.get("portal_url", "")
    if step is GuidedStep.ROLLOUT and portal and not portal.startswith("https://"):
        absent.append("a portal link that starts with https://")
    return absent


def set_done(state: OnboardingState, step: GuidedStep, done: bool, now: datetime | None = None) -> list[str]:
    """Tick (or untick) Done. Ticking with a required choice missing is refused: the missing labels."""
    entry = record(state, step)
    if done:
        absent = missing(state, step)
        if absent:
            return absent
        entry.done, entry.done_at = True, (now or datetime.now()).isoformat(timespec="minutes")
    else:
        entry.done, entry.done_at = False, ""
    return []


def is_done(state: OnboardingState, step: GuidedStep) -> bool:
    entry = state.clever.guided.get(str(step))
    return entry is not None and entry.done


def page_done(state: OnboardingState, page: PageId) -> bool:
    """Every guided step shown on `page` is ticked Done."""
    return all(is_done(state, item.step) for item in guides_for(page))


def not_done(state: OnboardingState) -> list[Guide]:
    return [item for item in guides() if not is_done(state, item.step)]


# --- the words -------------------------------------------------------------------------------------------
def _values(state: OnboardingState, item: Guide, schools: Mapping[str, str]) -> dict[str, str]:
    chosen = record(state, item.step).choices
    values: dict[str, str] = {}
    for choice in item.choices:
        value = chosen.get(choice.key, "")
        values[choice.key] = value or "…"
        if choice.kind is ChoiceKind.CHOICE:
            values[f"{choice.key}_label"] = choice.option_label(value) if value else "…"
        if choice.kind is ChoiceKind.DATE and value:
            values[choice.key] = us_date(value)
        if choice.kind is ChoiceKind.LINES:
            values[choice.key] = ", ".join(line for line in value.splitlines() if line.strip()) or "…"
    ids = [line for line in chosen.get("schools", "").splitlines() if line.strip()]
    if chosen.get("sharing_type") == "district":
        values["schools_count"] = "every school"
    else:
        names = ", ".join(schools.get(school_id, school_id) for school_id in ids)
        values["schools_count"] = plural(len(ids), "school") + (f": {names}" if names else "")
    return values


def check_text(state: OnboardingState, step: GuidedStep, schools: Mapping[str, str] | None = None) -> str:
    """What to check in the dashboard, with what the admin entered filled in."""
    item = guide(step)
    return item.check.format(**_values(state, item, schools or {}))


def said_text(state: OnboardingState, step: GuidedStep, schools: Mapping[str, str] | None = None) -> str:
    """“You said you … (ticked on 12/01/2026 at 23:40).” — only once ticked; "" before."""
    entry = record(state, step)
    if not entry.done:
        return ""
    item = guide(step)
    when = ""
    if entry.done_at:
        moment = datetime.fromisoformat(entry.done_at)
        when = f" (ticked on {moment:%m/%d/%Y} at {moment:%H:%M})"
    return item.said.format(**_values(state, item, schools or {})).rstrip(".") + when + "."


def us_date(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%m/%d/%Y")
    except ValueError:
        return iso


def summary_lines(state: OnboardingState, schools: Mapping[str, str] | None = None) -> list[str]:
    """The summary's clever.com part: what the wizard did, and what the admin said they did in the dashboard."""
    lines = ["Hub: clever.com (your district's real account)", "", "Done by the wizard:"]
    account = state.sftp
    if account.sent_at:
        sent = datetime.fromtimestamp(account.sent_at).strftime("%m/%d/%Y %H:%M")
        lines.append(
            f"- Roster files sent over SFTP to {account.username}@{account.host}:{account.port} on {sent} "
            f"(host key {account.host_key_fingerprint or 'not recorded'})"
        )
    else:
        lines.append("- Roster files: not sent yet")
    if state.vendor.written:
        lines.append(f"- Vendor import file written to {state.vendor.output_dir}")
    if state.clever.login_check_students >= 0:
        lines.append(
            f"- Login-link check: {state.clever.login_check_students} students, "
            f"{state.clever.login_check_missing} without a login link"
        )
    if state.clever.dashboard_counts:
        counts = ", ".join(f"{count} {kind}" for kind, count in state.clever.dashboard_counts.items())
        lines.append(f"- Counts you read in the dashboard: {counts}")
    lines += ["", "Done by you in the clever.com dashboard (as you told the wizard):"]
    for item in guides():
        said = said_text(state, item.step, schools)
        lines.append(f"- {said}" if said else f"- {item.title}: not ticked as done yet")
    return lines


def clever_sent_text(account: SftpAccount, sent: SentFiles | None = None) -> str:
    """What the Prepare page says once the files are on sftp.clever.com (done by the wizard)."""
    when = datetime.fromtimestamp(account.sent_at).strftime("%m/%d/%Y %H:%M") if account.sent_at else ""
    what = (
        f"✓ Sent {plural(len(sent.names), 'file')} to {sent.target} over SFTP"
        if sent is not None
        else f"✓ Your files were sent to {account.username}@{account.host} over SFTP"
    )
    return (
        f"{what} on {when}. Host key {account.host_key_fingerprint or 'not recorded'}: pinned, so a server "
        "presenting another key is refused. clever.com processes the files about 5 minutes after the last "
        "one; then look at the dashboard's Sync page (and your email) for the result."
    )


# --- the prepared files ------------------------------------------------------------------------------------
def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def prepared_schools(export_dir: str) -> dict[str, str]:
    """School id -> name, from the schools.csv the wizard prepared ({} before one is written)."""
    if not export_dir:
        return {}
    return {
        row.get("School_id", ""): row.get("School_name", "") or row.get("School_id", "")
        for row in _rows(Path(export_dir), COUNTED_FILES["schools"])
        if row.get("School_id")
    }


def prepared_students(export_dir: str) -> list[RosterUser]:
    """The students in the prepared students.csv, as the login-link check reads shared students."""
    from wizard.hub.models import RosterUser
    from wizard.wire.vocab import DirectoryRole

    if not export_dir:
        return []
    schools = prepared_schools(export_dir)
    return [
        RosterUser(
            id=row.get("Student_id", ""),
            role=DirectoryRole.STUDENT,
            sis_id=row.get("Student_id", ""),
            first_name=row.get("First_name", ""),
            last_name=row.get("Last_name", ""),
            email=row.get("Student_email", ""),
            grade=row.get("Grade", ""),
            school_id=row.get("School_id", ""),
            school_name=schools.get(row.get("School_id", ""), ""),
        )
        for row in _rows(Path(export_dir), COUNTED_FILES["students"])
    ]


@dataclass(frozen=True)
class EngineWarning:
    code: str
    count: int
    example: str  # the first message of this kind, in the engine's words


def engine_warnings(export_dir: str) -> list[EngineWarning]:
    """The data warnings the roster engine found in the prepared files (from their validation report)."""
    if not export_dir:
        return []
    found: dict[str, EngineWarning] = {}
    for row in _rows(Path(export_dir), REPORT_NAME):
        if row.get("severity") != "warning":
            continue
        code = row.get("code", "")
        seen = found.get(code)
        found[code] = EngineWarning(
            code, (seen.count if seen else 0) + 1, seen.example if seen else row.get("message", "")
        )
    return sorted(found.values(), key=lambda warning: -warning.count)


# --- counts side by side ------------------------------------------------------------------------------------
class CountStatus(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_ENTERED = "not entered"


_WHAT_TO_CHECK = {
    "schools": "the dashboard's Schools list against schools.csv; a school missing there usually had an error "
    "in the sync report",
    "teachers": "teachers.csv's Teacher_id values are unique and each teacher's School_id is in schools.csv",
    "sections": "each section's Teacher_id is in teachers.csv and its School_id in schools.csv",
    "students": "each student's School_id is in schools.csv; students removed from the SIS are archived "
    "by clever.com only after the next sync",
    "enrollments": "each enrollment names a section and a student that are in your files",
}


@dataclass(frozen=True)
class CountRow:
    kind: str
    prepared: int | None  # rows in the prepared files (sent)
    left_out: int  # rows left out for errors
    dashboard: int | None  # what the admin read in the dashboard
    status: CountStatus
    explanation: str  # for a mismatch: what it means and what to check


def compare_counts(prepared: Mapping[str, SisCount] | None, dashboard: Mapping[str, int]) -> list[CountRow]:
    """The prepared files' counts beside the dashboard's, each mismatch explained with what to check."""
    rows = []
    for kind in COUNTED_FILES:
        sis = (prepared or {}).get(kind)
        sent = sis.sent if sis is not None else None
        shown = dashboard.get(kind)
        if shown is None or sent is None:
            status, explanation = CountStatus.NOT_ENTERED, ""
        elif shown == sent:
            status, explanation = CountStatus.MATCH, ""
        else:
            status = CountStatus.MISMATCH
            if shown < sent:
                what = (
                    f"clever.com shows {sent - shown} fewer {kind} than your files. Look at the dashboard's "
                    "Sync page: the last sync's errors, or a sync on hold (clever.com holds a sync with large "
                    "changes until you approve it), or files sent less than about 5 minutes ago."
                )
            else:
                what = (
                    f"clever.com shows {shown - sent} more {kind} than your files. Records from an earlier "
                    "upload are still there until the next sync, or another sync also sends data."
                )
            explanation = f"{what} Check {_WHAT_TO_CHECK[kind]}."
        if sis is not None and sis.left_out:
            explanation = (
                f"{explanation} {plural(sis.left_out, 'row')} with errors were left out of the files and are "
                "not on clever.com: fix them in your SIS, prepare and send again."
            ).strip()
        rows.append(CountRow(kind, sent, sis.left_out if sis else 0, shown, status, explanation))
    return rows


def set_dashboard_count(state: OnboardingState, kind: str, text: str) -> str:
    """Record a count the admin read in the dashboard; "" when fine, else why the text is not a count."""
    text = text.strip().replace(",", "")
    if not text:
        state.clever.dashboard_counts.pop(kind, None)
        return ""
    if not text.isdigit():
        return f"“{text}” is not a count: type the number the dashboard shows for {kind}."
    state.clever.dashboard_counts[kind] = int(text)
    return ""


def counts_entered(state: OnboardingState, prepared: Mapping[str, SisCount] | None) -> bool:
    """Every kind the prepared files hold has a dashboard count entered."""
    kinds = [kind for kind in COUNTED_FILES if (prepared or {}).get(kind) is not None]
    return bool(kinds) and all(kind in state.clever.dashboard_counts for kind in kinds)


# --- the login-link check ----------------------------------------------------------------------------------
def login_check(
    state: OnboardingState, vendor_roster: Path | None, source: RosterSource | None = None
) -> InstantLoginCheck:
    """The Instant Login link check (the support view's engine) over the students in the prepared files,
    against the vendor's roster export (or the wizard's own import file)."""
    from wizard.roster.vendor.profiles import load_profile
    from wizard.support.linkcheck import (
        DEFAULT_PROFILE,
        RosterSource,
        instant_login_check,
        read_vendor_roster,
    )

    profile = load_profile(state.vendor.profile or DEFAULT_PROFILE)
    roster = (
        read_vendor_roster(vendor_roster, profile, source or RosterSource.VENDOR_EXPORT)
        if vendor_roster
        else None
    )
    return instant_login_check(prepared_students(state.roster.export_dir), roster)


def record_login_check(state: OnboardingState, check: InstantLoginCheck) -> None:
    """Keep the check's outcome for the summary."""
    state.clever.login_check_students = check.total
    state.clever.login_check_missing = len(check.not_linking)


def login_check_text(check: InstantLoginCheck, names: int = 10) -> tuple[str, bool]:
    """The check in words, and whether it is good news."""
    problems = []
    if check.without_sis_id:
        problems.append(f"{plural(len(check.without_sis_id), 'student')} without a SIS id")
    if check.duplicate_sis_id:
        problems.append(f"{plural(len(check.duplicate_sis_id), 'student')} sharing a SIS id")
    if check.unknown_to_vendor:
        problems.append(
            f"{plural(len(check.unknown_to_vendor), 'student')} whose SIS id the vendor's roster does not know"
        )
    against = (
        f"checked against {check.checked_against}"
        if check.roster is not None
        else "SIS ids checked; load the vendor's roster export to check the links themselves"
    )
    if problems:
        text = (
            f"! Instant Login: of {check.total} students in your files, {'; '.join(problems)}. They cannot be "
            f"signed straight into their account ({against})."
        )
    else:
        text = (
            f"✓ Instant Login: all {check.total} students in your files have a SIS id that links ({against})."
        )
    for problem in check.not_linking[:names]:
        where = ", ".join(part for part in (problem.sis_id, problem.school) if part)
        text += f"\n• {problem.name} ({where}): {problem.reason}. {problem.what_to_do}"
    if len(check.not_linking) > names:
        text += f"\n… and {len(check.not_linking) - names} more."
    return text, check.ok


def school_lines(ids: Sequence[str]) -> str:
    return "\n".join(ids)
