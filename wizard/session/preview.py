"""What the Prepare page's preview and issue list need from a result, worked out without a Python object per
output row: issues placed on their cells, each row's input file and spreadsheet row, and the issue list's
search text. Qt-free; the child that checks a roster works these out before handing its result over
(wizard.session.prepare_child)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from wizard.roster.pipeline import PrepareResult

__all__ = ["RowOrigins", "cell_problems", "issue_search_text", "row_origins"]


def cell_problems(result: PrepareResult, kind: str) -> dict[tuple[int, str], tuple[str, str]]:
    """(row position in the output frame, hub column) -> (severity, message), for issues that point at a cell.

    Issues name the input file, its spreadsheet row and the input column; the result's `origins` say which
    input file and row each output row came from, so an issue lands on its row exactly (rows dropped, blank
    lines and several files for one table included). An issue about a row not in the output marks nothing.
    """
    worked_out = getattr(result, "cell_problems", {}).get(kind)  # a CheckedResult's, made in the child
    if worked_out is not None:
        return dict(worked_out)
    frame: pd.DataFrame = result.tables[kind]
    origins: pd.DataFrame | None = result.origins.get(kind)
    if origins is None or not len(origins):
        return {}
    mapped: dict[str, dict[str, str]] = {
        name: {header: target for header, target in file_mapping.columns.items() if target}
        for name, file_mapping in result.mapping.files.items()
    }
    found: dict[tuple[int, str], tuple[str, str]] = {}
    issues = result.issue_frame
    relevant = issues[issues["file"].isin(set(origins["file"].unique())) & issues["row"].notna()]
    positions = _origin_positions(origins, relevant["file"], relevant["row"])
    for severity, file, column, message, at in zip(
        relevant["severity"],
        relevant["file"],
        relevant["column"],
        relevant["message"],
        positions,
        strict=True,
    ):
        target = str(mapped.get(file, {}).get(column, column))
        key = (int(at), target)
        if at >= 0 and target in frame.columns and found.get(key, ("",))[0] != "error":
            found[key] = (str(severity), str(message))
    return found


ISSUE_SEARCH_COLUMNS = ("severity", "code", "file", "row", "column", "value", "message")


def issue_search_text(issues: pd.DataFrame) -> pd.Series:
    """Per issue, all of its text in lower case, for the issue list's text filter (built in Arrow: no Python
    string per issue; the child that checks a roster builds it, so the first search is a plain lookup)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(issues):
        return pd.Series([], dtype="str")
    from wizard.roster.arrowtext import arrow

    parts = [
        pc.fill_null(
            pc.cast(pa.array(issues[column]), pa.large_string())
            if column == "row"
            else arrow(issues[column]),
            "",
        )
        for column in ISSUE_SEARCH_COLUMNS
    ]
    joined = pc.utf8_lower(pc.binary_join_element_wise(*parts, pa.scalar(" ", pa.large_string())))
    series: pd.Series = (
        joined if isinstance(joined, pa.ChunkedArray) else pa.chunked_array([joined])
    ).to_pandas()
    series.index = issues.index
    return series.astype("str")


def _origin_positions(origins: pd.DataFrame, files: pd.Series, rows: pd.Series) -> np.ndarray:
    """For each (file, spreadsheet row) pair, the last output row position that came from there, else -1.

    The few wanted pairs go into a small hash index that every origin is looked up in, as integer keys:
    no Python object per output row, so a million-row table takes milliseconds and a few arrays."""
    wanted_rows = rows.to_numpy(dtype="int64", na_value=-1)
    codes, names = pd.factorize(origins["file"])
    file_codes = {str(name): code for code, name in enumerate(names)}
    wanted_files = np.array([file_codes.get(str(file), -1) for file in files], dtype="int64")
    origin_rows = origins["row"]
    known = origin_rows.notna().to_numpy()
    numbers = origin_rows.to_numpy(dtype="int64", na_value=0)
    usable = (wanted_files >= 0) & rows.notna().to_numpy()
    result = np.full(len(wanted_rows), -1, dtype="int64")
    if not usable.any() or not known.any():
        return result
    low = min(int(numbers[known].min()), int(wanted_rows[usable].min()))
    width = max(int(numbers[known].max()), int(wanted_rows[usable].max())) - low + 1
    wanted_keys = pd.Index(wanted_files[usable] * width + (wanted_rows[usable] - low)).unique()
    hits = wanted_keys.get_indexer(codes.astype("int64") * width + (numbers - low))
    hits[~known] = -1
    at = np.flatnonzero(hits >= 0)
    last = np.full(len(wanted_keys), -1, dtype="int64")
    np.maximum.at(last, hits[at], at)  # only the rows an issue names: few
    keys = wanted_files * width + (wanted_rows - low)
    found = wanted_keys.get_indexer(keys[usable])
    result[usable] = np.where(found >= 0, last[found], -1)
    return result


class RowOrigins(Sequence[tuple[str, int]]):
    """(input file, spreadsheet row) of each output row, read on demand (the preview asks only for the rows it
    shows), so a million-row preview opens without a million tuples."""

    def __init__(self, origins: pd.DataFrame) -> None:
        codes, names = pd.factorize(origins["file"])
        self._file_codes = codes.astype("int32")
        self._file_names = [str(name) for name in names]
        self._rows = origins["row"].to_numpy(dtype="int64", na_value=-1)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[str, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, int] | list[tuple[str, int]]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        return (self._file_names[self._file_codes[index]], int(self._rows[index]))


def row_origins(result: PrepareResult, kind: str) -> Sequence[tuple[str, int]]:
    """(input file, spreadsheet row) of each output row, for the preview's row headers."""
    origins: pd.DataFrame | None = result.origins.get(kind)
    if origins is None:
        return []
    return RowOrigins(origins)
