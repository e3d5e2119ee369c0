"""The clever.com journey's own checks against the prepared files: the schools and students in them, the data
warnings the roster engine found, the counts beside the dashboard's, and the login-link check (re-exported by
wizard/session/clever.py, where the pages look for them)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.session.summary import COUNTED_FILES, SisCount
from wizard.session.text import plural
from wizard.state import OnboardingState

if TYPE_CHECKING:
    from wizard.hub.models import RosterUser
    from wizard.support.linkcheck import InstantLoginCheck, RosterSource

REPORT_NAME = "validation_report.csv"


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
