"""Reading one tabular file (CSV/TSV/TXT or XLSX) into a frame of text, with sniffed encoding and delimiter.

Every value is text ("" for empty) so leading zeros and odd spellings survive. The frame's index is the row
number a spreadsheet shows for each record (header = 1), which is what every issue reports.
"""

from __future__ import annotations

import _csv
import codecs
import csv
import datetime as dt
import io
import logging
import mmap
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from wizard.errors import UserFacingError

DELIMITERS = (",", ";", "\t", "|")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", "")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# Files up to this size are parsed by the csv module, which keeps exact row numbers across blank lines and
# reports ragged rows; larger ones go through pyarrow's multi-threaded reader.
SMALL_FILE_BYTES = 2 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 8 * 1024 * 1024
# Limits that keep a hostile or damaged file from taking the machine: no roster has more columns than this,
# and no roster value is longer (csv's own default limit, 128 KB, is raised so a long but well-formed note
# is read). Beyond them the file is refused with a message saying where and what to do.
MAX_COLUMNS = 2000
MAX_FIELD_CHARS = 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
# A quoted value running over more lines than this is an unbalanced quote, not a multi-line note.
MAX_VALUE_LINES = 50

log = logging.getLogger(__name__)


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


def read_table(path: Path, *, sheet: str | None = None, name: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT or XLSX file as text. Raises UnreadableFile with a message for a person.

    Whatever goes wrong while reading one file is about that file: it becomes an UnreadableFile naming it,
    never an internal error (the traceback of an unexpected failure goes to the log).
    """
    display = display_name(name or path.name)
    problem = regular_file_problem(path, display)
    if problem is not None:
        hint = "Check the path and try again." if "not found" in problem else "Give the export file itself."
        if "folder" in problem:
            hint = "Give the files inside it instead."
        raise UnreadableFile(problem, hint)
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_xlsx(path, display, sheet)
        if suffix == ".xls":
            raise UnreadableFile(
                f"{display} is an old Excel 97-2003 workbook, which cannot be read.",
                "Save it as .xlsx or CSV and try again.",
            )
        if zipfile.is_zipfile(path) and suffix not in TEXT_SUFFIXES:
            raise UnreadableFile(f"{display} is a zip archive, not a table.", "Give the zip as an input.")
        return _read_text(path, display)
    except UnreadableFile:
        raise
    except PermissionError as error:
        raise UnreadableFile(
            f"{display} cannot be opened: permission denied.", "Check its permissions."
        ) from error
    except OSError as error:
        raise UnreadableFile(
            f"{display} cannot be read: {error.strerror or error}.",
            "Copy it to a local folder and try again.",
        ) from error
    except (MemoryError, RecursionError) as error:
        raise UnreadableFile(
            f"{display} is too large or too deeply nested to read with the memory available.",
            "Check that it is the right export; split it into smaller files if it is.",
        ) from error
    except Exception as error:
        log.info("reading %s failed", display, exc_info=True)
        raise UnreadableFile(
            f"{display} cannot be read as a table ({type(error).__name__}: {error}).",
            "Export it again from your SIS as CSV or XLSX.",
        ) from error


# --- text files -------------------------------------------------------------------------------------------


@dataclass
class ByteScan:
    """What one pass over a text file's bytes found."""

    encoding: str
    nul: bool = False  # a NUL byte somewhere (never copied to the output)
    mixed: bool = False  # not UTF-8 as a whole, yet it holds UTF-8 sequences: lines in two encodings
    mojibake_hint: bool = False  # UTF-8 bytes of "Ã", "Â" or "â€": text garbled by a wrong encoding once


_MOJIBAKE_BYTES = (b"\xc3\x83", b"\xc3\x82", b"\xc3\xa2\xe2\x82\xac")


def sniff_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by byte-order mark, else utf-8 when the whole file decodes, else cp1252."""
    return scan_bytes(path).encoding


def scan_bytes(path: Path) -> ByteScan:
    """The encoding (see sniff_encoding), and whether the file has NULs, mixed encodings or mojibake."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return ByteScan("utf-16")
        if len(head) >= 4 and head[1:2] == b"\0" and head[3:4] == b"\0":
            return ByteScan("utf-16-le")
        if len(head) >= 4 and head[0:1] == b"\0" and head[2:3] == b"\0":
            return ByteScan("utf-16-be")
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        valid, nul, hint, tail = True, False, False, b""
        while chunk := handle.read(_DECODE_CHUNK):
            window = tail + chunk
            nul = nul or b"\0" in chunk
            hint = hint or any(marker in window for marker in _MOJIBAKE_BYTES)
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            tail = chunk[-3:]
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    if valid:
        return ByteScan("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", nul, False, hint)
    return ByteScan("cp1252", nul, _holds_utf8_sequence(path), False)


def _holds_utf8_sequence(path: Path) -> bool:
    """Whether a file that is not UTF-8 as a whole still holds UTF-8 sequences (a lead byte followed by a
    continuation byte): then some of its lines were written in UTF-8. Vectorised, one pass."""
    previous = np.zeros(0, dtype=np.uint8)
    with path.open("rb") as handle:
        while chunk := handle.read(_DECODE_CHUNK):
            raw = np.concatenate([previous, np.frombuffer(chunk, dtype=np.uint8)])
            lead = (raw[:-1] >= 0xC2) & (raw[:-1] <= 0xF4)
            continuation = (raw[1:] >= 0x80) & (raw[1:] <= 0xBF)
            if (lead & continuation).any():
                return True
            previous = raw[-1:]
    return False


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the header line into most fields outside quotes; comma on a tie or none."""
    header = _first_record(sample)
    counts = {delimiter: _count_outside_quotes(header, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _first_record(sample: str) -> str:
    in_quotes = False
    for index, char in enumerate(sample):
        if char == '"':
            in_quotes = not in_quotes
        elif char in "\r\n" and not in_quotes:
            return sample[:index]
    return sample


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, in_quotes = 0, False
    for char in line:
        if char == '"':
            in_quotes = not in_quotes
        elif char == delimiter and not in_quotes:
            count += 1
    return count


def _read_text(path: Path, display: str) -> RawTable:
    scan = scan_bytes(path)
    encoding = scan.encoding
    with path.open("rb") as handle:
        raw = handle.read(_SNIFF_BYTES)
    sample = raw.decode(encoding, errors="ignore").lstrip("\ufeff")
    if "\0" in sample and 100 * sample.count("\0") > len(sample):
        raise UnreadableFile(
            f"{display} does not look like a text table (it contains binary data).",
            "Export it from your SIS as CSV or XLSX.",
        )
    if not sample.replace("\0", "").strip():
        raise UnreadableFile(f"{display} is empty.", "Export it again with a header row and its records.")
    delimiter = sniff_delimiter(sample)
    header = _first_record(sample)
    _check_width(_count_outside_quotes(header, delimiter) + 1, display, complete=len(header) < len(sample))
    table: RawTable | None = None
    if scan.mixed:
        text, odd_lines, odd, rest = _decode_mixed(path)
        table = _read_text_python(lambda: io.StringIO(text, newline=""), display, encoding, delimiter, path)
        table.encoding = f"mixed {rest} and {odd}"
        _note_mixed_rows(table, odd_lines, odd, rest)
    elif path.stat().st_size > SMALL_FILE_BYTES and not _has_blank_lines(path, encoding):
        table = _read_text_arrow(path, display, encoding, delimiter)
    if table is None:
        table = _read_text_python(
            lambda: path.open(encoding=encoding, newline="", errors="strict"),
            display,
            encoding,
            delimiter,
            path,
        )
    if scan.nul:
        _remove_nuls(table)
    if scan.mojibake_hint:
        _note_mojibake(table)
    return table


def _check_width(columns: int, display: str, *, complete: bool = True) -> None:
    if columns > MAX_COLUMNS:
        found = f"{columns:,} columns" if complete else f"over {columns:,} columns in its first 64 KB"
        raise UnreadableFile(
            f"{display}: the header row has {found}; a roster export has far fewer "
            f"(at most {MAX_COLUMNS:,} are read).",
            "Check that this is the right file and that it is separated by commas, semicolons, tabs or |.",
        )


def _decode_mixed(path: Path) -> tuple[str, set[int], str, str]:
    """Each line in its own encoding (UTF-8 where it decodes, else Windows-1252); the lines in the rarer one."""
    utf8_lines: set[int] = set()
    latin_lines: set[int] = set()
    texts: list[str] = []
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_lines.add(number)
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
            latin_lines.add(number)
        texts.append(text)
    latin = "Windows-1252 (Latin-1)"
    if len(latin_lines) <= len(utf8_lines):
        return "\n".join(texts), latin_lines, latin, "UTF-8"
    return "\n".join(texts), utf8_lines, "UTF-8", latin


def _note_mixed_rows(table: RawTable, odd_lines: set[int], odd: str, rest: str) -> None:
    for row, (first, last) in table.line_spans.items():
        if any(line in odd_lines for line in range(first, last + 1)):
            values = [str(value) for value in table.frame.loc[row] if not str(value).isascii()]
            example = f" (e.g. {values[0]!r})" if values else ""
            table.notes.append(
                ReadNote(
                    "mixed_encoding",
                    row,
                    "",
                    values[0] if values else "",
                    f"Row {row} of {table.name} is in {odd} while the rest of the file is {rest}; each row was "
                    f"read in its own encoding{example}. Check the names on that row and save the file as UTF-8.",
                )
            )


def _remove_nuls(table: RawTable) -> None:
    """NUL bytes are never copied to the output: each is removed and its row reported."""
    frame = table.frame
    for column in frame.columns:
        series = frame[column]
        found = series.str.contains("\0", regex=False)
        if not found.any():
            continue
        cleaned = series.str.replace("\0", "", regex=False)
        for row, value in cleaned[found].items():
            table.notes.append(
                ReadNote(
                    "nul_byte",
                    _row(row),
                    str(column),
                    str(value),
                    f"Row {row}, {column}: the value holds a NUL byte (an invisible control character a damaged "
                    "export leaves), removed here. Check the value in the SIS and export the file again.",
                )
            )
        frame[column] = cleaned


_CP1252_HIGH = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = f"[\u00c2\u00c3][{_CP1252_HIGH}]|\u00e2\u20ac"


def _row(label: object) -> int:
    return int(str(label))


def _note_mojibake(table: RawTable) -> None:
    """Text that was UTF-8, read as Windows-1252 and saved again ("José" became "JosÃ©"): reported, kept."""
    for column in table.frame.columns:
        series = table.frame[column]
        for row, value in series[series.str.contains(_MOJIBAKE, regex=True)].items():
            try:
                repaired = str(value).encode("cp1252").decode("utf-8")
            except UnicodeError:
                continue
            table.notes.append(
                ReadNote(
                    "mojibake",
                    _row(row),
                    str(column),
                    str(value),
                    f"Row {row}, {column}: {value!r} looks like {repaired!r} garbled by a wrong encoding (UTF-8 "
                    "read as Windows-1252 and saved again). Correct it in the SIS and export the file as UTF-8.",
                )
            )


def _has_blank_lines(path: Path, encoding: str) -> bool:
    if not encoding.startswith("utf-8") and encoding != "cp1252":
        return True  # UTF-16 is rare and small: take the exact path
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(b"\n\n") >= 0 or view.find(b"\n\r\n") >= 0


def _read_text_python(
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
            _check_width(len(header), display)
            columns = _clean_header(header)
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
        display, path, frame, _encoding_label(encoding), delimiter, malformed_rows=malformed, line_spans=spans
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


def _read_text_arrow(path: Path, display: str, encoding: str, delimiter: str) -> RawTable | None:
    """The fast path for big files; None when a row does not fit the header (the exact path then reports it)."""
    ragged: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append(row.number)
        return "skip"

    try:
        with path.open(encoding=encoding, newline="") as handle:
            header = next(csv.reader(handle, delimiter=delimiter), [])
    except (csv.Error, UnicodeDecodeError):
        return None  # the exact path says what is wrong, and where
    _check_width(len(header), display)
    columns = _clean_header(header)
    pa_encoding = "utf8" if encoding.startswith("utf-8") else encoding
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=columns, skip_rows=1, encoding=pa_encoding, block_size=16 * 1024 * 1024
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if ragged or any(
        (pc.max(pc.utf8_length(column)).as_py() or 0) > MAX_FIELD_CHARS for column in table.columns
    ):
        return None  # the exact path reports the row (or the over-long value) where it starts
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return RawTable(display, path, frame, _encoding_label(encoding), delimiter)


def _encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16 with BOM"}.get(
        encoding, encoding.upper().replace("CP1252", "Windows-1252 (cp1252)")
    )


def _clean_header(header: Sequence[str]) -> list[str]:
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


# --- Excel ------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, display: str, sheet: str | None) -> RawTable:
    import openpyxl  # imported here: only XLSX inputs need it

    hint = "Open it in Excel and save it as .xlsx again (or save the sheet as CSV)."
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except UserFacingError:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # a damaged workbook fails in many ways: zip, XML, styles, missing parts
        raise UnreadableFile(
            f"{display} is not a readable Excel workbook ({_xlsx_problem(error)}).", hint
        ) from error
    try:
        if not workbook.sheetnames:
            raise UnreadableFile(f"{display} is an Excel workbook with no sheets.", hint)
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UnreadableFile(
                f"{display} has no sheet named {sheet!r}.",
                f"Its sheets are: {', '.join(workbook.sheetnames)}.",
            )
        records = worksheet.iter_rows(min_row=1, values_only=True)
        header_cells = next(records, None)
        if header_cells is None:
            raise UnreadableFile(f"{display}: the sheet {worksheet.title!r} is empty.", "Add a header row.")
        _check_width(len(header_cells), display)
        columns = _clean_header([_cell_text(cell) for cell in header_cells])
        frame = _frame_from_records(columns, records)
        title = worksheet.title
    except UserFacingError:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as error:
        raise UnreadableFile(
            f"{display}: its sheet cannot be read ({_xlsx_problem(error)}); the workbook is damaged or cut short.",
            hint,
        ) from error
    finally:
        workbook.close()
    return RawTable(display, path, frame, "XLSX", None, sheet=title)


def _xlsx_problem(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"a part of the workbook is missing: {error.args[0] if error.args else error}"
    if isinstance(error, zipfile.BadZipFile | EOFError):
        return f"the file is not a complete workbook: {error}"
    return f"{type(error).__name__}: {error}"


def _frame_from_records(columns: list[str], records: Iterable[Sequence[object]]) -> pd.DataFrame:
    width = len(columns)
    values: list[list[str]] = [[] for _ in columns]
    rows: list[int] = []
    for position, record in enumerate(records, start=2):
        cells = [_cell_text(cell) for cell in record[:width]]
        if not any(cell.strip() for cell in cells):
            continue
        cells += [""] * (width - len(cells))
        rows.append(position)
        for column_values, value in zip(values, cells, strict=True):
            column_values.append(value)
    return pd.DataFrame(
        {
            column: pd.array(column_values, dtype="str")
            for column, column_values in zip(columns, values, strict=True)
        },
        index=pd.Index(rows, dtype="int64"),
    )


EXCEL_EXACT_LIMIT = 1e15


def _cell_text(cell: object) -> str:
    """An Excel cell as the text a person sees: whole numbers without '.0', dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        # Excel keeps 15 significant digits: a longer whole number has already lost digits, so show it as
        # Excel does (1.23456789012346E+19) and let validation flag the damaged id, instead of inventing digits.
        if abs(cell) >= EXCEL_EXACT_LIMIT:
            mantissa, exponent = f"{cell:.14E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def read_header(path: Path) -> list[str]:
    """Only the header row of a text table (for recognising a set's format without reading it); [] when the
    file cannot be read as text."""
    try:
        encoding = sniff_encoding(path)
        with path.open("rb") as handle:
            raw = handle.read(_SNIFF_BYTES)
    except OSError:
        return []
    sample = raw.decode(encoding, errors="ignore").lstrip("\ufeff")
    first = _first_record(sample)
    if not first.strip():
        return []
    return _clean_header(next(csv.reader([first], delimiter=sniff_delimiter(sample)), []))
