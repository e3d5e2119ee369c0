"""Reading the vendor's roster export and writing the import file and the match report (atomically)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.import_file import PasswordMaker, build_import
from wizard.roster.vendor.matching import MatchResult
from wizard.roster.vendor.normalise import looks_like_formula, neutralise_formulas
from wizard.roster.vendor.passwords import generate_passwords
from wizard.roster.vendor.report import build_report

IMPORT_FILE = "vendor_import.csv"
REPORT_FILE = "vendor_match_report.csv"


def read_vendor_roster(path: Path) -> pd.DataFrame:
    """The vendor's roster export as text (leading zeros kept, "" for empty), whatever its encoding."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise oc.RosterFileError(
            f"The vendor roster {path.name} cannot be opened: {error.strerror}.",
            "Check the file name and that you may read it.",
        ) from error
    decoded = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else _decode(raw, path)
    try:
        dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(decoded), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise oc.RosterFileError(
            f"The vendor roster {path.name} is not a readable CSV file: {error}.",
            "Export the roster again as CSV from the vendor's admin panel.",
        ) from error
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise oc.RosterFileError(f"The vendor roster {path.name} is not a text file.", "Export it again as CSV.")


def atomic_write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write UTF-8 CSV to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False, lineterminator="\r\n")
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class VendorOutputs:
    paths: list[Path]
    import_frame: pd.DataFrame | None
    report: pd.DataFrame
    issues: list[oc.VendorIssue] = field(default_factory=list)

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
    make_passwords: PasswordMaker = generate_passwords,
) -> VendorOutputs:
    """Write vendor_match_report.csv always, and vendor_import.csv when no decision is open (or allowed).

    With open decisions and `allow_errors`, the students waiting for a decision are left out of the import.
    """
    report = build_report(result)
    issues = list(result.issues)
    report_path = out_dir / REPORT_FILE
    atomic_write_csv(neutralise_formulas(report), report_path)
    paths = [report_path]
    import_frame: pd.DataFrame | None = None
    if allow_errors or not any(issue.severity == "error" for issue in issues):
        import_frame = build_import(result, make_passwords=make_passwords)
        issues.extend(formula_warnings(import_frame, IMPORT_FILE))
        import_path = out_dir / IMPORT_FILE
        atomic_write_csv(import_frame, import_path)
        paths.insert(0, import_path)
    else:
        # An import file from an earlier run no longer matches the report: never leave it to be uploaded.
        (out_dir / IMPORT_FILE).unlink(missing_ok=True)
    return VendorOutputs(paths, import_frame, report, issues)
