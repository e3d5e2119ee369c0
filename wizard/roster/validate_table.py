"""The validator's checks within one table: required values, grades, dates, emails, vocabularies, ids,
repeated records, formula-like values and invisible characters (see wizard/roster/validate.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wizard.roster import normalise, spec
from wizard.roster.arrowtext import encode, isin, matches, starts_with_any
from wizard.roster.invisible import (
    INVISIBLE_PATTERN,
    describe_invisible,
    may_hold_invisible,
    without_invisible,
)
from wizard.roster.issues import FORMULA_PREFIXES
from wizard.roster.staging import Staged
from wizard.roster.validate_dates import DateChecks
from wizard.roster.validate_report import appending


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


class TableChecks(DateChecks):
    # --- per table -----------------------------------------------------------------------------------------

    def check_table(self, table: Staged, *, whole: bool = True) -> None:
        """Every check of one table. `whole=False` for one chunk of a file read in parts (the hub's uploads):
        only the checks that look at one row at a time; repeated ids, emails and enrollments and the widths
        of ids are then checked across the whole file by the caller."""
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
        if whole and kind_spec.id_column and kind_spec.id_column in table.present:
            self.check_unique_ids(table, kind_spec.id_column)
            self.check_id_widths(table, kind_spec.id_column)
        self.step("id formats")
        id_columns = [kind_spec.id_column] if kind_spec.id_column else []
        for id_column in [*id_columns, *kind_spec.references]:
            if id_column in table.present:
                self.check_scientific_notation(table, id_column)
        self.step("repeated emails")
        for column in kind_spec.unique_emails if whole else ():
            self.check_unique_emails(table, column)
        self.step("repeated enrollments")
        if whole and table.kind == "enrollments" and {"Section_id", "Student_id"} <= table.present:
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
            if not may_hold_invisible(values):
                continue
            found = matches(values, INVISIBLE_PATTERN)
            if not found.any():
                continue
            in_id = column in id_columns or column.lower().endswith("_id")
            flagged = [str(value) for value in values[found]]
            visible = [without_invisible(value) for value in flagged]
            twins = (
                isin(pd.Series(visible, dtype="str"), values[~found])
                if in_id
                else np.zeros(len(visible), bool)
            )
            texts: list[str] = []
            for value, shown, twin in zip(flagged, visible, twins, strict=True):
                what = describe_invisible(value)
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
                appending(texts),
            )
