"""Reading the vendor's roster export and writing the import file and the match report (atomically)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wizard.roster.csvout import write_frame_csv
from wizard.roster.pipeline import OutputError
from wizard.roster.readers import UnreadableFile, read_table
from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.import_file import PasswordMaker, build_import
from wizard.roster.vendor.normalise import looks_like_formula, neutralise_formulas
from wizard.roster.vendor.passwords import generate_passwords
from wizard.roster.vendor.report import build_report
from wizard.roster.vendor.result import MatchResult

IMPORT_FILE = "vendor_import.csv"
REPORT_FILE = "vendor_match_report.csv"


def read_vendor_roster(path: Path) -> pd.DataFrame:
    """The vendor's roster export (CSV, TSV or XLSX) as text: leading zeros kept, "" for empty."""
    try:
        return read_table(path).frame
    except UnreadableFile as error:
        raise oc.RosterFileError(
            f"The vendor roster cannot be used: {error.message}",
            error.hint or "Export the roster again from the vendor's admin panel.",
        ) from error


def atomic_write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV written to a temporary file beside `path`, then renamed: readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_frame_csv(frame.astype("string").fillna(""), path)
    except OSError as error:
        raise OutputError(
            f"Cannot write {path}: {error.strerror or error}.", "Choose a folder you can write to with --out."
        ) from error


@dataclass
class VendorOutputs:
    paths: list[Path]
    import_frame: pd.DataFrame | None = field(repr=False)  # holds the new accounts' passwords
    report: pd.DataFrame = field(repr=False)
    issues: list[oc.VendorIssue] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # a stale vendor_import.csv from an earlier run

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


def formula_warnings(frame: pd.DataFrame, file_name: str) -> list[oc.VendorIssue]:
    """Import values a spreadsheet would run as formulas: left as they are (the file is data), but reported."""
    issues = []
    for column in frame.columns:
        flagged = looks_like_formula(frame[column])
        for row in frame.index[flagged][:20]:
            issues.append(
                oc.VendorIssue(
                    "warning",
                    "value_looks_like_formula",
                    file_name,
                    int(row) + 2,
                    str(column),
                    str(frame.at[row, column]),
                    "This value starts like a spreadsheet formula. It is written unchanged; do not open and "
                    "re-save the file in a spreadsheet before importing it.",
                )
            )
    return issues


def write_vendor_outputs(
    result: MatchResult,
    out_dir: Path,
    *,
    allow_errors: bool = False,
    upstream_errors: int = 0,
    make_passwords: PasswordMaker = generate_passwords,
) -> VendorOutputs:
    """Write vendor_match_report.csv always, and vendor_import.csv when no decision is open (or allowed).

    With open decisions and `allow_errors`, the students waiting for a decision (and those with errors) are
    left out of the import.
    `upstream_errors` counts errors found earlier (the students export's own), which also hold the import back.
    """
    report = build_report(result)
    issues = list(result.issues)
    report_path = out_dir / REPORT_FILE
    atomic_write_csv(neutralise_formulas(report), report_path)
    paths = [report_path]
    import_frame: pd.DataFrame | None = None
    removed: list[Path] = []
    left_out = bool(result.students["left_out"].any())
    blocked = upstream_errors or left_out or any(issue.severity == "error" for issue in issues)
    if allow_errors or not blocked:
        import_frame = build_import(result, make_passwords=make_passwords)
        issues.extend(formula_warnings(import_frame, IMPORT_FILE))
        import_path = out_dir / IMPORT_FILE
        atomic_write_csv(import_frame, import_path)
        paths.insert(0, import_path)
    else:
        # An import file from an earlier run no longer matches the report: never leave it to be uploaded.
        stale = out_dir / IMPORT_FILE
        if stale.is_file():
            stale.unlink()
            removed.append(stale)
    return VendorOutputs(paths, import_frame, report, issues, removed)
