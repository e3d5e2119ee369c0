"""The validator's date checks: which order (month or day first) each file's date columns use, and the dates
that cannot be read, or read both ways (see wizard/roster/validate.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.roster import normalise, spec
from wizard.roster.staging import Staged
from wizard.roster.validate_report import Reporter

# the date order of a file's column, inferred from its dates (see DateChecks.date_orders)
UNKNOWN_ORDER, MONTH_FIRST, DAY_FIRST, MIXED_ORDER = 0, 1, 2, 3


class DateChecks(Reporter):
    """The date columns' checks (check_dates, with the orders date_orders infers)."""

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
        file_order = file_orders(
            sum((mdy for mdy, _ in tallies.values()), zero), sum((dmy for _, dmy in tallies.values()), zero)
        )
        orders = {}
        for column in columns:
            own = file_orders(*tallies[column])
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
            shared = files.map(lambda name: dates_like_this(counts[str(name)])).astype("str")
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


def file_orders(month_first_only: np.ndarray, day_first_only: np.ndarray) -> np.ndarray:
    """Per file, from how many dates read only month first and only day first: the order it uses."""
    month, day = month_first_only > 0, day_first_only > 0
    return np.select([month & day, month, day], [MIXED_ORDER, MONTH_FIRST, DAY_FIRST], UNKNOWN_ORDER)


def dates_like_this(count: int) -> str:
    return "the only such date" if count == 1 else f"{count:,} dates like this"
