"""A hub table being assembled: hub columns plus, per row, the input file and spreadsheet row it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from wizard.roster import spec
from wizard.roster.arrowtext import empty_text, from_arrow, lookup


@dataclass
class Staged:
    """One hub file in the making. `frame` has exactly the hub columns (text, RangeIndex); `file` and `row`
    say, per row, where it came from so issues can point at the input; `source_columns` gives, per hub
    column, the input header it was read from (reports name that); `present` are the columns the input had."""

    kind: str
    frame: pd.DataFrame
    file: pd.Series
    row: pd.Series
    source_columns: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    source_files: list[str] = field(default_factory=list)
    # columns filled by a conversion from a reference (e.g. an SDS enrollment's School_id from its section):
    # the reference itself is checked, so an empty value here is not reported a second time
    derived: set[str] = field(default_factory=set)
    # rows a conversion already reported an error for (the validator starts from these)
    flagged: np.ndarray | None = None
    # columns joined from another file (e.g. a student's birth date from OneRoster's demographics.csv):
    # column -> (file, spreadsheet row) per row, so a problem in that value names where it really is
    cell_origins: dict[str, tuple[pd.Series, pd.Series]] = field(default_factory=dict)

    def flag(self, mask: np.ndarray) -> None:
        self.flagged = mask.copy() if self.flagged is None else self.flagged | mask

    def column_label(self, column: str) -> str:
        return self.source_columns.get(column, column)

    def origin(self, column: str) -> tuple[pd.Series, pd.Series]:
        """(file, spreadsheet row) per row for a problem in `column`: the row's own unless joined from elsewhere."""
        return self.cell_origins.get(column, (self.file, self.row))

    def __len__(self) -> int:
        return len(self.frame)


def text_column(length: int, value: str = "") -> pd.Series:
    if value == "":
        return empty_text(length)
    return from_arrow(pa.array([value], pa.large_string()).take(pa.array(np.zeros(length, dtype=np.int64))))


def build_staged(
    kind: str,
    columns: dict[str, pd.Series],
    *,
    file: str | pd.Series,
    rows: pd.Series | np.ndarray,
    source_columns: dict[str, str] | None = None,
    present: set[str] | None = None,
) -> Staged:
    """A Staged table from hub column -> values (positionally aligned); absent hub columns become empty text.

    Values are trimmed here, once, for every input family.
    """
    length = len(rows)
    data: dict[str, pd.Series] = {}
    for column in spec.hub_columns(kind):
        if column in columns:
            values = columns[column].reset_index(drop=True).astype("str")
            data[column] = values.fillna("").str.strip()
        else:
            data[column] = text_column(length)
    frame = pd.DataFrame(data, index=pd.RangeIndex(length))
    files = (
        file.reset_index(drop=True).astype("str")
        if isinstance(file, pd.Series)
        else text_column(length, file)
    )
    row_series = pd.Series(pd.array(np.asarray(rows), dtype="Int64"))
    names = sorted(set(files.unique())) if isinstance(file, pd.Series) else [file]
    return Staged(
        kind=kind,
        frame=frame,
        file=files,
        row=row_series,
        source_columns=dict(source_columns or {}),
        present=set(present if present is not None else columns) & set(data),
        source_files=[str(name) for name in names],
    )


def concat_staged(parts: list[Staged]) -> Staged:
    """Several inputs of one kind (e.g. a students file per school) as one table."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    source_columns: dict[str, str] = {}
    for part in parts:
        for column, label in part.source_columns.items():
            source_columns.setdefault(column, label)
    return Staged(
        kind=first.kind,
        frame=pd.concat([part.frame for part in parts], ignore_index=True),
        file=pd.concat([part.file for part in parts], ignore_index=True),
        row=pd.concat([part.row for part in parts], ignore_index=True),
        source_columns=source_columns,
        present=set.intersection(*(part.present for part in parts)),
        source_files=[name for part in parts for name in part.source_files],
        derived=set.union(*(part.derived for part in parts)),
        flagged=np.concatenate(
            [part.flagged if part.flagged is not None else np.zeros(len(part), dtype=bool) for part in parts]
        ),
        cell_origins={
            column: (
                pd.concat([part.origin(column)[0] for part in parts], ignore_index=True),
                pd.concat([part.origin(column)[1] for part in parts], ignore_index=True),
            )
            for column in set().union(*(part.cell_origins for part in parts))
        },
    )


def derive_columns(tables: dict[str, Staged]) -> None:
    """Fill columns a plain export leaves out but its references imply (spec `derivable`), in place.

    An enrollments export with only section and student ids gets each row's School_id from its section. A row
    whose section is unknown keeps an empty School_id; the Section_id reference check reports that row, so the
    derived column is not reported a second time.
    """
    for kind, table in tables.items():
        for column, via in spec.kind_spec(kind).derivable.items():
            target_kind = spec.kind_spec(kind).references.get(via)
            source = tables.get(target_kind) if target_kind else None
            if column in table.present or via not in table.present or source is None:
                continue
            source_id = spec.kind_spec(source.kind).id_column
            if source_id is None or column not in source.present or source_id not in source.present:
                continue
            references = table.frame[via]
            derived = lookup(references, source.frame[source_id], source.frame[column])
            current = table.frame[column]
            table.frame[column] = current.where(current != "", derived.where(references != "", ""))
            table.present.add(column)
            table.derived.add(column)
            table.source_columns[column] = f"{column} (from {', '.join(source.source_files)})"
