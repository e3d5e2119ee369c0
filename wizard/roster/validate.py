"""Normalising and validating the staged hub tables, all vectorised; every problem becomes an issue.

Rules come from resources/hub_spec.toml through `spec`: which columns are required, ids, references, grades,
dates, emails and vocabularies. Rows with an error are marked in a boolean mask per kind; rows that point to
a record left out for its own errors are marked too, so a `--allow-errors` upload never dangles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.roster import normalise, spec
from wizard.roster.arrowtext import (
    Encoded,
    arrow,
    encode,
    from_arrow,
    isin,
    lookup,
    matches,
    starts_with_any,
)
from wizard.roster.issues import FORMULA_PREFIXES, IssueLog, severity_of
from wizard.roster.normalise import DateOrder
from wizard.roster.staging import Staged
from wizard.tasks import CancelToken, ProgressCallback
from wizard.wording import counted

# the date order of a file's column, inferred from its dates (see Validator.date_orders)
UNKNOWN_ORDER, MONTH_FIRST, DAY_FIRST, MIXED_ORDER = 0, 1, 2, 3


@dataclass(frozen=True)
class ColumnRule:
    """What a kind's required or recommended columns (`columns`) are checked for: a file
    without one (`missing_code`, the message going on with `lacks`), a row leaving it empty (`empty_code`,
    because `empty_why`); `needed`: a missing one makes every row an error."""

    columns: Callable[[spec.KindSpec], tuple[str, ...]]
    step: str
    missing_code: str
    lacks: str
    empty_code: str
    empty_why: str
    needed: bool


COLUMN_RULES = (
    ColumnRule(
        lambda kind: kind.required,
        "",
        "missing_column",
        ", which the hub needs for every {noun}. Add the column, or map an existing column to {column}.",
        "required_value_missing",
        "the hub needs it",
        needed=True,
    ),
    ColumnRule(
        lambda kind: kind.recommended,
        "recommended columns",
        "recommended_column_missing",
        "; export guides expect one for every {noun}. Add it if your SIS has it (the files are written without it).",
        "recommended_value_missing",
        "export guides expect a value",
        needed=False,
    ),
)
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


class Validator:
    def __init__(self, tables: dict[str, Staged], log: IssueLog, date_order: DateOrder | None) -> None:
        self.tables = tables
        self.log = log
        self.date_order = date_order
        self.errors = {
            kind: table.flagged.copy() if table.flagged is not None else np.zeros(len(table), dtype=bool)
            for kind, table in tables.items()
        }
        self._encodings: dict[tuple[str, str], Encoded] = {}
        # called between checks with what comes next: progress (and a chance to cancel) within a big file
        self.step: Callable[[str], None] = lambda _detail: None

    def encoded(self, table: Staged, column: str) -> Encoded:
        """table's column dictionary-encoded, kept until the column is replaced (see set_column)."""
        key = (table.kind, column)
        if key not in self._encodings:
            self._encodings[key] = encode(table.frame[column])
        return self._encodings[key]

    def set_column(self, table: Staged, column: str, values: pd.Series) -> None:
        table.frame[column] = values
        self._encodings.pop((table.kind, column), None)

    # --- reporting helpers ---------------------------------------------------------------------------------

    def report(
        self,
        code: str,
        table: Staged,
        mask: np.ndarray | pd.Series,
        column: str,
        message: Callable[[pd.DataFrame, pd.Series], pd.Series],
        *,
        values: pd.Series | None = None,
    ) -> None:
        """Issues for the rows in `mask`; `message(subset, labels)` builds their texts vectorised."""
        selected = np.asarray(mask, dtype=bool)
        if not selected.any():
            return
        subset = table.frame[selected]
        shown = (values if values is not None else table.frame[column])[selected] if column else None
        labels = self.labels(table, subset)
        texts = message(subset, labels)
        files, rows = table.origin(column) if column else (table.file, table.row)
        self.log.add_bulk(
            code,
            file=files[selected],
            rows=rows[selected].to_numpy(),
            column=table.column_label(column) if column else "",
            values=shown if shown is not None else pd.Series([""] * len(subset), dtype="str"),
            messages=texts,
        )
        if severity_of(code) == "error":
            self.errors[table.kind] |= selected

    def report_value(
        self,
        code: str,
        table: Staged,
        mask: np.ndarray | pd.Series,
        column: str,
        says: str | Callable[[pd.DataFrame], pd.Series],
    ) -> None:
        """Issues for the rows in `mask` that name their value: "<record>: <column> '<value>'" and what `says`
        (a text, or the texts for the rows' subset)."""

        def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
            said = says(subset) if callable(says) else says
            return labels + f": {column} '" + subset[column] + "'" + said

        self.report(code, table, mask, column, message)

    def report_repeats(
        self,
        code: str,
        table: Staged,
        column: str,
        says: Callable[[pd.Series, pd.Series, pd.DataFrame], pd.Series],
    ) -> None:
        """Issues for the rows whose filled `column` value an earlier row has. `says(labels, values, earlier)`
        builds their texts; `earlier` has, per issue, the "row", "file" and "record" (as labels names it) of
        the first row with that value."""
        values = table.frame[column]
        filled = (values != "").to_numpy()
        repeated = values.duplicated(keep="first").to_numpy() & filled
        if not repeated.any():
            return
        first = filled & ~repeated & isin(values, values[repeated])  # the first row of each repeated value

        def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
            keys, firsts = subset[column], values[first]
            earlier = pd.DataFrame(
                {
                    "row": lookup(keys, firsts, table.row[first].astype("str")),
                    "file": lookup(keys, firsts, table.file[first]),
                    "record": lookup(keys, firsts, self.labels(table, table.frame[first])),
                },
                index=keys.index,
            )
            return says(labels, keys, earlier)

        self.report(code, table, repeated, column, message)

    def labels(self, table: Staged, subset: pd.DataFrame) -> pd.Series:
        """How a message names each record: 'student 123', 'enrollment of student 1 in section 7'."""
        kind_spec = spec.kind_spec(table.kind)
        if kind_spec.id_column is None:
            return "enrollment of student " + subset["Student_id"] + " in section " + subset["Section_id"]
        ids = subset[kind_spec.id_column]
        if len(ids) and _may_hold_invisible(ids):  # never put a direction-changing character into a message
            ids = from_arrow(pc.replace_substring_regex(arrow(ids), INVISIBLE_PATTERN, ""), ids.index)
        named = kind_spec.noun + " " + ids
        return named.where(ids != "", f"{kind_spec.noun} without {kind_spec.id_column}")

    def file_level(self, code: str, table: Staged, column: str, message: str) -> None:
        for name in table.source_files:
            self.log.add(code, name, message, column=table.column_label(column))

    # --- per table -----------------------------------------------------------------------------------------

    def check_table(self, table: Staged) -> None:
        kind_spec = spec.kind_spec(table.kind)
        where = ", ".join(table.source_files)
        for rule in COLUMN_RULES:
            if rule.step:
                self.step(rule.step)
            for column in rule.columns(kind_spec):
                if column in table.present:
                    self.check_filled(table, column, rule.empty_code, rule.empty_why)
                    continue
                lacks = rule.lacks.format(noun=kind_spec.noun, column=column)
                self.file_level(rule.missing_code, table, column, f"{where} has no {column} column{lacks}")
                if rule.needed:
                    self.errors[table.kind][:] = True
        self.step("grades")
        for column in kind_spec.grades:
            self.check_grades(table, column)
        self.step("dates")
        for column, (readings, orders) in self.date_orders(table).items():
            self.check_dates(table, column, readings, orders)
        self.step("emails")
        for column in kind_spec.emails:
            self.check_emails(table, column)
        self.step("values")
        for column, vocabulary in kind_spec.vocab.items():
            self.check_vocabulary(table, column, vocabulary)
        self.step("ids")
        if kind_spec.id_column and kind_spec.id_column in table.present:
            self.check_unique_ids(table, kind_spec.id_column)
            self.check_id_widths(table, kind_spec.id_column)
        self.step("id formats")
        id_columns = [kind_spec.id_column] if kind_spec.id_column else []
        for id_column in [*id_columns, *kind_spec.references]:
            if id_column in table.present:
                self.check_scientific_notation(table, id_column)
        self.step("repeated emails")
        for column in kind_spec.unique_emails:
            self.check_unique_emails(table, column)
        self.step("repeated enrollments")
        if table.kind == "enrollments" and {"Section_id", "Student_id"} <= table.present:
            self.check_repeated_enrollments(table)
        self.step("formula-like values")
        self.check_formulas(table)
        self.check_invisible_characters(table)

    def check_filled(self, table: Staged, column: str, code: str, why: str) -> None:
        if column in table.derived:
            return
        empty = (table.frame[column] == "").to_numpy()
        self.report(
            code, table, empty, column, lambda _, labels: labels + f": {column} is empty; {why}. Fill it in."
        )

    def check_grades(self, table: Staged, column: str) -> None:
        result = normalise.normalise_grades(table.frame[column])
        self.report_value(
            "invalid_grade",
            table,
            result.invalid,
            column,
            " is not a grade the hub knows. Use PK, TK, K, 1-13, Ungraded or Other (or their usual spellings).",
        )
        self.set_column(table, column, result.values)  # invalid values are kept as given

    def date_orders(self, table: Staged) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per date column: each row's reading (normalise.date_reading) and the order its file uses there.

        A file's column whose dates include one that reads only one way (13/02/2011) uses that order
        throughout; a column without such a date takes the order of the file's other date columns (one
        export writes its dates one way); a column with dates of both kinds is MIXED_ORDER.
        """
        columns = list(spec.kind_spec(table.kind).dates)
        files, names = pd.factorize(table.file)
        count = len(names)
        readings = {column: normalise.date_readings(table.frame[column]) for column in columns}
        tallies = {
            column: (
                np.bincount(files[reading == normalise.MDY_ONLY], minlength=count),
                np.bincount(files[reading == normalise.DMY_ONLY], minlength=count),
            )
            for column, reading in readings.items()
        }
        zero = np.zeros(count, dtype=np.int64)
        file_order = _order(
            sum((mdy for mdy, _ in tallies.values()), zero), sum((dmy for _, dmy in tallies.values()), zero)
        )
        orders = {}
        for column in columns:
            own = _order(*tallies[column])
            settled_by_file = (own == UNKNOWN_ORDER) & np.isin(file_order, (MONTH_FIRST, DAY_FIRST))
            orders[column] = (readings[column], np.where(settled_by_file, file_order, own)[files])
        return orders

    def check_dates(self, table: Staged, column: str, readings: np.ndarray, orders: np.ndarray) -> None:
        original = table.frame[column]
        if self.date_order is not None:  # the user said which order: no guessing
            result = normalise.normalise_dates(original, self.date_order)
            written, invalid, unsettled = result.values, result.invalid, result.ambiguous
            mixed = np.zeros(len(original), dtype=bool)
        else:
            month_first = normalise.normalise_dates(original, "mdy")
            day_first = normalise.normalise_dates(original, "dmy")
            written = month_first.values.where(orders != DAY_FIRST, day_first.values)
            invalid = month_first.invalid
            either = readings == normalise.EITHER_ORDER
            unsettled = either & (orders == UNKNOWN_ORDER)
            mixed = either & (orders == MIXED_ORDER)
        self.report_value(
            "invalid_date",
            table,
            invalid,
            column,
            " is not a date. Write it as MM/DD/YYYY or YYYY-MM-DD.",
        )
        self.report_unsettled_dates(table, column, unsettled, written)
        self.report_mixed_dates(table, column, mixed, written, readings)
        self.set_column(table, column, written)

    def report_unsettled_dates(
        self, table: Staged, column: str, mask: np.ndarray, written: pd.Series
    ) -> None:
        """Dates that read both ways in a file where no date shows the order: one issue per row (the report
        names each), each saying how many share the cause."""
        if not mask.any():
            return
        per_file = table.file[mask].value_counts()
        counts = {str(name): int(number) for name, number in per_file.items()}

        def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
            files = table.file[subset.index]
            shared = files.map(lambda name: _dates_like_this(counts[str(name)])).astype("str")
            return (
                labels
                + f": {column} '"
                + subset[column]
                + "' reads both as month/day and as day/month, and no date in "
                + files
                + " shows which comes first ("
                + shared
                + "); it was read as month/day ("
                + written[subset.index]
                + "). If this export writes the day first, run again with --date-order dmy "
                "(or --date-order mdy to confirm)."
            )

        self.report("ambiguous_date", table, mask, column, message)

    def report_mixed_dates(
        self, table: Staged, column: str, mask: np.ndarray, written: pd.Series, readings: np.ndarray
    ) -> None:
        """Dates that read both ways in a column that has month-first dates and day-first ones: say which."""
        if not mask.any():
            return
        examples: dict[str, str] = {}
        for name in table.file[mask].unique():
            in_file = (table.file == name).to_numpy()
            month = np.flatnonzero(in_file & (readings == normalise.MDY_ONLY))[0]
            day = np.flatnonzero(in_file & (readings == normalise.DMY_ONLY))[0]
            values, rows = table.frame[column], table.row
            examples[str(name)] = (
                f"month-first dates (e.g. '{values.iloc[month]}' on row {rows.iloc[month]}) and day-first ones "
                f"(e.g. '{values.iloc[day]}' on row {rows.iloc[day]})"
            )

        def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
            mixed = table.file[subset.index].map(lambda name: examples[str(name)]).astype("str")
            return (
                labels
                + f": {column} '"
                + subset[column]
                + "' cannot be read with certainty: this column has "
                + mixed
                + "; it was read as month/day ("
                + written[subset.index]
                + "). Correct the export so the column uses one order, or say which with --date-order."
            )

        self.report("ambiguous_date", table, mask, column, message)

    def check_emails(self, table: Staged, column: str) -> None:
        result = normalise.normalise_emails(table.frame[column])
        self.report_value(
            "invalid_email",
            table,
            result.invalid,
            column,
            " is not an email address. Correct it or leave it empty.",
        )
        self.set_column(table, column, result.values)

    def check_vocabulary(self, table: Staged, column: str, name: str) -> None:
        vocabulary = spec.vocabulary(name)
        result = normalise.normalise_vocabulary(table.frame[column], name)
        allowed = ", ".join(dict.fromkeys(vocabulary.lookup.values()))
        code = "invalid_value" if vocabulary.severity == "error" else "nonstandard_value"
        self.report_value(
            code,
            table,
            result.invalid,
            column,
            (
                f" is not one of: {allowed}."
                + (
                    " Correct it or leave it empty."
                    if code == "invalid_value"
                    else " It is uploaded as it is."
                )
            ),
        )
        self.set_column(table, column, result.values)

    def check_unique_ids(self, table: Staged, column: str) -> None:
        noun = spec.kind_spec(table.kind).noun

        def says(labels: pd.Series, _values: pd.Series, earlier: pd.DataFrame) -> pd.Series:
            return (
                labels
                + " is not unique: the same id is on row "
                + earlier["row"]
                + " of "
                + earlier["file"]
                + f"; only that first row is kept. Give each {noun} its own {column} or remove the repeated row."
            )

        self.report_repeats("duplicate_id", table, column, says)

    def check_repeated_enrollments(self, table: Staged) -> None:
        """The same (section, student) pair twice: one integer key per row from the dictionary-encoded columns;
        only the few repeated keys are then looked up to name the row each one repeats."""
        students = self.encoded(table, "Student_id")
        keys = self.encoded(table, "Section_id").codes.astype(np.int64)
        keys *= len(students.uniques) + 1
        keys += students.codes
        repeated = pd.Series(keys, copy=False).duplicated(keep="first").to_numpy()
        if not repeated.any():
            return

        def message(_: pd.DataFrame, labels: pd.Series) -> pd.Series:
            repeated_keys = keys[repeated]
            wanted = pd.Index(repeated_keys).unique()
            hits = wanted.get_indexer(pd.Index(keys, copy=False))
            first = np.full(len(wanted), len(keys), dtype=np.int64)
            at = np.flatnonzero(hits >= 0)
            np.minimum.at(first, hits[at], at)  # the first row of each repeated key
            first_at = first[wanted.get_indexer(pd.Index(repeated_keys))]
            first_rows = table.row.iloc[first_at].astype("str").to_numpy()
            texts = pd.Series(first_rows, index=labels.index, dtype="str")
            return (
                labels
                + " repeats row "
                + texts
                + "; the hub needs each enrollment once. Remove the repeated row."
            )

        self.report("duplicate_enrollment", table, repeated, "Student_id", message)

    def check_id_widths(self, table: Staged, column: str) -> None:
        """Digit-only ids shorter than zero-led ones in the same column probably lost their zeros."""
        ids = table.frame[column]
        digits = matches(ids, r"^\d+$")
        zero_led = digits & starts_with_any(ids, ("0",))
        if not zero_led.any():
            return
        width = int(ids[zero_led].str.len().max())
        short = digits & ~zero_led & (ids.str.len().to_numpy() < width)
        self.report_value(
            "possible_lost_leading_zeros",
            table,
            short,
            column,
            (
                f" is shorter than other ids in this column that start with 0 ({width} digits); a spreadsheet may "
                "have dropped its leading zeros. Check it against your SIS (it is uploaded as it is)."
            ),
        )

    def check_scientific_notation(self, table: Staged, column: str) -> None:
        encoded = self.encoded(table, column)
        damaged = encoded.spread(matches(encoded.uniques, r"^[0-9](\.[0-9]+)?[eE]\+[0-9]+$"))
        self.report_value(
            "scientific_notation_id",
            table,
            damaged,
            column,
            (
                " looks like an id a spreadsheet turned into a rounded number. Export the id column as text "
                "from your SIS again (the value is uploaded as it is)."
            ),
        )

    def check_unique_emails(self, table: Staged, column: str) -> None:
        def says(labels: pd.Series, values: pd.Series, earlier: pd.DataFrame) -> pd.Series:
            return (
                labels
                + f": {column} "
                + values
                + " is also used by "
                + earlier["record"]
                + " (row "
                + earlier["row"]
                + "). Each person should have their own address, or single sign-on may match the wrong account."
            )

        self.report_repeats("duplicate_email", table, column, says)

    def check_formulas(self, table: Staged) -> None:
        for column in table.present:
            # an id or reference column is encoded already; any other is encoded here and not kept
            encoded = self._encodings.get((table.kind, column)) or encode(table.frame[column])
            risky = encoded.spread(starts_with_any(encoded.uniques, FORMULA_PREFIXES))
            self.report_value(
                "formula_like_value",
                table,
                risky,
                column,
                (
                    " starts with a character a spreadsheet reads as a formula. It is uploaded unchanged; "
                    "check it is meant, and do not open the upload files in a spreadsheet."
                ),
            )

    def check_invisible_characters(self, table: Staged) -> None:
        """Invisible and direction-changing characters: in an id an error (`000123` followed by a zero-width
        space is another id that looks the same), elsewhere a warning."""
        kind_spec = spec.kind_spec(table.kind)
        id_columns = {kind_spec.id_column, *kind_spec.references}
        for column in sorted(table.present):
            values = table.frame[column]
            if not _may_hold_invisible(values):
                continue
            found = matches(values, INVISIBLE_PATTERN)
            if not found.any():
                continue
            in_id = column in id_columns or column.lower().endswith("_id")
            flagged = [str(value) for value in values[found]]
            visible = [_without_invisible(value) for value in flagged]
            twins = (
                isin(pd.Series(visible, dtype="str"), values[~found])
                if in_id
                else np.zeros(len(visible), bool)
            )
            texts: list[str] = []
            for value, shown, twin in zip(flagged, visible, twins, strict=True):
                what = _describe_invisible(value)
                if in_id:
                    texts.append(
                        f": {column} '{shown}' holds {what}, which makes it a different id from the one it shows."
                        + (" Another row has that id without it: they would be two records." if twin else "")
                        + " Remove the character in your SIS and export again."
                    )
                else:
                    texts.append(
                        f": {column} '{shown}' holds {what}, which is not seen but is kept in the text. Remove it "
                        "in your SIS if it is not meant."
                    )
            self.report(
                "invisible_character_in_id" if in_id else "invisible_character",
                table,
                found,
                column,
                _appending(texts),
            )

    # --- across tables -------------------------------------------------------------------------------------

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
            self.report(code, table, unused, column, _appending(says))

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


# Characters that are not seen (zero-width, soft hyphen, byte-order mark, fillers) or that change the text's
# direction (U+202A-U+202E, U+2066-U+2069), and control characters: RE2 syntax for Arrow's regex kernel.
INVISIBLE_CHARACTERS = {
    0x00AD: "SOFT HYPHEN",
    0x034F: "COMBINING GRAPHEME JOINER",
    0x061C: "ARABIC LETTER MARK",
    0x115F: "HANGUL CHOSEONG FILLER",
    0x1160: "HANGUL JUNGSEONG FILLER",
    0x17B4: "KHMER VOWEL INHERENT AQ",
    0x17B5: "KHMER VOWEL INHERENT AA",
    0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0x200B: "ZERO WIDTH SPACE",
    0x200C: "ZERO WIDTH NON-JOINER",
    0x200D: "ZERO WIDTH JOINER",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    0x202A: "LEFT-TO-RIGHT EMBEDDING",
    0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202C: "POP DIRECTIONAL FORMATTING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE",
    0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2060: "WORD JOINER",
    0x2061: "FUNCTION APPLICATION",
    0x2062: "INVISIBLE TIMES",
    0x2063: "INVISIBLE SEPARATOR",
    0x2064: "INVISIBLE PLUS",
    0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
    0x2069: "POP DIRECTIONAL ISOLATE",
    0x3164: "HANGUL FILLER",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
    0xFFA0: "HALFWIDTH HANGUL FILLER",
}
_CONTROLS = [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
INVISIBLE_PATTERN = "[" + "".join(f"\\x{{{code:04X}}}" for code in [*INVISIBLE_CHARACTERS, *_CONTROLS]) + "]"
_INVISIBLE_SET = frozenset(map(chr, [*INVISIBLE_CHARACTERS, *_CONTROLS]))


def _may_hold_invisible(values: pd.Series) -> bool:
    """A quick look at the UTF-8 bytes: any non-ASCII byte or control character (the regex then decides)."""
    array = values.array
    native = array.__arrow_array__() if hasattr(array, "__arrow_array__") else arrow(values)
    for chunk in native.chunks if isinstance(native, pa.ChunkedArray) else [native]:
        data = chunk.buffers()[2]
        if data is None or len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        raw = np.frombuffer(data, dtype=np.uint8)[start:end]
        if not raw.size:
            continue
        if raw.max() >= 0x7F:
            return True
        if raw.min() < 0x20 and ((raw < 0x20) & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D)).any():
            return True
    return False


def _without_invisible(value: str) -> str:
    return "".join(char for char in value if char not in _INVISIBLE_SET)


def _describe_invisible(value: str) -> str:
    found = dict.fromkeys(char for char in value if char in _INVISIBLE_SET)
    names = [
        f"U+{ord(char):04X} {INVISIBLE_CHARACTERS.get(ord(char), 'CONTROL CHARACTER')}" for char in found
    ]
    return ("an invisible character " if len(names) == 1 else "invisible characters ") + ", ".join(names)


def _appending(texts: list[str] | str) -> Callable[[pd.DataFrame, pd.Series], pd.Series]:
    """A message builder that appends a text (or one prepared text per flagged row) to each record's label."""

    def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
        if isinstance(texts, str):
            return labels + texts
        return labels + pd.Series(texts, index=subset.index, dtype="str")

    return message


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


def _order(month_first_only: np.ndarray, day_first_only: np.ndarray) -> np.ndarray:
    """Per file, from how many dates read only month first and only day first: the order it uses."""
    month, day = month_first_only > 0, day_first_only > 0
    return np.select([month & day, month, day], [MIXED_ORDER, MONTH_FIRST, DAY_FIRST], UNKNOWN_ORDER)


def _dates_like_this(count: int) -> str:
    return "the only such date" if count == 1 else f"{count:,} dates like this"
