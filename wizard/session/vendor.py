"""The vendor import step's controller, Qt-free: which SIS students and vendor roster are matched, the
admin's decisions, writing the import file, and what the page says about the vendor waiting for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import UserFacingError
from wizard.session.folders import start_folder
from wizard.session.text import Note, plural
from wizard.state import data_dir
from wizard.tasks import CancelToken, ProgressCallback
from wizard.wire.vocab import ConnectionStatus

if TYPE_CHECKING:
    import pandas as pd

    from wizard.roster.vendor.matching import MatchResult
    from wizard.roster.vendor.summary import VendorSummary
    from wizard.session.context import WizardContext

VENDOR_ASKED = ConnectionStatus.VENDOR_REQUESTED_INFO
CONNECTED = ConnectionStatus.CONNECTED
REJECTED = ConnectionStatus.REJECTED


@cache
def outcome_words() -> dict[str, str]:
    """Each match outcome in words (the matching engine, and pandas with it, loads when first asked)."""
    from wizard.roster.vendor.outcomes import TITLES

    return {str(outcome): title for outcome, title in TITLES.items()}


COLUMN_TITLES: dict[str, str] = {
    "outcome": "Outcome",
    "Student_id": "SIS id",
    "First_name": "First name",
    "Last_name": "Last name",
    "Grade": "Grade",
    "School": "School",
    "roster_username": "Vendor username",
    "import_username": "Username in the import",
    "candidates": "Possible matches",
    "note": "Note",
}
LONG_TEXT_COLUMNS = ("note", "candidates")
SHOWN_COLUMNS = (
    "outcome",
    "Student_id",
    "First_name",
    "Last_name",
    "Grade",
    "School",
    "roster_username",
    "import_username",
    "candidates",
    "note",
)


def read_sis_students(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """students.csv (and schools.csv, for school names) from the folder the roster page exported to."""
    from wizard.roster.readers import read_table

    students = folder / "students.csv"
    if not students.is_file():
        raise UserFacingError(
            "The wizard has no students file for this district yet.",
            "Go back to “Prepare roster files” and upload (or export) your roster first.",
        )
    schools = folder / "schools.csv"
    return read_table(students).frame, read_table(schools).frame if schools.is_file() else None


def read_left_out(folder: Path) -> list[str]:
    """SIS ids the export left out for errors (summary.json): their accounts are not leavers."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    ids = summary.get("students_left_out", []) if isinstance(summary, dict) else []
    return [str(sid) for sid in ids] if isinstance(ids, list) else []


def vendor_question_note(*, waits: bool, written: bool, reply_sent: bool, status: str) -> Note:
    """What the page says about the vendor's open question about the import."""
    if waits and written:
        return Note(
            "The vendor is waiting to hear that your students are imported. Once you have imported "
            "vendor_import.csv in their admin panel, tell them here.",
            "warnNote",
        )
    if waits:
        return Note(
            "The vendor waits for this import: write the file, import it, then tell them here.", "warnNote"
        )
    if reply_sent and status == CONNECTED:
        return Note("✓ Sent. The vendor accepted the connection.", "okNote")
    if reply_sent:
        return Note(
            "✓ Sent. The vendor has your answer; their reply shows on the “Add and authorize” step.", "okNote"
        )
    return Note("", "")


def counts_sentence(result: MatchResult) -> str:
    counts = result.counts
    return (
        "{linked} linked to an existing account · {new} · {decide} your decision · "
        "{unlink} with no SIS student (reported, never deleted)"
    ).format(
        linked=counts.linked,
        new=plural(counts.new, "new account"),
        decide=f"{counts.needs_decision} " + ("needs" if counts.needs_decision == 1 else "need"),
        unlink=plural(counts.would_unlink, "vendor account"),
    )


