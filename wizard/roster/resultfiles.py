"""A PrepareResult as files: Arrow IPC tables plus one JSON, so a child process can hand its result over.

The GUI checks a roster in a child process (wizard.session.prepare_child) so the engine never holds the GUI
thread's interpreter; the result comes back through a user-only folder, not as one giant pickle:

    result.json               format, mapping, inputs, counts not listed
    issues.arrow              the issue frame (and, when worked out, the issue list's search text)
    <kind>.arrow              tables[kind], exactly as the engine made it (text columns, RangeIndex)
    <kind>.origins.arrow      where each row came from: file (dictionary-encoded) and spreadsheet row
    <kind>.errors.arrow       positions of the rows with errors
    <kind>.cells.arrow        issues placed on cells (row position, hub column, severity, message), when given

Writing and reading are Arrow's own (columnar, no Python object per row); files are 0600.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.roster.arrowtext import arrow
from wizard.roster.mapping import MappingSpec
from wizard.roster.pipeline import PrepareResult
from wizard.roster.tabular import InputSummary

META_NAME = "result.json"
ISSUES_NAME = "issues.arrow"
SEARCH_COLUMN = "__search__"
VERSION = 1

CellProblems = dict[tuple[int, str], tuple[str, str]]


def _write_table(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    path.chmod(0o600)


def _read_table(path: Path) -> pa.Table:
    """The table, memory-mapped where a mapped file may be removed while in use (POSIX): no copy, and the
    pages are read only when a cell is shown; elsewhere read into memory."""
    if os.name == "posix":
        return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).read_all()


def save_result(
    result: PrepareResult,
    folder: Path,
    *,
    cell_problems: dict[str, CellProblems] | None = None,
    issue_search: pd.Series | None = None,
) -> None:
    """Write `result` (and what the preview needs worked out ahead, when given) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    issues = pa.Table.from_pandas(result.issue_frame, preserve_index=False)
    if issue_search is not None:
        issues = issues.append_column(
            SEARCH_COLUMN, pa.array(issue_search.to_numpy(dtype=object), pa.string())
        )
    _write_table(issues, folder / ISSUES_NAME)
    for kind, frame in result.tables.items():
        _write_table(pa.Table.from_pandas(frame, preserve_index=None), folder / f"{kind}.arrow")
        origins = result.origins.get(kind)
        if origins is not None:
            files = pc.dictionary_encode(arrow(origins["file"].astype("str"))).combine_chunks()
            rows = pa.array(origins["row"], pa.int64())  # missing rows stay null
            _write_table(pa.table({"file": files, "row": rows}), folder / f"{kind}.origins.arrow")
        labels = result.error_rows.get(kind)
        positions = (
            frame.index.get_indexer(labels) if labels is not None and len(labels) else np.zeros(0, np.int64)
        )
        _write_table(pa.table({"position": pa.array(positions, pa.int64())}), folder / f"{kind}.errors.arrow")
        cells = (cell_problems or {}).get(kind)
        if cells is not None:
            keys = list(cells)
            values = list(cells.values())
            _write_table(
                pa.table(
                    {
                        "row": pa.array([row for row, _ in keys], pa.int64()),
                        "column": pa.array([column for _, column in keys], pa.string()),
                        "severity": pa.array([severity for severity, _ in values], pa.string()),
                        "message": pa.array([message for _, message in values], pa.string()),
                    }
                ),
                folder / f"{kind}.cells.arrow",
            )
    meta: dict[str, Any] = {
        "version": VERSION,
        "kinds": list(result.tables),
        "mapping": result.mapping.to_dict(),
        "inputs": [_input_to_json(summary) for summary in result.inputs],
        "input_format": result.input_format,
        "format_id": result.format_id,
        "not_listed": result.not_listed,
    }
    path = folder / META_NAME
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    path.chmod(0o600)


def _input_to_json(summary: InputSummary) -> dict[str, Any]:
    return {**summary.to_dict(), "path": str(summary.path) if summary.path is not None else None}


def _input_from_json(data: dict[str, Any]) -> InputSummary:
    return InputSummary(
        name=str(data["name"]),
        kind=str(data["kind"]),
        encoding=str(data["encoding"]),
        delimiter=data.get("delimiter"),
        rows=int(data["rows"]),
        path=Path(data["path"]) if data.get("path") else None,
        sheet=data.get("sheet"),
    )


@dataclass
class CheckedResult(PrepareResult):
    """A result read back from files, with what the preview needs already worked out by the writer:
    issues placed on cells per kind, and the issue list's search text (lower-case, one string per issue)."""

    cell_problems: dict[str, CellProblems] = field(default_factory=dict)
    issue_search: pd.Series | None = None


def load_result(folder: Path) -> CheckedResult:
    """The result `save_result` wrote into `folder` (its tables as the engine made them)."""
    meta = json.loads((folder / META_NAME).read_text(encoding="utf-8"))
    issues_table = _read_table(folder / ISSUES_NAME)
    issue_search: pd.Series | None = None
    if SEARCH_COLUMN in issues_table.column_names:
        search = issues_table.column(SEARCH_COLUMN)
        issues_table = issues_table.drop_columns([SEARCH_COLUMN])
        issue_search = search.to_pandas().astype("str")
    issue_frame = issues_table.to_pandas()
    tables: dict[str, pd.DataFrame] = {}
    error_rows: dict[str, pd.Index] = {}
    origins: dict[str, pd.DataFrame] = {}
    cells: dict[str, CellProblems] = {}
    for kind in meta["kinds"]:
        frame = _read_table(folder / f"{kind}.arrow").to_pandas()
        tables[kind] = frame
        positions = _read_table(folder / f"{kind}.errors.arrow").column("position").to_numpy()
        error_rows[kind] = frame.index[positions]
        origins_path = folder / f"{kind}.origins.arrow"
        if origins_path.is_file():
            table = _read_table(origins_path)
            file_column = table.column("file").combine_chunks()
            origins[kind] = pd.DataFrame(
                {
                    "file": pd.Categorical.from_codes(
                        file_column.indices.to_numpy(zero_copy_only=False),
                        categories=file_column.dictionary.to_pylist(),
                    ),
                    "row": table.column("row").to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get),
                },
                index=frame.index,
            )
        cells_path = folder / f"{kind}.cells.arrow"
        if cells_path.is_file():
            table = _read_table(cells_path)
            cells[kind] = {
                (row, column): (severity, message)
                for row, column, severity, message in zip(
                    table.column("row").to_pylist(),
                    table.column("column").to_pylist(),
                    table.column("severity").to_pylist(),
                    table.column("message").to_pylist(),
                    strict=True,
                )
            }
    return CheckedResult(
        tables,
        error_rows,
        issue_frame,
        MappingSpec.from_dict(meta["mapping"]),
        [_input_from_json(summary) for summary in meta["inputs"]],
        str(meta["input_format"]),
        {str(code): int(count) for code, count in meta["not_listed"].items()},
        origins,
        str(meta["format_id"]),
        cells,
        issue_search,
    )
