"""One input table as read (`RawTable`), what reading it found (`ReadNote`), why a file cannot be read
(`UnreadableFile`) and the limits every reader keeps (see wizard/roster/readers.py)."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wizard.errors import UserFacingError

# Limits that keep a hostile or damaged file from taking the machine: no roster has more columns than this,
# and no roster value is longer (csv's own default limit, 128 KB, is raised so a long but well-formed note
# is read). Beyond them the file is refused with a message saying where and what to do.
MAX_COLUMNS = 2000
MAX_FIELD_CHARS = 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
# A quoted value running over more lines than this is an unbalanced quote, not a multi-line note.
MAX_VALUE_LINES = 50


class UnreadableFile(UserFacingError):
    """A file that cannot be read as a table at all (missing, binary, corrupt, wrong sheet)."""


@dataclass(frozen=True)
class ReadNote:
    """Something found while reading that the report must show: issue `code`, spreadsheet `row`, column."""

    code: str
    row: int | None
    column: str
    value: str
    message: str


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name as a person (and UTF-8 output) can show it: bytes that are not UTF-8 become U+FFFD."""
    text = os.fspath(name)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def regular_file_problem(path: Path, display: str) -> str | None:
    """Why `path` cannot be read as an input file (missing, a folder, a device, a FIFO), or None.

    Decided from stat() alone: opening a FIFO would wait forever and reading /dev/zero never ends.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{display}: file not found."
    except OSError as error:
        return f"{display} cannot be opened: {error.strerror or error}."
    if stat.S_ISDIR(mode):
        return f"{display} is a folder, not a file."
    if stat.S_ISREG(mode):
        return None
    what = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"{display} is {what}, not a file with data in it."


@dataclass
class RawTable:
    """One input table as read. `frame` holds only text; its index is the spreadsheet row (header = 1)."""

    name: str
    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str | None
    sheet: str | None = None
    # (spreadsheet row, what is wrong) for rows whose shape does not fit the header
    malformed_rows: list[tuple[int, str]] = field(default_factory=list)
    # what the report must also say about this file (mixed encodings, mojibake, NUL bytes)
    notes: list[ReadNote] = field(default_factory=list)
    # spreadsheet row -> (first, last) physical line, where the exact reader read the file
    line_spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)


def check_width(columns: int, display: str, *, complete: bool = True) -> None:
    if columns > MAX_COLUMNS:
        found = f"{columns:,} columns" if complete else f"over {columns:,} columns in its first 64 KB"
        raise UnreadableFile(
            f"{display}: the header row has {found}; a roster export has far fewer "
            f"(at most {MAX_COLUMNS:,} are read).",
            "Check that this is the right file and that it is separated by commas, semicolons, tabs or |.",
        )


def clean_header(header: Sequence[str]) -> list[str]:
    """Header cells trimmed, BOM dropped, blanks named by position and repeats made distinct."""
    columns: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header, start=1):
        name = str(cell).replace("\ufeff", "").replace("\0", "").strip() or f"(column {index})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns.append(name)
    return columns


def encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16 with BOM"}.get(
        encoding, encoding.upper().replace("CP1252", "Windows-1252 (cp1252)")
    )