def shown_report(result: MatchResult) -> pd.DataFrame:
    """The match report as the table shows it: the outcome in words, and whether a decision is needed."""
    from wizard.roster.vendor import build_report

    report = build_report(result)
    shown = report.loc[:, [c for c in SHOWN_COLUMNS if c in report.columns]].copy()
    shown["outcome"] = shown["outcome"].map(lambda o: outcome_words().get(str(o), str(o)))
    shown.insert(1, "needs_decision", report["needs_decision"])
    return shown


class VendorController:
    def __init__(self, ctx: WizardContext) -> None:
        self.ctx = ctx
        self.result: MatchResult | None = None
        self.reply_sent = False

    def sis_folder(self) -> Path:
        exported = self.ctx.state.roster.export_dir
        return (
            Path(exported) if exported else data_dir() / "exports" / (self.ctx.state.district_id or "offline")
        )

    def changed(self) -> None:
        """The inputs or a decision changed: the written file no longer matches them."""
        self.ctx.state.vendor.written = False
        self.ctx.save()

    def set_roster(self, path: Path | None) -> None:
        self.ctx.state.vendor.roster_path = str(path) if path is not None else ""
        self.ctx.state.vendor.decisions = {}
        self.changed()

    def set_profile(self, profile: str) -> None:
        self.ctx.state.vendor.profile = profile
        self.ctx.state.vendor.decisions = {}
        self.changed()

    def decide(self, student_id: str, choice: str) -> None:
        self.ctx.state.vendor.decisions[student_id] = choice
        self.changed()

    def match_task(self) -> Callable[[ProgressCallback, CancelToken], MatchResult]:
        """The match as a worker's task, with the inputs as they are now."""
        from wizard.roster.vendor import load_profile, match_roster, read_vendor_roster

        vendor = self.ctx.state.vendor
        folder, roster_path, decisions = self.sis_folder(), vendor.roster_path, dict(vendor.decisions)
        profile_name = vendor.profile

        def run(progress: ProgressCallback, cancel: CancelToken) -> MatchResult:
            students, schools = read_sis_students(folder)
            roster = read_vendor_roster(Path(roster_path)) if roster_path else None
            return match_roster(
                students,
                schools,
                roster,
                load_profile(profile_name),
                decisions,
                roster_name=Path(roster_path).name if roster_path else "vendor roster",
                left_out=read_left_out(folder),
                progress=progress,
                cancel=cancel,
            )

        return run

    def write(self, result: MatchResult, folder: Path) -> VendorSummary:
        """Write the import file and the match report; what the command line would print, as data."""
        from wizard.roster.vendor import summarize, write_vendor_outputs

        return summarize(result, write_vendor_outputs(result, folder), folder)

    def written(self, folder: Path, summary: VendorSummary) -> None:
        vendor = self.ctx.state.vendor
        vendor.output_dir = str(folder)
        vendor.written = summary.import_written
        self.ctx.save()

    def output_folder_start(self) -> Path:
        """Where the folder picker opens: the folder used last time, else the last folder the admin chose
        anywhere, else their Documents (or home) — never the wizard's own data folder."""
        last = self.ctx.state.vendor.output_dir
        return Path(last) if last and Path(last).is_dir() else start_folder(self.ctx.state)

    # --- the vendor's question ---------------------------------------------------------------------------
    def vendor_waits(self) -> bool:
        return self.ctx.state.app.connection_status == VENDOR_ASKED

    def question_note(self) -> Note:
        return vendor_question_note(
            waits=self.vendor_waits(),
            written=self.ctx.state.vendor.written,
            reply_sent=self.reply_sent,
            status=self.ctx.state.app.connection_status,
        )

    def tell_message(self) -> str:
        app_name = self.ctx.state.app.app_name or "the app"
        return (
            f"Our students are now imported into {app_name} with the import file from the onboarding wizard: "
            "each student's SIS id is in ExternalID."
        )

    def told(self, status: str) -> None:
        app = self.ctx.state.app
        app.connection_status = status
        app.reply_draft = ""
        self.ctx.save()
        self.reply_sent = True
