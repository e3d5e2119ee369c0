"""Normalising and validating the staged hub tables, all vectorised; every problem becomes an issue.

Rules come from resources/hub_spec.toml through `spec`: which columns are required, ids, references, grades,
dates, emails and vocabularies. Rows with an error are marked in a boolean mask per kind; rows that point to
a record left out for its own errors are marked too, so a `--allow-errors` upload never dangles.

The checks are layered: validate_report.py (the reporting helpers), validate_dates.py, validate_table.py (the
checks within one table) and the Validator here (the checks across tables).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.roster import spec
from wizard.roster.arrowtext import isin, lookup, starts_with_any
from wizard.roster.issues import IssueLog
from wizard.roster.normalise import DateOrder
from wizard.roster.staging import Staged
from wizard.roster.validate_report import appending
from wizard.roster.validate_table import TableChecks
from wizard.tasks import CancelToken, ProgressCallback
from wizard.wording import counted

# (kind, id column, issue code, text): records of a kind that no enrollment names
COVERAGE = (
    (
        "students",
        "Student_id",
        "student_without_enrollment",
        " is in no section, so apps that share by section will not see them. Enrol them if they should.",
    ),
    (
        "sections",
        "Section_id",
        "section_without_students",
        " has no students in the enrollments. Check the enrollment export.",
    ),
)
VALIDATION_ORDER = ("schools", "teachers", "staff", "students", "sections", "enrollments")


class Validator(TableChecks):
    """Every check, in the order validate runs them: each table's own (TableChecks), then across tables."""

    def check_references(self, table: Staged) -> None:
        for column, target_kind in spec.kind_spec(table.kind).references.items():
            target = self.tables.get(target_kind)
            # a derived column copies a record's checked reference: reporting it again would say it twice
            if column in table.present and column not in table.derived and target is not None:
                self.check_reference(table, column, target)

    def check_reference(self, table: Staged, column: str, target: Staged) -> None:
        target_spec = spec.kind_spec(target.kind)
        if target_spec.id_column is None:
            return
        target_ids = target.frame[target_spec.id_column]
        values = table.frame[column]
        encoded = self.encoded(table, column)
        known = encoded.spread(isin(encoded.uniques, target_ids))
        unknown = ~known & (values != "").to_numpy()
        target_where = ", ".join(target.source_files) or target_spec.file
        self.step(f"{column}: zero-padded ids")
        padded = self.zero_padded_matches(values[unknown], target_ids)
        # the zero-padded match of each unknown reference ("" when none), by row label: only unknown rows
        padded_full = pd.Series(padded.to_numpy(), index=values.index[unknown], dtype="str")
        has_padded = np.zeros(len(values), dtype=bool)
        has_padded[np.flatnonzero(unknown)] = (padded != "").to_numpy()
        noun = target_spec.noun

        def unknown_message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
            hint = padded_full[subset.index]
            base = labels + f": {column} '" + subset[column] + f"' names no {noun} in {target_where}."
            with_hint = base + " It matches " + hint + " once zero-padded: restore the leading zeros."
            return with_hint.where(hint != "", base + f" Add that {noun} or correct the id.")

        self.report("unknown_reference", table, unknown, column, unknown_message)
        self.report_value(
            "possible_lost_leading_zeros",
            table,
            has_padded,
            column,
            lambda subset: (
                " matches "
                + padded_full[subset.index]
                + " only after zero-padding; a spreadsheet probably dropped its leading zeros."
            ),
        )
        self.step(f"{column}: records left out")
        # pointing at a record that is itself left out for errors would dangle in an --allow-errors upload
        if len(target) and self.errors[target.kind].all():
            # the whole target file is unusable: one line per file instead of one per row
            dangling = known & (values != "").to_numpy()
            if dangling.any():
                self.errors[table.kind] |= dangling
                self.file_level(
                    "reference_to_record_with_errors",
                    table,
                    column,
                    f"All {counted(int(dangling.sum()), 'row')} of {', '.join(table.source_files)} name a {noun} from "
                    f"{target_where}, where every row has errors (see above); they are left out until that "
                    "is fixed.",
                )
            return
        excluded_ids = target_ids[self.errors[target.kind] & ~self.clean_ids_mask(target.kind)]
        if len(excluded_ids):
            dangling = known & encoded.spread(isin(encoded.uniques, excluded_ids))
            self.report_value(
                "reference_to_record_with_errors",
                table,
                dangling,
                column,
                (f" names a {noun} that has errors and is left out; fix that {noun} first."),
            )

    def clean_ids_mask(self, kind: str) -> np.ndarray:
        """Rows whose id also appears on a row without errors (a later duplicate does not spoil the first)."""
        table = self.tables[kind]
        id_column = spec.kind_spec(kind).id_column
        assert id_column is not None
        ids = table.frame[id_column]
        clean_ids = ids[~self.errors[kind]]
        return isin(ids, clean_ids)

    @staticmethod
    def zero_padded_matches(unknown: pd.Series, target_ids: pd.Series) -> pd.Series:
        """For each unknown reference, the target id it equals once leading zeros are restored, else ""."""
        if unknown.empty:
            return pd.Series([], dtype="str")
        zero_led = target_ids[starts_with_any(target_ids, ("0",))]
        if zero_led.empty:
            return pd.Series([""] * len(unknown), dtype="str")
        return lookup(unknown.str.lstrip("0"), zero_led.str.lstrip("0"), zero_led).reset_index(drop=True)

    def check_coverage(self) -> None:
        """Students in no section and sections without students."""
        enrollments = self.tables.get("enrollments")
        if enrollments is None:
            return
        for kind, column, code, says in COVERAGE:
            table = self.tables.get(kind)
            if table is None or column not in enrollments.present:
                continue
            ids = table.frame[column]
            unused = ~isin(ids, self.encoded(enrollments, column).uniques) & (ids != "").to_numpy()
            self.report(code, table, unused, column, appending(says))

    def check_grade_ranges(self) -> None:
        """A student whose grade is outside their school's Low_grade to High_grade (a PreK pupil at a 6-12 school)."""
        students, schools = self.tables.get("students"), self.tables.get("schools")
        if students is None or schools is None or not {"Grade", "School_id"} <= students.present:
            return
        bounds = [column for column in ("Low_grade", "High_grade") if column in schools.present]
        if not bounds or "School_id" not in schools.present:
            return
        rank = spec.grade_rank()
        by_id = schools.frame.drop_duplicates("School_id").set_index("School_id")
        school_id = students.frame["School_id"]
        grade = students.frame["Grade"].map(rank).astype("float64")
        limits = {column: school_id.map(by_id[column]).astype("string").fillna("") for column in bounds}
        outside = np.zeros(len(school_id), dtype=bool)
        for column, limit in limits.items():
            bound = limit.map(rank).astype("float64")
            beyond = grade < bound if column == "Low_grade" else grade > bound
            outside |= beyond.fillna(False).to_numpy(dtype=bool)
        if not outside.any():
            return
        low = limits.get("Low_grade", pd.Series("", index=school_id.index, dtype="string"))
        high = limits.get("High_grade", pd.Series("", index=school_id.index, dtype="string"))
        span = (low.where(low != "", "?") + " to " + high.where(high != "", "?")).astype("string")
        name = (
            school_id.map(by_id["School_name"]).astype("string").fillna("")
            if "School_name" in schools.present
            else pd.Series("", index=school_id.index, dtype="string")
        )
        school = ("school " + school_id + (" (" + name + ")").where(name != "", "")).astype("string")
        self.report(
            "grade_outside_school_range",
            students,
            outside,
            "Grade",
            lambda subset, labels: (
                labels
                + ": Grade '"
                + subset["Grade"]
                + "' is not taught at "
                + school[subset.index]
                + ", whose grades are "
                + span[subset.index]
                + ". Check the student's grade and School_id, or the school's Low_grade and High_grade."
            ),
        )


def validate(
    tables: dict[str, Staged],
    log: IssueLog,
    *,
    date_order: DateOrder | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, np.ndarray]:
    """Normalise `tables` in place, log every issue, and return per kind the mask of rows with errors."""
    validator = Validator(tables, log, date_order)
    kinds = [kind for kind in VALIDATION_ORDER if kind in tables]
    total = 2 * len(kinds) + 1
    current = {"step": 0}
    messages = {"now": ""}  # the current step's message

    def announce(step: int, message: str) -> None:
        current["step"], messages["now"] = step, message
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress(step, total, message)

    def within(detail: str) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress(current["step"], total, f"{messages['now']}: {detail}")

    validator.step = within
    for step, kind in enumerate(kinds):
        announce(step, f"Checking {spec.hub_file_name(kind)}")
        validator.check_table(tables[kind])
    for step, kind in enumerate(kinds, start=len(kinds)):
        announce(step, f"Checking references in {spec.hub_file_name(kind)}")
        validator.check_references(tables[kind])
    announce(total - 1, "Checking students without sections")
    validator.check_coverage()
    validator.check_grade_ranges()
    if progress is not None:
        progress(total, total, "Checks done")
    return validator.errors
