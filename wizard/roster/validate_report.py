"""The validator's base: the staged tables, the issue log, the error masks, and the helpers every check reports
through (see wizard/roster/validate.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from wizard.roster import spec
from wizard.roster.arrowtext import Encoded, arrow, encode, from_arrow, isin, lookup
from wizard.roster.invisible import INVISIBLE_PATTERN, may_hold_invisible
from wizard.roster.issues import IssueLog, severity_of
from wizard.roster.normalise import DateOrder
from wizard.roster.staging import Staged


class Reporter:
    """What every check stands on: the tables being validated, where issues go, which rows have errors."""

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
        if len(ids) and may_hold_invisible(ids):  # never put a direction-changing character into a message
            ids = from_arrow(pc.replace_substring_regex(arrow(ids), INVISIBLE_PATTERN, ""), ids.index)
        named = kind_spec.noun + " " + ids
        return named.where(ids != "", f"{kind_spec.noun} without {kind_spec.id_column}")

    def file_level(self, code: str, table: Staged, column: str, message: str) -> None:
        for name in table.source_files:
            self.log.add(code, name, message, column=table.column_label(column))


def appending(texts: list[str] | str) -> Callable[[pd.DataFrame, pd.Series], pd.Series]:
    """A message builder that appends a text (or one prepared text per flagged row) to each record's label."""

    def message(subset: pd.DataFrame, labels: pd.Series) -> pd.Series:
        if isinstance(texts, str):
            return labels + texts
        return labels + pd.Series(texts, index=subset.index, dtype="str")

    return message
