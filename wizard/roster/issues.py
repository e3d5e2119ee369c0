"""Validation issues: one per problem, naming the input file, its spreadsheet row and column.

Big tables produce issues in bulk, so they are collected as frames (built with vectorised string operations)
and turned into `Issue` objects only when someone asks for the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wizard.roster.arrowtext import starts_with_any

Severity = Literal["error", "warning"]

# code -> (severity, what it means); the report and the GUI's issue list explain codes with these texts.
CODES: dict[str, tuple[Severity, str]] = {
    "unreadable_file": ("error", "The file cannot be read as a table."),
    "missing_file": ("error", "A file the hub needs is not among the inputs."),
    "missing_column": ("error", "A column the hub needs is not in the file."),
    "required_value_missing": ("error", "A value the hub needs is empty."),
    "duplicate_id": ("error", "The id is used by an earlier row; only the first row is kept."),
    "unknown_reference": ("error", "The row points to a record that does not exist."),
    "reference_to_record_with_errors": (
        "error",
        "The row points to a record that is left out for its own errors.",
    ),
    "invalid_grade": ("error", "The grade is not one the hub knows."),
    "invalid_date": ("error", "The value is not a date."),
    "invalid_email": ("error", "The value is not an email address."),
    "invalid_value": ("error", "The value is not in the hub's list for this column."),
    "malformed_row": ("error", "The row has a different number of values than the header."),
    "nul_byte": ("error", "The value held a NUL byte (a damaged export); it was removed, check the value."),
    "invisible_character_in_id": (
        "error",
        "The id holds an invisible or direction-changing character, so it would differ from the id it shows.",
    ),
    "unclassified_file": ("error", "It is not clear which hub file this input is."),
    "unsupported_input": (
        "error",
        "The input uses something that cannot be converted (e.g. OneRoster delta files).",
    ),
    "nonconformant_input": ("warning", "The input departs from its standard; it was read leniently."),
    "ambiguous_date": ("warning", "The date reads both as month/day and as day/month."),
    "duplicate_enrollment": (
        "warning",
        "The same student is enrolled in the same section on an earlier row.",
    ),
    "duplicate_email": ("warning", "Another record uses the same email address."),
    "student_without_enrollment": ("warning", "The student is in no section."),
    "grade_outside_school_range": ("warning", "The student's grade is not one their school teaches."),
    "section_without_students": ("warning", "The section has no students."),
    "possible_lost_leading_zeros": ("warning", "An id looks like it lost its leading zeros."),
    "formula_like_value": ("warning", "A spreadsheet would read the value as a formula."),
    "scientific_notation_id": ("warning", "The id looks like a number a spreadsheet rewrote as 1.23E+11."),
    "unmapped_column": ("warning", "The column is not used: no hub column was chosen for it."),
    "recommended_column_missing": ("warning", "A column export guides call required is not in the file."),
    "recommended_value_missing": ("warning", "A value export guides call required is empty."),
    "nonstandard_value": ("warning", "The value is not in the hub's list for this column; it is kept."),
    "inactive_record_skipped": (
        "warning",
        "The record is marked inactive or to be deleted and was left out.",
    ),
    "invalid_mapping": ("warning", "The mapping names a column the file does not have."),
    "unused_input": ("warning", "The input file is not used for the hub set."),
    "unknown_optional_reference": (
        "warning",
        "The row names an optional record (course, term) that is not there.",
    ),
    "too_many_teachers": ("warning", "The section has more teachers than the hub's ten teacher columns."),
    "not_hub_records": (
        "warning",
        "Records the hub set has no place for (orgs that are not schools, parents, other roles) were left out.",
    ),
    "user_without_role": ("warning", "The user has no role in roles.csv, so it goes to no hub file."),
    "several_schools": (
        "warning",
        "The person has roles at several schools; the hub lists a person under one school.",
    ),
    "mixed_encoding": ("warning", "The row is in another text encoding than the rest of its file."),
    "mojibake": ("warning", "The text looks garbled by a wrong encoding (José shown as JosÃ©)."),
    "invisible_character": ("warning", "The value holds an invisible or direction-changing character."),
}

NOT_LISTED_MARK = "more not listed"  # the value of a cap_warnings summary line
ISSUE_COLUMNS = ["severity", "code", "file", "row", "column", "value", "message"]
REPORT_HEADER = ISSUE_COLUMNS
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str
    file: str
    row: int | None  # spreadsheet row in the input file (header = 1); None for file-level issues
    column: str
    value: str
    message: str


def severity_of(code: str) -> Severity:
    return CODES[code][0]


class IssueLog:
    """Collects issues one at a time or in bulk; `frame()` gives them all in one table."""

    def __init__(self) -> None:
        self._single: list[Issue] = []
        self._bulk: list[pd.DataFrame] = []

    def add(
        self, code: str, file: str, message: str, *, row: int | None = None, column: str = "", value: str = ""
    ) -> None:
        self._single.append(Issue(severity_of(code), code, file, row, column, value, message))

    def add_bulk(
        self,
        code: str,
        *,
        file: str | pd.Series,
        rows: pd.Series | np.ndarray,
        column: str,
        values: pd.Series,
        messages: pd.Series,
    ) -> None:
        """Issues for many rows at once; all arguments are aligned positionally."""
        count = len(messages)
        if count == 0:
            return
        files = (
            pd.Series(np.asarray(file, dtype=object), dtype="str")
            if isinstance(file, pd.Series)
            else pd.Series([file] * count, dtype="str")
        )
        frame = pd.DataFrame(
            {
                "severity": pd.Series([severity_of(code)] * count, dtype="str"),
                "code": pd.Series([code] * count, dtype="str"),
                "file": files.to_numpy(),
                "row": pd.array(np.asarray(rows), dtype="Int64"),
                "column": pd.Series([column] * count, dtype="str"),
                "value": pd.Series(values).astype("str").fillna("").to_numpy(),
                "message": pd.Series(messages).astype("str").to_numpy(),
            }
        )
        self._bulk.append(frame)

    def extend(self, other: IssueLog) -> None:
        self._single.extend(other._single)
        self._bulk.extend(other._bulk)

    def frame(self) -> pd.DataFrame:
        parts = list(self._bulk)
        if self._single:
            parts.append(issues_to_frame(self._single))
        if not parts:
            return issues_to_frame([])
        frame = pd.concat(parts, ignore_index=True)
        return sort_issues(frame)


def summary_line_mask(frame: pd.DataFrame) -> pd.Series:
    """The lines cap_warnings added (no row; value 'N more not listed')."""
    return frame["row"].isna() & frame["value"].str.endswith(NOT_LISTED_MARK)


def cap_warnings(frame: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """List at most `limit` warnings per (code, file, column), plus one line saying how many more there are.

    A million ambiguous birth dates have one cause and one fix (--date-order); listing each would make the
    report unusable. Errors are never capped: each names a row that is left out of the upload.
    """
    warnings = (frame["severity"] == "warning").to_numpy()
    if int(warnings.sum()) <= limit:
        return frame, {}
    keys = ["code", "file", "column"]
    position = frame.groupby(keys, sort=False).cumcount().to_numpy()
    hidden = warnings & (position >= limit)
    if not hidden.any():
        return frame, {}
    extra = frame[hidden].groupby(keys, sort=False).size().reset_index(name="count")
    summary_rows = pd.DataFrame(
        {
            "severity": pd.Series(["warning"] * len(extra), dtype="str"),
            "code": extra["code"].astype("str").to_numpy(),
            "file": extra["file"].astype("str").to_numpy(),
            "row": pd.array([None] * len(extra), dtype="Int64"),
            "column": extra["column"].astype("str").to_numpy(),
            "value": pd.Series([f"{count} {NOT_LISTED_MARK}" for count in extra["count"]], dtype="str"),
            "message": pd.Series(
                [
                    f"... and {count:,} more {code} warnings in {file}, column {column!r}, not listed one by "
                    "one: they share one cause, so fix it once (see the rows above) and run again."
                    for code, file, column, count in zip(
                        extra["code"], extra["file"], extra["column"], extra["count"], strict=True
                    )
                ],
                dtype="str",
            ),
        }
    )
    not_listed = {str(code): int(count) for code, count in extra.groupby("code")["count"].sum().items()}
    listed = pd.concat([frame[~hidden], summary_rows], ignore_index=True)
    return sort_issues(listed), not_listed


def issues_to_frame(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "severity": pd.Series([issue.severity for issue in issues], dtype="str"),
            "code": pd.Series([issue.code for issue in issues], dtype="str"),
            "file": pd.Series([issue.file for issue in issues], dtype="str"),
            "row": pd.array([issue.row for issue in issues], dtype="Int64"),
            "column": pd.Series([issue.column for issue in issues], dtype="str"),
            "value": pd.Series([issue.value for issue in issues], dtype="str"),
            "message": pd.Series([issue.message for issue in issues], dtype="str"),
        }
    )


def sort_issues(frame: pd.DataFrame) -> pd.DataFrame:
    """Errors first, then by file and row, so the report reads top-down like the inputs."""
    order = frame["severity"].map({"error": 0, "warning": 1})
    rows = frame["row"].fillna(0).to_numpy(dtype=np.int64)
    rows[summary_line_mask(frame).to_numpy(dtype=bool)] = np.iinfo(np.int64).max  # "N more" after its rows
    keyed = frame.assign(_order=order.to_numpy(), _row=rows)
    keyed = keyed.sort_values(["_order", "file", "_row", "code"], kind="stable")
    return keyed.drop(columns=["_order", "_row"]).reset_index(drop=True)


def frame_to_issues(frame: pd.DataFrame) -> list[Issue]:
    rows = frame["row"].astype(object).where(frame["row"].notna(), None)
    return [
        Issue(severity, code, file, None if row is None else int(row), column, value, message)
        for severity, code, file, row, column, value, message in zip(
            frame["severity"],
            frame["code"],
            frame["file"],
            rows,
            frame["column"],
            frame["value"],
            frame["message"],
            strict=True,
        )
    ]


def neutralise_cell(value: str) -> str:
    """One report cell: the scalar form of `neutralise_formulas`, for code that writes rows one by one."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """Report cells only: prefix a quote to text a spreadsheet would run as a formula. Never for upload files."""
    text = values.astype("str").fillna("")
    risky = starts_with_any(text, FORMULA_PREFIXES)
    return text.where(~risky, "'" + text)
