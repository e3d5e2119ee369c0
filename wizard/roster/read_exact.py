"""The exact text reader (Python's csv module): spreadsheet row numbers across blank lines and multi-line
values, ragged rows reported, an unclosed quote reported where it opens (see wizard/roster/readers.py)."""

from __future__ import annotations

import _csv
import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pandas as pd

from wizard.roster.rawtable import (
    MAX_FIELD_CHARS,
    MAX_VALUE_LINES,
    RawTable,
    UnreadableFile,
    check_width,
    clean_header,
    encoding_label,
)


def read_text_exact(
    open_text: Callable[[], TextIO], display: str, encoding: str, delimiter: str, path: Path
) -> RawTable:
    """The exact reader: spreadsheet row numbers across blank lines and multi-line values, ragged rows
    reported, and a quote that is never closed reported at the line where it opens."""
    spans: dict[int, tuple[int, int]] = {}
    with open_text() as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        records = _records(reader, display)
        try:
            first_record = next(records, None)
            if first_record is None:
                raise UnreadableFile(f"{display} is empty.", "Export it again with a header row.")
            header = first_record[2]
            if any("\n" in cell or "\r" in cell for cell in header):
                raise UnreadableFile(
                    f"{display}: the header row has an unbalanced quote, so the file cannot be split into columns.",
                    "Open it in a text editor, fix the quote in the first line, and save it as CSV again.",
                )
            check_width(len(header), display)
            columns = clean_header(header)
            width = len(columns)
            values: list[list[str]] = [[] for _ in columns]
            rows: list[int] = []
            malformed: list[tuple[int, str]] = []
            position = 1
            for first, last, record in records:
                position += 1
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line: a spreadsheet shows it as an empty row
                if last - first >= MAX_VALUE_LINES and any("\n" in cell or "\r" in cell for cell in record):
                    at_end = next(reader, None) is None
                    where = "before the end of the file" if at_end else f"before line {last}"
                    raise _unclosed_quote(display, first, last, where)
                swallowed = last > first and _holds_rows(record, delimiter, width)
                if len(record) != width or swallowed:
                    problem = _shape_problem(len(record), width) if len(record) != width else ""
                    if last > first and any("\n" in cell or "\r" in cell for cell in record):
                        problem = (
                            f"starts a quoted value on line {first} that is only closed on line {last}, so "
                            f"lines {first}-{last} were read as one row"
                            + (f" ({problem})" if problem else ", swallowing the rows between")
                        )
                    malformed.append((position, problem))
                    record = (record + [""] * width)[:width]
                rows.append(position)
                spans[position] = (first, last)
                for column_values, value in zip(values, record, strict=True):
                    column_values.append(value)
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"{display} has text in an unknown encoding.", "Save it as UTF-8."
            ) from error
    frame = pd.DataFrame(
        {
            column: pd.array(column_values, dtype="str")
            for column, column_values in zip(columns, values, strict=True)
        },
        index=pd.Index(rows, dtype="int64"),
    )
    if not columns:
        frame = pd.DataFrame(index=pd.Index(rows, dtype="int64"))
    return RawTable(
        display, path, frame, encoding_label(encoding), delimiter, malformed_rows=malformed, line_spans=spans
    )


def _holds_rows(record: list[str], delimiter: str, width: int) -> bool:
    """A multi-line value with a line that looks like a whole row: a quote left open swallowed rows."""
    return width > 1 and any(
        line.count(delimiter) >= width - 1
        for cell in record
        if "\n" in cell or "\r" in cell
        for line in cell.splitlines()
    )


def _records(reader: _csv.Reader, display: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, record) for each record; a reader error becomes UnreadableFile naming the
    line where the failing record starts (not where the reader gave up)."""
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            too_long = "field larger than field limit" in str(error)
            if too_long and reader.line_num <= start:
                raise UnreadableFile(
                    f"{display}: line {start} has a value longer than {_size(MAX_FIELD_CHARS)}, "
                    "which no roster value is.",
                    f"Check line {start} (a damaged export, or the wrong file), or export it again as CSV.",
                ) from error
            if too_long:
                raise _unclosed_quote(
                    display,
                    start,
                    reader.line_num,
                    f"within {_size(MAX_FIELD_CHARS)} (line {reader.line_num})",
                ) from error
            raise UnreadableFile(
                f"{display} is not a well-formed delimited file (line {start}: {error}).",
                f"Check the quoting on line {start}, or export it again as CSV.",
            ) from error
        yield start, reader.line_num, record
        start = reader.line_num + 1


def _size(chars: int) -> str:
    return f"{chars / 1024**2:g} MB" if chars >= 1024**2 else f"{chars // 1024:,} KB"


def _unclosed_quote(display: str, first: int, last: int, where: str) -> UnreadableFile:
    return UnreadableFile(
        f"{display}: a quote opens on line {first} and is not closed {where}, so lines {first}-{last} "
        "would be read as one value and their rows lost.",
        f"Open it in a text editor and fix the quote on line {first} (a value containing a quote must be "
        'quoted, with the quote doubled: "a ""b"" c"), or export it again as CSV.',
    )


def _shape_problem(found: int, width: int) -> str:
    if found > width:
        return f"has {found} values but the header has {width} columns; the extra values were ignored"
    return f"has {found} values but the header has {width} columns; the missing ones were read as empty"
